"""Editors for a gateway, a bus, a meter and a measurement point (DEV-1…3). Each dialog builds the
service's input object; the page saves it off the GUI thread and shows the service's verdict in
the dialog (it stays open on an error so that nothing typed is lost)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.meter_address import BAUDS
from app.services.devices import (
    BusInput,
    BusRow,
    GatewayInput,
    GatewayRow,
    MeterInput,
    MeterRow,
    PointInput,
    PointRow,
)


class _EditorDialog(QDialog):
    """Form + error label + OK/Cancel. ``on_submit(value, dialog)`` is the page's save."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        self.buttons.button(ok).setText(QCoreApplication.translate("DeviceDialogs", "Save"))
        self.buttons.button(cancel).setText(QCoreApplication.translate("DeviceDialogs", "Cancel"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.on_submit: Callable[[Any, _EditorDialog], None] | None = None

    def value(self) -> Any:
        raise NotImplementedError

    def _on_buttons_accepted(self) -> None:
        self.error_label.clear()
        if self.on_submit is not None:
            self.buttons.setEnabled(False)
            self.on_submit(self.value(), self)
        else:
            self.accept()

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error_label.setText(message)

    def saved(self) -> None:
        self.buttons.setEnabled(True)
        self.accept()


class GatewayDialog(_EditorDialog):
    def __init__(self, parent: QWidget | None, gateway: GatewayRow | None = None) -> None:
        super().__init__(self.tr("Edit gateway") if gateway else self.tr("Add gateway"), parent)
        self.code_edit = QLineEdit(gateway.code if gateway else "")
        self.name_edit = QLineEdit(gateway.name if gateway else "")
        self.location_edit = QLineEdit(gateway.location if gateway else "")
        self.transport_combo = QComboBox()
        for key, label in (
            ("tcp", self.tr("TCP client (transparent serial server)")),
            ("dtu", self.tr("4G DTU (connects to this PC)")),
            ("serial", self.tr("Serial port on this PC")),
        ):
            self.transport_combo.addItem(label, key)
        if gateway:
            self.transport_combo.setCurrentIndex(self.transport_combo.findData(gateway.transport))
        self.host_edit = QLineEdit((gateway.host or "") if gateway else "")
        self.host_edit.setPlaceholderText("192.168.1.50")
        self.dtu_edit = QLineEdit((gateway.dtu_id or "") if gateway else "")
        self.serial_edit = QLineEdit((gateway.serial_url or "") if gateway else "")
        self.serial_edit.setPlaceholderText("serial:///dev/ttyUSB0  serial://COM3")
        self.notes_edit = QLineEdit(gateway.notes if gateway else "")
        self.form.addRow(self.tr("Code"), self.code_edit)
        self.form.addRow(self.tr("Name"), self.name_edit)
        self.form.addRow(self.tr("Location"), self.location_edit)
        self.form.addRow(self.tr("Connection"), self.transport_combo)
        self.form.addRow(self.tr("Host address"), self.host_edit)
        self.form.addRow(self.tr("DTU registration id"), self.dtu_edit)
        self.form.addRow(self.tr("Serial port"), self.serial_edit)
        self.form.addRow(self.tr("Notes"), self.notes_edit)
        self.transport_combo.currentIndexChanged.connect(self._on_transport_changed)
        self._on_transport_changed()

    def _on_transport_changed(self, *_args: object) -> None:
        t = self.transport_combo.currentData()
        self.host_edit.setEnabled(t == "tcp")
        self.dtu_edit.setEnabled(t == "dtu")
        self.serial_edit.setEnabled(t == "serial")

    def value(self) -> GatewayInput:
        return GatewayInput(
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            transport=str(self.transport_combo.currentData()),
            host=self.host_edit.text(),
            dtu_id=self.dtu_edit.text(),
            serial_url=self.serial_edit.text(),
            location=self.location_edit.text(),
            notes=self.notes_edit.text(),
        )


class BusDialog(_EditorDialog):
    def __init__(self, parent: QWidget | None, gateway_id: int, bus: BusRow | None = None) -> None:
        super().__init__(self.tr("Edit bus") if bus else self.tr("Add bus"), parent)
        self.gateway_id = gateway_id
        self.number_spin = QSpinBox()
        self.number_spin.setRange(0, 99)  # the service says what is allowed (1–6)
        self.number_spin.setValue(bus.number if bus else 1)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 99999)
        self.port_spin.setSpecialValueText(self.tr("none"))
        self.port_spin.setValue((bus.port or 0) if bus else 0)
        self.baud_combo = QComboBox()
        for b in BAUDS:
            self.baud_combo.addItem(str(b), b)
        self.baud_combo.setCurrentIndex(self.baud_combo.findData(bus.baud if bus else 2400))
        self.parity_combo = QComboBox()
        for key, label in (
            ("E", self.tr("Even")),
            ("N", self.tr("None")),
            ("O", self.tr("Odd")),
        ):
            self.parity_combo.addItem(label, key)
        self.parity_combo.setCurrentIndex(self.parity_combo.findData(bus.parity if bus else "E"))
        self.stop_spin = QSpinBox()
        self.stop_spin.setRange(1, 2)
        self.stop_spin.setValue(bus.stop_bits if bus else 1)
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setRange(0, 99999)
        self.timeout_spin.setSuffix(self.tr(" ms"))
        self.timeout_spin.setValue(bus.timeout_ms if bus else 1500)
        self.retries_spin = QSpinBox()
        self.retries_spin.setRange(0, 99)
        self.retries_spin.setValue(bus.retries if bus else 2)
        self.gap_spin = QSpinBox()
        self.gap_spin.setRange(0, 99999)
        self.gap_spin.setSuffix(self.tr(" ms"))
        self.gap_spin.setValue(bus.frame_gap_ms if bus else 50)
        self.form.addRow(self.tr("Bus number (1–6)"), self.number_spin)
        self.form.addRow(self.tr("TCP port"), self.port_spin)
        self.form.addRow(self.tr("Baud rate"), self.baud_combo)
        self.form.addRow(self.tr("Parity"), self.parity_combo)
        self.form.addRow(self.tr("Stop bits"), self.stop_spin)
        self.form.addRow(self.tr("Response timeout"), self.timeout_spin)
        self.form.addRow(self.tr("Retries"), self.retries_spin)
        self.form.addRow(self.tr("Inter-frame gap"), self.gap_spin)

    def value(self) -> BusInput:
        return BusInput(
            gateway_id=self.gateway_id,
            number=self.number_spin.value(),
            port=self.port_spin.value() or None,
            baud=int(self.baud_combo.currentData()),
            parity=str(self.parity_combo.currentData()),
            stop_bits=self.stop_spin.value(),
            timeout_ms=self.timeout_spin.value(),
            retries=self.retries_spin.value(),
            frame_gap_ms=self.gap_spin.value(),
        )


class MeterDialog(_EditorDialog):
    def __init__(self, parent: QWidget | None, bus_id: int, meter: MeterRow | None = None) -> None:
        super().__init__(self.tr("Edit meter") if meter else self.tr("Add meter"), parent)
        self.setMinimumWidth(540)
        self.bus_id = bus_id
        self.kind_combo = QComboBox()
        for key, label in (
            ("single_phase", self.tr("Single-phase electricity meter")),
            ("three_phase", self.tr("Three-phase electricity meter")),
            ("multi_circuit", self.tr("Multi-circuit energy module")),
            ("water", self.tr("Cold water meter")),
            ("hot_water", self.tr("Hot water meter")),
        ):
            self.kind_combo.addItem(label, key)
        self.protocol_combo = QComboBox()
        for key, label in (
            ("dlt645-2007", "DL/T 645-2007"),
            ("dlt645-1997", "DL/T 645-1997"),
            ("cjt188", "CJ/T 188-2004"),
            ("modbus", "Modbus-RTU"),
        ):
            self.protocol_combo.addItem(label, key)
        self.address_edit = QLineEdit(meter.address if meter else "")
        self.address_edit.setPlaceholderText(self.tr("12 digits (DL/T 645), 14 (CJ/T 188), 1–247"))
        self.ct_spin = QSpinBox()
        self.ct_spin.setRange(0, 100000)
        self.ct_spin.setValue(meter.ct_ratio if meter else 1)
        self.circuits_spin = QSpinBox()
        self.circuits_spin.setRange(0, 99)
        self.circuits_spin.setValue(meter.circuits if meter else 1)
        self.relay_check = QCheckBox(self.tr("Has a relay or valve"))
        self.relay_check.setChecked(meter.has_relay if meter else True)
        self.tou_check = QCheckBox(self.tr("Time-of-use registers"))
        self.tou_check.setChecked(meter.tou if meter else False)
        self.notes_edit = QLineEdit(meter.notes if meter else "")
        if meter:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(meter.kind))
            self.protocol_combo.setCurrentIndex(self.protocol_combo.findData(meter.protocol))
        self.form.addRow(self.tr("Meter kind"), self.kind_combo)
        self.form.addRow(self.tr("Protocol"), self.protocol_combo)
        self.form.addRow(self.tr("Address"), self.address_edit)
        self.form.addRow(self.tr("CT multiplier"), self.ct_spin)
        self.form.addRow(self.tr("Circuits"), self.circuits_spin)
        self.form.addRow("", self.relay_check)
        self.form.addRow("", self.tou_check)
        self.form.addRow(self.tr("Notes"), self.notes_edit)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        if not meter:
            self._on_kind_changed()
        self._profile = meter.profile if meter else ""

    def _on_kind_changed(self, *_args: object) -> None:
        water = self.kind_combo.currentData() in ("water", "hot_water")
        self.protocol_combo.setCurrentIndex(
            self.protocol_combo.findData("cjt188" if water else "dlt645-2007")
        )

    def value(self) -> MeterInput:
        protocol = str(self.protocol_combo.currentData())
        return MeterInput(
            bus_id=self.bus_id,
            kind=str(self.kind_combo.currentData()),
            protocol=protocol,
            address=self.address_edit.text(),
            profile=self._profile if protocol in self._profile else "",
            ct_ratio=self.ct_spin.value(),
            circuits=self.circuits_spin.value(),
            has_relay=self.relay_check.isChecked(),
            tou=self.tou_check.isChecked(),
            notes=self.notes_edit.text(),
        )


class PointDialog(_EditorDialog):
    def __init__(
        self,
        parent: QWidget | None,
        point: PointRow,
        tariffs: list[tuple[str, str, str]],
    ) -> None:
        super().__init__(self.tr("Measurement point {0}").format(point.code), parent)
        self.point = point
        self.room_edit = QLineEdit(point.room_code)
        self.room_edit.setPlaceholderText(self.tr("Room code, e.g. A-1-01 (empty: none)"))
        self.tariff_combo = QComboBox()
        self.tariff_combo.addItem(self.tr("(none)"), "")
        for code, name, utility in tariffs:
            if utility == point.utility:
                self.tariff_combo.addItem(f"{code} {name}", code)
        self.tariff_combo.setCurrentIndex(max(0, self.tariff_combo.findData(point.tariff_code)))
        self.name_edit = QLineEdit(point.name)
        self.form.addRow(self.tr("Room"), self.room_edit)
        self.form.addRow(self.tr("Tariff"), self.tariff_combo)
        self.form.addRow(self.tr("Name"), self.name_edit)

    def value(self) -> PointInput:
        return PointInput(
            room_code=self.room_edit.text(),
            tariff_code=str(self.tariff_combo.currentData() or ""),
            name=self.name_edit.text(),
        )
