"""登录 dialog: login name and password, checked by the operator service off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.services.context import Actor
from app.services.operators import OperatorInfo, OperatorService
from app.ui.messages import describe
from app.ui.tasks import TaskRunner


class LoginDialog(QDialog):
    """Ask for login and password; on success ``actor`` and ``operator`` are set and the dialog
    is accepted. ``fixed_login`` (unlocking a locked desk) allows only that operator."""

    def __init__(
        self,
        operators: OperatorService,
        tasks: TaskRunner,
        *,
        site_name: str = "",
        fixed_login: str | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(None)
        self.setObjectName("LoginDialog")
        self._operators = operators
        self._tasks = tasks
        self._fixed_login = fixed_login
        self.actor: Actor | None = None
        self.operator: OperatorInfo | None = None
        self.setWindowTitle(self.tr("Unlock") if fixed_login else self.tr("Log in"))
        title = QLabel(self.tr("Unified Water & Power Prepaid Billing Platform"))
        font = QFont(title.font())
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle = QLabel(site_name)
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.login_edit = QLineEdit(fixed_login or "")
        self.login_edit.setObjectName("login")
        self.login_edit.setReadOnly(fixed_login is not None)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("color: #c0392b")
        self.error_label.setWordWrap(True)
        self.hint_label = QLabel(hint)
        self.hint_label.setStyleSheet("color: #666")
        self.hint_label.setVisible(bool(hint))
        form = QFormLayout()
        form.addRow(self.tr("Operator"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Unlock") if fixed_login else self.tr("Log in"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Log out") if fixed_login else self.tr("Exit"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if site_name:
            layout.addWidget(subtitle)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        (
            self.password_edit if fixed_login or self.login_edit.text() else self.login_edit
        ).setFocus()

    def _submit(self) -> None:
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        if not login or not password:
            self.error_label.setText(self.tr("Enter the operator and the password."))
            return
        self.ok_button.setEnabled(False)  # a double press checks the password once
        self.error_label.setText(self.tr("Checking…"))
        self._tasks.run_op(
            lambda: self._operators.login(login, password), self._on_ok, self._on_error
        )

    def _on_ok(self, result: tuple[Actor, OperatorInfo]) -> None:
        self.actor, self.operator = result
        self.error_label.clear()
        self.accept()

    def _on_error(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.error_label.setText(describe(exc))
