"""审计日志 page (``audit.view``, SEC-3): the audit log filtered by time, operator, action and
target, exported to Excel, and the hash chain checked ("verify chain")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.domain.calendar import local_date, local_midnight_utc
from app.services.audit_check import AuditReport
from app.services.audit_log import AuditChoices, AuditFilter, AuditSearchResult
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.audit import AuditTableModel, action_label
from app.ui.widgets.table_state import HeaderStateKeeper

DEFAULT_DAYS = 30


class AuditPage(Page):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("AuditPage")
        self._loaded_choices = False
        day = local_date(datetime.now(UTC))  # the site's calendar, not this PC's
        today = QDate(day.year, day.month, day.day)
        self.from_edit = QDateEdit(today.addDays(-DEFAULT_DAYS))
        self.to_edit = QDateEdit(today)
        for e in (self.from_edit, self.to_edit):
            e.setCalendarPopup(True)
            e.setDisplayFormat("yyyy-MM-dd")
        self.operator_combo = QComboBox()
        self.operator_combo.setObjectName("operator_filter")
        self.operator_combo.addItem(self.tr("All operators"), "")
        self.operator_combo.setMinimumContentsLength(10)
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("action_filter")
        self.action_combo.addItem(self.tr("All actions"), "")
        self.action_combo.setMinimumContentsLength(10)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("Target (account, room, login …)"))
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.returnPressed.connect(self.search)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.search)
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.verify_button = QPushButton(self.tr("Verify chain"))
        self.verify_button.setObjectName("verify_chain")
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From")))
        top.addWidget(self.from_edit)
        top.addWidget(QLabel(self.tr("to")))
        top.addWidget(self.to_edit)
        top.addWidget(self.operator_combo)
        top.addWidget(self.action_combo)
        top.addWidget(self.text_edit, 1)
        top.addWidget(self.search_button)
        top.addWidget(self.export_button)
        top.addWidget(self.verify_button)
        self.model = AuditTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((70, 150, 100, 130, 200)):
            self.table.setColumnWidth(col, width)
        self._header_keeper = HeaderStateKeeper(self.table, "audit")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.verify_label = QLabel()
        self.verify_label.setObjectName("verify_result")
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.verify_label)

    # -- loading ----------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        start: date = self.from_edit.date().toPython()  # type: ignore[assignment]
        end: date = self.to_edit.date().toPython()  # type: ignore[assignment]
        if end < start:
            start, end = end, start
        return AuditFilter(
            since=local_midnight_utc(start),
            until=local_midnight_utc(end + timedelta(days=1)),
            operator=str(self.operator_combo.currentData() or "") or None,
            action=str(self.action_combo.currentData() or "") or None,
            text=self.text_edit.text().strip() or None,
        )

    def refresh(self) -> None:
        ctx = self.ctx
        if not self._loaded_choices:
            ctx.tasks.run_op(
                lambda: ctx.services.audit_log.choices(ctx.actor),
                self._on_choices,
                self._on_failed,
            )
        self.search()

    def _on_choices(self, choices: AuditChoices) -> None:
        self._loaded_choices = True
        for login in choices.operators:
            self.operator_combo.addItem(login, login)
        labelled = sorted(((action_label(a), a) for a in choices.actions), key=lambda p: p[0])
        for label, code in labelled:
            self.action_combo.addItem(label, code)

    def search(self) -> None:
        ctx = self.ctx
        f = self.current_filter()
        self.summary_label.setText(self.tr("Loading…"))
        ctx.tasks.run_op(
            lambda: ctx.services.audit_log.search(ctx.actor, f), self._on_loaded, self._on_failed
        )

    def _on_loaded(self, page: AuditSearchResult) -> None:
        self.model.set_rows(list(page.rows))
        if page.truncated:
            self.summary_label.setText(
                self.tr("{0} entries match; the newest {1} are shown. Narrow the filters.").format(
                    page.total, len(page.rows)
                )
            )
        else:
            self.summary_label.setText(self.tr("{0} entries").format(page.total))
        self.summary_label.setStyleSheet("")

    def _on_failed(self, exc: BaseException) -> None:
        self.summary_label.setStyleSheet("color: #c0392b")
        self.summary_label.setText(describe(exc))
        self.export_button.setEnabled(True)
        self.verify_button.setEnabled(True)

    # -- export -----------------------------------------------------------------------------

    def choose_export_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the audit log"),
            self.tr("audit-log.xlsx"),
            self.tr("Excel workbooks (*.xlsx)"),
        )
        if not name:
            return None
        return Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")

    def _on_export_button_clicked(self) -> None:
        path = self.choose_export_path()
        if path is None:
            return
        ctx = self.ctx
        f = self.current_filter()
        self.export_button.setEnabled(False)
        self.summary_label.setText(self.tr("Exporting…"))
        ctx.tasks.run_op(
            lambda: ctx.services.audit_log.export_xlsx(ctx.actor, f, path),
            self._on_exported,
            self._on_failed,
        )

    def _on_exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.summary_label.setStyleSheet("color: #1e7e34")
        self.summary_label.setText(self.tr("Exported to {0}").format(path))

    # -- chain check ------------------------------------------------------------------------

    def _on_verify_button_clicked(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_label.setStyleSheet("")
        self.verify_label.setText(self.tr("Checking the whole audit log…"))
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.audit_log.verify(ctx.actor), self._on_verified, self._on_failed
        )

    def _on_verified(self, report: AuditReport) -> None:
        self.verify_button.setEnabled(True)
        if report.status == "ok":
            self.model.set_bad(None)
            self.verify_label.setStyleSheet("color: #1e7e34")
            self.verify_label.setText(
                self.tr("The audit log is intact: {0} entries, hash chain unbroken.").format(
                    report.entries
                )
            )
            return
        if report.status == "not_sealed":
            self.verify_label.setStyleSheet("color: #b7950b")
            self.verify_label.setText(
                self.tr(
                    "{0} entries were written before the hash chain existed; they are sealed at "
                    "the next change."
                ).format(report.legacy_unsealed)
            )
            return
        first = report.problems[0]
        self.model.set_bad(first.entry_id)
        if first.entry_id is None:
            where = self.tr("the chain head")
        elif first.deleted:
            where = self.tr("entries after No. {0} (deleted)").format(first.entry_id)
        else:
            where = self.tr("No. {0}").format(first.entry_id)
        self.verify_label.setStyleSheet("color: #c0392b; font-weight: bold")
        self.verify_label.setText(
            self.tr(
                "The audit log was changed: {0} problem(s); the first bad entry is {1}. Entries "
                "were edited, deleted or reordered outside the program."
            ).format(len(report.problems), where)
        )
        if first.entry_id is not None:
            row = self.model.row_of(first.entry_id)
            if row is not None:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                self.table.scrollTo(index)


__all__ = ["AuditPage"]
