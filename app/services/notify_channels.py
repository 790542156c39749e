"""Notification channels (NOTE-1): WeChat Work group robot, template-configured HTTP SMS gateway,
SMTP e-mail. One class per channel; each sends one message synchronously with a timeout and
raises :class:`DeliveryError` saying whether trying again may help.

Channels read their configuration from the settings dict and their secrets from a
:class:`~app.services.secrets.SecretStore` at send time; every text that leaves a channel (error
messages, response snippets) passes through ``scrub`` so a secret never reaches a log or a row.
"""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

from app.services.secrets import SecretError, SecretStore, SecretUnavailableError

logger = logging.getLogger(__name__)

CHANNEL_NAMES = ("webhook", "sms", "email")
WEBHOOK_MAX_BYTES = 2048  # WeChat Work robot: text content at most 2048 bytes (UTF-8)
_MAX_RESPONSE_BYTES = 65536
_SNIPPET_CHARS = 200
# WeChat Work errcodes worth another try: -1 system busy, 45009 robot frequency limit (20/min).
WEBHOOK_RETRYABLE_ERRCODES = frozenset({-1, 45009, 45033})
_SMS_PLACEHOLDERS = ("phone", "text", "sign", "api_key", "api_secret", "timestamp", "subject")


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel sends: ``recipient`` is a phone (sms), comma-separated addresses (email) or
    the phone to @mention in the group ("" for none, webhook)."""

    channel: str
    recipient: str
    subject: str
    body: str


class DeliveryError(Exception):
    """Sending failed; ``retryable`` says whether the same message may succeed later."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class NotificationChannel(Protocol):
    name: str
    timeout_s: float

    def send(self, message: OutgoingMessage) -> str:
        """Deliver ``message``; return a short description of the success (no secrets)."""
        ...

    def scrub(self, text: str) -> str:
        """``text`` with every secret this channel used replaced by ``***``."""
        ...


