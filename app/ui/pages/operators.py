"""操作员 page (administrators only): list operators, add / edit role and building scope, reset
a password, release a lockout, deactivate or reactivate."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSortFilterProxyModel, Qt
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.services.operators import BuildingChoice, OperatorRow, RoleInfo
from app.ui import admin_messages  # noqa: F401  (registers the error sentences)
from app.ui.dialogs.operator_edit import OperatorDialog
from app.ui.dialogs.passwords import PasswordDialog
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.operators import OperatorTableModel

HEADER_KEY = "operators_page/header"


class OperatorsPage(Page):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("OperatorsPage")
        self._roles: list[RoleInfo] = []
        self._buildings: list[BuildingChoice] = []
        self._notice = ""
        self.model = OperatorTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setObjectName("operators_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._header_restored = False
        state = QSettings().value(HEADER_KEY)
        if state is not None:
            self._header_restored = header.restoreState(state)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Filter by login, name or role"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.add_button = QPushButton(self.tr("Add operator…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.reset_button = QPushButton(self.tr("Reset password…"))
        self.unlock_button = QPushButton(self.tr("Release lockout"))
        self.active_button = QPushButton(self.tr("Deactivate"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.active_button.clicked.connect(self._on_active_button_clicked)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 2)
        for b in (
            self.add_button,
            self.edit_button,
            self.reset_button,
            self.unlock_button,
            self.active_button,
        ):
            top.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.ctx
        ops = ctx.services.operators
        if not self._notice:
            self.status_label.setText(self.tr("Loading…"))

        def load() -> tuple[list[OperatorRow], list[RoleInfo], list[BuildingChoice]]:
            return (
                ops.list_operators(ctx.actor),
                ops.roles(ctx.actor),
                ops.buildings(ctx.actor),
            )

        ctx.tasks.run_op(load, self._on_loaded, self._on_failed)

    def _on_loaded(
        self, result: tuple[list[OperatorRow], list[RoleInfo], list[BuildingChoice]]
    ) -> None:
        rows, self._roles, self._buildings = result
        selected = self.selected()
        self.model.set_rows(rows)
        if not self._header_restored:
            self.table.resizeColumnsToContents()
            for c in range(self.model.columnCount() - 1):  # a little air between columns
                self.table.setColumnWidth(c, self.table.columnWidth(c) + 20)
        if selected is not None:
            self.select_login(selected.login)
        active = sum(1 for r in rows if r.active)
        locked = sum(1 for r in rows if r.locked_until is not None)
        counts = self.tr("{0} operators · {1} active · {2} locked").format(
            len(rows), active, locked
        )
        # what was just done stays in view next to the counts
        self.status_label.setText(f"{self._notice}　{counts}" if self._notice else counts)
        self._notice = ""
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        self.status_label.setText(describe(exc))
        self._update_buttons()

    # -- selection ------------------------------------------------------------------------------

    def selected(self) -> OperatorRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_login(self, login: str) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data() == login:
                self.table.selectRow(r)
                return

    def _update_buttons(self, *_args: object) -> None:
        op = self.selected()
        for b in (self.edit_button, self.reset_button, self.unlock_button, self.active_button):
            b.setEnabled(op is not None)
        self.add_button.setEnabled(bool(self._roles))
        if op is not None:
            self.unlock_button.setEnabled(op.locked_until is not None or op.failed_logins > 0)
            self.active_button.setText(
                self.tr("Deactivate") if op.active else self.tr("Reactivate")
            )

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())

    def _on_table_double_clicked(self, *_args: object) -> None:
        self._on_edit_button_clicked()

    # -- actions ---------------------------------------------------------------------------------

    def _done(self, text: str) -> None:
        self._notice = text
        self.refresh()

    def _on_add_button_clicked(self) -> None:
        ctx = self.ctx
        ops = ctx.services.operators

        def save(v: dict[str, object]) -> OperatorRow:
            ids = v["building_ids"]
            return ops.create(
                ctx.actor,
                str(v["login"]),
                str(v["name"]),
                str(v["role_code"]),
                str(v["password"]),
                building_ids=None if ids is None else list(ids),  # type: ignore[call-overload]
                repeated=str(v["repeated"]),
            )

        self.dialog = OperatorDialog(ctx.tasks, self._roles, self._buildings, save, parent=self)
        self.dialog.accepted.connect(self._on_add_dialog_accepted)
        self.dialog.open()

    def _on_add_dialog_accepted(self) -> None:
        if self.dialog.saved is not None:
            self._done(self.tr("Operator {0} added.").format(self.dialog.saved.login))

    def _on_edit_button_clicked(self) -> None:
        op = self.selected()
        if op is None:
            return
        ctx = self.ctx
        ops = ctx.services.operators

        def save(v: dict[str, object]) -> OperatorRow:
            ids = v["building_ids"]
            return ops.update(
                ctx.actor,
                op.id,
                name=str(v["name"]),
                role_code=str(v["role_code"]),
                building_ids=None if ids is None else list(ids),  # type: ignore[call-overload]
            )

        self.dialog = OperatorDialog(
            ctx.tasks, self._roles, self._buildings, save, operator=op, parent=self
        )
        text = self.tr("Operator {0} saved.").format(op.login)
        self.dialog.accepted.connect(lambda: self._done(text))
        self.dialog.open()

    def _on_reset_button_clicked(self) -> None:
        op = self.selected()
        if op is None:
            return
        ctx = self.ctx
        ops = ctx.services.operators

        def submit(_current: str, new: str, repeated: str) -> None:
            ops.reset_password(ctx.actor, op.id, new, repeated=repeated)

        self.password_dialog = PasswordDialog(
            ctx.tasks, submit, login=op.login, ask_current=False, parent=self
        )
        text = self.tr("The password of {0} was reset.").format(op.login)
        self.password_dialog.accepted.connect(lambda: self._done(text))
        self.password_dialog.open()

    def _on_unlock_button_clicked(self) -> None:
        op = self.selected()
        if op is None:
            return
        ctx = self.ctx
        ops = ctx.services.operators
        ctx.tasks.run_op(
            lambda: ops.release_lockout(ctx.actor, op.id),
            lambda _r: self._done(self.tr("{0} may log in again.").format(op.login)),
            self._on_failed,
        )

    def _on_active_button_clicked(self) -> None:
        op = self.selected()
        if op is None:
            return
        if op.active:
            answer = QMessageBox.question(
                self,
                self.tr("Deactivate"),
                self.tr("Deactivate {0} ({1})? The operator can no longer log in.").format(
                    op.login, op.name
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.set_active(op, not op.active)

    def set_active(self, op: OperatorRow, active: bool) -> None:
        ctx = self.ctx
        ops = ctx.services.operators
        text = (
            self.tr("{0} is active again.") if active else self.tr("{0} was deactivated.")
        ).format(op.login)
        ctx.tasks.run_op(
            lambda: ops.set_active(ctx.actor, op.id, active),
            lambda _r: self._done(text),
            self._on_failed,
        )

    def hideEvent(self, event: QHideEvent) -> None:
        QSettings().setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
        super().hideEvent(event)
