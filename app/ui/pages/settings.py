"""设置 page: site and receipt, balance thresholds and cut-off policy, schedules, notification
channels (with a test message), the idle lock and the language of this desk."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen, parse_yuan
from app.errors import InvalidAmountError, SettingValueError
from app.ui import admin_messages
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext

LANGUAGES = (("zh_CN", "中文（简体）"), ("en", "English"))
MONEY_KEYS = (
    "alerts.warn_fen",
    "alerts.urgent_fen",
    "billing.cut_threshold_fen",
    "billing.restore_threshold_fen",
)
CHANNELS = ("webhook", "sms", "email")
TEXT_KEYS = (
    "site.name",
    "receipt.header",
    "notify.webhook.url",
    "notify.webhook.key_secret",
    "notify.sms.url",
    "notify.sms.sign",
    "notify.sms.api_key_secret",
    "notify.email.host",
    "notify.email.user",
    "notify.email.password_secret",
    "notify.email.from",
)
SECRET_DEFAULTS = {
    "notify.webhook.key_secret": "webhook.key",
    "notify.sms.api_key_secret": "sms.api_key",
    "notify.email.password_secret": "email.password",
}


def _lines(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else ""


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").replace(";", ",").split(",") if p.strip()]


class SettingsPage(Page):
    """``language_changed(code)`` is emitted after the desk switched its language (the main
    window is then rebuilt so that every page shows it); ``settings_saved(values)`` after a
    save."""

    language_changed = Signal(str)
    settings_saved = Signal(dict)

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("SettingsPage")
        self._loaded: dict[str, Any] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._scroll(self._build_site_tab()), self.tr("Site and billing"))
        self.tabs.addTab(self._scroll(self._build_schedule_tab()), self.tr("Schedules"))
        self.tabs.addTab(self._scroll(self._build_notify_tab()), self.tr("Notifications"))
        self.tabs.addTab(self._scroll(self._build_desk_tab()), self.tr("This desk"))
        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.reload_button = QPushButton(self.tr("Discard changes"))
        self.reload_button.clicked.connect(self.refresh)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.reload_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        # numbers, amounts and times need no full-width fields
        for w in (
            *(self.edits[k] for k in MONEY_KEYS),
            self.edits["collector.time_sync_at"],
            self.read_interval_spin,
            self.fee_day_spin,
            self.email_port_spin,
            self.security_combo,
            self.idle_spin,
        ):
            w.setMaximumWidth(180)

    # -- building the form ----------------------------------------------------------------------

    @staticmethod
    def _scroll(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        widget.setMaximumWidth(900)  # long fields are hard to read across a wide screen
        area.setWidget(widget)
        return area

    def _edit(self, key: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setPlaceholderText(placeholder)
        self.edits[key] = edit
        return edit

    @staticmethod
    def _label(key: str) -> str:
        return admin_messages.setting_label(key)

    def _build_site_tab(self) -> QWidget:
        tab = QWidget()
        site = QGroupBox(self.tr("Site"))
        form = QFormLayout(site)
        form.addRow(self._label("site.name"), self._edit("site.name"))
        form.addRow(self._label("receipt.header"), self._edit("receipt.header"))
        alerts = QGroupBox(self.tr("Balance warnings (yuan)"))
        form = QFormLayout(alerts)
        form.addRow(self._label("alerts.warn_fen"), self._edit("alerts.warn_fen"))
        form.addRow(self._label("alerts.urgent_fen"), self._edit("alerts.urgent_fen"))
        cut = QGroupBox(self.tr("Cut-off policy"))
        form = QFormLayout(cut)
        form.addRow(
            self._label("billing.cut_threshold_fen"), self._edit("billing.cut_threshold_fen")
        )
        form.addRow(
            self._label("billing.restore_threshold_fen"),
            self._edit("billing.restore_threshold_fen"),
        )
        self.cut_water_check = QCheckBox(self._label("control.cut_water"))
        self.linkage_check = QCheckBox(self._label("billing.property_fee_linkage"))
        form.addRow("", self.cut_water_check)
        form.addRow("", self.linkage_check)
        note = QLabel(
            self.tr(
                "Power is cut when the balance falls below the cut-off level and restored when "
                "it reaches the restore level again (amounts in yuan, e.g. 0 or -20)."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666")
        form.addRow(note)
        layout = QVBoxLayout(tab)
        for box in (site, alerts, cut):
            layout.addWidget(box)
        layout.addStretch(1)
        return tab

    def _build_schedule_tab(self) -> QWidget:
        tab = QWidget()
        box = QGroupBox(self.tr("Collector schedule"))
        form = QFormLayout(box)
        self.read_interval_spin = QSpinBox()
        self.read_interval_spin.setObjectName("collector.read_interval_s")
        self.read_interval_spin.setRange(1, 1440)
        self.read_interval_spin.setSuffix(self.tr(" min"))
        form.addRow(self._label("collector.read_interval_s"), self.read_interval_spin)
        form.addRow(
            self._label("collector.time_sync_at"),
            self._edit("collector.time_sync_at", "03:10"),
        )
        fee = QGroupBox(self.tr("Property fee"))
        fee_form = QFormLayout(fee)
        self.fee_day_spin = QSpinBox()
        self.fee_day_spin.setObjectName("property_fee_day")
        self.fee_day_spin.setRange(1, 28)
        self.fee_mode_label = QLabel()
        fee_form.addRow(self.tr("Charging"), self.fee_mode_label)
        fee_form.addRow(self.tr("Deduct on day of month"), self.fee_day_spin)
        layout = QVBoxLayout(tab)
        layout.addWidget(box)
        layout.addWidget(fee)
        layout.addStretch(1)
        return tab

    def _channel_checks(self, name: str) -> dict[str, QCheckBox]:
        labels = {
            "webhook": self.tr("Group robot"),
            "sms": self.tr("SMS"),
            "email": self.tr("E-mail"),
        }
        checks = {}
        for ch in CHANNELS:
            check = QCheckBox(labels[ch])
            check.setObjectName(f"{name}.{ch}")
            checks[ch] = check
        return checks

    def _secret_row(self, key: str) -> QWidget:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self._edit(key, SECRET_DEFAULTS[key]), 1)
        button = QPushButton(self.tr("Store key…"))
        button.clicked.connect(lambda: self._store_secret(key))
        h.addWidget(button)
        return row

    def _build_notify_tab(self) -> QWidget:
        tab = QWidget()
        who = QGroupBox(self.tr("Who is told through which channel"))
        form = QFormLayout(who)
        self.tenant_checks = self._channel_checks("tenant")
        self.staff_checks = self._channel_checks("staff")
        for label, checks in (
            (self._label("notify.tenant_channels"), self.tenant_checks),
            (self._label("notify.staff_channels"), self.staff_checks),
        ):
            row = QWidget()
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            for c in checks.values():
                h.addWidget(c)
            h.addStretch(1)
            form.addRow(label, row)
        form.addRow(self._label("notify.staff_phones"), self._edit("notify.staff_phones"))
        form.addRow(self._label("notify.staff_emails"), self._edit("notify.staff_emails"))
        webhook = QGroupBox(self.tr("Group robot (WeCom / DingTalk webhook)"))
        form = QFormLayout(webhook)
        form.addRow(self._label("notify.webhook.url"), self._edit("notify.webhook.url", "https://"))
        form.addRow(
            self._label("notify.webhook.key_secret"),
            self._secret_row("notify.webhook.key_secret"),
        )
        sms = QGroupBox(self.tr("SMS gateway"))
        form = QFormLayout(sms)
        form.addRow(self._label("notify.sms.url"), self._edit("notify.sms.url", "https://"))
        form.addRow(self._label("notify.sms.sign"), self._edit("notify.sms.sign"))
        form.addRow(
            self._label("notify.sms.api_key_secret"), self._secret_row("notify.sms.api_key_secret")
        )
        email = QGroupBox(self.tr("E-mail (SMTP)"))
        form = QFormLayout(email)
        form.addRow(self._label("notify.email.host"), self._edit("notify.email.host"))
        self.email_port_spin = QSpinBox()
        self.email_port_spin.setRange(0, 65535)
        self.email_port_spin.setSpecialValueText(self.tr("default"))
        form.addRow(self._label("notify.email.port"), self.email_port_spin)
        self.security_combo = QComboBox()
        for code, label in (
            ("starttls", "STARTTLS"),
            ("tls", "SSL/TLS"),
            ("none", self.tr("None")),
        ):
            self.security_combo.addItem(label, code)
        form.addRow(self._label("notify.email.security"), self.security_combo)
        form.addRow(self._label("notify.email.user"), self._edit("notify.email.user"))
        form.addRow(
            self._label("notify.email.password_secret"),
            self._secret_row("notify.email.password_secret"),
        )
        form.addRow(self._label("notify.email.from"), self._edit("notify.email.from"))
        test = QGroupBox(self.tr("Send a test message"))
        h = QHBoxLayout(test)
        self.test_channel_combo = QComboBox()
        self.test_channel_combo.setObjectName("test_channel")
        for ch, check in self.tenant_checks.items():
            self.test_channel_combo.addItem(check.text(), ch)
        self.test_to_edit = QLineEdit()
        self.test_to_edit.setObjectName("test_to")
        self.test_to_edit.setPlaceholderText(self.tr("Phone or e-mail (not needed for the robot)"))
        self.test_button = QPushButton(self.tr("Send test message"))
        self.test_button.setObjectName("send_test")
        self.test_button.clicked.connect(self._on_test_button_clicked)
        h.addWidget(self.test_channel_combo)
        h.addWidget(self.test_to_edit, 1)
        h.addWidget(self.test_button)
        self.test_result_label = QLabel()
        self.test_result_label.setObjectName("test_result")
        self.test_result_label.setWordWrap(True)
        layout = QVBoxLayout(tab)
        for box in (who, webhook, sms, email, test):
            layout.addWidget(box)
        layout.addWidget(self.test_result_label)
        layout.addStretch(1)
        return tab

    def _build_desk_tab(self) -> QWidget:
        tab = QWidget()
        box = QGroupBox(self.tr("Security"))
        form = QFormLayout(box)
        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("ui.idle_lock_minutes")
        self.idle_spin.setRange(0, 240)
        self.idle_spin.setSuffix(self.tr(" min"))
        self.idle_spin.setSpecialValueText(self.tr("never"))
        form.addRow(self._label("ui.idle_lock_minutes"), self.idle_spin)
        lang = QGroupBox(self.tr("Language of this desk"))
        h = QHBoxLayout(lang)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("language")
        for code, label in LANGUAGES:
            self.language_combo.addItem(label, code)
        current = str(QSettings().value("ui/language", "zh_CN"))
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current)))
        self.language_button = QPushButton(self.tr("Switch language"))
        self.language_button.setObjectName("apply_language")
        self.language_button.clicked.connect(self._on_language_button_clicked)
        h.addWidget(self.language_combo)
        h.addWidget(self.language_button)
        h.addStretch(1)
        note = QLabel(self.tr("The language applies to this computer only, immediately."))
        note.setStyleSheet("color: #666")
        layout = QVBoxLayout(tab)
        layout.addWidget(box)
        layout.addWidget(lang)
        layout.addWidget(note)
        layout.addStretch(1)
        return tab

    # -- loading and saving ---------------------------------------------------------------------

    def refresh(self) -> None:
        settings = self.ctx.services.settings
        self.status_label.setText(self.tr("Loading…"))
        self.ctx.tasks.run_op(settings.all, self._on_loaded, self._on_failed)

    def _on_loaded(self, values: dict[str, Any]) -> None:
        self._loaded = dict(values)
        for key in TEXT_KEYS:
            self.edits[key].setText(str(values.get(key) or ""))
        for key in MONEY_KEYS:
            self.edits[key].setText(format_fen(int(values.get(key) or 0), symbol=False))
        self.edits["notify.staff_phones"].setText(_lines(values.get("notify.staff_phones")))
        self.edits["notify.staff_emails"].setText(_lines(values.get("notify.staff_emails")))
        self.edits["collector.time_sync_at"].setText(str(values.get("collector.time_sync_at")))
        self.cut_water_check.setChecked(bool(values.get("control.cut_water")))
        self.linkage_check.setChecked(bool(values.get("billing.property_fee_linkage")))
        self.read_interval_spin.setValue(
            max(1, int(values.get("collector.read_interval_s") or 900) // 60)
        )
        fee = values.get("billing.property_fee") or {}
        mode = str(fee.get("mode", "off")) if isinstance(fee, dict) else "off"
        self.fee_mode_label.setText(
            {
                "area": self.tr("By floor area"),
                "fixed": self.tr("Fixed amount per month"),
            }.get(mode, self.tr("Not charged"))
        )
        day = fee.get("deduct_day", 1) if isinstance(fee, dict) else 1
        self.fee_day_spin.setValue(int(day) if isinstance(day, int) else 1)
        for checks, key in (
            (self.tenant_checks, "notify.tenant_channels"),
            (self.staff_checks, "notify.staff_channels"),
        ):
            chosen = values.get(key) or []
            for ch, check in checks.items():
                check.setChecked(ch in chosen)
        self.email_port_spin.setValue(int(values.get("notify.email.port") or 0))
        self.security_combo.setCurrentIndex(
            max(0, self.security_combo.findData(values.get("notify.email.security")))
        )
        self.idle_spin.setValue(int(values.get("ui.idle_lock_minutes") or 0))
        self.status_label.clear()

    def _on_failed(self, exc: BaseException) -> None:
        self.status_label.setStyleSheet("color: #c0392b")
        self.status_label.setText(describe(exc))
        self.save_button.setEnabled(True)

    def collect(self) -> dict[str, object]:
        """The form's values as setting changes (money in fen). Raises SettingValueError."""
        out: dict[str, object] = {key: self.edits[key].text() for key in TEXT_KEYS}
        for key in MONEY_KEYS:
            try:
                out[key] = parse_yuan(self.edits[key].text())
            except InvalidAmountError:
                raise SettingValueError(key, "not_money") from None
        out["notify.staff_phones"] = _split(self.edits["notify.staff_phones"].text())
        out["notify.staff_emails"] = _split(self.edits["notify.staff_emails"].text())
        out["collector.time_sync_at"] = self.edits["collector.time_sync_at"].text()
        out["collector.read_interval_s"] = self.read_interval_spin.value() * 60
        out["control.cut_water"] = self.cut_water_check.isChecked()
        out["billing.property_fee_linkage"] = self.linkage_check.isChecked()
        fee = self._loaded.get("billing.property_fee")
        if isinstance(fee, dict) and fee.get("deduct_day") != self.fee_day_spin.value():
            out["billing.property_fee"] = {**fee, "deduct_day": self.fee_day_spin.value()}
        out["notify.tenant_channels"] = [c for c, b in self.tenant_checks.items() if b.isChecked()]
        out["notify.staff_channels"] = [c for c, b in self.staff_checks.items() if b.isChecked()]
        out["notify.email.port"] = self.email_port_spin.value() or None
        out["notify.email.security"] = self.security_combo.currentData()
        out["ui.idle_lock_minutes"] = self.idle_spin.value()
        return out

    def _on_save_button_clicked(self) -> None:
        try:
            changes = self.collect()
        except SettingValueError as exc:
            self._on_failed(exc)
            return
        self.save_button.setEnabled(False)
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("Saving…"))
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.settings.update(ctx.actor, changes),
            self._on_saved,
            self._on_failed,
        )

    def _on_saved(self, values: dict[str, Any]) -> None:
        self.save_button.setEnabled(True)
        self._on_loaded(values)
        self.status_label.setStyleSheet("color: #1e7e34")
        self.status_label.setText(self.tr("Settings saved."))
        self.settings_saved.emit(values)

    def _store_secret(self, key: str) -> None:
        name = self.edits[key].text().strip() or SECRET_DEFAULTS[key]
        value, ok = QInputDialog.getText(
            self,
            self.tr("Store key"),
            self.tr(
                "Value of the key {0} (kept in the system keyring, never in the database):"
            ).format(name),
            QLineEdit.EchoMode.Password,
        )
        if not ok or not value:
            return
        self.edits[key].setText(name)
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.settings.store_secret(ctx.actor, name, value),
            lambda _r: self.status_label.setText(
                self.tr("The key {0} is stored in the keyring; save the settings.").format(name)
            ),
            self._on_failed,
        )

    def _on_test_button_clicked(self) -> None:
        channel = str(self.test_channel_combo.currentData())
        to = self.test_to_edit.text()
        self.test_button.setEnabled(False)
        self.test_result_label.setStyleSheet("")
        self.test_result_label.setText(self.tr("Sending…"))
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.notifications.send_test(ctx.actor, channel, to),
            self._on_test_sent,
            self._on_test_failed,
            io=True,  # a slow SMTP or HTTP server must not hold the database worker
        )

    def _on_test_sent(self, detail: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result_label.setStyleSheet("color: #1e7e34")
        self.test_result_label.setText(self.tr("Sent: {0}").format(detail))

    def _on_test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.test_result_label.setStyleSheet("color: #c0392b")
        self.test_result_label.setText(describe(exc))

    def _on_language_button_clicked(self) -> None:
        from app.ui.application import install_translation

        code = str(self.language_combo.currentData())
        QSettings().setValue("ui/language", code)
        app = QApplication.instance()
        if app is not None:
            install_translation(app, code)
        self.language_changed.emit(code)


__all__ = ["LANGUAGES", "SettingsPage"]
