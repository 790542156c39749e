"""Notification channels against real local peers: an HTTP server for the WeChat Work robot and
the SMS gateway, aiosmtpd for e-mail; secrets from an in-memory keyring."""

from __future__ import annotations

import json
import socket
import ssl
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.services.notify_channels import (
    DeliveryError,
    EmailChannel,
    OutgoingMessage,
    SmsGatewayChannel,
    WebhookChannel,
    truncate_utf8,
)
from app.services.secrets import SecretStore
from tests.fixtures.notify import (
    MemoryKeyring,
    RecordingHttpServer,
    Reply,
    http_server,
    make_self_signed_cert,
    smtp_server,
)

WEBHOOK_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
SMS_KEY = "sk_live_Q2h+pa/ss&word"
SMTP_PASSWORD = "m@il-Pa55wörd"


@pytest.fixture
def kr() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    store = SecretStore()
    store.set("webhook.key", WEBHOOK_KEY)
    store.set("sms.api_key", SMS_KEY)
    store.set("smtp.password", SMTP_PASSWORD)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def server() -> Iterator[RecordingHttpServer]:
    with http_server() as s:
        yield s


def _webhook(server: RecordingHttpServer, **extra: Any) -> WebhookChannel:
    settings = {
        "notify.webhook.url": f"{server.base_url}/cgi-bin/webhook/send",
        "notify.webhook.key_secret": "webhook.key",
        "notify.webhook.timeout_s": 2,
        **extra,
    }
    return WebhookChannel(settings, SecretStore())


def _msg(channel: str, recipient: str = "", body: str = "测试消息") -> OutgoingMessage:
    return OutgoingMessage(channel, recipient, "【测试小区】余额不足提醒", body)


# -- WeChat Work robot ---------------------------------------------------------------------


def test_webhook_posts_exact_json_with_key_from_keyring(
    kr: MemoryKeyring, server: RecordingHttpServer
) -> None:
    detail = _webhook(server).send(_msg("webhook", "13800000001", "【测试小区】A-1-01 余额¥12.34"))
    assert detail == "HTTP 200 errcode=0"
    [req] = server.requests
    assert req.method == "POST"
    assert req.path == f"/cgi-bin/webhook/send?key={WEBHOOK_KEY}"
    assert req.headers["Content-Type"] == "application/json; charset=utf-8"
    assert req.json() == {
        "msgtype": "text",
        "text": {
            "content": "【测试小区】A-1-01 余额¥12.34",
            "mentioned_mobile_list": ["13800000001"],
        },
    }


def test_webhook_key_placeholder_and_no_mention(
    kr: MemoryKeyring, server: RecordingHttpServer
) -> None:
    channel = _webhook(server, **{"notify.webhook.url": f"{server.base_url}/hook/{{key}}/send"})
    channel.send(_msg("webhook"))
    [req] = server.requests
    assert req.path == f"/hook/{WEBHOOK_KEY}/send"
    assert req.json() == {"msgtype": "text", "text": {"content": "测试消息"}}


def test_webhook_refuses_key_written_into_settings(
    kr: MemoryKeyring, server: RecordingHttpServer
) -> None:
    channel = _webhook(
        server,
        **{
            "notify.webhook.url": f"{server.base_url}/send?key=plain-in-settings",
            "notify.webhook.key_secret": "",
        },
    )
    with pytest.raises(DeliveryError) as err:
        channel.send(_msg("webhook"))
    assert not err.value.retryable
    assert "密钥不得写在设置里" in err.value.message
    assert server.requests == []


