"""站点导入/导出 dialog (SITE-3): save the template, check a workbook and list every problem,
import (all or nothing, or valid rows only), export the current site. The work runs on the
database worker; the dialog stays responsive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import SiteFileError
from app.ui import messages
from app.ui.pages.base import PageContext
from app.ui.table_models.site_problems import SiteProblemModel


def _describe_site_file_error(e: SiteFileError) -> str:
    from PySide6.QtCore import QCoreApplication

    if e.reason == "no_sheets":
        return QCoreApplication.translate(
            "SiteImportDialog", "{0} has none of the template's sheets."
        ).format(Path(e.path).name)
    return QCoreApplication.translate(
        "SiteImportDialog", "{0} cannot be read (not an .xlsx workbook?)."
    ).format(Path(e.path).name)


messages.register(SiteFileError, _describe_site_file_error)

_FILTER = "Excel (*.xlsx)"


class SiteImportDialog(QDialog):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.setWindowTitle(self.tr("Site workbook: import and export"))
        self.resize(860, 520)
        self.file_label = QLabel(self.tr("No file chosen."))
        self.template_button = QPushButton(self.tr("Save template…"))
        self.choose_button = QPushButton(self.tr("Choose file and check…"))
        self.valid_only_check = QCheckBox(self.tr("Import valid rows only"))
        self.import_button = QPushButton(self.tr("Import"))
        self.export_button = QPushButton(self.tr("Export site…"))
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.model = SiteProblemModel()
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        # file order (sheet by sheet, row by row) until the operator sorts by a column
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        proxy.sort(-1)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 90)
        self.table.setColumnWidth(1, 60)
        self.table.setColumnWidth(2, 130)
        top = QHBoxLayout()
        for b in (self.template_button, self.choose_button, self.export_button):
            top.addWidget(b)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.valid_only_check)
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.file_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.import_button.setEnabled(False)
        self.template_button.clicked.connect(self._on_template_clicked)
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)

    # -- the steps (public for tests: a path instead of a file dialog) ------------------------

    def save_template(self, path: Path) -> None:
        svc = self.ctx.services.site_import
        text = self.tr("Template saved to {0}.").format(path)
        self._run(lambda: svc.write_template(path), lambda _r: self._say(text))

    def check(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(self.tr("File: {0}").format(path))
        svc, actor = self.ctx.services.site_import, self.ctx.actor
        self._run(lambda: svc.validate(actor, path), self._on_checked)

    def start_import(self) -> None:
        if self.path is None:
            return
        svc, actor, path = self.ctx.services.site_import, self.ctx.actor, self.path
        valid_only = self.valid_only_check.isChecked()
        self._run(lambda: svc.import_file(actor, path, valid_only=valid_only), self._on_imported)

    def export_to(self, path: Path) -> None:
        svc, actor = self.ctx.services.site_import, self.ctx.actor
        text = self.tr("Site exported to {0}: {1} rooms, {2} meters.")

        def done(r: Any) -> None:
            self._say(text.format(path, r.rows["rooms"], r.rows["meters"]))

        self._run(lambda: svc.export(actor, path), done)

    # -- results ----------------------------------------------------------------------------

    def _on_checked(self, result: Any) -> None:
        self.model.set_rows(list(result.problems))
        rows = sum(result.rows.values())
        if result.problems:
            self._say(
                self.tr(
                    "{0} rows, {1} problems. Correct the file, or import the valid rows only."
                ).format(rows, len(result.problems)),
                error=True,
            )
        else:
            self._say(
                self.tr("{0} rows, all valid; {1} new.").format(rows, sum(result.new.values()))
            )
        self.import_button.setEnabled(rows > 0)

    def _on_imported(self, result: Any) -> None:
        self.model.set_rows(list(result.problems))
        if not result.written:
            self._say(
                self.tr("{0} problems: nothing was imported.").format(len(result.problems)),
                error=True,
            )
            return
        self.import_button.setEnabled(False)
        text = self.tr("Imported: {0} new rows, {1} rows already there, {2} opening balances.")
        text = text.format(result.total_new, sum(result.existing.values()), result.ledger_entries)
        if result.problems:
            text += " " + self.tr("Rows with {0} problems were skipped.").format(
                len(result.problems)
            )
        self._say(text)

    # -- plumbing ---------------------------------------------------------------------------

    def _run(self, fn: Any, on_done: Any) -> None:
        self._busy(True)
        self._say(self.tr("Working…"))

        def done(result: Any) -> None:
            self._busy(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._busy(False)
            self._say(messages.describe(exc), error=True)

        self.ctx.tasks.run_op(fn, done, failed)

    def _busy(self, busy: bool) -> None:
        for b in (self.template_button, self.choose_button, self.export_button):
            b.setEnabled(not busy)
        if busy:
            self.import_button.setEnabled(False)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b00020;" if error else "")

    def _on_template_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save template"), self.tr("site-template.xlsx"), _FILTER
        )
        if name:
            self.save_template(Path(name))

    def _on_choose_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose site workbook"), "", _FILTER)
        if name:
            self.check(Path(name))

    def _on_import_clicked(self) -> None:
        self.start_import()

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export site"), self.tr("site.xlsx"), _FILTER
        )
        if name:
            self.export_to(Path(name))
