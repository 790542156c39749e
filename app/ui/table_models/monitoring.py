"""Table model of monitored points (MON-2): room, meter, last reading, switch, online state and
the progress of the newest command asked for on each point."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.services.monitoring import CommandProgress, MonitorPoint
from app.ui.table_models.fast import ALIGNMENT, DISPLAY, FOREGROUND, RIGHT, TOOLTIP, FastTableModel

Index = QModelIndex | QPersistentModelIndex
CONTEXT = "MonitorTableModel"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def local_time(value: datetime | None) -> str:
    return "" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M")


class MonitorTableModel(FastTableModel[MonitorPoint]):
    """Filters and sorts itself (``FastTableModel``): ``row_at`` takes view rows; ``row_of``
    gives a point's source row (``view_row`` maps it to where it is shown)."""

    ROOM, NAME, BUILDING, ADDRESS, VALUE, READ_AT, LIVE, SWITCH, CAUSE, KEEP, ONLINE, COMMAND = (
        range(12)
    )
    COLUMNS = (
        QT_TRANSLATE_NOOP("MonitorTableModel", "Room"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Room name"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Building"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Meter address"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Last reading"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Read at"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Live values"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Switch"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Trip cause"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Keep power"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Online"),
        QT_TRANSLATE_NOOP("MonitorTableModel", "Command"),
    )
    RELAY: ClassVar[dict[str | None, Any]] = {
        "closed": QT_TRANSLATE_NOOP("MonitorTableModel", "Supplying"),
        "open": QT_TRANSLATE_NOOP("MonitorTableModel", "Tripped"),
        "unknown": QT_TRANSLATE_NOOP("MonitorTableModel", "Unknown"),
        None: QT_TRANSLATE_NOOP("MonitorTableModel", "Unknown"),
    }
    VALVE: ClassVar[dict[str | None, Any]] = {
        "closed": QT_TRANSLATE_NOOP("MonitorTableModel", "Valve open"),
        "open": QT_TRANSLATE_NOOP("MonitorTableModel", "Valve shut"),
        "unknown": QT_TRANSLATE_NOOP("MonitorTableModel", "Unknown"),
        None: QT_TRANSLATE_NOOP("MonitorTableModel", "Unknown"),
    }
    NO_SWITCH: ClassVar[Any] = QT_TRANSLATE_NOOP("MonitorTableModel", "No switch")
    CAUSES: ClassVar[dict[str, Any]] = {
        "arrears": QT_TRANSLATE_NOOP("MonitorTableModel", "Arrears"),
        "manual": QT_TRANSLATE_NOOP("MonitorTableModel", "Manual"),
        "protection": QT_TRANSLATE_NOOP("MonitorTableModel", "Protection"),
    }
    ONLINE_NAMES: ClassVar[dict[str, Any]] = {
        "online": QT_TRANSLATE_NOOP("MonitorTableModel", "Online"),
        "offline": QT_TRANSLATE_NOOP("MonitorTableModel", "Offline"),
        "never": QT_TRANSLATE_NOOP("MonitorTableModel", "Never read"),
    }
    KINDS: ClassVar[dict[str, Any]] = {
        "trip": QT_TRANSLATE_NOOP("MonitorTableModel", "Trip"),
        "close": QT_TRANSLATE_NOOP("MonitorTableModel", "Close"),
        "valve-close": QT_TRANSLATE_NOOP("MonitorTableModel", "Shut valve"),
        "valve-open": QT_TRANSLATE_NOOP("MonitorTableModel", "Open valve"),
        "read": QT_TRANSLATE_NOOP("MonitorTableModel", "Read"),
        "set_params": QT_TRANSLATE_NOOP("MonitorTableModel", "Parameters"),
    }
    STATES: ClassVar[dict[str, Any]] = {
        "pending": QT_TRANSLATE_NOOP("MonitorTableModel", "pending"),
        "sent": QT_TRANSLATE_NOOP("MonitorTableModel", "sent"),
        "confirmed": QT_TRANSLATE_NOOP("MonitorTableModel", "confirmed"),
        "failed": QT_TRANSLATE_NOOP("MonitorTableModel", "failed"),
        "cancelled": QT_TRANSLATE_NOOP("MonitorTableModel", "cancelled"),
    }
    YES: ClassVar[Any] = QT_TRANSLATE_NOOP("MonitorTableModel", "Yes")

    def __init__(self, utility: str) -> None:
        super().__init__()
        self.utility = utility
        self._commands: dict[int, CommandProgress] = {}
        self._row_of: dict[int, int] = {}

    # -- data in -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[MonitorPoint], texts: list[str] | None = None) -> None:
        self._row_of = {r.point_id: i for i, r in enumerate(rows)}
        self._commands = {r.point_id: r.last_command for r in rows if r.last_command is not None}
        super().set_rows(rows, texts)

    @classmethod
    def search_text(cls, p: MonitorPoint) -> str:
        """Room, room name, meter address, point code and name, lowercase."""
        return (
            f"{p.room_code} {p.room_name} {p.meter_address} {p.point_code} {p.point_name}".lower()
        )

    def sort_value(self, p: MonitorPoint, column: int) -> Any:
        if column == self.ROOM:
            return p.room_code or p.point_code
        if column == self.NAME:
            return p.room_name or p.point_name
        if column == self.BUILDING:
            return p.building_name
        if column == self.ADDRESS:
            return p.meter_address
        if column == self.VALUE:
            return int(p.last_value * 10000) if p.last_value is not None else -1
        if column == self.READ_AT:
            return p.last_read_at.timestamp() if p.last_read_at else 0.0
        if column == self.LIVE:
            return self.live_text(p)
        if column == self.SWITCH:
            return p.relay_state or ""
        if column == self.CAUSE:
            return p.trip_cause or ""
        if column == self.KEEP:
            return int(p.keep_power)
        if column == self.ONLINE:
            return p.online
        c = self._commands.get(p.point_id)
        return c.command_id if c else 0

    def update_commands(self, progress: dict[int, CommandProgress]) -> None:
        """Newer command states for some points: only their command cells change (and the
        rows shown, when the filter or the sort looks at commands)."""
        changed = []
        for pid, p in progress.items():
            row = self._row_of.get(pid)
            if row is None:
                continue
            self._commands[pid] = p
            changed.append(row)
        if changed:
            self.source_rows_changed(changed, (self.COMMAND,))

    def command_of(self, point_id: int) -> CommandProgress | None:
        return self._commands.get(point_id)

    def row_of(self, point_id: int) -> int | None:
        """The point's source row (``view_row`` tells where it is shown)."""
        return self._row_of.get(point_id)

    # -- texts -------------------------------------------------------------------------------

    def switch_text(self, p: MonitorPoint) -> str:
        if not p.has_switch:
            return _tr(str(self.NO_SWITCH))
        names = self.VALVE if self.utility == "water" else self.RELAY
        return _tr(str(names.get(p.relay_state, names[None])))

    def command_text(self, c: CommandProgress | None) -> str:
        if c is None:
            return ""
        return QCoreApplication.translate("MonitorTableModel", "{0}: {1}").format(
            _tr(str(self.KINDS.get(c.kind, c.kind))), _tr(str(self.STATES.get(c.state, c.state)))
        )

    @staticmethod
    def live_text(p: MonitorPoint) -> str:
        """Voltage, current and power of the newest read-now (power factor in the tooltip)."""
        parts = []
        for key, unit in (("voltage_v", "V"), ("current_a", "A"), ("power_kw", "kW")):
            if key in p.live:
                parts.append(f"{p.live[key]} {unit}")
        return " · ".join(parts)

    @staticmethod
    def value_text(value: Decimal | None) -> str:
        return "" if value is None else f"{value:.2f}"

    # -- Qt ----------------------------------------------------------------------------------

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.VALUE:
            unit = "m³" if self.utility == "water" else "kWh"
            return QCoreApplication.translate("MonitorTableModel", "Last reading ({0})").format(
                unit
            )
        return _tr(str(self.COLUMNS[section]))

    def row_cells(self, p: MonitorPoint) -> list[dict[int, Any]]:
        c = self._commands.get(p.point_id)
        cells: list[dict[int, Any]] = [
            {DISPLAY: p.room_code or p.point_code},  # a public meter has no room
            {DISPLAY: p.room_name or p.point_name},
            {DISPLAY: p.building_name},
            {DISPLAY: p.meter_address},
            {DISPLAY: self.value_text(p.last_value), ALIGNMENT: RIGHT},
            {DISPLAY: local_time(p.last_read_at)},
            {DISPLAY: self.live_text(p)},
            {DISPLAY: self.switch_text(p)},
            {DISPLAY: _tr(str(self.CAUSES[p.trip_cause])) if p.trip_cause in self.CAUSES else ""},
            {DISPLAY: _tr(str(self.YES)) if p.keep_power else ""},
            {DISPLAY: _tr(str(self.ONLINE_NAMES.get(p.online, p.online)))},
            {DISPLAY: self.command_text(c)},
        ]
        if p.online != "online":
            cells[self.ONLINE][FOREGROUND] = QBrush(
                QColor("#c62828" if p.online == "offline" else "#757575")
            )
        if p.relay_state == "open":
            cells[self.SWITCH][FOREGROUND] = QBrush(QColor("#c62828"))
        if c is not None:
            if c.state == "failed":
                cells[self.COMMAND][FOREGROUND] = QBrush(QColor("#c62828"))
            elif c.state == "confirmed":
                cells[self.COMMAND][FOREGROUND] = QBrush(QColor("#2e7d32"))
            elif not c.final:
                cells[self.COMMAND][FOREGROUND] = QBrush(QColor("#ef6c00"))
            if c.result:
                cells[self.COMMAND][TOOLTIP] = c.result
        if p.live_at is not None:
            tip = QCoreApplication.translate("MonitorTableModel", "Read at {0}").format(
                local_time(p.live_at)
            )
            if "power_factor" in p.live:
                tip += "\n" + QCoreApplication.translate("MonitorTableModel", "PF {0}").format(
                    p.live["power_factor"]
                )
            cells[self.LIVE][TOOLTIP] = tip
        return cells
