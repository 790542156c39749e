"""操作员 add / edit dialog: login, name, role, building scope (and the password when adding)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.passwords import MIN_LENGTH, password_problem
from app.services.operators import BuildingChoice, OperatorRow, RoleInfo
from app.ui import admin_messages
from app.ui.messages import describe
from app.ui.tasks import TaskRunner


class OperatorDialog(QDialog):
    """``operator`` ``None``: add a new operator (with a password); else edit that one.
    ``save(values)`` runs on the db worker with ``values`` = dict of the form's answers
    (login, name, role_code, building_ids (None = all), password, repeated)."""

    def __init__(
        self,
        tasks: TaskRunner,
        roles: Sequence[RoleInfo],
        buildings: Sequence[BuildingChoice],
        save: Callable[[dict[str, object]], OperatorRow],
        *,
        operator: OperatorRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("OperatorDialog")
        self._tasks, self._save = tasks, save
        self._operator = operator
        self.saved: OperatorRow | None = None
        self.setWindowTitle(
            self.tr("Add operator") if operator is None else self.tr("Edit operator")
        )
        self.login_edit = QLineEdit(operator.login if operator else "")
        self.login_edit.setObjectName("login")
        self.login_edit.setReadOnly(operator is not None)
        self.name_edit = QLineEdit(operator.name if operator else "")
        self.name_edit.setObjectName("name")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role")
        for r in roles:
            self.role_combo.addItem(admin_messages.role_label(r.code, r.name), r.code)
        if operator is not None:
            self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(operator.role_code)))
        else:
            self.role_combo.setCurrentIndex(max(0, self.role_combo.findData("cashier")))
        self.all_buildings_check = QCheckBox(self.tr("All buildings"))
        self.all_buildings_check.setObjectName("all_buildings")
        self.buildings_list = QListWidget()
        self.buildings_list.setObjectName("buildings")
        chosen = set(operator.building_ids) if operator else set()
        for b in buildings:
            item = QListWidgetItem(f"{b.code}  {b.name}")
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if b.id in chosen else Qt.CheckState.Unchecked)
            self.buildings_list.addItem(item)
        self.buildings_list.setMaximumHeight(150)
        self.all_buildings_check.toggled.connect(self._on_all_buildings_check_toggled)
        self.all_buildings_check.setChecked(operator is None or operator.all_buildings)
        self._on_all_buildings_check_toggled(self.all_buildings_check.isChecked())
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("repeat_password")
        for edit in (self.password_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Login"), self.login_edit)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Role"), self.role_combo)
        form.addRow(self.tr("Buildings"), self.all_buildings_check)
        form.addRow("", self.buildings_list)
        if operator is None:
            form.addRow(self.tr("Password"), self.password_edit)
            form.addRow(self.tr("Repeat password"), self.repeat_edit)
            hint = QLabel(
                self.tr("At least {0} characters, with letters and digits.").format(MIN_LENGTH)
            )
            hint.setStyleSheet("color: #666")
            form.addRow("", hint)
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
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def _on_all_buildings_check_toggled(self, checked: bool) -> None:
        self.buildings_list.setEnabled(not checked)

    def chosen_buildings(self) -> list[int] | None:
        if self.all_buildings_check.isChecked():
            return None
        out = []
        for i in range(self.buildings_list.count()):
            item = self.buildings_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _on_buttons_accepted(self) -> None:
        values: dict[str, object] = {
            "login": self.login_edit.text().strip(),
            "name": self.name_edit.text().strip(),
            "role_code": self.role_combo.currentData(),
            "building_ids": self.chosen_buildings(),
            "password": self.password_edit.text(),
            "repeated": self.repeat_edit.text(),
        }
        if not values["name"]:
            self.error_label.setText(self.tr("Enter the operator's name."))
            return
        if values["building_ids"] == []:
            self.error_label.setText(self.tr("Choose at least one building, or all buildings."))
            return
        if self._operator is None:
            problem = password_problem(
                self.password_edit.text(), str(values["login"]), self.repeat_edit.text()
            )
            if problem is not None:
                self.error_label.setText(admin_messages.password_problem_text(problem.value))
                return
        self.ok_button.setEnabled(False)
        self.error_label.setText(self.tr("Saving…"))
        save = self._save
        self._tasks.run_op(lambda: save(values), self._on_saved, self._on_failed)

    def _on_saved(self, row: OperatorRow) -> None:
        self.saved = row
        self.error_label.clear()
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(describe(exc))
