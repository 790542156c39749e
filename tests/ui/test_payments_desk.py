"""The desk starts the signed payment endpoint (PAY-3) only when it is switched on, and works on
when it cannot start it."""

from __future__ import annotations

import socket

import pytest

from app.services import Services
from tests.fixtures.site import ADMIN


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_desk_starts_the_payment_endpoint_only_when_enabled(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import application

    monkeypatch.delenv("SHUIDIAN_SECRET_PAYMENTS_HTTP", raising=False)
    assert application._start_payment_endpoint(services) is None  # off by default
    port = _free_port()
    services.settings.update(ADMIN, {"payments.http_enabled": True, "payments.http_port": port})
    monkeypatch.setattr(
        "app.services.secrets.SecretStore.get",
        lambda self, name: (_ for _ in ()).throw(KeyError(name)),
    )
    assert application._start_payment_endpoint(services) is None  # no secret: logged, desk on
    monkeypatch.setattr("app.services.secrets.SecretStore.get", lambda self, name: "k" * 32)
    endpoint = application._start_payment_endpoint(services)
    assert endpoint is not None
    try:
        assert endpoint.address == ("127.0.0.1", port)
    finally:
        endpoint.stop()
