"""Translated names of ledger entry kinds, payment channels and pockets, and local times."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.domain.calendar import site_zone
from app.domain.enums import TOP_UP_CHANNELS, Channel, EntryKind, Pocket

_CONTEXT = "LedgerLabels"

ENTRY_KINDS: dict[str, object] = {
    EntryKind.TOP_UP: QT_TRANSLATE_NOOP("LedgerLabels", "Top-up"),
    EntryKind.REFUND: QT_TRANSLATE_NOOP("LedgerLabels", "Refund"),
    EntryKind.ELECTRICITY_CHARGE: QT_TRANSLATE_NOOP("LedgerLabels", "Electricity charge"),
    EntryKind.WATER_CHARGE: QT_TRANSLATE_NOOP("LedgerLabels", "Water charge"),
    EntryKind.PROPERTY_FEE: QT_TRANSLATE_NOOP("LedgerLabels", "Property fee"),
    EntryKind.SUBSIDY_GRANT: QT_TRANSLATE_NOOP("LedgerLabels", "Subsidy granted"),
    EntryKind.SUBSIDY_EXPIRY: QT_TRANSLATE_NOOP("LedgerLabels", "Subsidy expired"),
    EntryKind.ADJUSTMENT: QT_TRANSLATE_NOOP("LedgerLabels", "Adjustment"),
    EntryKind.TRANSFER_IN: QT_TRANSLATE_NOOP("LedgerLabels", "Transfer in"),
    EntryKind.TRANSFER_OUT: QT_TRANSLATE_NOOP("LedgerLabels", "Transfer out"),
    EntryKind.REVERSAL: QT_TRANSLATE_NOOP("LedgerLabels", "Reversal"),
    EntryKind.OPENING: QT_TRANSLATE_NOOP("LedgerLabels", "Opening balance"),
}

CHANNELS: dict[str, object] = {
    Channel.CASH: QT_TRANSLATE_NOOP("LedgerLabels", "Cash"),
    Channel.WECHAT: QT_TRANSLATE_NOOP("LedgerLabels", "WeChat Pay"),
    Channel.ALIPAY: QT_TRANSLATE_NOOP("LedgerLabels", "Alipay"),
    Channel.CARD: QT_TRANSLATE_NOOP("LedgerLabels", "Bank card"),
    Channel.BANK: QT_TRANSLATE_NOOP("LedgerLabels", "Bank transfer"),
    Channel.SYSTEM: QT_TRANSLATE_NOOP("LedgerLabels", "System"),
}

POCKETS: dict[str, object] = {
    Pocket.CASH: QT_TRANSLATE_NOOP("LedgerLabels", "Cash pocket"),
    Pocket.SUBSIDY: QT_TRANSLATE_NOOP("LedgerLabels", "Subsidy pocket"),
}

ACCOUNT_STATES: dict[str, object] = {
    "active": QT_TRANSLATE_NOOP("LedgerLabels", "Active"),
    "suspended": QT_TRANSLATE_NOOP("LedgerLabels", "Suspended"),
    "closed": QT_TRANSLATE_NOOP("LedgerLabels", "Closed"),
}

ROOM_TYPES: dict[str, object] = {
    "shop": QT_TRANSLATE_NOOP("LedgerLabels", "Shop"),
    "dormitory": QT_TRANSLATE_NOOP("LedgerLabels", "Dormitory"),
    "office": QT_TRANSLATE_NOOP("LedgerLabels", "Office"),
    "enterprise": QT_TRANSLATE_NOOP("LedgerLabels", "Enterprise"),
}

UTILITIES: dict[str, object] = {
    "electricity": QT_TRANSLATE_NOOP("LedgerLabels", "Electricity"),
    "water": QT_TRANSLATE_NOOP("LedgerLabels", "Water"),
}


def _tr(table: dict[str, object], code: str | None) -> str:
    if code is None:
        return ""
    source = table.get(code)
    return QCoreApplication.translate(_CONTEXT, str(source)) if source else code


def entry_kind_name(code: str) -> str:
    return _tr(ENTRY_KINDS, code)


def channel_name(code: str | None) -> str:
    return _tr(CHANNELS, code)


def pocket_name(code: str) -> str:
    return _tr(POCKETS, code)


def account_state_name(code: str) -> str:
    return _tr(ACCOUNT_STATES, code)


def room_type_name(code: str) -> str:
    return _tr(ROOM_TYPES, code)


def utility_name(code: str) -> str:
    return _tr(UTILITIES, code)


def top_up_channels() -> list[tuple[str, str]]:
    """(code, translated name) of the channels a cashier may book, in desk order."""
    return [(str(c), channel_name(c)) for c in TOP_UP_CHANNELS]


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time on the site's wall clock."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC in some paths
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(site_zone()).strftime(fmt)
