"""参数管理 (CTL-6): parameter templates with versions, a new version edited from the meter
profile's parameters, applying a template to selected points, and per meter which template
version it holds or what is still on its way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Perm
from app.services.monitoring import MonitorPoint
from app.services.parameters import ApplyResult, MeterDownload, TemplateVersion
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.monitoring import local_time
from app.ui.widgets.table_state import HeaderStateKeeper

Index = QModelIndex | QPersistentModelIndex
POLL_MS = 2000

PARAMETER_NAMES: dict[str, Any] = {
    "overload_power_limit": QT_TRANSLATE_NOOP("Parameters", "Overload power limit"),
    "time_period_power_limits": QT_TRANSLATE_NOOP("Parameters", "Power limits per time window"),
    "scheduled_on_off": QT_TRANSLATE_NOOP("Parameters", "Scheduled on/off"),
    "malicious_load": QT_TRANSLATE_NOOP("Parameters", "Malicious load recognition"),
    "auto_recover": QT_TRANSLATE_NOOP("Parameters", "Auto-recover after trip"),
    "temperature_limit": QT_TRANSLATE_NOOP("Parameters", "Temperature trip limit"),
    "local_prepaid": QT_TRANSLATE_NOOP("Parameters", "Local prepaid alarm"),
}
FIELD_NAMES: dict[str, Any] = {
    "power_limit_kw": QT_TRANSLATE_NOOP("Parameters", "Power limit (kW)"),
    "start": QT_TRANSLATE_NOOP("Parameters", "Start (hhmm)"),
    "end": QT_TRANSLATE_NOOP("Parameters", "End (hhmm)"),
    "off_start": QT_TRANSLATE_NOOP("Parameters", "Off from (hhmm)"),
    "off_end": QT_TRANSLATE_NOOP("Parameters", "Off until (hhmm)"),
    "weekdays": QT_TRANSLATE_NOOP("Parameters", "Weekdays (bits Mon…Sun, holidays)"),
    "power_threshold_kw": QT_TRANSLATE_NOOP("Parameters", "Power threshold (kW)"),
    "power_factor_min": QT_TRANSLATE_NOOP("Parameters", "Lowest power factor"),
    "detect_seconds": QT_TRANSLATE_NOOP("Parameters", "Detection time (s)"),
    "recover_delay_s": QT_TRANSLATE_NOOP("Parameters", "Recover after (s)"),
    "lock_after_trips": QT_TRANSLATE_NOOP("Parameters", "Lock after trips"),
    "temperature_limit_c": QT_TRANSLATE_NOOP("Parameters", "Temperature limit (°C)"),
    "alarm_money_yuan": QT_TRANSLATE_NOOP("Parameters", "Alarm balance (yuan)"),
}


def _t(text: object) -> str:
    return QCoreApplication.translate("Parameters", str(text))


def parameter_name(name: str) -> str:
    return _t(PARAMETER_NAMES[name]) if name in PARAMETER_NAMES else name


def field_name(name: str) -> str:
    """``p2_start`` → "Window 2 · Start (hhmm)"."""
    prefix = ""
    head, _, rest = name.partition("_")
    if head[:1] == "p" and head[1:].isdigit() and rest:
        prefix = QCoreApplication.translate("Parameters", "Window {0} · ").format(head[1:])
        name = rest
    return prefix + (_t(FIELD_NAMES[name]) if name in FIELD_NAMES else name)


def _summary(t: TemplateVersion) -> str:
    parts = []
    for name, values in t.params.items():
        shown = "，".join(f"{field_name(f)} {v}" for f, v in values.items())
        parts.append(f"{parameter_name(name)}：{shown}")
    return "；".join(parts)


class TemplateTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("TemplateTableModel", "Code"),
        QT_TRANSLATE_NOOP("TemplateTableModel", "Version"),
        QT_TRANSLATE_NOOP("TemplateTableModel", "Name"),
        QT_TRANSLATE_NOOP("TemplateTableModel", "Parameters"),
        QT_TRANSLATE_NOOP("TemplateTableModel", "Created"),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[TemplateVersion] = []

    def set_rows(self, rows: list[TemplateVersion]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> TemplateVersion:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("TemplateTableModel", str(self.COLUMNS[section]))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (t.code, str(t.version), t.name, _summary(t), local_time(t.created_at))[col]
        if role == Qt.ItemDataRole.UserRole:
            return (t.code, t.version, t.name, _summary(t), t.created_at.timestamp())[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return _summary(t)
        return None


class DownloadTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("DownloadTableModel", "Point"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "Room"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "Meter address"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "Template"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "Version"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "State"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "Finished"),
        QT_TRANSLATE_NOOP("DownloadTableModel", "Result"),
    )
    STATES: ClassVar[dict[str, Any]] = {
        "pending": QT_TRANSLATE_NOOP("DownloadTableModel", "Waiting"),
        "sent": QT_TRANSLATE_NOOP("DownloadTableModel", "Downloading"),
        "confirmed": QT_TRANSLATE_NOOP("DownloadTableModel", "Confirmed by read-back"),
        "failed": QT_TRANSLATE_NOOP("DownloadTableModel", "Failed"),
        "cancelled": QT_TRANSLATE_NOOP("DownloadTableModel", "Cancelled"),
    }

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[MeterDownload] = []

    def set_rows(self, rows: list[MeterDownload]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> MeterDownload:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("DownloadTableModel", str(self.COLUMNS[section]))
        return None

    def state_text(self, state: str) -> str:
        return QCoreApplication.translate("DownloadTableModel", str(self.STATES.get(state, state)))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                d.point_code,
                d.room_code,
                d.address,
                d.template,
                "" if d.version is None else str(d.version),
                self.state_text(d.state),
                local_time(d.finished_at),
                "" if d.state == "confirmed" else (d.result or ""),
            )[col]
        if role == Qt.ItemDataRole.UserRole:
            return (
                d.point_code,
                d.room_code,
                d.address,
                d.template,
                d.version or 0,
                d.state,
                d.finished_at.timestamp() if d.finished_at else 0.0,
                d.result or "",
            )[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 5:
            color = {"confirmed": "#2e7d32", "failed": "#c62828"}.get(d.state, "#ef6c00")
            return QBrush(QColor(color))
        return None


class TemplateDialog(QDialog):
    """A new template, or a new version of one: code, name, and the values of the parameters
    to download (a parameter is included when all its fields are filled)."""

    def __init__(
        self,
        parent: QWidget | None,
        fields: dict[str, tuple[str, ...]],
        template: TemplateVersion | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("New version of {0}").format(template.code)
            if template
            else self.tr("New parameter template")
        )
        self.resize(640, 620)
        self.code_edit = QLineEdit(template.code if template else "")
        self.code_edit.setReadOnly(template is not None)
        self.name_edit = QLineEdit(template.name if template else "")
        self.notes_edit = QLineEdit(template.notes if template else "")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Parameter"), self.tr("Field"), self.tr("Value")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(0, 200)
        self.table.horizontalHeader().resizeSection(1, 250)
        self._keys: list[tuple[str, str]] = []
        existing = template.params if template else {}
        for name, names in fields.items():
            for f in names:
                row = self.table.rowCount()
                self.table.insertRow(row)
                for col, text in enumerate(
                    (parameter_name(name), field_name(f), existing.get(name, {}).get(f, ""))
                ):
                    item = QTableWidgetItem(text)
                    if col < 2:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.table.setItem(row, col, item)
                self._keys.append((name, f))
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Code"), self.code_edit)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Notes"), self.notes_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Fill every field of the parameters to download:")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.on_submit: Callable[[str, str, dict[str, dict[str, str]], str], None] | None = None

    def set_value(self, parameter: str, field: str, value: str) -> None:
        row = self._keys.index((parameter, field))
        item = self.table.item(row, 2)
        assert item is not None
        item.setText(value)

    def params(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for row, (name, f) in enumerate(self._keys):
            item = self.table.item(row, 2)
            text = item.text().strip() if item is not None else ""
            if text:
                out.setdefault(name, {})[f] = text
        return out

    def _on_buttons_accepted(self) -> None:
        params = self.params()
        for name, values in params.items():
            missing = [f for (n, f) in self._keys if n == name and f not in values]
            if missing:
                self.failed(
                    self.tr("{0}: fill in {1}.").format(
                        parameter_name(name), "、".join(field_name(f) for f in missing)
                    )
                )
                return
        if not params:
            self.failed(self.tr("Fill in at least one parameter."))
            return
        if self.on_submit is not None:
            self.buttons.setEnabled(False)
            self.on_submit(
                self.code_edit.text(), self.name_edit.text(), params, self.notes_edit.text()
            )

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error_label.setText(message)

    def saved(self) -> None:
        self.buttons.setEnabled(True)
        self.accept()


class ApplyDialog(QDialog):
    """Choose the electricity points a template goes to (filter by room, select many)."""

    def __init__(self, parent: QWidget | None, code: str, points: list[MonitorPoint]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Apply template {0}").format(code))
        self.resize(480, 560)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter by room or meter address"))
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for p in points:
            item = QListWidgetItem(f"{p.room_code} {p.room_name}  {p.meter_address}")
            item.setData(Qt.ItemDataRole.UserRole, p.point_id)
            self.list.addItem(item)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Download"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)

    def _on_filter_edit_text_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def select_points(self, point_ids: set[int]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in point_ids)

    def point_ids(self) -> list[int]:
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.list.selectedItems()]


def _table(model: QAbstractTableModel, key: str, parent: QWidget) -> QTableView:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    HeaderStateKeeper(view, key)
    return view


class ParametersPage(Page):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("ParametersPage")
        self.open_dialog: Callable[[Any], None] = lambda dialog: dialog.open()
        self._fields: dict[str, tuple[str, ...]] = {}

        self.new_button = QPushButton(self.tr("New template"))
        self.version_button = QPushButton(self.tr("New version"))
        self.apply_button = QPushButton(self.tr("Apply to points…"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.template_model = TemplateTableModel()
        self.template_table = _table(self.template_model, "param_templates", self)
        header = self.template_table.horizontalHeader()
        for col, width in ((0, 110), (1, 50), (2, 160), (3, 520)):
            header.resizeSection(col, width)
        self.download_model = DownloadTableModel()
        self.download_table = _table(self.download_model, "param_downloads", self)
        header = self.download_table.horizontalHeader()
        for col, width in ((0, 150), (1, 80), (2, 120), (3, 90), (4, 50), (5, 130), (6, 130)):
            header.resizeSection(col, width)
        self.download_label = QLabel(self.tr("Download status per meter"))

        buttons = QHBoxLayout()
        for b in (self.new_button, self.version_button, self.apply_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.download_label)
        lower_layout.addWidget(self.download_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.template_table)
        splitter.addWidget(lower)
        splitter.setSizes([300, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._load_downloads)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.version_button.clicked.connect(self._on_version_button_clicked)
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        self.template_table.selectionModel().selectionChanged.connect(self._update_actions)
        self._update_actions()

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.ctx
        params = ctx.services.parameters

        def load() -> tuple[dict[str, tuple[str, ...]], list[TemplateVersion]]:
            return params.parameter_fields(), params.templates(ctx.actor)

        ctx.tasks.run_op(load, self._on_templates_loaded, self._on_failed)
        self._load_downloads()

    def _on_templates_loaded(
        self, result: tuple[dict[str, tuple[str, ...]], list[TemplateVersion]]
    ) -> None:
        self._fields, rows = result
        self.template_model.set_rows(rows)
        self._update_actions()

    def _load_downloads(self) -> None:
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.parameters.downloads(ctx.actor),
            self._on_downloads_loaded,
            self._on_failed,
        )

    def _on_downloads_loaded(self, rows: list[MeterDownload]) -> None:
        self.download_model.set_rows(rows)
        busy = sum(1 for d in rows if d.state in ("pending", "sent"))
        confirmed = sum(1 for d in rows if d.state == "confirmed")
        failed = sum(1 for d in rows if d.state == "failed")
        self.download_label.setText(
            self.tr(
                "Download status per meter: {0} confirmed · {1} on the way · {2} failed"
            ).format(confirmed, busy, failed)
        )
        if busy and not self.poll_timer.isActive():
            self.poll_timer.start()
        elif not busy:
            self.poll_timer.stop()

    def _on_failed(self, exc: BaseException) -> None:
        self.show_message(describe(exc), error=True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #c62828" if error else "color: #2e7d32")

    # -- actions -----------------------------------------------------------------------------

    def selected_template(self) -> TemplateVersion | None:
        rows = self.template_table.selectionModel().selectedRows()
        if not rows:
            return None
        proxy = self.template_table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        return self.template_model.row_at(proxy.mapToSource(rows[0]).row())

    def select_template(self, code: str) -> None:
        proxy = self.template_table.model()
        for r in range(proxy.rowCount()):
            if proxy.index(r, 0).data() == code:
                self.template_table.selectRow(r)
                return

    def _update_actions(self, *_args: object) -> None:
        chosen = self.selected_template() is not None
        self.version_button.setEnabled(chosen)
        # downloading changes meters: the control permission, as for trips (CTL-5, CTL-6)
        self.apply_button.setEnabled(chosen and self.ctx.may(Perm.DEVICE_CONTROL))

    def _template_dialog(self, template: TemplateVersion | None) -> TemplateDialog:
        dialog = TemplateDialog(self, self._fields, template)
        ctx = self.ctx

        def submit(code: str, name: str, params: dict[str, dict[str, str]], notes: str) -> None:
            def done(version: int) -> None:
                dialog.saved()
                self.show_message(self.tr("Template {0} version {1} saved.").format(code, version))
                self.refresh()

            ctx.tasks.run_op(
                lambda: ctx.services.parameters.save_template(ctx.actor, code, name, params, notes),
                done,
                lambda e: dialog.failed(describe(e)),
            )

        dialog.on_submit = submit
        return dialog

    def _on_new_button_clicked(self) -> None:
        self.open_dialog(self._template_dialog(None))

    def _on_version_button_clicked(self) -> None:
        template = self.selected_template()
        if template is not None:
            self.open_dialog(self._template_dialog(template))

    def _on_apply_button_clicked(self) -> None:
        template = self.selected_template()
        if template is None:
            return
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.monitoring.points(ctx.actor, "electricity"),
            lambda points: self._open_apply(template, points),
            self._on_failed,
        )

    def _open_apply(self, template: TemplateVersion, points: list[MonitorPoint]) -> None:
        dialog = ApplyDialog(self, template.code, points)
        ctx = self.ctx

        def on_accepted() -> None:
            ids = dialog.point_ids()
            if not ids:
                return
            ctx.tasks.run_op(
                lambda: ctx.services.parameters.apply(
                    ctx.actor, template.code, ids, version=template.version
                ),
                self._on_applied,
                self._on_failed,
            )

        dialog.accepted.connect(on_accepted)
        self.open_dialog(dialog)

    def _on_applied(self, result: ApplyResult) -> None:
        text = self.tr("{0} meter(s) queued for download.").format(len(result.queued))
        if result.skipped:
            text += " " + self.tr("{0} skipped: {1}").format(
                len(result.skipped), "；".join(sorted(set(result.skipped.values())))
            )
        self.show_message(text, error=not result.queued)
        self._load_downloads()
