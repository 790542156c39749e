"""网关/表具 (DEV-1…3): gateways → buses → meters → points in a tree; add, edit and retire with
the service's validation shown in Chinese; "test connection" for a gateway (off the GUI thread,
bounded); and a live frame log (time, direction, hex) of every bus in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import DeviceConfigError
from app.services.devices import (
    BusRow,
    FrameLog,
    GatewayRow,
    GatewayTestResult,
    MeterRow,
    PointRow,
    frame_log,
)
from app.ui import messages
from app.ui.dialogs.devices import BusDialog, GatewayDialog, MeterDialog, PointDialog
from app.ui.dialogs.reason import ask_reason
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.frames import FrameLogTableModel
from app.ui.widgets.table_state import HeaderStateKeeper

FRAME_POLL_MS = 300
TEST_TIMEOUT_S = 3.0
ROLE = Qt.ItemDataRole.UserRole


def _describe_device_error(e: DeviceConfigError) -> str:
    p = e.params
    v = p.get("value", "")
    texts: dict[str, Callable[[], str]] = {
        "code_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "The code is required (at most 32 characters)."
        ),
        "code_taken": lambda: QCoreApplication.translate(
            "DeviceErrors", "The code {0} is already used."
        ).format(v),
        "name_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "The name is required."
        ),
        "transport": lambda: QCoreApplication.translate(
            "DeviceErrors", "Unknown connection type {0}."
        ).format(v),
        "host_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "A TCP gateway needs its host address."
        ),
        "dtu_id_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "A 4G DTU needs its registration id."
        ),
        "dtu_id_taken": lambda: QCoreApplication.translate(
            "DeviceErrors", "The DTU registration id {0} is already used."
        ).format(v),
        "serial_url_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "A serial gateway needs its port, e.g. serial:///dev/ttyUSB0."
        ),
        "bus_number": lambda: QCoreApplication.translate(
            "DeviceErrors", "The bus number must be 1 to 6 (got {0})."
        ).format(v),
        "bus_taken": lambda: QCoreApplication.translate(
            "DeviceErrors", "This gateway already has bus {0}."
        ).format(v),
        "port_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "A bus of a TCP gateway needs its TCP port."
        ),
        "port_range": lambda: QCoreApplication.translate(
            "DeviceErrors", "The TCP port must be 1 to 65535 (got {0})."
        ).format(v),
        "port_taken": lambda: QCoreApplication.translate(
            "DeviceErrors", "TCP port {0} of this host is already used by another bus."
        ).format(v),
        "baud": lambda: QCoreApplication.translate(
            "DeviceErrors", "Baud rate {0} is not supported."
        ).format(v),
        "parity": lambda: QCoreApplication.translate(
            "DeviceErrors", "Parity must be even, none or odd."
        ),
        "stop_bits": lambda: QCoreApplication.translate(
            "DeviceErrors", "Stop bits must be 1 or 2."
        ),
        "timeout": lambda: QCoreApplication.translate(
            "DeviceErrors", "The response timeout must be 100 to 30000 ms (got {0})."
        ).format(v),
        "retries": lambda: QCoreApplication.translate(
            "DeviceErrors", "Retries must be 0 to 5 (got {0})."
        ).format(v),
        "frame_gap": lambda: QCoreApplication.translate(
            "DeviceErrors", "The inter-frame gap must be 0 to 2000 ms (got {0})."
        ).format(v),
        "address_bcd": lambda: QCoreApplication.translate(
            "DeviceErrors", "The meter address must be exactly {0} digits (got \u201c{1}\u201d)."
        ).format(p.get("digits", ""), v),
        "address_modbus": lambda: QCoreApplication.translate(
            "DeviceErrors", "A Modbus unit id must be 1 to 247 (got \u201c{0}\u201d)."
        ).format(v),
        "address_taken": lambda: QCoreApplication.translate(
            "DeviceErrors", "Meter address {0} is already on this bus."
        ).format(v),
        "kind": lambda: QCoreApplication.translate(
            "DeviceErrors", "Unknown meter kind {0}."
        ).format(v),
        "protocol": lambda: QCoreApplication.translate(
            "DeviceErrors", "Unknown protocol {0}."
        ).format(v),
        "protocol_kind": lambda: QCoreApplication.translate(
            "DeviceErrors",
            "Water meters speak CJ/T 188 and electricity meters DL/T 645 (or Modbus).",
        ),
        "ct_ratio": lambda: QCoreApplication.translate(
            "DeviceErrors", "The CT multiplier must be 1 to 10000 (got {0})."
        ).format(v),
        "circuits": lambda: QCoreApplication.translate(
            "DeviceErrors", "This meter kind has 1 to {0} circuits (got {1})."
        ).format(p.get("limit", 1), v),
        "circuits_shrink": lambda: QCoreApplication.translate(
            "DeviceErrors", "Circuits cannot be fewer than the {0} already in use."
        ).format(v),
        "meter_retired": lambda: QCoreApplication.translate(
            "DeviceErrors", "Meter {0} is retired."
        ).format(v),
        "room_not_found": lambda: QCoreApplication.translate(
            "DeviceErrors", "There is no room {0}."
        ).format(v),
        "tariff_not_found": lambda: QCoreApplication.translate(
            "DeviceErrors", "There is no tariff {0}."
        ).format(v),
        "tariff_utility": lambda: QCoreApplication.translate(
            "DeviceErrors", "Tariff {0} is for another utility."
        ).format(v),
        "gateway_has_meters": lambda: QCoreApplication.translate(
            "DeviceErrors", "The gateway still has {0} meter(s) in service; retire or move them."
        ).format(p.get("count", 0)),
        "reason_required": lambda: QCoreApplication.translate(
            "DeviceErrors", "Please give a reason."
        ),
        "dtu_test": lambda: QCoreApplication.translate(
            "DeviceErrors",
            "A 4G DTU connects to the collector; see its online state and the frame log.",
        ),
    }
    fn = texts.get(e.problem)
    return (
        fn()
        if fn
        else QCoreApplication.translate("DeviceErrors", "The setting is not valid: {0}").format(
            e.problem
        )
    )


messages.register(DeviceConfigError, _describe_device_error)


class DevicesPage(Page):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("DevicesPage")
        self.ask_reason: Callable[[str, str], str | None] = lambda title, question: ask_reason(
            self, title, question
        )
        self.open_dialog: Callable[[Any], None] = lambda dialog: dialog.open()
        self._tariffs: list[tuple[str, str, str]] = []
        self.gateways: list[GatewayRow] = []
        self._select_after_load: tuple[str, int] | None = None
        self.swap_wizard: Any = None

        self.add_gateway_button = QPushButton(self.tr("Add gateway"))
        self.add_bus_button = QPushButton(self.tr("Add bus"))
        self.add_meter_button = QPushButton(self.tr("Add meter"))
        self.edit_button = QPushButton(self.tr("Edit"))
        self.retire_button = QPushButton(self.tr("Retire"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.swap_button = QPushButton(self.tr("Replace meter"))
        self.swap_button.setObjectName("swap_meter")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.show_retired_check = QCheckBox(self.tr("Show retired"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Device"), self.tr("Details"), self.tr("State")])
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(0, 300)
        self.tree.header().resizeSection(1, 480)
        self.tree_state = HeaderStateKeeper(self.tree, "devices_tree")

        self.frames = frame_log()
        self.frame_model = FrameLogTableModel()
        self.frame_table = QTableView()
        self.frame_table.setModel(self.frame_model)
        self.frame_table.verticalHeader().setVisible(False)
        self.frame_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        fh = self.frame_table.horizontalHeader()
        fh.setStretchLastSection(True)
        for col, width in ((0, 100), (1, 80), (2, 80), (3, 120)):
            fh.resizeSection(col, width)
        self.frame_state = HeaderStateKeeper(self.frame_table, "frame_log")
        self.log_button = QPushButton(self.tr("Start frame log"))
        self.log_button.setCheckable(True)
        self.clear_log_button = QPushButton(self.tr("Clear"))
        self.log_label = QLabel(self.tr("Frame log (every bus of this program)"))

        buttons = QHBoxLayout()
        for b in (
            self.add_gateway_button,
            self.add_bus_button,
            self.add_meter_button,
            self.edit_button,
            self.retire_button,
            self.swap_button,
            self.test_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.show_retired_check)
        buttons.addWidget(self.refresh_button)
        log_bar = QHBoxLayout()
        log_bar.addWidget(self.log_label)
        log_bar.addStretch(1)
        log_bar.addWidget(self.log_button)
        log_bar.addWidget(self.clear_log_button)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addLayout(log_bar)
        log_layout.addWidget(self.frame_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(log_box)
        splitter.setSizes([450, 250])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_POLL_MS)
        self.frame_timer.timeout.connect(self._on_frame_timer_timeout)

        self.add_gateway_button.clicked.connect(self._on_add_gateway_clicked)
        self.add_bus_button.clicked.connect(self._on_add_bus_clicked)
        self.add_meter_button.clicked.connect(self._on_add_meter_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.retire_button.clicked.connect(self._on_retire_clicked)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.swap_button.clicked.connect(self._on_swap_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        self.show_retired_check.toggled.connect(self.refresh)
        self.log_button.toggled.connect(self._on_log_button_toggled)
        self.clear_log_button.clicked.connect(self.frame_model.clear)
        self.tree.currentItemChanged.connect(self._update_actions)
        self.tree.itemDoubleClicked.connect(self._on_edit_clicked)
        self._update_actions()

    # -- loading -----------------------------------------------------------------------------

    def refresh(self, *_args: object) -> None:
        ctx = self.ctx
        retired = self.show_retired_check.isChecked()

        def load() -> tuple[list[GatewayRow], list[tuple[str, str, str]]]:
            return (
                ctx.services.devices.tree(ctx.actor, include_retired=retired),
                ctx.services.devices.tariffs(ctx.actor),
            )

        ctx.tasks.run_op(load, self._on_tree_loaded, self._on_failed)

    def _on_tree_loaded(self, result: tuple[list[GatewayRow], list[tuple[str, str, str]]]) -> None:
        self.gateways, self._tariffs = result
        current = self._current_key()
        expanded = {
            self._key_of(it) for it in self._all_items() if it.isExpanded() and self._key_of(it)
        }
        self.tree.clear()
        first = not expanded
        for gw in self.gateways:
            g_item = self._item(
                None, ("gateway", gw), f"{gw.code}  {gw.name}", self._gw_details(gw)
            )
            g_item.setText(2, self._state_text(gw.status, gw.online))
            for bus in gw.buses:
                b_item = self._item(
                    g_item,
                    ("bus", bus),
                    self.tr("Bus {0}").format(bus.number),
                    self._bus_details(bus),
                )
                b_item.setText(2, self.tr("{0} meter(s)").format(len(bus.meters)))
                for m in bus.meters:
                    m_item = self._item(b_item, ("meter", m), m.address, self._meter_details(m))
                    m_item.setText(2, self._state_text(m.status, None))
                    for p in m.points:
                        p_item = self._item(m_item, ("point", p), p.code, self._point_details(p))
                        p_item.setText(2, self._state_text(p.status, None))
        for it in self._all_items():
            key = self._key_of(it)
            if (first and key[0] in ("gateway",)) or key in expanded:
                it.setExpanded(True)
        top = self.tree.topLevelItem(0)
        first_bus = top.child(0) if top is not None and top.childCount() else None
        if first and first_bus is not None:
            first_bus.setExpanded(True)  # show the whole chain once: bus → meters
        if self._select_after_load is not None:
            self.select(*self._select_after_load)
            self._select_after_load = None
        elif current[0] and self.select(*current):
            pass
        elif self.tree.currentItem() is None and (top := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(top)
        self._update_actions()

    def _item(
        self, parent: QTreeWidgetItem | None, data: tuple[str, Any], name: str, details: str
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, details, ""])
        item.setData(0, ROLE, data)
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def _all_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            it = stack.pop()
            if it is None:
                continue
            out.append(it)
            stack.extend(it.child(i) for i in range(it.childCount()))
        return out

    @staticmethod
    def _key_of(item: QTreeWidgetItem | None) -> tuple[str, int]:
        if item is None:
            return ("", 0)
        kind, row = item.data(0, ROLE)
        return (kind, row.id)

    def _current_key(self) -> tuple[str, int]:
        return self._key_of(self.tree.currentItem())

    def current(self) -> tuple[str, Any] | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, ROLE)

    def select(self, kind: str, row_id: int) -> bool:
        for it in self._all_items():
            if self._key_of(it) == (kind, row_id):
                self.tree.setCurrentItem(it)
                self.tree.scrollToItem(it)
                return True
        return False

    # -- texts -------------------------------------------------------------------------------

    def _state_text(self, status: str, online: bool | None) -> str:
        if status == "retired":
            return self.tr("Retired")
        if online is None:
            return self.tr("In service")
        return self.tr("Online") if online else self.tr("Offline")

    def _gw_details(self, gw: GatewayRow) -> str:
        if gw.transport == "tcp":
            how = self.tr("TCP {0}").format(gw.host or "")
        elif gw.transport == "dtu":
            how = self.tr("4G DTU {0}").format(gw.dtu_id or "")
        else:
            how = self.tr("Serial {0}").format(gw.serial_url or "")
        return f"{how}  {gw.location}".strip()

    def _bus_details(self, bus: BusRow) -> str:
        parity = {"E": self.tr("even"), "N": self.tr("none"), "O": self.tr("odd")}[bus.parity]
        port = self.tr("port {0}, ").format(bus.port) if bus.port else ""
        return self.tr("{0}{1} baud, {2} parity, timeout {3} ms, {4} retries").format(
            port, bus.baud, parity, bus.timeout_ms, bus.retries
        )

    def _meter_details(self, m: MeterRow) -> str:
        kinds = {
            "single_phase": self.tr("Single-phase"),
            "three_phase": self.tr("Three-phase"),
            "multi_circuit": self.tr("Multi-circuit"),
            "water": self.tr("Cold water"),
            "hot_water": self.tr("Hot water"),
        }
        protocols = {
            "dlt645-2007": "DL/T 645-2007",
            "dlt645-1997": "DL/T 645-1997",
            "cjt188": "CJ/T 188",
            "modbus": "Modbus",
        }
        extra = self.tr(", CT ×{0}").format(m.ct_ratio) if m.ct_ratio != 1 else ""
        return f"{kinds.get(m.kind, m.kind)} · {protocols.get(m.protocol, m.protocol)}{extra}"

    def _point_details(self, p: PointRow) -> str:
        room = p.room_code or self.tr("no room")
        tariff = p.tariff_code or self.tr("no tariff")
        keep = self.tr(" · keep power") if p.keep_power else ""
        return self.tr("circuit {0} · room {1} · tariff {2}").format(p.circuit, room, tariff) + keep

    # -- actions -----------------------------------------------------------------------------

    def _update_actions(self, *_args: object) -> None:
        cur = self.current()
        kind = cur[0] if cur else ""
        active = cur is not None and getattr(cur[1], "status", "active") == "active"
        self.add_bus_button.setEnabled(kind == "gateway" and active)
        self.add_meter_button.setEnabled(kind == "bus")
        self.edit_button.setEnabled(kind in ("gateway", "bus", "meter", "point") and active)
        self.retire_button.setEnabled(kind in ("gateway", "meter") and active)
        self.test_button.setEnabled(kind == "gateway" and active)
        self.swap_button.setEnabled(kind in ("meter", "point") and active)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #c62828" if error else "color: #2e7d32")

    def _on_failed(self, exc: BaseException) -> None:
        self.show_message(describe(exc), error=True)

    def _submit(
        self, save: Callable[[Any], object], select_kind: str
    ) -> Callable[[Any, Any], None]:
        """The dialog's save: run the service off the GUI thread; errors stay in the dialog."""
        ctx = self.ctx

        def submit(value: Any, dialog: Any) -> None:
            def done(new_id: object) -> None:
                dialog.saved()
                self.show_message(self.tr("Saved."))
                if isinstance(new_id, int):
                    self._select_after_load = (select_kind, new_id)
                self.refresh()

            ctx.tasks.run_op(lambda: save(value), done, lambda e: dialog.failed(describe(e)))

        return submit

    def _on_add_gateway_clicked(self) -> None:
        dialog = GatewayDialog(self)
        devices, actor = self.ctx.services.devices, self.ctx.actor
        dialog.on_submit = self._submit(lambda v: devices.save_gateway(actor, v), "gateway")
        self.open_dialog(dialog)

    def _on_add_bus_clicked(self) -> None:
        cur = self.current()
        if not cur or cur[0] != "gateway":
            return
        gw: GatewayRow = cur[1]
        dialog = BusDialog(self, gw.id)
        dialog.number_spin.setValue(len(gw.buses) + 1)
        devices, actor = self.ctx.services.devices, self.ctx.actor
        dialog.on_submit = self._submit(lambda v: devices.save_bus(actor, v), "bus")
        self.open_dialog(dialog)

    def _on_add_meter_clicked(self) -> None:
        cur = self.current()
        if not cur or cur[0] != "bus":
            return
        dialog = MeterDialog(self, cur[1].id)
        devices, actor = self.ctx.services.devices, self.ctx.actor
        dialog.on_submit = self._submit(lambda v: devices.save_meter(actor, v), "meter")
        self.open_dialog(dialog)

    def _on_edit_clicked(self, *_args: object) -> None:
        cur = self.current()
        if not cur:
            return
        kind, row = cur
        devices, actor = self.ctx.services.devices, self.ctx.actor
        dialog: Any
        if kind == "gateway":
            dialog = GatewayDialog(self, row)
            dialog.on_submit = self._submit(
                lambda v: devices.save_gateway(actor, v, row.id), "gateway"
            )
        elif kind == "bus":
            dialog = BusDialog(self, row.gateway_id, row)
            dialog.on_submit = self._submit(lambda v: devices.save_bus(actor, v, row.id), "bus")
        elif kind == "meter":
            dialog = MeterDialog(self, row.bus_id, row)
            dialog.on_submit = self._submit(lambda v: devices.save_meter(actor, v, row.id), "meter")
        else:
            dialog = PointDialog(self, row, self._tariffs)
            dialog.on_submit = self._submit(lambda v: devices.save_point(actor, row.id, v), "point")
        self.open_dialog(dialog)

    def _on_retire_clicked(self) -> None:
        cur = self.current()
        if not cur:
            return
        kind, row = cur
        devices, actor = self.ctx.services.devices, self.ctx.actor
        if kind == "meter":
            reason = self.ask_reason(
                self.tr("Retire meter"),
                self.tr("Retire meter {0} and its points? Its history is kept. Why?").format(
                    row.address
                ),
            )
            if reason is None:
                return
            why = reason
            op: Callable[[], object] = lambda: devices.retire_meter(actor, row.id, why)  # noqa: E731
        elif kind == "gateway":
            reason = self.ask_reason(
                self.tr("Retire gateway"),
                self.tr("Retire gateway {0}? Why?").format(row.code),
            )
            if reason is None:
                return
            op = lambda: devices.retire_gateway(actor, row.id)  # noqa: E731
        else:
            return
        self.ctx.tasks.run_op(op, lambda _r: self._on_retired(), self._on_failed)

    def _on_swap_clicked(self) -> None:
        """换表 (DEV-6): the wizard for the selected point (or the meter's point)."""
        from app.ui.wizards.meter_swap import MeterSwapWizard

        cur = self.current()
        if not cur or cur[0] not in ("meter", "point"):
            return
        kind, row = cur
        point_id = row.id if kind == "point" else (row.points[0].id if row.points else None)
        wizard = MeterSwapWizard(self.ctx, point_id, self)
        wizard.finished.connect(lambda _r: self._on_swap_finished(wizard))
        self.swap_wizard = wizard
        self.open_dialog(wizard)

    def _on_swap_finished(self, wizard: Any) -> None:
        if wizard.swapped:
            self.show_message(self.tr("Meter replaced."))
            self.refresh()

    def _on_retired(self) -> None:
        self.show_message(self.tr("Retired."))
        self.refresh()

    def _on_test_clicked(self) -> None:
        cur = self.current()
        if not cur or cur[0] != "gateway":
            return
        gw: GatewayRow = cur[1]
        devices, actor = self.ctx.services.devices, self.ctx.actor
        self.test_button.setEnabled(False)
        self.show_message(self.tr("Testing gateway {0}…").format(gw.code))
        if not self.log_button.isChecked():
            self.log_button.setChecked(True)  # the technician sees the frames of the test
        self.ctx.tasks.run_op(
            lambda: devices.test_gateway(actor, gw.id, timeout_s=TEST_TIMEOUT_S),
            self._on_tested,
            self._on_test_failed,
            io=True,  # minutes on a dead line must not hold the database worker
        )

    def _on_tested(self, result: GatewayTestResult) -> None:
        self._update_actions()
        lines = []
        for b in result.buses:
            if b.ok:
                lines.append(
                    self.tr("Bus {0}: meter {1} answered in {2} ms (reading {3}).").format(
                        b.bus_number, b.address, b.elapsed_ms, b.value
                    )
                )
            elif b.detail == "no_meter":
                lines.append(self.tr("Bus {0}: no meter to ask.").format(b.bus_number))
            else:
                lines.append(
                    self.tr("Bus {0}: no answer from meter {1} ({2}).").format(
                        b.bus_number, b.address, b.detail
                    )
                )
        if not result.buses:
            lines.append(self.tr("The gateway has no bus."))
        head = (
            self.tr("Gateway {0}: connection works.")
            if result.ok
            else self.tr("Gateway {0}: connection failed.")
        ).format(result.gateway_code)
        self.show_message("\n".join([head, *lines]), error=not result.ok)

    def _on_test_failed(self, exc: BaseException) -> None:
        self._update_actions()
        self._on_failed(exc)

    # -- frame log ---------------------------------------------------------------------------

    def _on_log_button_toggled(self, on: bool) -> None:
        if on:
            self.frames.start()
            self.frame_timer.start()
            self.log_button.setText(self.tr("Stop frame log"))
        else:
            self.frames.stop()
            self.frame_timer.stop()
            self._on_frame_timer_timeout()
            self.log_button.setText(self.tr("Start frame log"))

    def _on_frame_timer_timeout(self) -> None:
        # in-memory hand-over from the comms thread: no database, no waiting
        rows = self.frames.drain()
        if not rows:
            return
        bar = self.frame_table.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        self.frame_model.append(rows)
        if at_end:
            self.frame_table.scrollToBottom()

    def frame_log(self) -> FrameLog:
        return self.frames

    def closeEvent(self, event: Any) -> None:
        self.frames.stop()
        super().closeEvent(event)
