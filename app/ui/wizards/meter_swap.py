"""换表 wizard (DEV-6): a Qt skin over ``app.domain.meter_swap`` (the flow and its rules) and
``MeterSwapService`` (bus reads off the GUI thread, the swap in one transaction, the slip).

Pages: point → old meter's final value → new meter's address → new meter's initial value →
summary and confirmation. Nothing is written until "Confirm swap" on the last page; Cancel at
any step (or closing the window) leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.meter_swap import (
    ORDER,
    TOU_REGISTERS,
    AddressSource,
    MeterSwapFlow,
    Step,
    SwapPoint,
    show_value,
)
from app.domain.money import format_fen
from app.errors import MeterSwapError
from app.services.meter_swap import BusReading, SwapSlip
from app.ui import messages
from app.ui.messages import describe
from app.ui.pages.base import PageContext

PAGE_IDS = {Step.POINT: 0, Step.OLD_FINAL: 1, Step.NEW_ADDRESS: 2, Step.NEW_INITIAL: 3}
PAGE_IDS[Step.SUMMARY] = 4
REGISTER_LABELS = {
    "t1": QT_TRANSLATE_NOOP("MeterSwapRegisters", "Tip"),
    "t2": QT_TRANSLATE_NOOP("MeterSwapRegisters", "Peak"),
    "t3": QT_TRANSLATE_NOOP("MeterSwapRegisters", "Flat"),
    "t4": QT_TRANSLATE_NOOP("MeterSwapRegisters", "Valley"),
}


def _describe_swap_error(e: MeterSwapError) -> str:
    p = e.params
    v = str(p.get("value", ""))
    texts: dict[str, Callable[[], str]] = {
        "note_required": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Please write a note: why the value was typed in."
        ),
        "note_too_long": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The note is too long (at most {0} characters)."
        ).format(p.get("limit", "")),
        "value_required": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Please enter the meter value."
        ),
        "value_format": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "\u201c{0}\u201d is not a meter value (e.g. 1234.56)."
        ).format(v),
        "tou_required": lambda: QCoreApplication.translate(
            "MeterSwapErrors",
            "This meter has time-of-use registers: enter tip, peak, flat and valley too.",
        ),
        "final_below_last": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The final value {0} is below the last reading {1}: check the value."
        ).format(v, p.get("last", "")),
        "final_not_after_last": lambda: QCoreApplication.translate(
            "MeterSwapErrors",
            "The point has a reading at or after this moment; the swap must come after it.",
        ),
        "initial_before_final": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The new meter cannot be read before the old one."
        ),
        "address_format": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The meter address must be exactly {0} digits (got \u201c{1}\u201d)."
        ).format(p.get("digits", ""), v),
        "address_modbus": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "A Modbus unit id must be 1 to 247 (got \u201c{0}\u201d)."
        ).format(v),
        "same_address": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The new meter has the address of the old one ({0})."
        ).format(v),
        "address_taken": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Meter address {0} is already on this bus."
        ).format(v),
        "protocol": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Unknown protocol {0}."
        ).format(v),
        "point_retired": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The point {0} is retired."
        ).format(v),
        "meter_retired": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The meter of point {0} is retired."
        ).format(v),
        "point_on_hold": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Point {0} has held readings: resolve them before the swap."
        ).format(v),
        "multi_circuit": lambda: QCoreApplication.translate(
            "MeterSwapErrors",
            "Meter {0} serves several points; a multi-circuit module cannot be swapped here.",
        ).format(v),
        "meter_changed": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The point's meter was changed meanwhile; start again."
        ),
        "no_value": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Meter {0} answered without a reading."
        ).format(p.get("address", "")),
        "no_answer": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Meter {0} did not answer."
        ).format(p.get("address", "")),
        "bad_answer": lambda: QCoreApplication.translate(
            "MeterSwapErrors",
            "The answer could not be understood (several meters answering at once?).",
        ),
        "rejected": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Meter {0} refused the request."
        ).format(p.get("address", "")),
        "gateway_unreachable": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The gateway cannot be reached."
        ),
        "comm_failed": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "Communication failed."
        ),
        "no_meter_answered": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "No meter answered the read-address command."
        ),
        "bad_range": lambda: QCoreApplication.translate(
            "MeterSwapErrors",
            "\u201c{0}\u201d is not an address range (e.g. 000000000090-000000000120).",
        ).format(v),
        "range_too_large": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "At most {0} addresses can be scanned at once."
        ).format(p.get("limit", "")),
        "settlement": lambda: QCoreApplication.translate(
            "MeterSwapErrors", "The settlement of the swap failed; nothing was changed."
        ),
    }
    fn = texts.get(e.problem)
    return (
        fn()
        if fn is not None
        else QCoreApplication.translate(
            "MeterSwapErrors", "The meter swap cannot go on ({0})."
        ).format(e.problem)
    )


messages.register(MeterSwapError, _describe_swap_error)


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet("color: #c62828")
    label.setWordWrap(True)
    return label


def _utility_unit(utility: str) -> str:
    return "kWh" if utility == "electricity" else "m³"


class SwapPointPage(QWizardPage):
    def __init__(self, wizard: MeterSwapWizard) -> None:
        super().__init__()
        self.setObjectName("SwapPointPage")
        self._wizard = wizard
        self.setTitle(self.tr("Choose the point"))
        self.setSubTitle(self.tr("The measurement point whose meter is replaced."))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText(self.tr("Point, room or meter address"))
        self.search_edit.returnPressed.connect(self.load)
        search_button = QPushButton(self.tr("Search"))
        search_button.clicked.connect(self.load)
        self.list = QListWidget()
        self.list.setObjectName("points")
        self.list.currentItemChanged.connect(lambda *_a: self.completeChanged.emit())
        self.error_label = _error_label()
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 1)
        row.addWidget(search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error_label)

    def load(self) -> None:
        ctx = self._wizard.ctx
        text = self.search_edit.text()
        service, wanted = ctx.services.meter_swap, self._wizard.preselect
        self.error_label.clear()
        if wanted is not None and not text.strip():
            # opened on a point: that point (whatever the size of the site), or why not
            self._wizard.run(
                lambda: [service.point(ctx.actor, wanted)], self.show_points, self.failed
            )
            return
        self._wizard.run(lambda: service.points(ctx.actor, text), self.show_points, self.failed)

    def show_points(self, points: list[SwapPoint]) -> None:
        self.list.clear()
        wanted = self._wizard.preselect
        for p in points:
            last = "—" if p.last_value is None else show_value(p.last_value)
            item = QListWidgetItem(
                self.tr("{0}  room {1}  meter {2}  last reading {3}").format(
                    p.point_code, p.room_code or "—", p.address, last
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.list.addItem(item)
            if wanted is not None and p.point_id == wanted:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count() == 1:
            self.list.setCurrentRow(0)
        self.completeChanged.emit()

    def failed(self, exc: BaseException) -> None:
        self.error_label.setText(describe(exc))

    def selected(self) -> SwapPoint | None:
        item = self.list.currentItem()
        point = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        return point if isinstance(point, SwapPoint) else None

    def isComplete(self) -> bool:
        return self.selected() is not None

    def validatePage(self) -> bool:
        point = self.selected()
        if point is None:
            return False
        flow = self._wizard.flow
        self._wizard.sync(Step.POINT)
        try:
            flow.choose_point(point)
        except MeterSwapError as exc:
            self.error_label.setText(describe(exc))
            return False
        self.error_label.clear()
        return True


class _ValuePage(QWizardPage):
    """The final value of the old meter / the initial value of the new one: read over the bus,
    or typed in with a note."""

    step: Step

    def __init__(self, wizard: MeterSwapWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.reading: BusReading | None = None
        self.meter_label = QLabel()
        self.meter_label.setWordWrap(True)
        self.read_button = QPushButton(
            QCoreApplication.translate("MeterSwapValuePage", "Read over the bus")
        )
        self.read_button.setObjectName("read")
        self.read_button.clicked.connect(self._on_read_clicked)
        self.read_label = QLabel()
        self.read_label.setObjectName("read_result")
        self.read_label.setWordWrap(True)
        self.manual_check = QCheckBox(
            QCoreApplication.translate(
                "MeterSwapValuePage", "Type the value in (the meter cannot be read)"
            )
        )
        self.manual_check.setObjectName("manual")
        self.manual_check.toggled.connect(self._on_manual_toggled)
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("value")
        self.value_edit.setPlaceholderText("1234.56")
        self.tou_edits: dict[str, QLineEdit] = {}
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setPlaceholderText(
            QCoreApplication.translate("MeterSwapValuePage", "Why typed in, where the photo is …")
        )
        self.form = QFormLayout()
        self.form.addRow(QCoreApplication.translate("MeterSwapValuePage", "Total"), self.value_edit)
        for register in TOU_REGISTERS:
            edit = QLineEdit()
            edit.setObjectName(register)
            self.tou_edits[register] = edit
            self.form.addRow(
                QCoreApplication.translate("MeterSwapRegisters", str(REGISTER_LABELS[register])),
                edit,
            )
        self.form.addRow(QCoreApplication.translate("MeterSwapValuePage", "Note"), self.note_edit)
        self.manual_box = QWidget()
        self.manual_box.setLayout(self.form)
        self.error_label = _error_label()
        row = QHBoxLayout()
        row.addWidget(self.read_button)
        row.addWidget(self.read_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.meter_label)
        layout.addLayout(row)
        layout.addWidget(self.manual_check)
        layout.addWidget(self.manual_box)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        for edit in (self.value_edit, self.note_edit, *self.tou_edits.values()):
            edit.textChanged.connect(lambda *_a: self.completeChanged.emit())

    # -- what differs between the two pages ---------------------------------------------------

    def address(self) -> str | None:
        raise NotImplementedError

    def read_failed(self, error: str) -> None:
        raise NotImplementedError

    def accept_read(self, values: Mapping[str, object], at: datetime) -> None:
        raise NotImplementedError

    def accept_typed(self, values: Mapping[str, object], at: datetime, note: str) -> None:
        raise NotImplementedError

    # -- common -------------------------------------------------------------------------------

    def initializePage(self) -> None:
        point = self._wizard.flow.point
        assert point is not None
        for edit in self.tou_edits.values():
            edit.setVisible(point.tou)
            label = self.form.labelForField(edit)
            if label is not None:
                label.setVisible(point.tou)
        self._on_manual_toggled(self.manual_check.isChecked())

    def _on_manual_toggled(self, on: bool) -> None:
        self.manual_box.setEnabled(on)
        self.completeChanged.emit()

    def _on_read_clicked(self) -> None:
        ctx, point = self._wizard.ctx, self._wizard.flow.point
        assert point is not None
        address = self.address()
        self.read_button.setEnabled(False)
        self.reading = None
        self.read_label.setText(QCoreApplication.translate("MeterSwapValuePage", "Reading …"))
        self.error_label.clear()
        self._wizard.run(
            lambda: ctx.services.meter_swap.read_meter(ctx.actor, point, address),
            self._on_read,
            self._on_read_failed,
            io=True,
        )

    def _on_read(self, reading: BusReading) -> None:
        self.read_button.setEnabled(True)
        self.reading = reading
        point = self._wizard.flow.point
        unit = _utility_unit(point.utility if point else "")
        self.read_label.setText(
            QCoreApplication.translate("MeterSwapValuePage", "Meter {0} reads {1} {2}.").format(
                reading.address, show_value(reading.values["total"]), unit
            )
        )
        self.read_label.setStyleSheet("color: #2e7d32")
        self.manual_check.setChecked(False)
        self.completeChanged.emit()

    def _on_read_failed(self, exc: BaseException) -> None:
        self.read_button.setEnabled(True)
        self.reading = None
        detail = exc.params.get("detail", "") if isinstance(exc, MeterSwapError) else str(exc)
        self.read_failed(str(detail) or type(exc).__name__)
        self.read_label.setText(
            QCoreApplication.translate(
                "MeterSwapValuePage", "{0} You can type the value in with a note."
            ).format(describe(exc))
        )
        self.read_label.setStyleSheet("color: #c62828")
        self.manual_check.setChecked(True)
        self.value_edit.setFocus()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.manual_check.isChecked():
            return bool(self.value_edit.text().strip() and self.note_edit.text().strip())
        return self.reading is not None

    def validatePage(self) -> bool:
        self._wizard.sync(self.step)
        try:
            if self.manual_check.isChecked():
                values: dict[str, object] = {"total": self.value_edit.text()}
                point = self._wizard.flow.point
                for register, edit in self.tou_edits.items():
                    if (point is not None and point.tou) or edit.text().strip():
                        values[register] = edit.text()
                self.accept_typed(values, datetime.now(UTC), self.note_edit.text())
            else:
                assert self.reading is not None
                self.accept_read(self.reading.values, self.reading.at)
        except MeterSwapError as exc:
            self.error_label.setText(describe(exc))
            return False
        self.error_label.clear()
        return True


class SwapFinalPage(_ValuePage):
    step = Step.OLD_FINAL

    def __init__(self, wizard: MeterSwapWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("SwapFinalPage")
        self.setTitle(self.tr("Final value of the old meter"))
        self.setSubTitle(
            self.tr("Read it over the bus, or type it in from the display of a dead meter.")
        )

    def initializePage(self) -> None:
        super().initializePage()
        point = self._wizard.flow.point
        assert point is not None
        last = (
            self.tr("no reading yet")
            if point.last_value is None
            else f"{show_value(point.last_value)} {_utility_unit(point.utility)}"
        )
        self.meter_label.setText(
            self.tr("Point {0}, old meter {1} on gateway {2} bus {3}; last reading {4}.").format(
                point.point_code, point.address, point.gateway_code, point.bus_number, last
            )
        )

    def address(self) -> str | None:
        return None

    def read_failed(self, error: str) -> None:
        self._wizard.sync(self.step)
        self._wizard.flow.final_read_failed(error)

    def accept_read(self, values: Mapping[str, object], at: datetime) -> None:
        self._wizard.flow.final_read(values, at)

    def accept_typed(self, values: Mapping[str, object], at: datetime, note: str) -> None:
        self._wizard.flow.final_typed(values, at, note)


class SwapAddressPage(QWizardPage):
    def __init__(self, wizard: MeterSwapWizard) -> None:
        super().__init__()
        self.setObjectName("SwapAddressPage")
        self._wizard = wizard
        self.source = AddressSource.TYPED
        self.setTitle(self.tr("Address of the new meter"))
        self.setSubTitle(
            self.tr(
                "Type it or scan the nameplate barcode, read it with the read-address command "
                "(only the new meter on the line), or scan an address range on the bus."
            )
        )
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("address")
        self.address_edit.textEdited.connect(self._on_typed)
        self.address_edit.textChanged.connect(lambda *_a: self.completeChanged.emit())
        self.read_address_button = QPushButton(self.tr("Read address"))
        self.read_address_button.setObjectName("read_address")
        self.read_address_button.clicked.connect(self._on_read_address_clicked)
        self.range_edit = QLineEdit()
        self.range_edit.setObjectName("range")
        self.range_edit.setPlaceholderText("000000000090-000000000120")
        self.scan_button = QPushButton(self.tr("Scan the bus"))
        self.scan_button.setObjectName("scan")
        self.scan_button.clicked.connect(self._on_scan_clicked)
        self.found_list = QListWidget()
        self.found_list.setObjectName("found")
        self.found_list.itemClicked.connect(self._on_found_clicked)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.error_label = _error_label()
        form = QFormLayout()
        addr_row = QHBoxLayout()
        addr_row.addWidget(self.address_edit, 1)
        addr_row.addWidget(self.read_address_button)
        form.addRow(self.tr("New address"), addr_row)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.range_edit, 1)
        scan_row.addWidget(self.scan_button)
        form.addRow(self.tr("Address range"), scan_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.found_list, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)

    def _on_typed(self, _text: str) -> None:
        self.source = AddressSource.TYPED

    def _set(self, address: str, source: AddressSource) -> None:
        self.address_edit.setText(address)
        self.source = source

    def _busy(self, on: bool, text: str = "") -> None:
        self.read_address_button.setEnabled(not on)
        self.scan_button.setEnabled(not on)
        self.status_label.setText(text)
        self.status_label.setStyleSheet("")

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.error_label.setText(describe(exc))

    def _on_read_address_clicked(self) -> None:
        ctx, point = self._wizard.ctx, self._wizard.flow.point
        assert point is not None
        self.error_label.clear()
        self._busy(True, self.tr("Reading the address …"))

        def done(address: str) -> None:
            self._busy(False, self.tr("Meter {0} answered.").format(address))
            self._set(address, AddressSource.READ_ADDRESS)

        self._wizard.run(
            lambda: ctx.services.meter_swap.read_address(ctx.actor, point),
            done,
            self._failed,
            io=True,
        )

    def _on_scan_clicked(self) -> None:
        ctx, point = self._wizard.ctx, self._wizard.flow.point
        assert point is not None
        text = self.range_edit.text()
        self.error_label.clear()
        self.found_list.clear()
        self._busy(True, self.tr("Scanning …"))

        def done(found: list[str]) -> None:
            self._busy(False, self.tr("{0} new meter(s) found.").format(len(found)))
            for address in found:
                self.found_list.addItem(address)
            if len(found) == 1:
                self._set(found[0], AddressSource.SCANNED)

        self._wizard.run(
            lambda: ctx.services.meter_swap.scan(ctx.actor, point, text),
            done,
            self._failed,
            io=True,
        )

    def _on_found_clicked(self, item: QListWidgetItem) -> None:
        self._set(item.text(), AddressSource.SCANNED)

    def isComplete(self) -> bool:
        return bool(self.address_edit.text().strip())

    def validatePage(self) -> bool:
        self._wizard.sync(Step.NEW_ADDRESS)
        try:
            self._wizard.flow.set_new_address(self.address_edit.text(), self.source)
        except MeterSwapError as exc:
            self.error_label.setText(describe(exc))
            return False
        self.error_label.clear()
        return True


class SwapInitialPage(_ValuePage):
    step = Step.NEW_INITIAL

    def __init__(self, wizard: MeterSwapWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("SwapInitialPage")
        self.setTitle(self.tr("Initial value of the new meter"))
        self.setSubTitle(self.tr("Consumption is billed from this value on."))
        self._address = ""

    def initializePage(self) -> None:
        super().initializePage()
        address = self._wizard.flow.new_address
        if address != self._address:  # another meter: forget what was read from the last one
            self.reading = None
            self.read_label.clear()
            self._address = address
        self.meter_label.setText(self.tr("New meter {0}.").format(address))

    def address(self) -> str | None:
        return self._wizard.flow.new_address

    def read_failed(self, error: str) -> None:
        self._wizard.sync(self.step)
        self._wizard.flow.initial_read_failed(error)

    def accept_read(self, values: Mapping[str, object], at: datetime) -> None:
        self._wizard.flow.initial_read(values, at)

    def accept_typed(self, values: Mapping[str, object], at: datetime, note: str) -> None:
        self._wizard.flow.initial_typed(values, at, note)


class SwapSummaryPage(QWizardPage):
    def __init__(self, wizard: MeterSwapWizard) -> None:
        super().__init__()
        self.setObjectName("SwapSummaryPage")
        self._wizard = wizard
        self.slip: SwapSlip | None = None
        self.setTitle(self.tr("Summary"))
        self.setSubTitle(
            self.tr("Check the values; nothing is changed until you confirm the swap.")
        )
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        self.confirm_button = QPushButton(self.tr("Confirm swap"))
        self.confirm_button.setObjectName("confirm")
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.slip_button = QPushButton(self.tr("Save swap slip (PDF)…"))
        self.slip_button.setObjectName("save_slip")
        self.slip_button.setEnabled(False)
        self.slip_button.clicked.connect(self._on_save_slip_clicked)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.error_label = _error_label()
        form = QFormLayout()
        form.addRow(self.tr("Note"), self.note_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.slip_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(self.error_label)

    def _source(self, source: str) -> str:
        return self.tr("read over the bus") if source == "bus" else self.tr("typed in")

    def initializePage(self) -> None:
        flow = self._wizard.flow
        point, final, initial = flow.point, flow.final, flow.initial
        assert point is not None and final is not None and initial is not None
        unit = _utility_unit(point.utility)
        lines = [
            self.tr("Point: {0} (room {1})").format(point.point_code, point.room_code or "—"),
            self.tr("Old meter {0}: final value {1} {2}, {3}").format(
                point.address, show_value(final.total), unit, self._source(final.source)
            ),
            self.tr("New meter {0}: initial value {1} {2}, {3}").format(
                flow.new_address, show_value(initial.total), unit, self._source(initial.source)
            ),
        ]
        used = flow.old_consumption_note
        if used is not None:
            lines.append(
                self.tr("Billed now for the old meter since its last reading: {0} {1}.").format(
                    show_value(used), unit
                )
            )
        if point.template:
            lines.append(
                self.tr("Parameter template {0} will be downloaded to the new meter.").format(
                    point.template
                )
            )
        self.summary_label.setText("\n".join(lines))

    def _on_confirm_clicked(self) -> None:
        wizard = self._wizard
        wizard.sync(Step.SUMMARY)
        try:
            request = wizard.flow.request(self.note_edit.text())
        except MeterSwapError as exc:
            self.error_label.setText(describe(exc))
            return
        ctx = wizard.ctx
        self.confirm_button.setEnabled(False)
        self.error_label.clear()
        self.result_label.setText(self.tr("Swapping …"))
        wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)
        wizard.run(
            lambda: ctx.services.meter_swap.swap(ctx.actor, request),
            self._on_swapped,
            self._on_failed,
        )

    def _on_failed(self, exc: BaseException) -> None:
        self.confirm_button.setEnabled(True)
        self.result_label.clear()
        self._wizard.button(QWizard.WizardButton.BackButton).setEnabled(True)
        self.error_label.setText(describe(exc))

    def _on_swapped(self, slip: SwapSlip) -> None:
        self.slip = slip
        self._wizard.flow.done(slip)
        self.result_label.setText(
            self.tr("Swapped. Slip {0}; charged for the old meter: {1}.").format(
                slip.slip_no, format_fen(slip.billed_fen)
            )
        )
        self.result_label.setStyleSheet("color: #2e7d32")
        self.slip_button.setEnabled(True)
        self.note_edit.setEnabled(False)
        self._wizard.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        # done: going back to change answers makes no sense any more
        self._wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self._wizard.swapped = True
        self.completeChanged.emit()

    def _on_save_slip_clicked(self) -> None:
        slip = self.slip
        if slip is None:
            return
        path = self._wizard.choose_slip_path(f"{slip.slip_no}.pdf")
        if not path:
            return
        service = self._wizard.ctx.services.meter_swap

        def write() -> str:
            Path(path).write_bytes(service.slip_pdf(slip))
            return path

        self._wizard.run(
            write,
            lambda p: self.result_label.setText(self.tr("Swap slip saved: {0}").format(p)),
            self._on_failed,
            io=True,
        )

    def isComplete(self) -> bool:
        return self.slip is not None


class MeterSwapWizard(QWizard):
    """Accepted after a confirmed swap (``swapped``); rejected (nothing written) otherwise."""

    def __init__(
        self, ctx: PageContext, point_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MeterSwapWizard")
        self.ctx = ctx
        self.preselect = point_id
        self.flow = MeterSwapFlow()
        self.swapped = False
        self.setWindowTitle(self.tr("Replace meter"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Close"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.point_page = SwapPointPage(self)
        self.final_page = SwapFinalPage(self)
        self.address_page = SwapAddressPage(self)
        self.initial_page = SwapInitialPage(self)
        self.summary_page = SwapSummaryPage(self)
        for step, page in (
            (Step.POINT, self.point_page),
            (Step.OLD_FINAL, self.final_page),
            (Step.NEW_ADDRESS, self.address_page),
            (Step.NEW_INITIAL, self.initial_page),
            (Step.SUMMARY, self.summary_page),
        ):
            self.setPage(PAGE_IDS[step], page)
        self.setStartId(PAGE_IDS[Step.POINT])
        self.resize(720, 520)
        self.rejected.connect(self._on_rejected)
        self.point_page.load()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        *,
        io: bool = False,
    ) -> None:
        self.ctx.tasks.run_op(fn, on_done, on_error, io=io)

    def sync(self, step: Step) -> None:
        """Bring the flow back to ``step`` after the user went back in the wizard."""
        flow = self.flow
        while flow.step in ORDER and ORDER.index(flow.step) > ORDER.index(step):
            flow.back()

    def choose_slip_path(self, name: str) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save swap slip"), name, self.tr("PDF files (*.pdf)")
        )
        return path

    def _on_rejected(self) -> None:
        if not self.flow.finished:
            self.flow.cancel()  # nothing was written; nothing will be