@pytest.mark.parametrize(
    ("reply", "retryable", "fragment"),
    [
        (Reply(500, b"oops"), True, "HTTP 500"),
        (Reply(503, b""), True, "HTTP 503"),
        (Reply(429, b""), True, "HTTP 429"),
        (Reply(400, b'{"errmsg":"bad"}'), False, "HTTP 400"),
        (Reply(404, b""), False, "HTTP 404"),
        (Reply(200, b'{"errcode":45009,"errmsg":"api freq out of limit"}'), True, "45009"),
        (Reply(200, b'{"errcode":-1,"errmsg":"system busy"}'), True, "errcode=-1"),
        (Reply(200, b'{"errcode":93000,"errmsg":"invalid webhook url"}'), False, "93000"),
    ],
)
def test_webhook_error_classification(
    kr: MemoryKeyring,
    server: RecordingHttpServer,
    reply: Reply,
    retryable: bool,
    fragment: str,
) -> None:
    server.script(reply)
    with pytest.raises(DeliveryError) as err:
        _webhook(server).send(_msg("webhook"))
    assert err.value.retryable is retryable
    assert fragment in err.value.message


def test_webhook_timeout_and_refused_connection_are_retryable(
    kr: MemoryKeyring, server: RecordingHttpServer
) -> None:
    server.script(Reply(delay_s=1.5))
    channel = _webhook(server, **{"notify.webhook.timeout_s": 0.3})
    with pytest.raises(DeliveryError) as err:
        channel.send(_msg("webhook"))
    assert err.value.retryable
    assert "超时" in err.value.message or "网络错误" in err.value.message

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    channel = WebhookChannel(
        {"notify.webhook.url": f"http://127.0.0.1:{closed_port}/send"}, SecretStore()
    )
    with pytest.raises(DeliveryError) as err:
        channel.send(_msg("webhook"))
    assert err.value.retryable
    assert "连接被拒绝" in err.value.message


def test_webhook_secret_missing_is_permanent_with_chinese_hint(server: RecordingHttpServer) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with pytest.raises(DeliveryError) as err:
            _webhook(server).send(_msg("webhook"))
    finally:
        keyring.set_keyring(previous)
    assert not err.value.retryable
    assert "密钥“webhook.key”尚未设置" in err.value.message
    assert server.requests == []


def test_webhook_error_text_never_echoes_the_key(
    kr: MemoryKeyring, server: RecordingHttpServer
) -> None:
    # a proxy that echoes the request line back in its error page
    server.script(Reply(502, f"bad gateway for /send?key={WEBHOOK_KEY}".encode()))
    with pytest.raises(DeliveryError) as err:
        _webhook(server).send(_msg("webhook"))
    assert WEBHOOK_KEY not in err.value.message
    assert "key=***" in err.value.message


def test_webhook_long_text_cut_to_robot_limit() -> None:
    text = "电" * 1000  # 3000 bytes
    cut = truncate_utf8(text, 2048)
    assert len(cut.encode("utf-8")) <= 2048
    assert cut.endswith("…")


# -- SMS gateway ---------------------------------------------------------------------------


def _sms(server: RecordingHttpServer, **extra: Any) -> SmsGatewayChannel:
    settings = {
        "notify.sms.url": f"{server.base_url}/sms/send",
        "notify.sms.method": "POST",
        "notify.sms.headers": {
            "Content-Type": "application/json; charset=utf-8",
            "X-Auth": "Token {api_key}",
        },
        "notify.sms.body": (
            '{"mobile": "{phone}", "content": "{sign}{text}", "apikey": "{api_key}", '
            '"extra": {"n": 1}}'
        ),
        "notify.sms.sign": "【测试物业】",
        "notify.sms.api_key_secret": "sms.api_key",
        "notify.sms.timeout_s": 2,
        **extra,
    }
    return SmsGatewayChannel(settings, SecretStore())


def test_sms_json_template_exact_body(kr: MemoryKeyring, server: RecordingHttpServer) -> None:
    body = '您好，"A-1-01"余额¥12.34\n请充值'
    assert _sms(server).send(_msg("sms", "13800000001", body)) == "HTTP 200"
    [req] = server.requests
    assert (req.method, req.path) == ("POST", "/sms/send")
    assert req.headers["X-Auth"] == f"Token {SMS_KEY}"
    assert req.json() == {
        "mobile": "13800000001",
        "content": "【测试物业】" + body,
        "apikey": SMS_KEY,
        "extra": {"n": 1},
    }


