"""Secrets (SEC-4): notification keys and passwords live in the OS keyring, never in settings,
config files, database rows or logs.

Settings name a keyring *entry* (``notify.webhook.key_secret = "webhook.key"``); the value is
stored under the service name ``shuidian``. Where the machine has no usable keyring backend (a
headless Linux box without Secret Service, see PLATFORM-NOTES), a secret can come from an
environment variable ``SHUIDIAN_SECRET_<NAME>`` (for a collector run as a service) or from a
prompt callback (an interactive CLI); neither is ever written anywhere.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.errors import ShuidianError

logger = logging.getLogger(__name__)

SERVICE_NAME = "shuidian"
ENV_PREFIX = "SHUIDIAN_SECRET_"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

# Backends that "work" but protect nothing: keyrings.alt's plaintext file, and the null backend a
# user selects to switch keyring off.
_REFUSED_BACKENDS = {
    ("keyrings.alt.file", "PlaintextKeyring"),
    ("keyring.backends.null", "Keyring"),
    ("keyring.backends.fail", "Keyring"),
}

PromptFn = Callable[[str], "str | None"]


def env_var_name(name: str) -> str:
    """``webhook.key`` → ``SHUIDIAN_SECRET_WEBHOOK_KEY``."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", name.upper())


def no_backend_message(name: str | None = None) -> str:
    """The sentence shown when the machine cannot store secrets safely."""
    hint = f"环境变量 {env_var_name(name)}" if name else f"环境变量 {ENV_PREFIX}<名称>"
    return (
        "本机没有可用的系统密钥环（keyring），无法安全保存通知密钥。"
        "Windows 使用“凭据管理器”，macOS 使用“钥匙串”，Linux 需要运行 Secret Service"
        "（如 GNOME Keyring 或 KWallet）。密钥不会写入设置或配置文件；"
        f"临时办法：为采集服务设置{hint}，或在命令行交互运行时按提示输入。"
    )


class SecretError(ShuidianError):
    code = "secret"

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class NoSecretBackendError(SecretError):
    """No usable keyring backend: a secret can be neither stored nor read from the keyring."""

    code = "secret_no_backend"

    def __init__(self, name: str, backend: str) -> None:
        super().__init__(name, no_backend_message(name))
        self.backend = backend


class SecretNotFoundError(SecretError):
    """The named entry is in none of the places a secret may come from."""

    code = "secret_not_found"

    def __init__(self, name: str, backend_usable: bool) -> None:
        if backend_usable:
            message = (
                f"密钥“{name}”尚未设置：请运行 python main.py notify secret set {name}"
                f"（或设置环境变量 {env_var_name(name)}）。"
            )
        else:
            message = no_backend_message(name)
        super().__init__(name, message)
        self.backend_usable = backend_usable


class SecretUnavailableError(SecretError):
    """The keyring exists but cannot answer now (locked, or its service is not running);
    trying again later may work."""

    code = "secret_unavailable"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, f"密钥“{name}”暂时无法读取（密钥环已锁定或不可用：{reason}）。")
        self.reason = reason


@dataclass(frozen=True)
class BackendStatus:
    usable: bool
    description: str


def validate_secret_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise SecretError(name, f"密钥名称“{name}”无效：只允许字母、数字和 . _ -，最长 64 个字符。")
    return name


class SecretStore:
    """Reads and writes named secrets: keyring first, then the environment, then a prompt.

    ``backend`` pins a keyring backend (tests); by default the one keyring selected for this
    process is asked on every call, so ``keyring.set_keyring`` takes effect immediately.
    """

    def __init__(
        self,
        service: str = SERVICE_NAME,
        *,
        environ: Mapping[str, str] | None = None,
        prompt: PromptFn | None = None,
        backend: KeyringBackend | None = None,
    ) -> None:
        self.service = service
        self._environ = os.environ if environ is None else environ
        self._prompt = prompt
        self._backend = backend
        self._prompted: dict[str, str] = {}
        self._lock = threading.Lock()

    def _keyring(self) -> KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def backend_status(self) -> BackendStatus:
        backend = self._keyring()
        cls = type(backend)
        name = f"{cls.__module__}.{cls.__name__}"
        if (cls.__module__, cls.__name__) in _REFUSED_BACKENDS:
            return BackendStatus(False, name)
        # The chainer wraps the real backends; with none of them usable it is as good as "fail".
        inner = getattr(backend, "backends", None)
        if inner is not None and not list(inner):
            return BackendStatus(False, name)
        return BackendStatus(True, name)

    def get(self, name: str) -> str:
        validate_secret_name(name)
        status = self.backend_status()
        if status.usable:
            try:
                value = self._keyring().get_password(self.service, name)
            except keyring.errors.KeyringLocked as exc:
                raise SecretUnavailableError(name, type(exc).__name__) from None
            except keyring.errors.KeyringError as exc:
                # e.g. Secret Service not answering on D-Bus: fall back, say so without the value
                logger.warning("keyring %s could not read %r: %s", status.description, name, exc)
                value = None
            if value:
                return value
        value = self._environ.get(env_var_name(name))
        if value:
            return value
        with self._lock:
            if name in self._prompted:
                return self._prompted[name]
            if self._prompt is not None:
                answer = self._prompt(name)
                if answer:
                    self._prompted[name] = answer
                    return answer
        raise SecretNotFoundError(name, status.usable)

    def is_set(self, name: str) -> bool:
        try:
            self.get(name)
        except SecretError:
            return False
        return True

    def set(self, name: str, value: str) -> None:
        """Store ``value`` in the keyring; refuses (with the Chinese explanation) when the machine
        has no backend that keeps secrets safe — it never falls back to a file."""
        validate_secret_name(name)
        if not value:
            raise SecretError(name, "密钥不能为空。")
        status = self.backend_status()
        if not status.usable:
            raise NoSecretBackendError(name, status.description)
        try:
            self._keyring().set_password(self.service, name, value)
        except keyring.errors.KeyringLocked as exc:
            raise SecretUnavailableError(name, type(exc).__name__) from None
        except keyring.errors.KeyringError as exc:
            raise SecretUnavailableError(name, type(exc).__name__) from None
        logger.info("secret %r stored in keyring %s", name, status.description)

    def delete(self, name: str) -> bool:
        validate_secret_name(name)
        status = self.backend_status()
        if not status.usable:
            raise NoSecretBackendError(name, status.description)
        try:
            self._keyring().delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            return False
        logger.info("secret %r deleted from keyring %s", name, status.description)
        return True