class _Secrets:
    """The secrets one channel has fetched, for scrubbing outgoing texts."""

    def __init__(self, store: SecretStore) -> None:
        self.store = store
        self.raw: set[str] = set()
        self.values: set[str] = set()

    def get(self, entry: str) -> str:
        try:
            value = self.store.get(entry)
        except SecretUnavailableError as exc:
            raise DeliveryError(str(exc), retryable=True) from None
        except SecretError as exc:
            raise DeliveryError(str(exc), retryable=False) from None
        self.raw.add(value)
        # the URL-encoded and JSON-escaped forms may appear in echoed requests too
        self.values.update(
            {
                value,
                urllib.parse.quote(value),
                urllib.parse.quote(value, safe=""),
                urllib.parse.quote_plus(value),
                urllib.parse.quote_plus(value, safe="/"),
                json.dumps(value)[1:-1],
                json.dumps(value, ensure_ascii=False)[1:-1],
            }
        )
        return value

    def scrub(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            if value:
                text = text.replace(value, "***")
        # an encoding not foreseen above (lower-case %2b, …): drop the whole text
        decoded = urllib.parse.unquote_plus(text).lower()
        if any(value.lower() in decoded for value in self.raw if value):
            return "（内容含密钥，已隐藏）"
        return text


def _setting_str(settings: Mapping[str, Any], key: str, default: str = "") -> str:
    value = settings.get(key)
    return default if value is None else str(value).strip()


def _setting_float(settings: Mapping[str, Any], key: str, default: float) -> float:
    try:
        value = float(settings.get(key) or default)
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def status_is_retryable(status: int) -> bool:
    """Server trouble and throttling are worth another try; other client errors are not."""
    return status >= 500 or status in (408, 425, 429)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


def http_request(
    url: str,
    *,
    method: str,
    headers: Mapping[str, str],
    body: bytes | None,
    timeout_s: float,
) -> HttpResponse:
    """One HTTP exchange with ``urllib``; HTTP error statuses are returned, not raised; network
    failures raise a retryable :class:`DeliveryError` (message without the URL)."""
    if not url.lower().startswith(("http://", "https://")):
        raise DeliveryError("地址必须以 http:// 或 https:// 开头", retryable=False)
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return HttpResponse(response.status, response.read(_MAX_RESPONSE_BYTES))
    except urllib.error.HTTPError as exc:
        try:
            data = exc.read(_MAX_RESPONSE_BYTES)
        except OSError:
            data = b""
        finally:
            exc.close()
        return HttpResponse(exc.code, data)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise DeliveryError(f"证书校验失败：{reason.verify_message}", retryable=False) from None
        raise DeliveryError(f"网络错误：{_describe_os_error(reason)}", retryable=True) from None
    except TimeoutError:
        raise DeliveryError(f"超时（{timeout_s:g} 秒无响应）", retryable=True) from None
    except OSError as exc:
        raise DeliveryError(f"网络错误：{_describe_os_error(exc)}", retryable=True) from None


def _describe_os_error(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "连接超时"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(reason, ConnectionResetError):
        return "连接被重置"
    if isinstance(reason, socket.gaierror):
        return "无法解析主机名"
    if isinstance(reason, OSError):
        return f"{type(reason).__name__} {reason.strerror or ''}".strip()
    return str(reason)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET_CHARS else text[:_SNIPPET_CHARS] + "…"


def truncate_utf8(text: str, max_bytes: int) -> str:
    """``text`` cut on a character boundary so that it fits ``max_bytes`` (marked with …)."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    budget = max_bytes - len("…".encode())
    out = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return out + "…"


# --------------------------------------------------------------------------------------------
# WeChat Work group robot (企业微信群机器人)
# --------------------------------------------------------------------------------------------


class WebhookChannel:
    """POSTs ``{"msgtype":"text","text":{"content":…}}`` to the robot's webhook URL.

    Settings: ``notify.webhook.url`` (without the key, or with a ``{key}`` placeholder),
    ``notify.webhook.key_secret`` (keyring entry of the key), ``notify.webhook.timeout_s``.
    The key is appended as ``?key=…`` unless the URL has ``{key}``. A URL that already carries a
    ``key=`` is refused: the key is a secret and must not sit in the settings table.
    """

    name = "webhook"

    def __init__(self, settings: Mapping[str, Any], secrets: SecretStore) -> None:
        self.url = _setting_str(settings, "notify.webhook.url")
        self.key_entry = _setting_str(settings, "notify.webhook.key_secret")
        self.timeout_s = _setting_float(settings, "notify.webhook.timeout_s", 10.0)
        self._secrets = _Secrets(secrets)

    @staticmethod
    def configured(settings: Mapping[str, Any]) -> bool:
        return bool(_setting_str(settings, "notify.webhook.url"))

    def scrub(self, text: str) -> str:
        return self._secrets.scrub(text)

    def _target(self) -> str:
        if not self.url:
            raise DeliveryError("未配置企业微信机器人地址（notify.webhook.url）", retryable=False)
        query = urllib.parse.urlsplit(self.url.replace("{key}", "")).query
        if "key" in urllib.parse.parse_qs(query):
            raise DeliveryError(
                "机器人地址中含有 key=：密钥不得写在设置里，请去掉它并用 "
                "notify secret set 保存到密钥环（notify.webhook.key_secret）",
                retryable=False,
            )
        if not self.key_entry:
            return self.url
        key = self._secrets.get(self.key_entry)
        if "{key}" in self.url:
            return self.url.replace("{key}", urllib.parse.quote(key, safe=""))
        sep = "&" if urllib.parse.urlsplit(self.url).query else "?"
        return f"{self.url}{sep}key={urllib.parse.quote(key, safe='')}"

    def payload(self, message: OutgoingMessage) -> dict[str, Any]:
        text: dict[str, Any] = {"content": truncate_utf8(message.body, WEBHOOK_MAX_BYTES)}
        if message.recipient:
            text["mentioned_mobile_list"] = [message.recipient]
        return {"msgtype": "text", "text": text}

    def send(self, message: OutgoingMessage) -> str:
        try:
            return self._send(message)
        except DeliveryError as exc:
            raise DeliveryError(self.scrub(exc.message), retryable=exc.retryable) from None

    def _send(self, message: OutgoingMessage) -> str:
        url = self._target()
        body = json.dumps(self.payload(message), ensure_ascii=False).encode("utf-8")
        response = http_request(
            url,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
            body=body,
            timeout_s=self.timeout_s,
        )
        if not 200 <= response.status < 300:
            raise DeliveryError(
                f"HTTP {response.status}：{_snippet(response.text())}",
                retryable=status_is_retryable(response.status),
            )
        data = response.json()
        if isinstance(data, dict) and "errcode" in data:
            try:
                errcode = int(data["errcode"])
            except (TypeError, ValueError):
                errcode = -1
            if errcode != 0:
                raise DeliveryError(
                    f"企业微信返回 errcode={errcode} {_snippet(str(data.get('errmsg', '')))}",
                    retryable=errcode in WEBHOOK_RETRYABLE_ERRCODES,
                )
            return f"HTTP {response.status} errcode=0"
        return f"HTTP {response.status}"


# --------------------------------------------------------------------------------------------
# Generic HTTP SMS gateway (短信网关), configured by a template
# --------------------------------------------------------------------------------------------


def _render(template: str, values: Mapping[str, str], encode: Callable[[str], str]) -> str:
    """Replace ``{name}`` for the known placeholders only (JSON braces stay as they are)."""
    out = template
    for name in _SMS_PLACEHOLDERS:
        token = "{" + name + "}"
        if token in out:
            out = out.replace(token, encode(values.get(name, "")))
    return out


def _json_escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _dotted(data: Any, path: str) -> tuple[bool, Any]:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False, None
    return True, data


class SmsGatewayChannel:
    """Sends through any HTTP SMS gateway described by settings.

    ``notify.sms.url`` / ``.method`` (GET|POST) / ``.headers`` (dict) / ``.body`` (text) may hold
    the placeholders ``{phone} {text} {sign} {api_key} {api_secret} {timestamp} {subject}``.
    Values are URL-encoded in the URL, JSON-escaped in a JSON body (Content-Type …json),
    form-encoded in a form body, inserted as they are in headers. ``{api_key}``/``{api_secret}``
    come from the keyring entries named by ``.api_key_secret``/``.api_secret_secret``; ``{sign}``
    is the SMS signature ``.sign`` (e.g. 【某某物业】). Success: HTTP 2xx and, if
    ``.success_field`` is set (dotted path into the JSON answer), that field equal to
    ``.success_value`` (compared as text). A 2xx whose field says otherwise is a permanent failure:
    the gateway looked at the message and refused it.
    """

    name = "sms"

    def __init__(self, settings: Mapping[str, Any], secrets: SecretStore) -> None:
        self.url = _setting_str(settings, "notify.sms.url")
        self.method = _setting_str(settings, "notify.sms.method", "POST").upper() or "POST"
        raw_headers = settings.get("notify.sms.headers") or {}
        self.headers = (
            {str(k): str(v) for k, v in raw_headers.items()}
            if isinstance(raw_headers, Mapping)
            else {}
        )
        self.body = str(settings.get("notify.sms.body") or "")
        self.sign = _setting_str(settings, "notify.sms.sign")
        self.api_key_entry = _setting_str(settings, "notify.sms.api_key_secret")
        self.api_secret_entry = _setting_str(settings, "notify.sms.api_secret_secret")
        self.success_field = _setting_str(settings, "notify.sms.success_field")
        self.success_value = _setting_str(settings, "notify.sms.success_value")
        self.timeout_s = _setting_float(settings, "notify.sms.timeout_s", 10.0)
        self._secrets = _Secrets(secrets)

    @staticmethod
    def configured(settings: Mapping[str, Any]) -> bool:
        return bool(_setting_str(settings, "notify.sms.url"))

    def scrub(self, text: str) -> str:
        return self._secrets.scrub(text)

    def _uses(self, placeholder: str) -> bool:
        token = "{" + placeholder + "}"
        return (
            token in self.url
            or token in self.body
            or any(token in v for v in self.headers.values())
        )

    def _secret(self, placeholder: str, entry: str) -> str:
        if not self._uses(placeholder):
            return ""
        if not entry:
            raise DeliveryError(
                f"短信模板用到 {{{placeholder}}}，但未配置对应的密钥条目", retryable=False
            )
        return self._secrets.get(entry)

    def build_request(self, message: OutgoingMessage) -> tuple[str, dict[str, str], bytes | None]:
        """URL, headers and body for ``message`` (exposed for the CLI's dry run and tests)."""
        if not self.url:
            raise DeliveryError("未配置短信网关地址（notify.sms.url）", retryable=False)
        if not message.recipient:
            raise DeliveryError("没有收信手机号", retryable=False)
        values = {
            "phone": message.recipient,
            "text": message.body,
            "subject": message.subject,
            "sign": self.sign,
            "timestamp": str(int(time.time())),
            "api_key": self._secret("api_key", self.api_key_entry),
            "api_secret": self._secret("api_secret", self.api_secret_entry),
        }
        url = _render(self.url, values, lambda v: urllib.parse.quote(v, safe=""))
        headers = {k: _render(v, values, str) for k, v in self.headers.items()}
        if any("\r" in v or "\n" in v for v in headers.values()):
            raise DeliveryError("短信网关请求头中含有换行符", retryable=False)
        if self.method == "GET" or not self.body:
            return url, headers, None
        content_type = next(
            (v.lower() for k, v in headers.items() if k.lower() == "content-type"), ""
        )
        if "json" in content_type:
            body = _render(self.body, values, _json_escape)
            try:
                json.loads(body)
            except ValueError:
                raise DeliveryError(
                    "短信网关请求体模板不是合法的 JSON（notify.sms.body）", retryable=False
                ) from None
        elif "x-www-form-urlencoded" in content_type:
            body = _render(self.body, values, urllib.parse.quote_plus)
        else:
            body = _render(self.body, values, str)
        return url, headers, body.encode("utf-8")

    def send(self, message: OutgoingMessage) -> str:
        try:
            return self._send(message)
        except DeliveryError as exc:
            raise DeliveryError(self.scrub(exc.message), retryable=exc.retryable) from None

    def _send(self, message: OutgoingMessage) -> str:
        url, headers, body = self.build_request(message)
        response = http_request(
            url, method=self.method, headers=headers, body=body, timeout_s=self.timeout_s
        )
        if not 200 <= response.status < 300:
            raise DeliveryError(
                f"短信网关 HTTP {response.status}：{_snippet(response.text())}",
                retryable=status_is_retryable(response.status),
            )
        if not self.success_field:
            return f"HTTP {response.status}"
        found, value = _dotted(response.json(), self.success_field)
        if not found or str(value) != self.success_value:
            raise DeliveryError(
                f"短信网关拒绝：{self.success_field}={value if found else '（缺失）'}，"
                f"期望 {self.success_value}；应答 {_snippet(response.text())}",
                retryable=False,
            )
        return f"HTTP {response.status} {self.success_field}={value}"


# --------------------------------------------------------------------------------------------
# SMTP e-mail
# --------------------------------------------------------------------------------------------


class EmailChannel:
    """Sends a plain-text UTF-8 mail through an SMTP server.

    Settings: ``notify.email.host``, ``.port`` (default by security: 465 tls, 587 starttls,
    25 none), ``.security`` (``starttls`` | ``tls`` | ``none``), ``.user`` (empty = no login),
    ``.password_secret`` (keyring entry), ``.from``, ``.ca_file`` (an extra CA for an in-house
    server; certificates are always verified), ``.timeout_s``.
    """

    name = "email"

    def __init__(
        self,
        settings: Mapping[str, Any],
        secrets: SecretStore,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = _setting_str(settings, "notify.email.host")
        self.security = _setting_str(settings, "notify.email.security", "starttls").lower()
        default_port = {"tls": 465, "starttls": 587}.get(self.security, 25)
        try:
            self.port = int(settings.get("notify.email.port") or default_port)
        except (TypeError, ValueError):
            self.port = default_port
        self.user = _setting_str(settings, "notify.email.user")
        self.password_entry = _setting_str(settings, "notify.email.password_secret")
        self.sender = _setting_str(settings, "notify.email.from") or self.user
        self.ca_file = _setting_str(settings, "notify.email.ca_file")
        self.timeout_s = _setting_float(settings, "notify.email.timeout_s", 15.0)
        self._ssl_context = ssl_context
        self._secrets = _Secrets(secrets)

    @staticmethod
    def configured(settings: Mapping[str, Any]) -> bool:
        return bool(_setting_str(settings, "notify.email.host"))

    def scrub(self, text: str) -> str:
        return self._secrets.scrub(text)

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is not None:
            return self._ssl_context
        context = ssl.create_default_context()
        if self.ca_file:
            try:
                context.load_verify_locations(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise DeliveryError(f"无法读取 CA 文件：{exc}", retryable=False) from None
        return context

    def build_message(self, message: OutgoingMessage) -> EmailMessage:
        recipients = split_addresses(message.recipient)
        if not recipients:
            raise DeliveryError("没有收件地址", retryable=False)
        if not self.sender:
            raise DeliveryError("未配置发件地址（notify.email.from）", retryable=False)
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = ", ".join(recipients)
        mail["Subject"] = message.subject or message.body.splitlines()[0][:60]
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        mail.set_content(message.body, charset="utf-8")
        return mail

    def send(self, message: OutgoingMessage) -> str:
        try:
            return self._send(message)
        except DeliveryError as exc:
            raise DeliveryError(self.scrub(exc.message), retryable=exc.retryable) from None

    def _send(self, message: OutgoingMessage) -> str:
        if not self.host:
            raise DeliveryError("未配置邮件服务器（notify.email.host）", retryable=False)
        if self.security not in ("tls", "starttls", "none"):
            raise DeliveryError(f"未知的加密方式 {self.security!r}", retryable=False)
        mail = self.build_message(message)
        if self.user and not self.password_entry:
            raise DeliveryError(
                "设置了邮件用户但未配置密码条目（notify.email.password_secret）", retryable=False
            )
        password = self._secrets.get(self.password_entry) if self.user else ""
        try:
            smtp: smtplib.SMTP
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout_s, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=self._context())
                if self.user:
                    _login(smtp, self.user, password)
                refused = smtp.send_message(mail)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"邮件服务器拒绝登录（{exc.smtp_code}）", retryable=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            raise DeliveryError(
                f"收件人被拒绝：{', '.join(f'{a} {c}' for a, (c, _m) in exc.recipients.items())}",
                retryable=bool(codes) and all(400 <= c < 500 for c in codes),
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError("邮件服务器不支持 STARTTLS 或登录", retryable=False) from None
        except smtplib.SMTPResponseException as exc:
            raw = exc.smtp_error
            detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
            raise DeliveryError(
                f"邮件服务器错误 {exc.smtp_code} {_snippet(detail)}",
                retryable=400 <= exc.smtp_code < 500,
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(f"证书校验失败：{exc.verify_message}", retryable=False) from None
        except (smtplib.SMTPException, ssl.SSLError) as exc:
            raise DeliveryError(f"邮件发送失败：{type(exc).__name__}", retryable=True) from None
        except TimeoutError:
            raise DeliveryError(f"超时（{self.timeout_s:g} 秒无响应）", retryable=True) from None
        except OSError as exc:
            raise DeliveryError(f"网络错误：{_describe_os_error(exc)}", retryable=True) from None
        except UnicodeError:
            raise DeliveryError("邮件地址或用户名含有服务器不支持的字符", retryable=False) from None
        if refused:
            return f"已投递，部分收件人被拒：{', '.join(sorted(refused))}"
        return f"SMTP {self.host}:{self.port} 已接收"


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """``smtp.login``, except that a non-ASCII user or password goes as UTF-8 AUTH PLAIN
    (RFC 4616); smtplib encodes credentials as ASCII and would fail on them."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise DeliveryError(
            "邮件服务器不支持 AUTH PLAIN，无法使用含非 ASCII 字符的密码", retryable=False
        )
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, response = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def split_addresses(text: str) -> list[str]:
    return [a.strip() for a in text.replace(";", ",").split(",") if "@" in a]


# --------------------------------------------------------------------------------------------


CHANNEL_CLASSES: dict[str, Any] = {
    "webhook": WebhookChannel,
    "sms": SmsGatewayChannel,
    "email": EmailChannel,
}


def channel_configured(settings: Mapping[str, Any], name: str) -> bool:
    cls = CHANNEL_CLASSES.get(name)
    return bool(cls is not None and cls.configured(settings))


def build_channel(
    name: str,
    settings: Mapping[str, Any],
    secrets: SecretStore,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> NotificationChannel:
    if name == "webhook":
        return WebhookChannel(settings, secrets)
    if name == "sms":
        return SmsGatewayChannel(settings, secrets)
    if name == "email":
        return EmailChannel(settings, secrets, ssl_context=ssl_context)
    raise ValueError(f"unknown notification channel {name!r}")


def build_channels(
    settings: Mapping[str, Any],
    secrets: SecretStore,
    *,
    names: Iterable[str] = CHANNEL_NAMES,
    ssl_context: ssl.SSLContext | None = None,
) -> dict[str, NotificationChannel]:
    """The configured channels among ``names``."""
    return {
        name: build_channel(name, settings, secrets, ssl_context=ssl_context)
        for name in names
        if channel_configured(settings, name)
    }
