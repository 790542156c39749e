"""电表监测 / 水表监测 (MON-2, CTL-5): every point of one utility with its room, meter, last
reading, switch and online state; filters; read now, trip/close and keep-power on a selection,
each with a reason, and each command's progress (pending → sent → confirmed | failed) shown on
its row until it is final."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.domain.permissions import Perm
from app.services.monitoring import BuildingRef, CommandProgress, MonitorPoint
from app.ui.dialogs.reason import ask_reason
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.monitoring import MonitorTableModel
from app.ui.widgets.table_state import HeaderStateKeeper

POLL_MS = 1000
AUTO_REFRESH_MS = 60_000  # readings arrive each read cycle; the page follows while shown
STATE_FILTERS = ("all", "online", "offline", "cut", "keep_power", "busy", "failed")


@dataclass(frozen=True)
class PointsLoaded:
    """The points with what the page derives from them, computed on the db worker thread."""

    buildings: list[BuildingRef]
    rows: list[MonitorPoint]
    texts: list[str]  # the rows' search texts
    online: int
    cut: int
    busy: set[int]  # points whose newest command is not final


def load_points(buildings: list[BuildingRef], rows: list[MonitorPoint]) -> PointsLoaded:
    online = cut = 0
    busy: set[int] = set()
    for r in rows:
        if r.online == "online":
            online += 1
        if r.relay_state == "open":
            cut += 1
        if r.last_command is not None and not r.last_command.final:
            busy.add(r.point_id)
    return PointsLoaded(buildings, rows, MonitorTableModel.search_texts(rows), online, cut, busy)


def _matches_state(p: MonitorPoint, c: CommandProgress | None, state: str) -> bool:
    if state == "online":
        return p.online == "online"
    if state == "offline":
        return p.online != "online"
    if state == "cut":
        return p.relay_state == "open"
    if state == "keep_power":
        return p.keep_power
    if state == "busy":
        return c is not None and not c.final
    if state == "failed":
        return c is not None and c.state == "failed"
    return True


class MonitoringPage(Page):
    """One class for both utilities: ``utility`` is "electricity" or "water"."""

    def __init__(self, ctx: PageContext, utility: str) -> None:
        super().__init__(ctx)
        self.utility = utility
        water = utility == "water"
        self.setObjectName("WaterMonitorPage" if water else "ElecMonitorPage")
        self.ask_reason: Callable[[str, str], str | None] = lambda title, question: ask_reason(
            self, title, question
        )
        self._buildings: list[BuildingRef] = []
        self._watched: set[int] = set()  # points whose command is not final yet
        self._loading = False
        self._reload_again = False

        self.building_combo = QComboBox()
        self.building_combo.addItem(self.tr("All buildings"), None)
        self.state_combo = QComboBox()
        state_names = {
            "all": self.tr("All states"),
            "online": self.tr("Online"),
            "offline": self.tr("Offline or never read"),
            "cut": self.tr("Valve shut") if water else self.tr("Tripped"),
            "keep_power": self.tr("Keep power"),
            "busy": self.tr("Command in progress"),
            "failed": self.tr("Command failed"),
        }
        for key in STATE_FILTERS:
            self.state_combo.addItem(state_names[key], key)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search room, name or meter address"))
        self.search_edit.setClearButtonEnabled(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))

        self.read_button = QPushButton(self.tr("Read now"))
        self.trip_button = QPushButton(self.tr("Shut valve") if water else self.tr("Trip"))
        self.close_button = QPushButton(self.tr("Open valve") if water else self.tr("Close"))
        self.keep_on_button = QPushButton(self.tr("Keep power on"))
        self.keep_off_button = QPushButton(self.tr("Keep power off"))
        self.action_buttons = (
            self.read_button,
            self.trip_button,
            self.close_button,
            self.keep_on_button,
            self.keep_off_button,
        )
        self.summary_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setObjectName("message")
        self.message_label.setWordWrap(True)

        # the model filters (building, state, text) and sorts itself: ``proxy`` is the same
        # object, named for what the view shows
        self.model = MonitorTableModel(utility)
        self.proxy = self.model
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(MonitorTableModel.ROOM, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in (
            (MonitorTableModel.ROOM, 70),
            (MonitorTableModel.NAME, 95),
            (MonitorTableModel.BUILDING, 90),
            (MonitorTableModel.ADDRESS, 105),
            (MonitorTableModel.VALUE, 100),
            (MonitorTableModel.READ_AT, 115),
            (MonitorTableModel.LIVE, 170),
            (MonitorTableModel.SWITCH, 60),
            (MonitorTableModel.CAUSE, 60),
            (MonitorTableModel.KEEP, 40),
            (MonitorTableModel.ONLINE, 50),
        ):
            header.resizeSection(col, width)
        self.header_state = HeaderStateKeeper(self.table, f"{utility}_monitor")
        # water meters offer no live values (CJ/T 188 reads volume and status only)
        self.table.setColumnHidden(MonitorTableModel.LIVE, water)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Building")))
        filters.addWidget(self.building_combo)
        filters.addWidget(QLabel(self.tr("State")))
        filters.addWidget(self.state_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        for b in self.action_buttons:
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.summary_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)

        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._poll)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(AUTO_REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)

        self.building_combo.currentIndexChanged.connect(self._apply_filters)
        self.state_combo.currentIndexChanged.connect(self._apply_filters)
        self.search_edit.textChanged.connect(self._apply_filters)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.read_button.clicked.connect(self._on_read_button_clicked)
        self.trip_button.clicked.connect(self._on_trip_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.keep_on_button.clicked.connect(self._on_keep_on_button_clicked)
        self.keep_off_button.clicked.connect(self._on_keep_off_button_clicked)
        self.keep_on_button.setVisible(not water)
        self.keep_off_button.setVisible(not water)
        self._update_actions()

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._loading:
            self._reload_again = True  # what is on its way may predate a change just made
            return
        self._loading = True
        self._reload_again = False
        self.summary_label.setText(self.tr("Loading…"))
        ctx, utility = self.ctx, self.utility

        def load() -> PointsLoaded:
            return load_points(
                ctx.services.monitoring.buildings(ctx.actor),
                ctx.services.monitoring.points(ctx.actor, utility),
            )

        ctx.tasks.run_op(load, self._on_points_loaded, self._on_load_failed)

    def _on_points_loaded(self, loaded: PointsLoaded) -> None:
        self._loading = False
        if self._reload_again:
            self.refresh()
        buildings, rows = loaded.buildings, loaded.rows
        if [b.id for b in buildings] != [b.id for b in self._buildings]:
            self._buildings = buildings
            current = self.building_combo.currentData()
            self.building_combo.blockSignals(True)
            self.building_combo.clear()
            self.building_combo.addItem(self.tr("All buildings"), None)
            for b in buildings:
                self.building_combo.addItem(b.name, b.id)
            found = self.building_combo.findData(current)
            self.building_combo.setCurrentIndex(max(0, found))
            self.building_combo.blockSignals(False)
            self._apply_filters()  # the chosen building may be gone
        selected = set(self.selected_point_ids())
        self.model.set_rows(rows, loaded.texts)
        self._reselect(selected)
        self._watched |= loaded.busy
        if self._watched and not self.poll_timer.isActive():
            self.poll_timer.start()
        self.summary_label.setText(
            self.tr("{0} points · {1} online · {2} offline · {3} cut").format(
                len(rows), loaded.online, len(rows) - loaded.online, loaded.cut
            )
        )
        self._update_actions()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._reload_again = False
        self.summary_label.setText("")
        self.show_message(describe(exc), error=True)

    def _reselect(self, point_ids: set[int]) -> None:
        if not point_ids:
            return
        sel = self.table.selectionModel()
        for pid in point_ids:
            row = self.model.row_of(pid)
            shown = self.model.view_row(row) if row is not None else None
            if shown is not None:
                sel.select(
                    self.model.index(shown, 0),
                    sel.SelectionFlag.Select | sel.SelectionFlag.Rows,
                )

    # -- filters and selection -----------------------------------------------------------------

    def _apply_filters(self, *_args: object) -> None:
        building_id = self.building_combo.currentData()
        state = str(self.state_combo.currentData() or "all")
        accept: Callable[[MonitorPoint], bool] | None = None
        if building_id is not None or state != "all":
            command_of = self.model.command_of

            def accept(p: MonitorPoint) -> bool:
                if building_id is not None and p.building_id != building_id:
                    return False
                return state == "all" or _matches_state(p, command_of(p.point_id), state)

        self.model.set_filter(self.search_edit.text(), accept, (building_id, state))

    def selected_point_ids(self) -> list[int]:
        rows = {self.model.source_row(i.row()) for i in self.table.selectionModel().selectedRows()}
        every = self.model.all_rows()
        return [every[r].point_id for r in sorted(rows)]

    def select_rooms(self, room_codes: set[str]) -> None:
        """Select the rows of these rooms (the tests' and keyboard users' shortcut)."""
        self.table.clearSelection()
        ids = {p.point_id for p in self.model.all_rows() if p.room_code in room_codes}
        self._reselect(ids)

    def _update_actions(self, *_args: object) -> None:
        may = self.ctx.may(Perm.DEVICE_CONTROL)
        ids = self.selected_point_ids()
        for b in self.action_buttons:
            b.setEnabled(may and bool(ids))
            if not may:
                b.setToolTip(self.tr("You do not have permission to control meters."))

    # -- actions -----------------------------------------------------------------------------

    def _switchable(self, ids: list[int]) -> list[int]:
        every = self.model.all_rows()
        return [
            pid
            for pid in ids
            if (row := self.model.row_of(pid)) is not None and every[row].has_switch
        ]

    def _on_read_button_clicked(self) -> None:
        self._request("read", self.selected_point_ids(), self.tr("Read now"))

    def _on_trip_button_clicked(self) -> None:
        title = self.tr("Shut valve") if self.utility == "water" else self.tr("Trip")
        self._request("trip", self._switchable(self.selected_point_ids()), title)

    def _on_close_button_clicked(self) -> None:
        title = self.tr("Open valve") if self.utility == "water" else self.tr("Close")
        self._request("close", self._switchable(self.selected_point_ids()), title)

    def _on_keep_on_button_clicked(self) -> None:
        self._keep_power(True)

    def _on_keep_off_button_clicked(self) -> None:
        self._keep_power(False)

    def _request(self, action: str, ids: list[int], title: str) -> None:
        if not ids:
            self.show_message(self.tr("None of the selected points has a switch."), error=True)
            return
        reason = self.ask_reason(
            title, self.tr("{0} on {1} point(s). Why?").format(title, len(ids))
        )
        if reason is None:
            return
        ctx = self.ctx
        self.show_message(self.tr("Sending…"))
        ctx.tasks.run_op(
            lambda: ctx.services.control.request(ctx.actor, ids, action, reason),
            lambda cmd_ids: self._on_requested(ids, cmd_ids),
            self._on_action_failed,
        )

    def _on_requested(self, point_ids: list[int], command_ids: list[int]) -> None:
        if command_ids:
            self.show_message(self.tr("{0} command(s) queued.").format(len(command_ids)))
        else:
            self.show_message(self.tr("The same command is already on its way."))
        self._watched.update(point_ids)
        self._poll()
        if not self.poll_timer.isActive():
            self.poll_timer.start()

    def _keep_power(self, on: bool) -> None:
        ids = self.selected_point_ids()
        title = self.tr("Keep power on") if on else self.tr("Keep power off")
        reason = self.ask_reason(
            title, self.tr("{0} on {1} point(s). Why?").format(title, len(ids))
        )
        if reason is None:
            return
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.control.set_keep_power(ctx.actor, ids, on, reason),
            self._on_keep_power_set,
            self._on_action_failed,
        )

    def _on_keep_power_set(self, changed: int) -> None:
        self.show_message(self.tr("Keep power changed on {0} point(s).").format(changed))
        self.refresh()

    def _on_action_failed(self, exc: BaseException) -> None:
        self.show_message(describe(exc), error=True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #c62828" if error else "color: #2e7d32")

    # -- progress ----------------------------------------------------------------------------

    def _poll(self) -> None:
        if not self._watched:
            self.poll_timer.stop()
            return
        ctx, ids = self.ctx, sorted(self._watched)
        ctx.tasks.run_op(
            lambda: ctx.services.monitoring.command_progress(ctx.actor, ids),
            self._on_progress,
            self._on_action_failed,
        )

    def _on_progress(self, progress: dict[int, CommandProgress]) -> None:
        self.model.update_commands(progress)
        finished = {pid for pid, c in progress.items() if c.final and pid in self._watched}
        self._watched -= finished
        self._watched &= set(progress)
        if finished:
            self.refresh()  # switch state, reading and trip cause changed with the command
        if not self._watched:
            self.poll_timer.stop()

    def hideEvent(self, event: QHideEvent) -> None:
        self.poll_timer.stop()
        self.refresh_timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_timer.start()
        if self._watched:
            self.poll_timer.start()
