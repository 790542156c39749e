"""Typed errors raised by the core; the UI and CLI turn them into sentences (ui/messages.py)."""

from __future__ import annotations


class ShuidianError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"


class ValidationError(ShuidianError):
    """Input that cannot be accepted; ``field`` names what was wrong."""

    code = "validation"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidAmountError(ValidationError):
    code = "invalid_amount"

    def __init__(self, amount: object, reason: str) -> None:
        super().__init__("amount", f"{amount!r} {reason}")
        self.amount = amount
        self.reason = reason


class NotFoundError(ShuidianError):
    code = "not_found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class AccountNotFoundError(NotFoundError):
    def __init__(self, account_no: str) -> None:
        super().__init__("account", account_no)
        self.account_no = account_no


class AccountStateError(ShuidianError):
    """The account's state forbids the operation (closed, suspended …)."""

    code = "account_state"

    def __init__(self, account_no: str, state: str, operation: str) -> None:
        super().__init__(f"account {account_no} is {state}; cannot {operation}")
        self.account_no = account_no
        self.state = state
        self.operation = operation


class InsufficientBalanceError(ShuidianError):
    code = "insufficient_balance"

    def __init__(self, account_no: str, balance_fen: int, required_fen: int) -> None:
        super().__init__(
            f"account {account_no}: balance {balance_fen} fen < required {required_fen} fen"
        )
        self.account_no = account_no
        self.balance_fen = balance_fen
        self.required_fen = required_fen


class TopUpCapExceededError(ShuidianError):
    code = "top_up_cap"

    def __init__(self, account_no: str, cap_fen: int, balance_after_fen: int) -> None:
        super().__init__(
            f"account {account_no}: balance after top-up {balance_after_fen} fen exceeds cap "
            f"{cap_fen} fen"
        )
        self.account_no = account_no
        self.cap_fen = cap_fen
        self.balance_after_fen = balance_after_fen


class IdempotencyConflictError(ShuidianError):
    """The same idempotency key was used before for a different request."""

    code = "idempotency_conflict"

    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key!r} was already used for a different request")
        self.key = key


class ReversalError(ShuidianError):
    code = "reversal"

    def __init__(self, entry_id: int, reason: str) -> None:
        super().__init__(f"ledger entry {entry_id}: {reason}")
        self.entry_id = entry_id
        self.reason = reason


class PermissionDeniedError(ShuidianError):
    code = "permission_denied"

    def __init__(self, operator: str, permission: str) -> None:
        super().__init__(f"operator {operator!r} lacks permission {permission!r}")
        self.operator = operator
        self.permission = permission


class AuthenticationError(ShuidianError):
    code = "authentication"

    def __init__(
        self, login: str, reason: str = "wrong login or password", *, locked: bool = False
    ) -> None:
        super().__init__(f"{login}: {reason}")
        self.login = login
        self.reason = reason
        self.locked = locked  # True: too many failures, the operator is locked for a while


class DeviceConfigError(ValidationError):
    """A gateway, bus, meter or point setting that cannot be accepted (DEV-1…3). ``problem``
    names the rule (e.g. ``address_bcd``, ``address_taken``); ``params`` its data."""

    code = "device_config"

    def __init__(self, field: str, problem: str, **params: object) -> None:
        super().__init__(field, f"{problem} {params}" if params else problem)
        self.problem = problem
        self.params = params
