"""The ``notify`` CLI as a technician runs it: separate processes, a real SQLite file, a local
HTTP server as the robot/SMS gateway, keyring backends chosen with PYTHON_KEYRING_BACKEND."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.models import Account, Notification
from app.services import Services
from app.services.notifications import queue_tenant_message
from tests.fixtures.notify import KEYRING_FILE_ENV, RecordingHttpServer, Reply, http_server
from tests.fixtures.site import ADMIN, build_small_site

ROOT = Path(__file__).resolve().parents[3]
FILE_KEYRING = "tests.fixtures.notify.JsonFileKeyring"
NO_KEYRING = "keyring.backends.fail.Keyring"


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHUIDIAN_SECRET_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**base, **(env or {})},
        cwd=ROOT,
        input=stdin,
    )


@pytest.fixture
def server() -> Iterator[RecordingHttpServer]:
    with http_server() as s:
        yield s


@pytest.fixture
def site_db(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    url = f"sqlite:///{tmp_path / 'notify.db'}"
    services = Services.for_url(url)
    services.db.upgrade()
    build_small_site(services)
    yield url, services
    services.db.dispose()


def _configure(services: Services, server: RecordingHttpServer, **extra: Any) -> None:
    values: dict[str, Any] = {
        "site.name": "测试小区",
        "notify.tenant_channels": ["sms"],
        "notify.webhook.url": f"{server.base_url}/cgi-bin/webhook/send",
        "notify.webhook.key_secret": "webhook.key",
        "notify.sms.url": f"{server.base_url}/sms",
        "notify.sms.body": '{"mobile": "{phone}", "content": "{text}"}',
        **extra,
    }
    for key, value in values.items():
        services.settings.set(ADMIN, key, value)


def test_secret_set_stores_in_keyring_and_never_prints_it(tmp_path: Path) -> None:
    store = tmp_path / "keyring.json"
    env = {"PYTHON_KEYRING_BACKEND": FILE_KEYRING, KEYRING_FILE_ENV: str(store)}
    out = run("notify", "secret", "set", "webhook.key", env=env, stdin="k-3f9a-SECRET\n")
    assert out.returncode == 0, out.stderr
    assert "已保存密钥“webhook.key”" in out.stdout
    assert "k-3f9a-SECRET" not in out.stdout + out.stderr
    assert json.loads(store.read_text("utf-8")) == {"shuidian/webhook.key": "k-3f9a-SECRET"}
    status = run("notify", "secret", "status", "webhook.key", env=env)
    assert status.returncode == 0 and "已设置" in status.stdout
    assert "k-3f9a-SECRET" not in status.stdout


def test_secret_set_without_backend_explains_in_chinese() -> None:
    out = run(
        "notify", "secret", "set", "smtp.password", env={"PYTHON_KEYRING_BACKEND": NO_KEYRING}
    )
    assert out.returncode == 1
    assert "本机没有可用的系统密钥环" in out.stderr
    assert "SHUIDIAN_SECRET_SMTP_PASSWORD" in out.stderr


def test_notify_test_webhook_with_secret_from_environment(
    site_db: tuple[str, Services], server: RecordingHttpServer
) -> None:
    url, services = site_db
    _configure(services, server)
    out = run(
        "notify",
        "test",
        "--channel",
        "webhook",
        "--url",
        url,
        env={
            "PYTHON_KEYRING_BACKEND": NO_KEYRING,
            "SHUIDIAN_SECRET_WEBHOOK_KEY": "env-key-123",
        },
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "已发送：HTTP 200 errcode=0"
    [req] = server.requests
    assert req.path == "/cgi-bin/webhook/send?key=env-key-123"
    content = req.json()["text"]["content"]
    assert content.startswith("【测试小区】这是一条测试消息")


def test_notify_test_reports_permanent_failure(
    site_db: tuple[str, Services], server: RecordingHttpServer
) -> None:
    url, services = site_db
    _configure(services, server)
    server.script(Reply(400, b"bad phone"))
    out = run("notify", "test", "--channel", "sms", "--to", "138", "--url", url)
    assert out.returncode == 1
    assert "发送失败（不可重试）：短信网关 HTTP 400：bad phone" in out.stderr
    unconfigured = run("notify", "test", "--channel", "email", "--to", "a@b.c", "--url", url)
    assert unconfigured.returncode == 1 and "未配置" in unconfigured.stderr


def test_notify_dispatch_and_list(
    site_db: tuple[str, Services], server: RecordingHttpServer
) -> None:
    url, services = site_db
    _configure(services, server)
    with services.db.uow() as uow:
        account_id = uow.session.execute(select(Account.id).limit(1)).scalar_one()
        queue_tenant_message(
            uow.session,
            kind="top_up",
            account_id=account_id,
            dedup_key="top_up:1",
            params={"amount_fen": 2000},
            now=datetime.now(UTC),
        )
        uow.commit()
    out = run("notify", "dispatch", "--url", url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "认领 1 条：已发送 1，待重试 0，失败 0，跳过 0，退回 0"
    [req] = server.requests
    assert "充值¥20.00已到账" in req.json()["content"]
    with services.db.uow() as uow:
        assert uow.session.execute(select(Notification.state)).scalar_one() == "sent"
    listed = run("notify", "list", "--url", url)
    assert listed.returncode == 0, listed.stderr
    assert "充值到账通知\tsms\tsent\t1" in listed.stdout
    again = run("notify", "dispatch", "--url", url)
    assert again.stdout.splitlines()[0].startswith("认领 0 条")
