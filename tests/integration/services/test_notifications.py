"""Notification outbox on real databases: queueing in the caller's transaction, rate limit by
dedup key, dispatch to a local HTTP server, retries with backoff, permanent failures, lease
recovery after a crash, secrets kept out of logs and rows, two dispatchers at once."""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import keyring
import pytest
from sqlalchemy import insert, select, text

from app.errors import PermissionDeniedError
from app.models import Account, Alarm, Base, Notification
from app.services import Services
from app.services.context import Actor
from app.services.notifications import (
    NotificationDispatcher,
    NotificationService,
    RetryPolicy,
    queue_staff_alarm,
    queue_tenant_message,
)
from app.services.notify_channels import OutgoingMessage
from app.services.secrets import SecretStore
from tests.fixtures.notify import MemoryKeyring, RecordingHttpServer, Reply, http_server
from tests.fixtures.site import ADMIN, build_small_site

NOW = datetime(2026, 11, 24, 6, 5, tzinfo=UTC)  # 14:05 in Asia/Shanghai
WEBHOOK_KEY = "wh-SECRET-3f9a0c7e-key"
SMS_KEY = "sms-SECRET+key/Zz9"


@pytest.fixture
def kr() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    SecretStore().set("webhook.key", WEBHOOK_KEY)
    SecretStore().set("sms.api_key", SMS_KEY)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def server() -> Iterator[RecordingHttpServer]:
    with http_server() as s:
        yield s


def _configure(services: Services, server: RecordingHttpServer, **extra: Any) -> None:
    values: dict[str, Any] = {
        "site.name": "测试小区",
        "notify.tenant_channels": ["sms"],
        "notify.staff_channels": ["webhook"],
        "notify.webhook.url": f"{server.base_url}/cgi-bin/webhook/send",
        "notify.webhook.key_secret": "webhook.key",
        "notify.webhook.timeout_s": 2,
        "notify.sms.url": f"{server.base_url}/sms",
        "notify.sms.body": '{"mobile": "{phone}", "content": "{text}", "apikey": "{api_key}"}',
        "notify.sms.api_key_secret": "sms.api_key",
        "notify.sms.timeout_s": 2,
        **extra,
    }
    for key, value in values.items():
        services.settings.set(ADMIN, key, value)


def _account_id(services: Services, account_no: str) -> int:
    with services.db.uow() as uow:
        return uow.session.execute(
            select(Account.id).where(Account.account_no == account_no)
        ).scalar_one()


def _rows(services: Services) -> list[Notification]:
    with services.db.uow() as uow:
        rows = list(uow.session.scalars(select(Notification).order_by(Notification.id)))
        uow.session.expunge_all()  # keep the loaded values past the unit of work's rollback
        return rows


def _queue(services: Services, account_id: int, kind: str, key: str, **params: object) -> Any:
    with services.db.uow() as uow:
        new_id = queue_tenant_message(
            uow.session, kind=kind, account_id=account_id, dedup_key=key, params=params, now=NOW
        )
        uow.commit()
    return new_id


def _dispatcher(services: Services) -> NotificationDispatcher:
    return NotificationDispatcher(services.db, secrets=SecretStore(environ={}))


# -- queueing ------------------------------------------------------------------------------


def test_tenant_templates_render_chinese_text(
    services: Services, server: RecordingHttpServer
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    acc = _account_id(services, site.accounts["A-1-01"])
    services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 4500, "cash", "t1")
    _queue(services, acc, "low_balance_warning", "w", threshold_fen=5000, days_left=3.6)
    _queue(services, acc, "low_balance_urgent", "u", balance_fen=850, days_left="0.4")
    _queue(services, acc, "cut", "c", balance_fen=-120)
    _queue(services, acc, "restored", "r", balance_fen=10000, time=NOW + timedelta(minutes=7))
    _queue(services, acc, "top_up", "t", amount_fen=10000, balance_fen=14500, receipt_no="2026-07")
    bodies = {n.kind: n.body for n in _rows(services)}
    assert bodies == {
        "low_balance_warning": "【测试小区】王小明便利店您好，A-1-01账户余额¥45.00，"
        "低于提醒金额¥50.00，预计还可使用约3天，请及时充值，以免影响正常用电。",
        "low_balance_urgent": "【测试小区】王小明便利店您好，A-1-01账户余额仅剩¥8.50，"
        "预计可用不足1天，即将欠费停电，请尽快到收费处或线上充值。",
        "cut": "【测试小区】王小明便利店您好，A-1-01账户已欠费（余额-¥1.20），"
        "已于2026-11-24 14:05停止供电。充值后将自动恢复供电。",
        "restored": "【测试小区】王小明便利店您好，A-1-01已于2026-11-24 14:12恢复供电，"
        "当前余额¥100.00。",
        "top_up": "【测试小区】王小明便利店您好，A-1-01于2026-11-24 14:05充值¥100.00已到账"
        "（凭条号2026-07），当前余额¥145.00。",
    }
    first = _rows(services)[0]
    assert (first.audience, first.channel, first.recipient, first.state) == (
        "tenant",
        "sms",
        "13800000001",
        "pending",
    )
    assert first.subject == "【测试小区】余额不足提醒"
    assert first.account_id == acc and first.attempts == 0 and first.next_attempt_at == NOW


