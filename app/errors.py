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


class WeakPasswordError(ValidationError):
    """The new password breaks the password rule (``app.domain.passwords``); ``problem`` is a
    ``PasswordProblem`` value."""

    code = "weak_password"

    def __init__(self, problem: str) -> None:
        super().__init__("password", problem)
        self.problem = problem


class OperatorError(ShuidianError):
    """An operator change that is not allowed; ``reason`` says which rule:
    ``duplicate_login``, ``bad_login``, ``empty_name``, ``unknown_role``, ``unknown_building``,
    ``empty_scope``, ``last_admin``, ``self_deactivate``, ``wrong_current_password``,
    ``no_operator``."""

    code = "operator"

    def __init__(self, reason: str, login: str = "") -> None:
        super().__init__(f"{login}: {reason}" if login else reason)
        self.reason = reason
        self.login = login


class SettingValueError(ValidationError):
    """A setting value that cannot be accepted; ``reason`` is a short code (``not_integer``,
    ``out_of_range``, ``bad_time``, ``empty``, ``bad_choice``, ``bad_url``, ``order``,
    ``bad_list``, ``bad_email``, ``bad_phone``, ``unknown_key``, ``bad_secret_name``)."""

    code = "setting_value"

    def __init__(self, key: str, reason: str, detail: str = "") -> None:
        super().__init__(key, reason if not detail else f"{reason} ({detail})")
        self.key = key
        self.reason = reason
        self.detail = detail


class DatabaseSetupError(ShuidianError):
    """The first-run setup could not reach or prepare the database; ``reason``: ``connect``,
    ``not_empty_for_demo``, ``bad_url``, ``bad_path``, ``migrate``; ``detail`` is the driver's
    message (already without the password)."""

    code = "database_setup"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class NotifyTestError(ShuidianError):
    """A test message could not be sent; ``reason``: ``not_configured``, ``no_recipient``,
    ``failed`` or ``secret``; ``detail`` is the channel's own explanation."""

    code = "notify_test"

    def __init__(self, channel: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{channel}: {reason} {detail}".strip())
        self.channel = channel
        self.reason = reason
        self.detail = detail


class MeterSwapError(ShuidianError):
    """A meter replacement (DEV-6) that cannot go on. ``problem`` names the rule (e.g.
    ``final_below_last``, ``note_required``, ``address_taken``); ``params`` its data."""

    code = "meter_swap"

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(f"{problem} {params}" if params else problem)
        self.problem = problem
        self.params = params
