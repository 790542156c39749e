"""Roles and the permission matrix (SEC-2). The service layer checks these, not only the UI."""

from __future__ import annotations

from enum import StrEnum


class Perm(StrEnum):
    ACCOUNT_VIEW = "account.view"
    ACCOUNT_OPEN = "account.open"
    TOP_UP = "cashier.top_up"
    REFUND = "cashier.refund"
    ADJUST = "account.adjust"
    REVERSE = "ledger.reverse"
    DEVICE_MANAGE = "device.manage"
    DEVICE_CONTROL = "device.control"
    REPORT_EXPORT = "report.export"
    SETTINGS = "settings.manage"
    OPERATORS = "operators.manage"
    AUDIT_VIEW = "audit.view"


ALL_PERMISSIONS: frozenset[str] = frozenset(p.value for p in Perm)

# code → (Chinese name, permissions)
ROLES: dict[str, tuple[str, frozenset[str]]] = {
    "admin": ("特权操作员", ALL_PERMISSIONS),
    "cashier": (
        "收费员",
        frozenset({Perm.ACCOUNT_VIEW, Perm.ACCOUNT_OPEN, Perm.TOP_UP, Perm.REFUND}),
    ),
    "electrician": (
        "电管员",
        frozenset({Perm.ACCOUNT_VIEW, Perm.DEVICE_MANAGE, Perm.DEVICE_CONTROL}),
    ),
    "water_manager": (
        "水管员",
        frozenset({Perm.ACCOUNT_VIEW, Perm.DEVICE_MANAGE, Perm.DEVICE_CONTROL}),
    ),
    "utility_manager": (
        "水电联管员",
        frozenset({Perm.ACCOUNT_VIEW, Perm.DEVICE_MANAGE, Perm.DEVICE_CONTROL, Perm.TOP_UP}),
    ),
    "supervisor": (
        "主管",
        frozenset(
            {
                Perm.ACCOUNT_VIEW,
                Perm.ADJUST,
                Perm.REVERSE,
                Perm.REPORT_EXPORT,
                Perm.AUDIT_VIEW,
                Perm.SETTINGS,
            }
        ),
    ),
}