def test_sms_form_body_and_get_url(kr: MemoryKeyring, server: RecordingHttpServer) -> None:
    form = _sms(
        server,
        **{
            "notify.sms.headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "notify.sms.body": "to={phone}&msg={text}&key={api_key}",
        },
    )
    form.send(_msg("sms", "13800000002", "余额 ¥1.00 & 提醒"))
    get = _sms(
        server,
        **{
            "notify.sms.method": "GET",
            "notify.sms.url": f"{server.base_url}/send?u={{api_key}}&m={{phone}}&c={{text}}",
            "notify.sms.headers": {},
        },
    )
    get.send(_msg("sms", "13800000003", "充值 ¥5.00"))
    first, second = server.requests
    assert urllib.parse.parse_qs(first.body.decode()) == {
        "to": ["13800000002"],
        "msg": ["余额 ¥1.00 & 提醒"],
        "key": [SMS_KEY],
    }
    assert second.method == "GET" and second.body == b""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(second.path).query)
    assert query == {"u": [SMS_KEY], "m": ["13800000003"], "c": ["充值 ¥5.00"]}


def test_sms_success_field(kr: MemoryKeyring, server: RecordingHttpServer) -> None:
    channel = _sms(
        server, **{"notify.sms.success_field": "result.code", "notify.sms.success_value": "0"}
    )
    server.script(Reply(200, b'{"result": {"code": 0, "msg": "ok"}}'))
    assert channel.send(_msg("sms", "13800000001")) == "HTTP 200 result.code=0"
    server.script(Reply(200, b'{"result": {"code": 1024, "msg": "blacklisted"}}'))
    with pytest.raises(DeliveryError) as err:
        channel.send(_msg("sms", "13800000001"))
    assert not err.value.retryable
    assert "result.code=1024" in err.value.message and "blacklisted" in err.value.message


def test_sms_statuses_and_bad_template(kr: MemoryKeyring, server: RecordingHttpServer) -> None:
    server.script(Reply(500, b"down"), Reply(401, b"unauthorized"))
    with pytest.raises(DeliveryError) as err:
        _sms(server).send(_msg("sms", "13800000001"))
    assert err.value.retryable
    with pytest.raises(DeliveryError) as err:
        _sms(server).send(_msg("sms", "13800000001"))
    assert not err.value.retryable

    broken = _sms(server, **{"notify.sms.body": '{"mobile": "{phone}",}'})
    with pytest.raises(DeliveryError) as err:
        broken.send(_msg("sms", "13800000001"))
    assert not err.value.retryable and "JSON" in err.value.message
    assert len(server.requests) == 2


def test_sms_needs_a_phone(kr: MemoryKeyring, server: RecordingHttpServer) -> None:
    with pytest.raises(DeliveryError) as err:
        _sms(server).send(_msg("sms", ""))
    assert not err.value.retryable


# -- e-mail --------------------------------------------------------------------------------


def _email_settings(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "notify.email.host": "127.0.0.1",
        "notify.email.port": port,
        "notify.email.security": "none",
        "notify.email.user": "",
        "notify.email.from": "物业收费处 <billing@example.com>",
        "notify.email.timeout_s": 5,
        **extra,
    }


def test_email_plain_with_login(kr: MemoryKeyring) -> None:
    with smtp_server(users={"billing": SMTP_PASSWORD}) as smtp:
        channel = EmailChannel(
            _email_settings(
                smtp.port,
                **{
                    "notify.email.user": "billing",
                    "notify.email.password_secret": "smtp.password",
                },
            ),
            SecretStore(),
        )
        detail = channel.send(
            OutgoingMessage(
                "email", "a@example.com, b@example.com", "【测试小区】告警：通讯中断", "网关G01离线"
            )
        )
    assert detail.startswith("SMTP 127.0.0.1")
    assert smtp.logins == ["billing"]
    [(mail_from, rcpts)] = smtp.envelopes
    assert (mail_from, rcpts) == ("billing@example.com", ["a@example.com", "b@example.com"])
    [mail] = smtp.messages
    assert mail["Subject"] == "【测试小区】告警：通讯中断"
    assert mail.get_content().strip() == "网关G01离线"


