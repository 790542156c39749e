"""The pages of the main window, in navigation order, with the permission each needs.

A page is listed only for operators who hold its permission (SEC-2); the services check the
permission again on every call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.domain.permissions import Perm
from app.ui.pages.base import Page, PageContext


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # English source; translated in the "Navigation" context
    factory: Callable[[PageContext], Page]
    permission: str | None = None


def _nav(marked: object) -> str:
    """A navigation title marked for lupdate with QT_TRANSLATE_NOOP; translated when shown."""
    return str(marked)


def _lazy(module: str, cls: str, **kwargs: object) -> Callable[[PageContext], Page]:
    """A factory that imports the page's module only when the main window builds it."""

    def factory(ctx: PageContext) -> Page:
        page_class = getattr(importlib.import_module(f"app.ui.pages.{module}"), cls)
        page: Page = page_class(ctx, **kwargs)
        return page

    return factory


PAGES: list[PageSpec] = [
    PageSpec(
        "overview",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Overview")),
        _lazy("overview", "OverviewPage"),
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "cashier",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Top-up & payment")),
        _lazy("cashier", "CashierPage"),
        Perm.TOP_UP,
    ),
    PageSpec(
        "rooms",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Rooms & accounts")),
        _lazy("rooms", "RoomsPage"),
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "elec_monitor",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Electricity meters")),
        _lazy("monitoring", "MonitoringPage", utility="electricity"),
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "water_monitor",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Water meters")),
        _lazy("monitoring", "MonitoringPage", utility="water"),
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "devices",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Gateways & meters")),
        _lazy("devices", "DevicesPage"),
        Perm.DEVICE_MANAGE,
    ),
    PageSpec(
        "parameters",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Parameters")),
        _lazy("parameters", "ParametersPage"),
        Perm.DEVICE_MANAGE,
    ),
    PageSpec(
        "alarms",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Alarms")),
        _lazy("alarms", "AlarmsPage"),
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "operators",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Operators")),
        _lazy("operators", "OperatorsPage"),
        Perm.OPERATORS,
    ),
    PageSpec(
        "settings",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Settings")),
        _lazy("settings", "SettingsPage"),
        Perm.SETTINGS,
    ),
]


def visible_pages(ctx: PageContext) -> list[PageSpec]:
    return [p for p in PAGES if p.permission is None or ctx.may(p.permission)]


__all__ = ["PAGES", "Page", "PageContext", "PageSpec", "visible_pages"]
