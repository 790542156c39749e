"""Turn core errors into translated sentences for the user.

Pages that meet errors of their own area register a describer with ``register(ErrorType, fn)``
(at import time of the page module); ``describe`` picks the most specific one. Never show the
exception's English text to the user except as the last resort ``Unexpected error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication

from app import errors
from app.domain.money import format_fen

_describers: dict[type[BaseException], Callable[[Any], str]] = {}


def register(kind: type[BaseException], fn: Callable[[Any], str]) -> None:
    _describers[kind] = fn


def describe(exc: BaseException) -> str:
    for kind in type(exc).__mro__:
        fn = _describers.get(kind)
        if fn is not None:
            return fn(exc)
    return QCoreApplication.translate("Messages", "Unexpected error: {0}").format(exc)


def _account_not_found(e: errors.AccountNotFoundError) -> str:
    return QCoreApplication.translate("Messages", "Account {0} does not exist.").format(
        e.account_no
    )


def _account_state(e: errors.AccountStateError) -> str:
    if e.state == "closed":
        return QCoreApplication.translate(
            "Messages", "Account {0} is closed; this operation is not allowed."
        ).format(e.account_no)
    return QCoreApplication.translate(
        "Messages", "Account {0} is suspended; this operation is not allowed."
    ).format(e.account_no)


def _invalid_amount(e: errors.InvalidAmountError) -> str:
    return QCoreApplication.translate(
        "Messages", "The amount is not valid. Enter yuan with at most two decimals, above zero."
    )


def _validation(e: errors.ValidationError) -> str:
    return QCoreApplication.translate("Messages", "The input is not valid: {0}").format(e)


def _not_found(e: errors.NotFoundError) -> str:
    return QCoreApplication.translate("Messages", "The record was not found: {0}").format(e)


def _insufficient(e: errors.InsufficientBalanceError) -> str:
    return QCoreApplication.translate(
        "Messages", "Account {0}: the balance {1} is less than the {2} required."
    ).format(e.account_no, format_fen(e.balance_fen), format_fen(e.required_fen))


def _cap(e: errors.TopUpCapExceededError) -> str:
    return QCoreApplication.translate(
        "Messages",
        "Account {0}: after this top-up the balance would be {1}, above the limit of {2}.",
    ).format(e.account_no, format_fen(e.balance_after_fen), format_fen(e.cap_fen))


def _idempotency(e: errors.IdempotencyConflictError) -> str:
    return QCoreApplication.translate(
        "Messages", "This payment was already booked with different details; check the ledger."
    )


def _reversal(e: errors.ReversalError) -> str:
    return QCoreApplication.translate("Messages", "Entry {0} cannot be reversed.").format(
        e.entry_id
    )


def _permission(e: errors.PermissionDeniedError) -> str:
    return QCoreApplication.translate("Messages", "You do not have permission for this operation.")


def _authentication(e: errors.AuthenticationError) -> str:
    if e.locked:
        return QCoreApplication.translate(
            "Messages",
            "Too many wrong passwords: the operator {0} is locked for 15 minutes.",
        ).format(e.login)
    return QCoreApplication.translate("Messages", "Wrong login or password.")


def _shuidian(e: errors.ShuidianError) -> str:
    return QCoreApplication.translate("Messages", "The operation failed: {0}").format(e)


for _kind, _fn in (
    (errors.AccountNotFoundError, _account_not_found),
    (errors.AccountStateError, _account_state),
    (errors.InvalidAmountError, _invalid_amount),
    (errors.ValidationError, _validation),
    (errors.NotFoundError, _not_found),
    (errors.InsufficientBalanceError, _insufficient),
    (errors.TopUpCapExceededError, _cap),
    (errors.IdempotencyConflictError, _idempotency),
    (errors.ReversalError, _reversal),
    (errors.PermissionDeniedError, _permission),
    (errors.AuthenticationError, _authentication),
    (errors.ShuidianError, _shuidian),
):
    register(_kind, _fn)