def test_email_wrong_password_is_permanent(kr: MemoryKeyring) -> None:
    with smtp_server(users={"billing": "something-else"}) as smtp:
        channel = EmailChannel(
            _email_settings(
                smtp.port,
                **{
                    "notify.email.user": "billing",
                    "notify.email.password_secret": "smtp.password",
                },
            ),
            SecretStore(),
        )
        with pytest.raises(DeliveryError) as err:
            channel.send(OutgoingMessage("email", "a@example.com", "s", "b"))
    assert not err.value.retryable
    assert "拒绝登录" in err.value.message
    assert SMTP_PASSWORD not in err.value.message
    assert smtp.messages == []


def test_email_unreachable_server_is_retryable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    channel = EmailChannel(_email_settings(port), SecretStore())
    with pytest.raises(DeliveryError) as err:
        channel.send(OutgoingMessage("email", "a@example.com", "s", "b"))
    assert err.value.retryable


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    made = make_self_signed_cert(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("the openssl tool is needed to make a test certificate")
    return made


def _server_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    return context


def test_email_starttls_verifies_certificate_with_ca_file(
    kr: MemoryKeyring, tls_files: tuple[Path, Path]
) -> None:
    cert, _key = tls_files
    with smtp_server(
        users={"billing": SMTP_PASSWORD},
        tls_context=_server_context(tls_files),
        require_starttls=True,
    ) as smtp:
        settings = _email_settings(
            smtp.port,
            **{
                "notify.email.security": "starttls",
                "notify.email.user": "billing",
                "notify.email.password_secret": "smtp.password",
            },
        )
        # without our CA the self-signed certificate is refused: a configuration error
        with pytest.raises(DeliveryError) as err:
            EmailChannel(settings, SecretStore()).send(
                OutgoingMessage("email", "a@example.com", "s", "b")
            )
        assert not err.value.retryable and "证书" in err.value.message
        trusted = EmailChannel({**settings, "notify.email.ca_file": str(cert)}, SecretStore())
        trusted.send(OutgoingMessage("email", "a@example.com", "主题", "正文"))
    assert smtp.logins == ["billing"]
    assert [m["Subject"] for m in smtp.messages] == ["主题"]


def test_email_implicit_tls(kr: MemoryKeyring, tls_files: tuple[Path, Path]) -> None:
    cert, _key = tls_files
    with smtp_server(implicit_tls_context=_server_context(tls_files)) as smtp:
        channel = EmailChannel(
            _email_settings(
                smtp.port,
                **{"notify.email.security": "tls", "notify.email.ca_file": str(cert)},
            ),
            SecretStore(),
        )
        channel.send(OutgoingMessage("email", "a@example.com", "主题", "正文"))
    assert len(smtp.messages) == 1


def test_secret_forms_are_scrubbed(kr: MemoryKeyring, server: RecordingHttpServer) -> None:
    channel = _sms(server)
    channel.send(_msg("sms", "13800000001"))
    for form in (
        SMS_KEY,
        urllib.parse.quote(SMS_KEY),
        urllib.parse.quote(SMS_KEY, safe=""),
        urllib.parse.quote_plus(SMS_KEY),
        json.dumps(SMS_KEY)[1:-1],
    ):
        assert channel.scrub(f"echo {form} end") == "echo *** end"
    assert (
        channel.scrub("k=" + urllib.parse.quote(SMS_KEY, safe="").lower())
        == "（内容含密钥，已隐藏）"
    )
    assert channel.scrub("nothing secret here") == "nothing secret here"
