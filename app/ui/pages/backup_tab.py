"""The 备份 tab of the settings page (DATA-2): the daily backup's settings (saved with the page),
"back up now", the list of backups, "verify" and "restore from backup…" with a confirmation.

Backups run on the io pool (they use connections of their own and must not hold the database
worker); a restore runs on the database worker so that nothing else of this desk touches the
database while it is replaced."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Perm
from app.errors import BackupError
from app.ui import admin_messages, messages
from app.ui.messages import describe
from app.ui.table_models.backups import BackupTableModel
from app.ui.widgets.table_state import HeaderStateKeeper

if TYPE_CHECKING:
    from app.services.backups import BackupCheck, BackupFile, BackupResult, RestoreResult
    from app.ui.pages.base import PageContext

admin_messages.SETTING_LABELS.update(
    {
        "backup.enabled": QT_TRANSLATE_NOOP("SettingLabels", "Back up every day"),
        "backup.time": QT_TRANSLATE_NOOP("SettingLabels", "Daily backup at"),
        "backup.keep_days": QT_TRANSLATE_NOOP("SettingLabels", "Keep backups for"),
        "backup.folder": QT_TRANSLATE_NOOP("SettingLabels", "Backup folder"),
        "backup.second_folder": QT_TRANSLATE_NOOP("SettingLabels", "Second folder (off-site)"),
    }
)

_BACKUP_REASONS = {
    "missing_file": QT_TRANSLATE_NOOP("BackupMessages", "The backup file does not exist: {0}"),
    "no_checksum": QT_TRANSLATE_NOOP(
        "BackupMessages",
        "The checksum file of the backup {0} is missing or unreadable: the backup cannot be "
        "confirmed complete and is not used.",
    ),
    "checksum_mismatch": QT_TRANSLATE_NOOP(
        "BackupMessages",
        "The backup {0} does not match its checksum: the file is damaged or was changed and is "
        "not used.",
    ),
    "unreadable": QT_TRANSLATE_NOOP(
        "BackupMessages", "{0} is not a readable backup of this system."
    ),
    "ledger": QT_TRANSLATE_NOOP(
        "BackupMessages", "The backup failed the ledger check and is not used: {2}"
    ),
    "audit": QT_TRANSLATE_NOOP(
        "BackupMessages", "The backup failed the audit log check and is not used: {2}"
    ),
    "tool_missing": QT_TRANSLATE_NOOP(
        "BackupMessages",
        "The PostgreSQL client tools (pg_dump, pg_restore) were not found: install them and add "
        "their folder to PATH.",
    ),
    "tool_failed": QT_TRANSLATE_NOOP("BackupMessages", "The PostgreSQL tool failed. {1}"),
    "scratch_db": QT_TRANSLATE_NOOP(
        "BackupMessages",
        "Checking a PostgreSQL backup needs a temporary database, but this database user may "
        "not create one (CREATEDB).",
    ),
    "bad_folder": QT_TRANSLATE_NOOP(
        "BackupMessages", "The backup folder {3} cannot be created or written."
    ),
    "wrong_kind": QT_TRANSLATE_NOOP(
        "BackupMessages", "{0} is a backup of another kind of database and cannot be used here."
    ),
    "restore_failed": QT_TRANSLATE_NOOP("BackupMessages", "The restore failed. {1}"),
}


def _describe_backup_error(e: BackupError) -> str:
    source = _BACKUP_REASONS.get(
        e.reason, QT_TRANSLATE_NOOP("BackupMessages", "The backup failed. {1}")
    )
    name = Path(e.path).name if e.path else ""
    return QCoreApplication.translate("BackupMessages", str(source)).format(
        name, e.message, e.detail, e.path
    )


messages.register(BackupError, _describe_backup_error)


class BackupTab(QWidget):
    """Settings of the daily backup (``load``/``collect``, saved by the settings page) and the
    backups themselves."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.setObjectName("BackupTab")
        self.ctx = ctx
        self._busy = False
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_settings_box())
        layout.addWidget(self._build_list_box(), 1)

    # -- building -------------------------------------------------------------------------------

    def _folder_row(self, edit: QLineEdit) -> QWidget:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(edit, 1)
        button = QPushButton(self.tr("Choose…"))
        button.clicked.connect(lambda: self._choose_folder(edit))
        h.addWidget(button)
        return row

    def _build_settings_box(self) -> QWidget:
        box = QGroupBox(self.tr("Automatic backup"))
        form = QFormLayout(box)
        self.enabled_check = QCheckBox(admin_messages.setting_label("backup.enabled"))
        self.enabled_check.setObjectName("backup.enabled")
        self.time_edit = QLineEdit()
        self.time_edit.setObjectName("backup.time")
        self.time_edit.setPlaceholderText("02:30")
        self.time_edit.setMaximumWidth(120)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.enabled_check)
        h.addWidget(self.time_edit)
        h.addStretch(1)
        form.addRow(admin_messages.setting_label("backup.time"), row)
        self.keep_spin = QSpinBox()
        self.keep_spin.setObjectName("backup.keep_days")
        self.keep_spin.setRange(1, 3650)
        self.keep_spin.setSuffix(self.tr(" days"))
        self.keep_spin.setMaximumWidth(120)
        form.addRow(admin_messages.setting_label("backup.keep_days"), self.keep_spin)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("backup.folder")
        self.folder_edit.setPlaceholderText(self.tr("Default: the backups folder of this desk"))
        form.addRow(
            admin_messages.setting_label("backup.folder"), self._folder_row(self.folder_edit)
        )
        self.second_edit = QLineEdit()
        self.second_edit.setObjectName("backup.second_folder")
        self.second_edit.setPlaceholderText(self.tr("e.g. a network drive; empty: no copy"))
        form.addRow(
            admin_messages.setting_label("backup.second_folder"),
            self._folder_row(self.second_edit),
        )
        note = QLabel(
            self.tr(
                "Every backup is checked after it is written (ledger and audit log) and copied "
                "to the second folder. Save the settings to apply changes; a new daily time "
                "applies from the next start of the program."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666")
        form.addRow(note)
        return box

    def _build_list_box(self) -> QWidget:
        box = QGroupBox(self.tr("Backups"))
        v = QVBoxLayout(box)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.setObjectName("backup_now")
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self.verify_button = QPushButton(self.tr("Verify selected"))
        self.verify_button.setObjectName("verify_backup")
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.restore_button = QPushButton(self.tr("Restore from backup…"))
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.may_restore = self.ctx.may(Perm.OPERATORS) and self.ctx.may(Perm.SETTINGS)
        if not self.may_restore:
            self.restore_button.setEnabled(False)
            self.restore_button.setToolTip(self.tr("Only an administrator may restore a backup."))
        self.refresh_button = QPushButton(self.tr("Refresh list"))
        self.refresh_button.clicked.connect(self.refresh)
        for b in (self.backup_button, self.verify_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        v.addLayout(buttons)
        self.model = BackupTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setObjectName("backups")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(180)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 330)
        self.table.setColumnWidth(2, 80)
        self.table.setColumnWidth(3, 110)
        self._header_keeper = HeaderStateKeeper(self.table, "backups")
        v.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the steps have no measurable length
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("backup_status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.progress)
        v.addWidget(self.status_label)
        return box

    # -- settings (the page saves them) ---------------------------------------------------------

    def load(self, values: dict[str, Any]) -> None:
        self.enabled_check.setChecked(bool(values.get("backup.enabled", True)))
        self.time_edit.setText(str(values.get("backup.time") or "02:30"))
        self.keep_spin.setValue(int(values.get("backup.keep_days") or 30))
        self.folder_edit.setText(str(values.get("backup.folder") or ""))
        self.second_edit.setText(str(values.get("backup.second_folder") or ""))

    def collect(self) -> dict[str, object]:
        return {
            "backup.enabled": self.enabled_check.isChecked(),
            "backup.time": self.time_edit.text(),
            "backup.keep_days": self.keep_spin.value(),
            "backup.folder": self.folder_edit.text(),
            "backup.second_folder": self.second_edit.text(),
        }

    def _choose_folder(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), edit.text())
        if folder:
            edit.setText(folder)

    # -- the list and the operations ------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.backups.list(ctx.actor), self._on_listed, self._on_failed
        )

    def _on_listed(self, rows: list[BackupFile]) -> None:
        self.model.set_rows(rows)
        self.proxy.sort(
            self.table.horizontalHeader().sortIndicatorSection(),
            self.table.horizontalHeader().sortIndicatorOrder(),
        )

    def selected(self) -> BackupFile | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for b in (self.backup_button, self.verify_button, self.refresh_button):
            b.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.may_restore)
        self.progress.setVisible(busy)
        if busy:
            self.status_label.setStyleSheet("")
            self.status_label.setText(text)

    def _say(self, ok: bool, text: str) -> None:
        self.status_label.setStyleSheet("color: #1e7e34" if ok else "color: #c0392b")
        self.status_label.setText(text)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._say(False, describe(exc))

    def _on_backup_button_clicked(self) -> None:
        self._set_busy(True, self.tr("Backing up and checking the backup…"))
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.backups.create(ctx.actor),
            self._on_backed_up,
            self._on_failed,
            io=True,
        )

    def _on_backed_up(self, result: BackupResult) -> None:
        self._set_busy(False)
        text = self.tr("Backup written and checked: {0} ({1} accounts).").format(
            result.file.name, result.check.accounts
        )
        if result.copies:
            text += " " + self.tr("Copied to {0}.").format(result.copies[0].parent)
        if result.removed:
            text += " " + self.tr("{0} old backup(s) deleted.").format(len(result.removed))
        ok = not result.warnings
        if not ok:
            text += " " + self.tr("Warning: {0}").format("；".join(result.warnings))
        self._say(ok, text)
        self.refresh()

    def _on_verify_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self._say(False, self.tr("Select a backup in the list first."))
            return
        self._set_busy(True, self.tr("Checking {0}…").format(chosen.name))
        ctx = self.ctx
        path = chosen.path
        ctx.tasks.run_op(
            lambda: ctx.services.backups.verify(ctx.actor, path),
            self._on_verified,
            self._on_failed,
            io=True,
        )

    def _on_verified(self, check: BackupCheck) -> None:
        self._set_busy(False)
        if check.ok:
            self._say(
                True,
                self.tr(
                    "{0} is intact: checksum matches, ledger of {1} accounts and audit log of {2} "
                    "entries verified."
                ).format(check.path.name, check.accounts, check.audit_entries),
            )
        else:
            self._say(
                False,
                self.tr("{0} failed its checks and must not be restored: {1}").format(
                    check.path.name, "；".join(check.problems)
                ),
            )

    def confirm_restore(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Restore from backup"),
            self.tr(
                "Replace the whole database with the backup\n{0}?\n\n"
                "The backup is checked first (checksum, ledger, audit log); if a check fails "
                "nothing is changed. The current data is saved as a safety backup before it is "
                "replaced. Everything entered after the backup was made will be gone. Ask the "
                "other desks to stop working until the restore is done."
            ).format(path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def choose_backup_file(self) -> Path | None:
        chosen = self.selected()
        if chosen is not None:
            return chosen.path
        name, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a backup"),
            self.folder_edit.text(),
            self.tr("Backups (*.sqlite3 *.pgdump)"),
        )
        return Path(name) if name else None

    def _on_restore_button_clicked(self) -> None:
        path = self.choose_backup_file()
        if path is None or not self.confirm_restore(path):
            return
        self._set_busy(True, self.tr("Checking the backup, saving the current data, restoring…"))
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.backups.restore(ctx.actor, path),
            self._on_restored,
            self._on_failed,
        )

    def _on_restored(self, result: RestoreResult) -> None:
        self._set_busy(False)
        text = self.tr("Restored from {0}.").format(result.restored_from.name)
        if result.safety_backup is not None:
            text += " " + self.tr("The replaced data was saved as {0}.").format(
                result.safety_backup.name
            )
        if result.warnings:
            text += " " + self.tr("Warning: {0}").format("；".join(result.warnings))
        self._say(not result.warnings, text)
        self.refresh()


__all__ = ["BackupTab"]
