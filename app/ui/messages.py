"""Turn core errors into translated sentences for the user."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app import errors


def tr(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def describe(exc: BaseException) -> str:
    if isinstance(exc, errors.AccountNotFoundError):
        return tr("Account {0} does not exist.").format(exc.account_no)
    if isinstance(exc, errors.AccountStateError):
        return tr("Account {0} is closed; this operation is not allowed.").format(exc.account_no)
    if isinstance(exc, errors.InvalidAmountError):
        return tr("The amount is not valid: {0}").format(exc.reason)
    if isinstance(exc, errors.PermissionDeniedError):
        return tr("You do not have permission for this operation.")
    if isinstance(exc, errors.ShuidianError):
        return str(exc)
    return tr("Unexpected error: {0}").format(exc)
