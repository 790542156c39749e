"""The pages of the main window, in navigation order, with the permission each needs.

A page is listed only for operators who hold its permission (SEC-2); the services check the
permission again on every call.
"""

from __future__ import annotations

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


def _rooms(ctx: PageContext) -> Page:
    from app.ui.pages.rooms import RoomsPage

    return RoomsPage(ctx)


def _elec_monitor(ctx: PageContext) -> Page:
    from app.ui.pages.monitoring import MonitoringPage

    return MonitoringPage(ctx, "electricity")


def _water_monitor(ctx: PageContext) -> Page:
    from app.ui.pages.monitoring import MonitoringPage

    return MonitoringPage(ctx, "water")


def _devices(ctx: PageContext) -> Page:
    from app.ui.pages.devices import DevicesPage

    return DevicesPage(ctx)


def _parameters(ctx: PageContext) -> Page:
    from app.ui.pages.parameters import ParametersPage

    return ParametersPage(ctx)


def _nav(marked: object) -> str:
    """A navigation title marked for lupdate with QT_TRANSLATE_NOOP; translated when shown."""
    return str(marked)


PAGES: list[PageSpec] = [
    PageSpec(
        "rooms",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Rooms & accounts")),
        _rooms,
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "elec_monitor",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Electricity meters")),
        _elec_monitor,
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "water_monitor",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Water meters")),
        _water_monitor,
        Perm.ACCOUNT_VIEW,
    ),
    PageSpec(
        "devices",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Gateways & meters")),
        _devices,
        Perm.DEVICE_MANAGE,
    ),
    PageSpec(
        "parameters",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Parameters")),
        _parameters,
        Perm.DEVICE_MANAGE,
    ),
]


def visible_pages(ctx: PageContext) -> list[PageSpec]:
    return [p for p in PAGES if p.permission is None or ctx.may(p.permission)]


__all__ = ["PAGES", "Page", "PageContext", "PageSpec", "visible_pages"]
