"""Table model of audit log entries: number, time, operator, action, target, change."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.domain.calendar import site_zone
from app.services.audit_log import AuditRow

Index = QModelIndex | QPersistentModelIndex

# English sources of the action names (translated in the "AuditActions" context); an action
# not listed here is shown as stored.
ACTION_LABELS: dict[str, object] = {
    "top_up": QT_TRANSLATE_NOOP("AuditActions", "Top-up"),
    "refund": QT_TRANSLATE_NOOP("AuditActions", "Refund"),
    "reverse": QT_TRANSLATE_NOOP("AuditActions", "Reversal"),
    "adjust": QT_TRANSLATE_NOOP("AuditActions", "Adjustment"),
    "open_account": QT_TRANSLATE_NOOP("AuditActions", "Account opened"),
    "login": QT_TRANSLATE_NOOP("AuditActions", "Login"),
    "settings.set": QT_TRANSLATE_NOOP("AuditActions", "Setting changed"),
    "settings.secret_set": QT_TRANSLATE_NOOP("AuditActions", "Key stored"),
    "operator.create": QT_TRANSLATE_NOOP("AuditActions", "Operator added"),
    "operator.update": QT_TRANSLATE_NOOP("AuditActions", "Operator changed"),
    "operator.activate": QT_TRANSLATE_NOOP("AuditActions", "Operator reactivated"),
    "operator.deactivate": QT_TRANSLATE_NOOP("AuditActions", "Operator deactivated"),
    "operator.change_password": QT_TRANSLATE_NOOP("AuditActions", "Password changed"),
    "operator.reset_password": QT_TRANSLATE_NOOP("AuditActions", "Password reset"),
    "operator.release_lockout": QT_TRANSLATE_NOOP("AuditActions", "Lockout released"),
    "operator.first_admin": QT_TRANSLATE_NOOP("AuditActions", "First administrator"),
    "device.gateway.save": QT_TRANSLATE_NOOP("AuditActions", "Gateway saved"),
    "device.gateway.retire": QT_TRANSLATE_NOOP("AuditActions", "Gateway retired"),
    "device.bus.save": QT_TRANSLATE_NOOP("AuditActions", "Bus saved"),
    "device.meter.save": QT_TRANSLATE_NOOP("AuditActions", "Meter saved"),
    "device.meter.retire": QT_TRANSLATE_NOOP("AuditActions", "Meter retired"),
    "device.meter.swap": QT_TRANSLATE_NOOP("AuditActions", "Meter swapped"),
    "device.point.save": QT_TRANSLATE_NOOP("AuditActions", "Metering point saved"),
    "control.keep_power": QT_TRANSLATE_NOOP("AuditActions", "Keep power"),
    "alarm.acknowledge": QT_TRANSLATE_NOOP("AuditActions", "Alarm acknowledged"),
    "alarm.clear": QT_TRANSLATE_NOOP("AuditActions", "Alarm cleared"),
    "notification.requeue": QT_TRANSLATE_NOOP("AuditActions", "Notification resent"),
    "params.apply": QT_TRANSLATE_NOOP("AuditActions", "Parameters sent"),
    "params.template": QT_TRANSLATE_NOOP("AuditActions", "Parameter template saved"),
    "property_fee.charge": QT_TRANSLATE_NOOP("AuditActions", "Property fee charged"),
    "reading.manual": QT_TRANSLATE_NOOP("AuditActions", "Manual reading"),
    "receipt.print": QT_TRANSLATE_NOOP("AuditActions", "Receipt printed"),
    "backup.create": QT_TRANSLATE_NOOP("AuditActions", "Backup"),
    "backup.create_failed": QT_TRANSLATE_NOOP("AuditActions", "Backup failed"),
    "backup.verify": QT_TRANSLATE_NOOP("AuditActions", "Backup verified"),
    "backup.restore": QT_TRANSLATE_NOOP("AuditActions", "Restored from backup"),
    "backup.restore_refused": QT_TRANSLATE_NOOP("AuditActions", "Restore refused"),
    "audit.export": QT_TRANSLATE_NOOP("AuditActions", "Audit log exported"),
    "audit.seal_legacy": QT_TRANSLATE_NOOP("AuditActions", "Old entries sealed"),
    "demo_build": QT_TRANSLATE_NOOP("AuditActions", "Demo site built"),
}

TARGET_LABELS: dict[str, object] = {
    "account": QT_TRANSLATE_NOOP("AuditTargets", "Account"),
    "backup": QT_TRANSLATE_NOOP("AuditTargets", "Backup"),
    "setting": QT_TRANSLATE_NOOP("AuditTargets", "Setting"),
    "secret": QT_TRANSLATE_NOOP("AuditTargets", "Key"),
    "operator": QT_TRANSLATE_NOOP("AuditTargets", "Operator"),
    "gateway": QT_TRANSLATE_NOOP("AuditTargets", "Gateway"),
    "bus": QT_TRANSLATE_NOOP("AuditTargets", "Bus"),
    "meter": QT_TRANSLATE_NOOP("AuditTargets", "Meter"),
    "point": QT_TRANSLATE_NOOP("AuditTargets", "Metering point"),
    "alarm": QT_TRANSLATE_NOOP("AuditTargets", "Alarm"),
    "notification": QT_TRANSLATE_NOOP("AuditTargets", "Notification"),
    "template": QT_TRANSLATE_NOOP("AuditTargets", "Parameter template"),
    "receipt": QT_TRANSLATE_NOOP("AuditTargets", "Receipt"),
    "site": QT_TRANSLATE_NOOP("AuditTargets", "Site"),
    "file": QT_TRANSLATE_NOOP("AuditTargets", "File"),
    "audit": QT_TRANSLATE_NOOP("AuditTargets", "Audit log"),
}


def action_label(code: str) -> str:
    source = ACTION_LABELS.get(code)
    return QCoreApplication.translate("AuditActions", str(source)) if source else code


def target_label(code: str) -> str:
    source = TARGET_LABELS.get(code)
    return QCoreApplication.translate("AuditTargets", str(source)) if source else code


def _tr(text: str) -> str:
    return QCoreApplication.translate("AuditTableModel", text)


def _change(row: AuditRow) -> str:
    parts = []
    if row.before:
        parts.append(json.dumps(row.before, ensure_ascii=False, sort_keys=True, default=str))
    if row.after:
        parts.append(json.dumps(row.after, ensure_ascii=False, sort_keys=True, default=str))
    return " → ".join(parts)


class AuditTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("AuditTableModel", "No."),
        QT_TRANSLATE_NOOP("AuditTableModel", "Time"),
        QT_TRANSLATE_NOOP("AuditTableModel", "Operator"),
        QT_TRANSLATE_NOOP("AuditTableModel", "Action"),
        QT_TRANSLATE_NOOP("AuditTableModel", "Target"),
        QT_TRANSLATE_NOOP("AuditTableModel", "Change"),
    )

    def __init__(self, tz: str = "Asia/Shanghai") -> None:
        super().__init__()
        self._rows: list[AuditRow] = []
        self._tz = site_zone(tz)
        self.bad_id: int | None = None  # the first entry the chain check named

    def set_rows(self, rows: list[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_bad(self, entry_id: int | None) -> None:
        self.beginResetModel()
        self.bad_id = entry_id
        self.endResetModel()

    def row_of(self, entry_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == entry_id:
                return i
        return None

    def row_at(self, row: int) -> AuditRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(str(self.COLUMNS[section]))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(r.id),
                r.at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M:%S"),
                r.operator_login,
                action_label(r.action),
                f"{target_label(r.target_type)} {r.target_id}".strip(),
                _change(r),
            )[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (r.id, r.id, r.operator_login, r.action, r.target_id, _change(r))[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (3, 5):
            return r.action if col == 3 else _change(r)
        if role == Qt.ItemDataRole.ForegroundRole and r.id == self.bad_id:
            return QBrush(QColor("#c0392b"))
        return None
