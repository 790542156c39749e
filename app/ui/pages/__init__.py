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


def _cashier(ctx: PageContext) -> Page:
    from app.ui.pages.cashier import CashierPage

    return CashierPage(ctx)


def _rooms(ctx: PageContext) -> Page:
    from app.ui.pages.rooms import RoomsPage

    return RoomsPage(ctx)


def _nav(marked: object) -> str:
    """A navigation title marked for lupdate with QT_TRANSLATE_NOOP; translated when shown."""
    return str(marked)


PAGES: list[PageSpec] = [
    PageSpec(
        "cashier",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Top-up & payment")),
        _cashier,
        Perm.TOP_UP,
    ),
    PageSpec(
        "rooms",
        _nav(QT_TRANSLATE_NOOP("Navigation", "Rooms & accounts")),
        _rooms,
        Perm.ACCOUNT_VIEW,
    ),
]


def visible_pages(ctx: PageContext) -> list[PageSpec]:
    return [p for p in PAGES if p.permission is None or ctx.may(p.permission)]


__all__ = ["PAGES", "Page", "PageContext", "PageSpec", "visible_pages"]
