"""The signed payment endpoint over a real socket: books once, refuses replays, bad signatures,
stale timestamps and malformed bodies (PAY-3)."""

from __future__ import annotations

import http.client
import json
import secrets
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, LedgerEntry
from app.services import Services
from app.services.payment_http import (
    NOTIFY_PATH,
    ORDERS_PATH,
    PaymentEndpoint,
    sign,
    start_payment_endpoint,
)
from tests.fixtures.site import ADMIN, build_small_site

SECRET = "s3cret-for-tests-only"


@pytest.fixture
def endpoint(services: Services) -> Iterator[PaymentEndpoint]:
    with PaymentEndpoint(services.payments, SECRET, host="127.0.0.1", port=0) as ep:
        yield ep


def post(
    ep: PaymentEndpoint,
    path: str,
    body: bytes,
    *,
    secret: str = SECRET,
    ts: int | None = None,
    nonce: str | None = None,
) -> tuple[int, dict[str, object], dict[str, str]]:
    """Sign and send; returns status, JSON answer and the headers sent (to replay them)."""
    stamp = str(int(time.time()) if ts is None else ts)
    nonce = nonce or secrets.token_hex(16)
    headers = {
        "Content-Type": "application/json",
        "X-Shuidian-Timestamp": stamp,
        "X-Shuidian-Nonce": nonce,
        "X-Shuidian-Signature": sign(secret.encode(), stamp, nonce, path, body),
    }
    return send(ep, path, body, headers), headers


def send(
    ep: PaymentEndpoint, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, object]]:
    host, port = ep.address
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def _entries(services: Services) -> int:
    with services.db.uow() as uow:
        return int(uow.session.execute(select(func.count(LedgerEntry.id))).scalar_one())


def _notification(order_no: str, txn: str = "4200001987202611059999000001", fen: int = 8_800):
    return json.dumps(
        {"channel": "wechat", "transaction_id": txn, "order_no": order_no, "amount_fen": fen}
    ).encode()


def test_good_notification_books_once_and_replay_books_nothing(
    services: Services, endpoint: PaymentEndpoint
) -> None:
    accounts = build_small_site(services).accounts
    balance = services.accounts.summary(ADMIN, accounts["A-1-01"]).balance_fen
    (status, answer), _h = post(
        endpoint, ORDERS_PATH, json.dumps({"account_no": accounts["A-1-01"]}).encode()
    )
    assert status == 200
    order_no = str(answer["order_no"])
    body = _notification(order_no)
    (status, answer), headers = post(endpoint, NOTIFY_PATH, body)
    assert status == 200, answer
    assert answer["result"] == "booked" and answer["receipt_no"]
    assert services.accounts.summary(ADMIN, accounts["A-1-01"]).balance_fen == balance + 8_800
    entries = _entries(services)

    # the very same request again (same nonce): refused as a replay
    status, answer = send(endpoint, NOTIFY_PATH, body, headers)
    assert (status, answer["error"]) == (409, "replay")
    # the backend retrying with a fresh nonce: accepted, but nothing new is booked
    (status, answer), _h = post(endpoint, NOTIFY_PATH, body)
    assert (status, answer["result"]) == (200, "already_booked")
    assert _entries(services) == entries
    assert services.accounts.summary(ADMIN, accounts["A-1-01"]).balance_fen == balance + 8_800


def test_bad_signature_stale_and_malformed_requests_book_nothing(
    services: Services, endpoint: PaymentEndpoint
) -> None:
    accounts = build_small_site(services).accounts
    order = services.payments.issue_order(ADMIN, accounts["B-1-01"])
    body = _notification(order.order_no)
    entries = _entries(services)

    (status, answer), _h = post(endpoint, NOTIFY_PATH, body, secret="not-the-secret")
    assert (status, answer["error"]) == (401, "bad_signature")
    (status, answer), _h = post(endpoint, NOTIFY_PATH, body, ts=int(time.time()) - 3600)
    assert (status, answer["error"]) == (401, "stale")
    status, answer = send(endpoint, NOTIFY_PATH, body, {"Content-Type": "application/json"})
    assert (status, answer["error"]) == (401, "unsigned")
    # signed with the secret, but for another body: the signature covers the body
    (_s, _a), headers = post(endpoint, NOTIFY_PATH, b"{}")
    status, answer = send(endpoint, NOTIFY_PATH, body, headers)
    assert status in (401, 409) and _entries(services) == entries

    for bad in (b"not json", b"[1, 2]", b'{"channel": "wechat"}', body.replace(b"8800", b'"88"')):
        (status, answer), _h = post(endpoint, NOTIFY_PATH, bad)
        assert status == 400, (bad, answer)
    (status, answer), _h = post(endpoint, "/elsewhere", body)
    assert status == 404
    assert _entries(services) == entries


def test_payment_that_does_not_match_its_order_is_refused_and_audited(
    services: Services, endpoint: PaymentEndpoint
) -> None:
    accounts = build_small_site(services).accounts
    order = services.payments.issue_order(ADMIN, accounts["A-1-02"], amount_fen=5_000)
    entries = _entries(services)
    (status, answer), _h = post(endpoint, NOTIFY_PATH, _notification(order.order_no, fen=500))
    assert (status, answer["kind"]) == (422, "amount_differs")
    (status, answer), _h = post(endpoint, NOTIFY_PATH, _notification("SD000", txn="X2"))
    assert (status, answer["kind"]) == (422, "unknown_order")
    assert _entries(services) == entries
    with services.db.uow() as uow:
        kinds = uow.session.execute(
            select(AuditEntry.after).where(AuditEntry.action == "payments.notify_mismatch")
        ).all()
    assert sorted(a["kind"] for (a,) in kinds) == ["amount_differs", "unknown_order"]


def test_endpoint_is_off_by_default(services: Services) -> None:
    settings = services.settings.all()
    assert settings["payments.http_enabled"] is False
    assert start_payment_endpoint(services.payments, settings) is None
    on = {**settings, "payments.http_enabled": True, "payments.http_port": 0}
    ep = start_payment_endpoint(services.payments, on, secret=SECRET)
    assert ep is not None
    try:
        assert ep.address[0] == "127.0.0.1" and ep.address[1] > 0
    finally:
        ep.stop()
