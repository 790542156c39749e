"""修改密码 / 重置密码 dialogs: a new password typed twice (and the current one when operators
change their own), checked against the password rule before the service checks it again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.passwords import MIN_LENGTH, password_problem
from app.ui import admin_messages
from app.ui.messages import describe
from app.ui.tasks import TaskRunner

# submit(current, new, repeated) runs on the db worker; raises a typed error to refuse
Submit = Callable[[str, str, str], None]


class PasswordDialog(QDialog):
    """``ask_current``: the operator changes their own password (the current one is needed);
    otherwise an administrator sets a new password for ``login``."""

    def __init__(
        self,
        tasks: TaskRunner,
        submit: Submit,
        *,
        login: str,
        ask_current: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PasswordDialog")
        self._tasks, self._submit_fn, self._login = tasks, submit, login
        self.setWindowTitle(
            self.tr("Change my password") if ask_current else self.tr("Reset password")
        )
        intro = QLabel(
            self.tr("Operator: {0}").format(login)
            + "\n"
            + self.tr("At least {0} characters, with letters and digits.").format(MIN_LENGTH)
        )
        self.current_edit = QLineEdit()
        self.current_edit.setObjectName("current_password")
        self.new_edit = QLineEdit()
        self.new_edit.setObjectName("new_password")
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("repeat_password")
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if ask_current:
            form.addRow(self.tr("Current password"), self.current_edit)
        form.addRow(self.tr("New password"), self.new_edit)
        form.addRow(self.tr("Repeat new password"), self.repeat_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("color: #c0392b")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(400)
        self._ask_current = ask_current
        (self.current_edit if ask_current else self.new_edit).setFocus()

    def _on_buttons_accepted(self) -> None:
        current, new, repeated = (
            self.current_edit.text(),
            self.new_edit.text(),
            self.repeat_edit.text(),
        )
        if self._ask_current and not current:
            self.error_label.setText(self.tr("Enter the current password."))
            return
        problem = password_problem(new, self._login, repeated)
        if problem is not None:
            self.error_label.setText(admin_messages.password_problem_text(problem.value))
            return
        self.ok_button.setEnabled(False)
        self.error_label.setText(self.tr("Saving…"))
        fn = self._submit_fn
        self._tasks.run_op(lambda: fn(current, new, repeated), self._on_saved, self._on_failed)

    def _on_saved(self, _result: object) -> None:
        self.error_label.clear()
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(describe(exc))
