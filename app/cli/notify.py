"""``notify`` commands: send a test message, run one dispatch pass, store a secret in the keyring,
list the outbox (NOTE-1, SEC-4)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_url_option, resolve_url

if TYPE_CHECKING:
    from app.services.secrets import SecretStore
    from app.services.unit_of_work import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("notify", help="tenant/staff notifications: test, dispatch, secrets")
    nsub = p.add_subparsers(dest="notify_command", metavar="ACTION", required=True)

    t = nsub.add_parser("test", help="send one test message through a channel and print the result")
    t.add_argument("--channel", required=True, choices=["webhook", "sms", "email"])
    t.add_argument(
        "--to",
        default="",
        help="phone (sms), e-mail address(es) (email), phone to @mention (webhook, optional)",
    )
    t.add_argument("--text", default=None, help="message text (default: a Chinese test line)")
    t.set_defaults(func=_test)

    d = nsub.add_parser("dispatch", help="send the due messages of the outbox once")
    d.set_defaults(func=_dispatch)

    ls = nsub.add_parser("list", help="the latest outbox rows")
    ls.add_argument("--state", choices=["pending", "sent", "failed", "skipped"])
    ls.add_argument("--limit", type=int, default=20)
    ls.set_defaults(func=_list)

    s = nsub.add_parser("secret", help="notification secrets in the OS keyring")
    ssub = s.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    ss = ssub.add_parser(
        "set", help="store a secret (value from standard input, or typed without echo)"
    )
    ss.add_argument("name", help="keyring entry name, as in the settings (e.g. webhook.key)")
    ss.set_defaults(func=_secret_set)
    st = ssub.add_parser("status", help="which keyring backend is used; whether NAME is set")
    st.add_argument("name", nargs="?")
    st.set_defaults(func=_secret_status)

    for parser in (t, d, ls):
        add_url_option(parser)


def _database(args: argparse.Namespace) -> Database:
    from app.services.unit_of_work import Database

    return Database(resolve_url(args))


def _interactive_prompt(name: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"密钥“{name}”未在密钥环中，请输入（仅本次使用，不保存）：") or None


def _store(*, prompt: bool = False) -> SecretStore:
    from app.services.secrets import SecretStore

    return SecretStore(prompt=_interactive_prompt if prompt else None)


def _test(args: argparse.Namespace) -> int:
    from app.services.notifications import format_local_time
    from app.services.notify_channels import (
        DeliveryError,
        OutgoingMessage,
        build_channel,
        channel_configured,
    )
    from app.services.settings import read_settings

    db = _database(args)
    try:
        with db.uow() as uow:
            settings = read_settings(uow.session)
    finally:
        db.dispose()
    if not channel_configured(settings, args.channel):
        raise CliError(f"渠道 {args.channel} 未配置（见 docs/NOTIFICATIONS.md 的设置项）", code=1)
    if args.channel in ("sms", "email") and not args.to:
        raise CliError("--to is required for sms and email")
    site = settings.get("site.name") or ""
    now = format_local_time(datetime.now(UTC), settings)
    text = args.text or f"【{site}】这是一条测试消息，通知渠道工作正常（{now}）。"
    channel = build_channel(args.channel, settings, _store(prompt=True))
    try:
        detail = channel.send(OutgoingMessage(args.channel, args.to, f"【{site}】测试消息", text))
    except DeliveryError as exc:
        kind = "可重试" if exc.retryable else "不可重试"
        print(f"发送失败（{kind}）：{exc.message}", file=sys.stderr)
        return 1
    print(f"已发送：{detail}")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    from app.services.notifications import NotificationDispatcher

    db = _database(args)
    try:
        report = NotificationDispatcher(db, secrets=_store()).dispatch_due()
    finally:
        db.dispose()
    print(report.summary())
    for r in report.results:
        line = f"  #{r.notification_id} {r.channel} {r.state} (第 {r.attempts} 次)"
        print(f"{line} {r.detail}" if r.detail else line)
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.context import Actor
    from app.services.notifications import NotificationService

    db = _database(args)
    try:
        rows = NotificationService(db).recent(
            Actor.system("cli"), state=args.state, limit=args.limit
        )
    finally:
        db.dispose()
    for n in rows:
        print(
            f"#{n.id}\t{n.created_at:%Y-%m-%d %H:%M}\t{n.kind_label}\t{n.channel}\t{n.state}\t"
            f"{n.attempts}\t{n.body[:40]}\t{n.last_error or ''}"
        )
    return 0


def _read_secret_value(name: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"输入密钥“{name}”（不回显）：")
        if getpass.getpass("再输入一次：") != first:
            raise CliError("两次输入不一致，未保存", code=1)
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _secret_set(args: argparse.Namespace) -> int:
    from app.services.secrets import SecretError

    store = _store()
    try:
        status = store.backend_status()
        if not status.usable:
            # say it before asking for the value
            from app.services.secrets import NoSecretBackendError

            raise NoSecretBackendError(args.name, status.description)
        store.set(args.name, _read_secret_value(args.name))
    except SecretError as exc:
        raise CliError(str(exc), code=1) from exc
    print(f"已保存密钥“{args.name}”到系统密钥环（服务 {store.service}，{status.description}）。")
    return 0


def _secret_status(args: argparse.Namespace) -> int:
    from app.services.secrets import env_var_name, no_backend_message

    store = _store()
    status = store.backend_status()
    print(f"密钥环后端：{status.description}（{'可用' if status.usable else '不可用'}）")
    if not status.usable:
        print(no_backend_message(args.name))
    if args.name:
        found = store.is_set(args.name)
        print(
            f"密钥“{args.name}”：{'已设置' if found else '未设置'}"
            f"（环境变量备用：{env_var_name(args.name)}）"
        )
        return 0 if found else 1
    return 0 if status.usable else 1