def test_custom_template_from_settings(services: Services, server: RecordingHttpServer) -> None:
    site = build_small_site(services)
    _configure(
        services,
        server,
        **{"notify.templates": {"top_up": "{room}充值{amount}，余额{balance}。{unknown}"}},
    )
    acc = _account_id(services, site.accounts["B-1-01"])
    _queue(services, acc, "top_up", "t", amount_fen=123456, balance_fen=123456)
    assert _rows(services)[0].body == "B-1-01充值¥1,234.56，余额¥1,234.56。{unknown}"


def test_same_dedup_key_queues_once_and_keeps_the_transaction(
    services: Services, server: RecordingHttpServer
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    acc = _account_id(services, site.accounts["A-1-02"])
    key = f"low_balance_warning:{acc}:2026-11-24"
    with services.db.uow() as uow:
        first = queue_tenant_message(
            uow.session,
            kind="low_balance_warning",
            account_id=acc,
            dedup_key=key,
            params={"balance_fen": 100},
            now=NOW,
        )
        again = queue_tenant_message(
            uow.session,
            kind="low_balance_warning",
            account_id=acc,
            dedup_key=key,
            params={"balance_fen": 99},
            now=NOW,
        )
        # the caller's transaction is intact after the duplicate (PostgreSQL would refuse any
        # further statement after a failed INSERT)
        uow.session.execute(text("SELECT 1")).scalar_one()
        uow.commit()
    assert isinstance(first, int) and again is None
    assert _queue(services, acc, "low_balance_warning", key, balance_fen=1) is None
    rows = _rows(services)
    assert [(n.id, n.dedup_key) for n in rows] == [(first, key)]
    assert "¥1.00" in rows[0].body


def test_rolled_back_caller_leaves_no_message(
    services: Services, server: RecordingHttpServer
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    acc = _account_id(services, site.accounts["A-1-02"])
    with services.db.uow() as uow:
        queue_tenant_message(
            uow.session, kind="cut", account_id=acc, dedup_key="cut:1", params={}, now=NOW
        )
        # no commit: the producer's transaction failed
    assert _rows(services) == []
    assert _queue(services, acc, "cut", "cut:1") is not None


def test_no_channel_configured_stores_skipped_row(services: Services) -> None:
    site = build_small_site(services)
    acc = _account_id(services, site.accounts["A-1-03"])
    new_id = _queue(services, acc, "top_up", "t:1", amount_fen=500)
    [row] = _rows(services)
    assert row.id == new_id
    assert (row.channel, row.state, row.last_error) == ("none", "skipped", "未配置租户通知渠道")
    assert "充值¥5.00已到账" in row.body
    assert _dispatcher(services).dispatch_due(NOW + timedelta(hours=1)).claimed == 0


def test_several_channels_one_row_each(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(
        services,
        server,
        **{
            "notify.tenant_channels": ["webhook", "sms", "email"],
            "notify.email.host": "127.0.0.1",
        },
    )
    acc = _account_id(services, site.accounts["B-1-02"])
    _queue(services, acc, "cut", "cut:9")
    rows = _rows(services)
    assert [(n.channel, n.dedup_key, n.recipient, n.state) for n in rows] == [
        ("webhook", "cut:9", "13700000005", "pending"),
        ("sms", "cut:9#sms", "13700000005", "pending"),
        ("email", "cut:9#email", "", "skipped"),
    ]
    assert rows[2].last_error is not None and "邮箱" in rows[2].last_error
    assert _queue(services, acc, "cut", "cut:9") is None
    assert len(_rows(services)) == 3


def _alarm(services: Services) -> int:
    with services.db.uow() as uow:
        alarm_id = uow.session.execute(
            insert(Alarm)
            .values(kind="comm_offline", dedup_key="gw:1", message="网关G01离线", details={})
            .returning(Alarm.id)
        ).scalar_one()
        uow.commit()
    return int(alarm_id)


def test_staff_alarm_rows(services: Services, server: RecordingHttpServer) -> None:
    build_small_site(services)
    _configure(
        services,
        server,
        **{
            "notify.staff_channels": ["webhook", "sms"],
            "notify.staff_phones": ["13900000001", "13900000002"],
        },
    )
    alarm_id = _alarm(services)
    with services.db.uow() as uow:
        first = queue_staff_alarm(
            uow.session,
            alarm_id=alarm_id,
            kind="comm_offline",
            message="网关G01（A栋配电间）离线",
            dedup_key=f"alarm:{alarm_id}",
            now=NOW,
        )
        uow.commit()
    rows = _rows(services)
    assert rows[0].id == first
    assert [(n.channel, n.recipient, n.dedup_key) for n in rows] == [
        ("webhook", "", f"alarm:{alarm_id}"),
        ("sms", "13900000001", f"alarm:{alarm_id}#sms"),
        ("sms", "13900000002", f"alarm:{alarm_id}#sms:1"),
    ]
    assert {n.body for n in rows} == {
        "【测试小区】通讯中断：网关G01（A栋配电间）离线（2026-11-24 14:05）"
    }
    assert {(n.audience, n.alarm_id, n.subject) for n in rows} == {
        ("staff", alarm_id, "【测试小区】告警：通讯中断")
    }


def test_bad_arguments_are_programming_errors(services: Services) -> None:
    site = build_small_site(services)
    acc = _account_id(services, site.accounts["A-1-01"])
    with services.db.uow() as uow:
        for kind, params, key in (
            ("bogus", {}, "k"),
            ("top_up", {"amount_fen": 12.5}, "k"),
            ("top_up", {}, "x" * 121),
        ):
            with pytest.raises(ValueError):
                queue_tenant_message(
                    uow.session, kind=kind, account_id=acc, dedup_key=key, params=params, now=NOW
                )
        with pytest.raises(ValueError):
            queue_tenant_message(
                uow.session,
                kind="cut",
                account_id=acc,
                dedup_key="k",
                params={},
                now=datetime(2026, 1, 1),
            )


# -- dispatch ------------------------------------------------------------------------------


def test_dispatch_sends_to_gateway_and_records(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    acc = _account_id(services, site.accounts["A-1-01"])
    new_id = _queue(services, acc, "top_up", "t:1", amount_fen=5000, balance_fen=5000)
    report = _dispatcher(services).dispatch_due(NOW)
    assert (report.claimed, report.sent, report.retrying, report.failed) == (1, 1, 0, 0)
    [req] = server.requests
    assert req.path == "/sms"
    assert req.json() == {
        "mobile": "13800000001",
        "content": "【测试小区】王小明便利店您好，A-1-01于2026-11-24 14:05充值¥50.00已到账，"
        "当前余额¥50.00。",
        "apikey": SMS_KEY,
    }
    [row] = _rows(services)
    assert (row.id, row.state, row.attempts, row.sent_at, row.last_error) == (
        new_id,
        "sent",
        1,
        NOW,
        None,
    )
    assert _dispatcher(services).dispatch_due(NOW + timedelta(hours=2)).claimed == 0
    assert len(server.requests) == 1


def test_retry_after_500_then_sent(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
    server.script(Reply(500, b"internal error"))
    first = _dispatcher(services).dispatch_due(NOW)
    assert (first.claimed, first.retrying) == (1, 1)
    [row] = _rows(services)
    assert (row.state, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        NOW + timedelta(seconds=60),
    )
    assert row.last_error is not None and row.last_error.startswith("短信网关 HTTP 500")
    assert _dispatcher(services).dispatch_due(NOW + timedelta(seconds=59)).claimed == 0
    second = _dispatcher(services).dispatch_due(NOW + timedelta(seconds=60))
    assert (second.claimed, second.sent) == (1, 1)
    [row] = _rows(services)
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, None)
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


def test_permanent_failure_after_400(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
    server.script(Reply(400, b'{"error":"invalid mobile"}'))
    report = _dispatcher(services).dispatch_due(NOW)
    assert (report.failed, report.retrying) == (1, 0)
    [row] = _rows(services)
    assert (row.state, row.attempts, row.sent_at) == ("failed", 1, None)
    assert row.last_error is not None and "invalid mobile" in row.last_error
    assert _dispatcher(services).dispatch_due(NOW + timedelta(days=1)).claimed == 0
    assert len(server.requests) == 1


def test_backoff_schedule_until_failed(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(
        services,
        server,
        **{"notify.max_attempts": 5, "notify.backoff_base_s": 30, "notify.backoff_max_s": 200},
    )
    _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
    server.default = Reply(503, b"busy")
    moment, delays = NOW, []
    for _ in range(4):
        assert _dispatcher(services).dispatch_due(moment).retrying == 1
        [row] = _rows(services)
        delays.append((row.next_attempt_at - moment).total_seconds())
        moment = row.next_attempt_at
    assert delays == [30, 60, 120, 200]
    last = _dispatcher(services).dispatch_due(moment)
    assert last.failed == 1
    [row] = _rows(services)
    assert (row.state, row.attempts) == ("failed", 5)
    assert len(server.requests) == 5
    assert RetryPolicy(backoff_base_s=60, backoff_max_s=3600).backoff(7) == timedelta(hours=1)


def test_crashed_claim_is_sent_after_the_lease(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server, **{"notify.claim_timeout_s": 120})
    _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
    crashed = _dispatcher(services).claim(NOW)  # claimed, then the process died
    assert [m.attempts for m in crashed] == [1]
    assert _dispatcher(services).dispatch_due(NOW + timedelta(seconds=119)).claimed == 0
    assert server.requests == []
    report = _dispatcher(services).dispatch_due(NOW + timedelta(seconds=120))
    assert report.sent == 1
    [row] = _rows(services)
    assert (row.state, row.attempts) == ("sent", 2)
    assert len(server.requests) == 1


def test_channel_removed_after_queueing_is_skipped(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
    services.settings.set(ADMIN, "notify.sms.url", "")
    assert _dispatcher(services).dispatch_due(NOW).skipped == 1
    [row] = _rows(services)
    assert row.state == "skipped" and row.last_error is not None and "未配置" in row.last_error


def test_secrets_never_reach_logs_or_rows(
    services: Services,
    server: RecordingHttpServer,
    kr: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    site = build_small_site(services)
    _configure(services, server, **{"notify.tenant_channels": ["sms", "webhook"]})
    acc = _account_id(services, site.accounts["A-1-01"])
    for n in range(3):
        _queue(services, acc, "cut", f"c:{n}")
    # gateways that echo the request (key included) in their error pages
    # (rows go out in id order: sms, webhook, sms, webhook …)
    server.script(
        Reply(500, f"error for apikey={SMS_KEY}".encode()),
        Reply(200, f'{{"errcode": 93000, "errmsg": "invalid key {WEBHOOK_KEY}"}}'.encode()),
        Reply(400, f"bad request /sms?apikey={urllib.parse.quote(SMS_KEY)}".encode()),
    )
    _dispatcher(services).dispatch_due(NOW)
    _dispatcher(services).dispatch_due(NOW + timedelta(hours=1))
    states = Counter(n.state for n in _rows(services))
    assert states == {"sent": 4, "failed": 2}
    forms = {
        WEBHOOK_KEY,
        SMS_KEY,
        urllib.parse.quote(SMS_KEY),
        urllib.parse.quote(SMS_KEY, safe=""),
        urllib.parse.quote_plus(SMS_KEY),
    }
    dumped: list[str] = []
    with services.db.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for row in uow.session.execute(select(table)):
                dumped.append(repr(tuple(row)))
    everything = "\n".join(dumped) + "\n" + caplog.text
    # the scrubbed errors are recorded
    for scrubbed in ("apikey=***", "invalid key ***", "/sms?apikey=***"):
        assert scrubbed in everything
    for form in forms:
        assert form not in everything
    # settings hold only entry names
    assert "webhook.key" in everything and "sms.api_key" in everything


def test_missing_secret_fails_with_chinese_hint(
    services: Services, server: RecordingHttpServer
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[attr-defined]
    try:
        site = build_small_site(services)
        _configure(services, server)
        _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
        assert _dispatcher(services).dispatch_due(NOW).failed == 1
    finally:
        keyring.set_keyring(previous)
    [row] = _rows(services)
    assert row.last_error is not None
    assert "本机没有可用的系统密钥环" in row.last_error
    assert "SHUIDIAN_SECRET_SMS_API_KEY" in row.last_error
    assert server.requests == []


def test_secret_from_environment_when_no_keyring(
    services: Services, server: RecordingHttpServer
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[attr-defined]
    try:
        site = build_small_site(services)
        _configure(services, server)
        _queue(services, _account_id(services, site.accounts["A-1-01"]), "cut", "c:1")
        store = SecretStore(environ={"SHUIDIAN_SECRET_SMS_API_KEY": "from-env"})
        report = NotificationDispatcher(services.db, secrets=store).dispatch_due(NOW)
    finally:
        keyring.set_keyring(previous)
    assert report.sent == 1
    assert server.requests[0].json()["apikey"] == "from-env"


def test_two_dispatchers_send_each_message_once(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server, **{"notify.batch_size": 4})
    server.default = Reply(200, b"{}", delay_s=0.01)
    accounts = [_account_id(services, no) for no in site.accounts.values()]
    total = 0
    for n in range(8):
        for acc in accounts:
            _queue(services, acc, "low_balance_warning", f"w:{acc}:{n}", balance_fen=n)
            total += 1
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    sent_by = [0, 0]

    def run(me: int) -> None:
        try:
            dispatcher = _dispatcher(services)
            barrier.wait()
            while True:
                report = dispatcher.dispatch_due(NOW)
                if not report.claimed:
                    break
                sent_by[me] += report.sent
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(me,)) for me in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    sent = Counter(req.body for req in server.requests)
    assert len(sent) == total
    assert set(sent.values()) == {1}
    assert sum(sent_by) == total and min(sent_by) > 0  # both really worked in parallel
    assert {(n.state, n.attempts) for n in _rows(services)} == {("sent", 1)}


# -- read side -----------------------------------------------------------------------------


def test_service_lists_and_requeues(
    services: Services, server: RecordingHttpServer, kr: MemoryKeyring
) -> None:
    site = build_small_site(services)
    _configure(services, server)
    acc = _account_id(services, site.accounts["A-1-01"])
    failed_id = _queue(services, acc, "cut", "c:1")
    server.script(Reply(400, b"no"))
    _dispatcher(services).dispatch_due(NOW)
    svc = NotificationService(services.db)
    [view] = svc.recent(ADMIN, state="failed")
    assert (view.id, view.kind_label, view.channel) == (failed_id, "欠费停电通知", "sms")
    assert svc.counts(ADMIN) == {"failed": 1}
    cashier = Actor(None, "c", frozenset({"account.view"}))
    with pytest.raises(PermissionDeniedError):
        svc.requeue(cashier, failed_id)
    svc.requeue(ADMIN, failed_id, now=NOW)
    assert _dispatcher(services).dispatch_due(NOW).sent == 1
    assert svc.counts(ADMIN) == {"sent": 1}


class _SlowChannel:
    """A channel whose every send takes 15 s on a fake monotonic clock."""

    name = "sms"
    timeout_s = 10.0

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock
        self.sent: list[str] = []

    def send(self, message: OutgoingMessage) -> str:
        self.clock[0] += 15
        self.sent.append(message.body)
        return "ok"

    def scrub(self, text: str) -> str:
        return text


def test_sends_stop_before_the_lease_runs_out(
    services: Services, server: RecordingHttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = build_small_site(services)
    _configure(services, server, **{"notify.claim_timeout_s": 30})
    acc = _account_id(services, site.accounts["A-1-01"])
    for n in range(4):
        _queue(services, acc, "cut", f"c:{n}")
    clock = [1000.0]
    monkeypatch.setattr("app.services.notifications.time.monotonic", lambda: clock[0])
    channel = _SlowChannel(clock)
    dispatcher = NotificationDispatcher(services.db, channels={"sms": channel})
    # lease = max(30, 4 × 10 + 1) = 41 s; a send needs 2 × 10 s left: two go, two are released
    report = dispatcher.dispatch_due(NOW)
    assert (report.claimed, report.sent, report.released) == (4, 2, 2)
    rows = _rows(services)
    assert [(n.state, n.attempts, n.next_attempt_at) for n in rows[2:]] == [
        ("pending", 0, NOW),
        ("pending", 0, NOW),
    ]
    assert dispatcher.dispatch_due(NOW).sent == 2
    assert len(channel.sent) == 4
    assert {(n.state, n.attempts) for n in _rows(services)} == {("sent", 1)}
