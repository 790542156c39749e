"""Secret store (SEC-4) with programmatic keyring backends: the keyring first, then the
environment, then a prompt; refusing backends that protect nothing."""

from __future__ import annotations

import logging

import keyring.backends.fail
import pytest
from keyring.errors import KeyringLocked

from app.services.notify_channels import DeliveryError, OutgoingMessage, WebhookChannel
from app.services.secrets import (
    NoSecretBackendError,
    SecretError,
    SecretNotFoundError,
    SecretStore,
    SecretUnavailableError,
    env_var_name,
)
from tests.fixtures.notify import MemoryKeyring

VALUE = "Zq-7!secret-value"


def test_set_and_get_through_the_keyring(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    backend = MemoryKeyring()
    store = SecretStore(backend=backend, environ={})
    store.set("webhook.key", VALUE)
    assert backend.entries == {("shuidian", "webhook.key"): VALUE}
    assert store.get("webhook.key") == VALUE
    assert store.is_set("webhook.key") and not store.is_set("other")
    assert store.delete("webhook.key") and not store.delete("webhook.key")
    assert VALUE not in caplog.text
    assert "webhook.key" in caplog.text


def test_no_backend_refuses_to_store_with_chinese_message() -> None:
    store = SecretStore(backend=keyring.backends.fail.Keyring(), environ={})
    assert not store.backend_status().usable
    with pytest.raises(NoSecretBackendError) as err:
        store.set("smtp.password", VALUE)
    message = str(err.value)
    assert "本机没有可用的系统密钥环" in message
    assert "SHUIDIAN_SECRET_SMTP_PASSWORD" in message
    with pytest.raises(SecretNotFoundError) as missing:
        store.get("smtp.password")
    assert "本机没有可用的系统密钥环" in str(missing.value)


def test_plaintext_backend_is_not_trusted() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    store = SecretStore(backend=plaintext(), environ={})
    assert not store.backend_status().usable
    with pytest.raises(NoSecretBackendError):
        store.set("webhook.key", VALUE)


def test_environment_then_prompt_fallbacks() -> None:
    asked: list[str] = []

    def prompt(name: str) -> str | None:
        asked.append(name)
        return "typed" if name == "sms.api_key" else None

    store = SecretStore(
        backend=keyring.backends.fail.Keyring(),
        environ={env_var_name("webhook.key"): "from-env"},
        prompt=prompt,
    )
    assert env_var_name("webhook.key") == "SHUIDIAN_SECRET_WEBHOOK_KEY"
    assert store.get("webhook.key") == "from-env"
    assert store.get("sms.api_key") == "typed"
    assert store.get("sms.api_key") == "typed"  # asked once per process
    with pytest.raises(SecretNotFoundError):
        store.get("smtp.password")
    assert asked == ["sms.api_key", "smtp.password"]


def test_keyring_value_wins_over_environment() -> None:
    backend = MemoryKeyring()
    backend.set_password("shuidian", "webhook.key", "from-keyring")
    store = SecretStore(backend=backend, environ={"SHUIDIAN_SECRET_WEBHOOK_KEY": "from-env"})
    assert store.get("webhook.key") == "from-keyring"


def test_missing_secret_message_says_how_to_set_it() -> None:
    with pytest.raises(SecretNotFoundError) as err:
        SecretStore(backend=MemoryKeyring(), environ={}).get("webhook.key")
    assert "notify secret set webhook.key" in str(err.value)


def test_locked_keyring_is_temporary() -> None:
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("locked")

    store = SecretStore(backend=Locked(), environ={})
    with pytest.raises(SecretUnavailableError):
        store.get("webhook.key")
    channel = WebhookChannel(
        {"notify.webhook.url": "http://127.0.0.1:9/x", "notify.webhook.key_secret": "webhook.key"},
        store,
    )
    with pytest.raises(DeliveryError) as delivery:
        channel.send(OutgoingMessage("webhook", "", "s", "b"))
    assert delivery.value.retryable


@pytest.mark.parametrize("name", ["", "with space", "../etc", "x" * 65, "中文"])
def test_bad_entry_names(name: str) -> None:
    with pytest.raises(SecretError):
        SecretStore(backend=MemoryKeyring(), environ={}).get(name)
