"""Local HTTP endpoint for a self-service payment backend (PAY-3), off by default.

The backend (the web page behind the tenants' QR codes) tells the desk/collector about payments
as they happen, so balances move without waiting for the next statement import. Stdlib
``http.server`` in a daemon thread; one request = one service call.

Every request is signed with the shared secret (kept in the OS keyring, entry named by the
setting ``payments.http_secret``)::

    X-Shuidian-Timestamp: <unix seconds>
    X-Shuidian-Nonce:     <16..64 characters [A-Za-z0-9_-]>
    X-Shuidian-Signature: hex(HMAC-SHA256(secret, "<ts>\\n<nonce>\\nPOST\\n<path>\\n" + body))

Checks, in order: signature (401, nothing is parsed before it), timestamp within
``payments.http_max_age_s`` of the desk's clock (401 ``stale``), nonce not seen within twice that
window (409 ``replay``), then the JSON body (400). Routes:

- ``POST /payments/notify`` ``{"channel", "transaction_id", "order_no", "amount_fen"}`` → 200
  ``{"result": "booked" | "already_booked", "receipt_no", …}``; a payment that cannot be booked
  (unknown order, amount differs …) → 422 ``{"result": "mismatch", "kind", "detail"}`` and is
  audited for the cashier. The booking is idempotent by ``transaction_id`` (the same ledger key as
  the statement import), so a backend retry with a fresh nonce books nothing new.
- ``POST /payments/orders`` ``{"account_no", "amount_fen"?, "channel"?}`` → 200 ``{"order_no"}``.

Nonces are remembered in memory only: after a restart a replay inside the window passes the
nonce check but its transaction id is already in the ledger, so it still books nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.errors import AccountNotFoundError, PermissionDeniedError, ShuidianError
from app.services.context import Actor
from app.services.payments import PaymentService

logger = logging.getLogger(__name__)

NOTIFY_PATH = "/payments/notify"
ORDERS_PATH = "/payments/orders"
MAX_BODY = 64 * 1024
_NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DEFAULT_PORT = 21080


def sign(secret: bytes, timestamp: str, nonce: str, path: str, body: bytes) -> str:
    """The signature a request must carry (the backend computes the same)."""
    message = f"{timestamp}\n{nonce}\nPOST\n{path}\n".encode() + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class _Nonces:
    def __init__(self, keep_s: float, limit: int = 200_000) -> None:
        self.keep_s, self.limit = keep_s, limit
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, nonce: str, now: float) -> bool:
        with self._lock:
            if len(self._seen) >= self.limit or len(self._seen) % 1000 == 0:
                self._seen = {n: t for n, t in self._seen.items() if t > now}
            if nonce in self._seen:
                return False
            if len(self._seen) >= self.limit:
                return False  # flooded with valid signatures: refuse rather than forget
            self._seen[nonce] = now + self.keep_s
            return True


class _BadRequest(Exception):
    def __init__(self, status: int, error: str, detail: str = "") -> None:
        super().__init__(error)
        self.status, self.error, self.detail = status, error, detail


def _field(body: dict[str, Any], name: str, kind: type, required: bool = True) -> Any:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _BadRequest(400, "bad_field", f"{name} must be {kind.__name__}")
    return value


class PaymentEndpoint:
    """The HTTP server; ``start()`` binds and serves in a daemon thread, ``stop()`` ends it."""

    def __init__(
        self,
        payments: PaymentService,
        secret: str | bytes,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        max_age_s: int = 300,
        clock: Callable[[], float] = time.time,
        actor: Actor | None = None,
    ) -> None:
        if not secret:
            raise ValueError("the endpoint needs a secret")
        self.payments = payments
        self.secret = secret.encode() if isinstance(secret, str) else secret
        self.host, self.port = host, port
        self.max_age_s = max_age_s
        self.clock = clock
        self.actor = actor or Actor.system("payments-http")
        self.nonces = _Nonces(2 * max_age_s)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> PaymentEndpoint:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "shuidian-payments/1"

            def do_POST(self) -> None:
                status, payload = endpoint.handle(self.path, self.headers, self._body())
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

            def _body(self) -> bytes | None:
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                except ValueError:
                    return None
                if length < 0 or length > MAX_BODY:
                    return None
                return self.rfile.read(length)

            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("payments http %s: " + format, self.client_address[0], *args)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="payments-http", daemon=True
        )
        self._thread.start()
        logger.info("payment endpoint listening on %s:%d", *self.address)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> PaymentEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- one request ------------------------------------------------------------------------------

    def handle(self, path: str, headers: Any, body: bytes | None) -> tuple[int, dict[str, Any]]:
        try:
            if path not in (NOTIFY_PATH, ORDERS_PATH):
                raise _BadRequest(404, "not_found")
            if body is None:
                raise _BadRequest(413, "body_too_large")
            self._authenticate(path, headers, body)
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise _BadRequest(400, "bad_json", "body is not UTF-8 JSON") from None
            if not isinstance(data, dict):
                raise _BadRequest(400, "bad_json", "body must be a JSON object")
            if path == NOTIFY_PATH:
                return self._notify(data)
            return self._order(data)
        except _BadRequest as exc:
            if exc.status in (401, 409):
                logger.warning("payment endpoint refused a request: %s", exc.error)
            return exc.status, {"error": exc.error, "detail": exc.detail}
        except PermissionDeniedError:
            return 403, {"error": "forbidden"}
        except AccountNotFoundError as exc:
            return 404, {"error": "account_not_found", "detail": str(exc.account_no)}
        except ShuidianError as exc:
            return 400, {"error": exc.code, "detail": str(exc)}
        except Exception:
            logger.exception("payment endpoint failed")
            return 500, {"error": "internal"}

    def _authenticate(self, path: str, headers: Any, body: bytes) -> None:
        ts = headers.get("X-Shuidian-Timestamp") or ""
        nonce = headers.get("X-Shuidian-Nonce") or ""
        given = headers.get("X-Shuidian-Signature") or ""
        if not ts.isdigit() or not _NONCE_RE.match(nonce) or not given:
            raise _BadRequest(401, "unsigned", "timestamp, nonce and signature headers required")
        expected = sign(self.secret, ts, nonce, path, body)
        if not hmac.compare_digest(expected, given.strip().lower()):
            raise _BadRequest(401, "bad_signature")
        now = self.clock()
        if abs(now - int(ts)) > self.max_age_s:
            raise _BadRequest(401, "stale", f"timestamp more than {self.max_age_s} s off")
        if not self.nonces.first_use(nonce, now):
            raise _BadRequest(409, "replay", "nonce already used")

    def _notify(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        channel = _field(data, "channel", str)
        txn = _field(data, "transaction_id", str)
        order_no = _field(data, "order_no", str)
        amount = _field(data, "amount_fen", int)
        result = self.payments.book_notification(self.actor, channel, txn, order_no, amount)
        if result.mismatch is not None:
            m = result.mismatch
            return 422, {"result": "mismatch", "kind": m.kind, "detail": m.detail}
        b = result.booked
        assert b is not None
        return 200, {
            "result": "already_booked" if b.replayed else "booked",
            "transaction_id": b.transaction_id,
            "account_no": b.account_no,
            "amount_fen": b.amount_fen,
            "receipt_no": b.receipt_no,
        }

    def _order(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        account_no = _field(data, "account_no", str)
        amount = _field(data, "amount_fen", int, required=False)
        channel = _field(data, "channel", str, required=False)
        o = self.payments.issue_order(self.actor, account_no, channel=channel, amount_fen=amount)
        return 200, {"order_no": o.order_no, "account_no": o.account_no, "amount_fen": amount}


def start_payment_endpoint(
    payments: PaymentService, settings: dict[str, Any], *, secret: str | None = None
) -> PaymentEndpoint | None:
    """Start the endpoint if ``payments.http_enabled`` is on (the collector and the desk call
    this at start-up); None when it is off. The secret comes from the keyring unless given."""
    if not settings.get("payments.http_enabled"):
        return None
    if secret is None:
        from app.services.secrets import SecretStore

        secret = SecretStore().get(str(settings.get("payments.http_secret") or "payments.http"))
    return PaymentEndpoint(
        payments,
        secret,
        host=str(settings.get("payments.http_bind") or "127.0.0.1"),
        port=int(settings.get("payments.http_port") or DEFAULT_PORT),
        max_age_s=int(settings.get("payments.http_max_age_s") or 300),
    ).start()
