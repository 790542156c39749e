"""告警 (MON-3): open or all alarms, filtered by kind and building; acknowledge and clear a
selection (with the device permission); a beep when new alarms arrive (optional, remembered)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, QSettings, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.domain.permissions import Perm
from app.services.alarms import AlarmView
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.alarms import AlarmTableModel

POLL_MS = 15_000
LIST_LIMIT = 2000
SOUND_KEY = "alarms/sound"
HEADER_KEY = "alarms/header"


def should_beep(previous: set[int] | None, active_now: Iterable[int], enabled: bool) -> bool:
    """Beep when the sound is on and an active alarm appeared since the last look. The first
    load after opening (``previous`` None) only learns what is there: no beep for old alarms;
    an alarm acknowledged or cleared since is no reason either."""
    if not enabled or previous is None:
        return False
    return any(alarm_id not in previous for alarm_id in active_now)


class AlarmsPage(Page):
    """The list refreshes when shown and every 15 s (also hidden, so the beep can sound)."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("AlarmsPage")
        self._seen_active: set[int] | None = None
        self._generation = 0
        self._pending_error: str | None = None
        self.may_handle = ctx.may(Perm.DEVICE_MANAGE)

        self.state_combo = QComboBox()
        self.state_combo.addItem(self.tr("Open alarms"), True)
        self.state_combo.addItem(self.tr("All alarms"), False)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("All kinds"), None)
        for kind in AlarmTableModel.KINDS:
            self.kind_combo.addItem(AlarmTableModel.kind_label(kind), kind)
        self.building_combo = QComboBox()
        self.building_combo.addItem(self.tr("All buildings"), None)
        self.building_combo.setMinimumContentsLength(10)
        self.sound_check = QCheckBox(self.tr("Sound on new alarms"))
        self.sound_check.setChecked(_to_bool(QSettings().value(SOUND_KEY, False)))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Show")))
        filters.addWidget(self.state_combo)
        filters.addWidget(QLabel(self.tr("Kind")))
        filters.addWidget(self.kind_combo)
        filters.addWidget(QLabel(self.tr("Building")))
        filters.addWidget(self.building_combo)
        filters.addStretch(1)
        filters.addWidget(self.sound_check)
        filters.addWidget(self.refresh_button)

        self.model = AlarmTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((130, 60, 110, 150, 420, 130)):
            header.resizeSection(col, width)
        saved = QSettings().value(HEADER_KEY)
        if saved is not None:
            header.restoreState(saved)
        header.sectionResized.connect(self._on_header_section_resized)

        self.ack_button = QPushButton(self.tr("Acknowledge selected"))
        self.clear_button = QPushButton(self.tr("Clear selected"))
        self.summary_label = QLabel()
        self.summary_label.setObjectName("alarms_summary")
        actions = QHBoxLayout()
        actions.addWidget(self.summary_label, 1)
        actions.addWidget(self.ack_button)
        actions.addWidget(self.clear_button)
        if not self.may_handle:
            tip = self.tr("Acknowledging and clearing alarms needs the device permission.")
            self.ack_button.setToolTip(tip)
            self.clear_button.setToolTip(tip)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        for combo in (self.state_combo, self.kind_combo, self.building_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.sound_check.toggled.connect(self._on_sound_check_toggled)
        self.refresh_button.clicked.connect(self.refresh)
        self.ack_button.clicked.connect(self._on_ack_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self._load_buildings()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    # -- loading -----------------------------------------------------------------------------

    def _load_buildings(self) -> None:
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.overview.buildings(ctx.actor),
            self._on_buildings_loaded,
            lambda _e: None,
        )

    def _on_buildings_loaded(self, buildings: list[object]) -> None:
        for b in buildings:
            self.building_combo.addItem(str(getattr(b, "name", "")), getattr(b, "id", None))

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        ctx = self.ctx
        open_only = bool(self.state_combo.currentData())
        kind = self.kind_combo.currentData()
        building_id = self.building_combo.currentData()
        alarms = ctx.services.alarms

        settings = ctx.services.settings

        def load() -> tuple[list[AlarmView], set[int], str]:
            rows = alarms.list(
                open_only=open_only,
                kind=kind,
                actor=ctx.actor,
                building_id=building_id,
                limit=LIST_LIMIT,
            )
            # what is active anywhere the operator may see, for the beep (not only this filter)
            active = alarms.list(open_only=True, actor=ctx.actor, limit=LIST_LIMIT)
            tz = str(settings.get("site.timezone") or "")
            return rows, {a.id for a in active if a.state == "active"}, tz

        ctx.tasks.run_op(load, lambda result: self._on_loaded(generation, result), self._on_failed)

    def _on_loaded(self, generation: int, result: tuple[list[AlarmView], set[int], str]) -> None:
        if generation != self._generation:
            return  # the filters changed meanwhile: a newer load is on its way
        rows, active_ids, tz = result
        self.model.timezone = tz or None
        selected = set(self.selected_ids())
        self.model.set_rows(rows)
        self._reselect(selected)
        if should_beep(self._seen_active, active_ids, self.sound_check.isChecked()):
            self.beep()
        self._seen_active = set(active_ids)
        unacked = sum(1 for a in rows if a.state == "active")
        if self._pending_error is not None:
            self.summary_label.setText(self._pending_error)
            self.summary_label.setStyleSheet("color: #c0392b")
            self._pending_error = None
        else:
            self.summary_label.setText(
                self.tr("{0} alarms · {1} not acknowledged").format(len(rows), unacked)
            )
            self.summary_label.setStyleSheet("")
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        self.summary_label.setText(describe(exc))
        self.summary_label.setStyleSheet("color: #c0392b")

    def beep(self) -> None:
        QApplication.beep()

    # -- selection and actions ------------------------------------------------------------------

    def selected_views(self) -> list[AlarmView]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r) for r in sorted(rows)]

    def selected_ids(self) -> list[int]:
        return [a.id for a in self.selected_views()]

    def _reselect(self, ids: set[int]) -> None:
        if not ids:
            return
        sel = self.table.selectionModel()
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id in ids:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                sel.select(
                    index,
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    def _update_buttons(self, *_args: object) -> None:
        views = self.selected_views()
        self.ack_button.setEnabled(self.may_handle and any(a.state == "active" for a in views))
        self.clear_button.setEnabled(self.may_handle and any(a.state != "cleared" for a in views))

    def _run_on_selection(self, acknowledge: bool) -> None:
        wanted = ("active",) if acknowledge else ("active", "acknowledged")
        ids = [a.id for a in self.selected_views() if a.state in wanted]
        if not ids:
            return
        ctx = self.ctx
        alarms = ctx.services.alarms
        action = alarms.acknowledge if acknowledge else alarms.clear

        def run() -> list[BaseException]:
            failures: list[BaseException] = []
            for alarm_id in ids:
                try:
                    action(ctx.actor, alarm_id)
                except Exception as exc:  # one failing alarm must not stop the others
                    failures.append(exc)
            return failures

        self.ack_button.setEnabled(False)
        self.clear_button.setEnabled(False)
        ctx.tasks.run_op(run, self._on_action_done, self._on_failed)

    def _on_action_done(self, failures: list[BaseException]) -> None:
        if failures:
            self._pending_error = describe(failures[0])  # shown once the list has reloaded
        self.refresh()

    # -- slots -------------------------------------------------------------------------------

    def _on_ack_button_clicked(self) -> None:
        self._run_on_selection(acknowledge=True)

    def _on_clear_button_clicked(self) -> None:
        self._run_on_selection(acknowledge=False)

    def _on_filter_changed(self, _index: int) -> None:
        self.refresh()

    def _on_sound_check_toggled(self, checked: bool) -> None:
        QSettings().setValue(SOUND_KEY, checked)

    def _on_header_section_resized(self, *_args: object) -> None:
        QSettings().setValue(HEADER_KEY, self.table.horizontalHeader().saveState())


def _to_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
