"""首次运行 wizard (UX-4): create or connect the database, create the first administrator,
optionally load the demo site. A Qt skin over ``app.domain.first_run`` (the flow and its rules)
and ``app.services.first_run`` (the work, run off the GUI thread)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.config import data_dir
from app.domain.first_run import Backend, FirstRunState, Probe, Problem, Step
from app.domain.passwords import MIN_LENGTH, PasswordProblem
from app.services.first_run import FirstRunResult, apply_first_run, probe_database, with_password
from app.services.secrets import SecretStore
from app.ui import admin_messages
from app.ui.messages import describe
from app.ui.tasks import TaskRunner

PAGE_IDS = {Step.DATABASE: 0, Step.ADMIN: 1, Step.DEMO: 2, Step.APPLY: 3}
STEPS = {v: k for k, v in PAGE_IDS.items()}


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet("color: #c0392b")
    label.setWordWrap(True)
    return label


class DatabasePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("DatabasePage")
        self._wizard = wizard
        self.state = wizard.state
        self.setTitle(self.tr("Database"))
        self.setSubTitle(
            self.tr(
                "One desk: a database file on this computer. Several desks: a PostgreSQL "
                "server they share."
            )
        )
        self.sqlite_radio = QRadioButton(self.tr("Database file on this computer (SQLite)"))
        self.sqlite_radio.setObjectName("sqlite")
        self.pg_radio = QRadioButton(self.tr("PostgreSQL server (several desks)"))
        self.pg_radio.setObjectName("postgresql")
        group = QButtonGroup(self)
        group.addButton(self.sqlite_radio)
        group.addButton(self.pg_radio)
        self.sqlite_radio.setChecked(True)
        self.path_edit = QLineEdit(self.state.sqlite_path)
        self.path_edit.setObjectName("sqlite_path")
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QWidget()
        h = QHBoxLayout(path_row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.path_edit, 1)
        h.addWidget(browse)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("pg_url")
        self.url_edit.setPlaceholderText("postgresql://shuidian@192.168.1.10:5432/shuidian")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("pg_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setStyleSheet("color: #666")
        form = QFormLayout()
        form.addRow(self.sqlite_radio)
        form.addRow(self.tr("File"), path_row)
        form.addRow(self.pg_radio)
        form.addRow(self.tr("Server address"), self.url_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow(self.keyring_label)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.result_label, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        for edit in (self.path_edit, self.url_edit, self.password_edit):
            edit.textChanged.connect(self._on_answers_changed)
        self.sqlite_radio.toggled.connect(self._on_answers_changed)
        self._on_answers_changed()

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Database file"),
            self.path_edit.text(),
            self.tr("Database files (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def _on_answers_changed(self, *_args: object) -> None:
        s = self.state
        s.backend = Backend.SQLITE if self.sqlite_radio.isChecked() else Backend.POSTGRESQL
        s.sqlite_path = self.path_edit.text()
        s.pg_url = self.url_edit.text()
        s.pg_password = self.password_edit.text()
        s.database_changed()
        sqlite = s.backend is Backend.SQLITE
        self.path_edit.setEnabled(sqlite)
        self.url_edit.setEnabled(not sqlite)
        self.password_edit.setEnabled(not sqlite)
        self.keyring_label.setVisible(not sqlite)
        if not sqlite:
            usable = SecretStore().backend_status().usable
            self.keyring_label.setText(
                self.tr("The password is kept in the system keyring, not in a file.")
                if usable
                else self.tr(
                    "This computer has no system keyring: the password will be asked at every "
                    "start."
                )
            )
        problem = s.database_problem(tested=False)
        self.test_button.setEnabled(problem is None)
        self.result_label.setStyleSheet("color: #c0392b" if problem else "")
        self.result_label.setText(self._problem_text(problem) if problem else "")
        self.completeChanged.emit()

    def _problem_text(self, problem: Problem) -> str:
        return {
            Problem.NO_PATH: self.tr("Choose the database file."),
            Problem.BAD_URL: self.tr(
                "Enter the server address as postgresql://user@host:port/database."
            ),
            Problem.URL_HAS_PASSWORD: self.tr(
                "Leave the password out of the address; type it in the password field."
            ),
        }.get(problem, "")

    def _on_test_clicked(self) -> None:
        self.test_button.setEnabled(False)
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Connecting…"))
        state = self.state
        snapshot = (state.backend, state.sqlite_path, state.pg_url, state.pg_password)
        self._wizard.tasks.run_op(
            lambda: probe_database(state),
            lambda probe: self._on_probed(probe, snapshot),
            self._on_probe_failed,
        )

    def _on_probed(self, probe: Probe, snapshot: tuple[object, ...]) -> None:
        s = self.state
        self.test_button.setEnabled(True)
        if snapshot != (s.backend, s.sqlite_path, s.pg_url, s.pg_password):
            return  # the answers changed while testing: test again
        s.probe = probe
        self.result_label.setStyleSheet("color: #1e7e34")
        if probe.revision is None:
            text = self.tr("Connected. A new, empty database will be created.")
        elif probe.has_admin:
            text = self.tr("Connected. The database is in use already; it will be opened.")
        else:
            text = self.tr("Connected. The database has no administrator yet.")
        self.result_label.setText(text)
        self.completeChanged.emit()

    def _on_probe_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setStyleSheet("color: #c0392b")
        self.result_label.setText(describe(exc))

    def isComplete(self) -> bool:
        return self.state.database_problem() is None


class AdminPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("AdminPage")
        self.state = wizard.state
        self.setTitle(self.tr("First administrator"))
        self.setSubTitle(
            self.tr("The administrator adds the other operators (cashiers, electricians …) later.")
        )
        self.login_edit = QLineEdit(self.state.admin_login)
        self.login_edit.setObjectName("admin_login")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("admin_name")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("admin_password")
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("admin_password2")
        for edit in (self.password_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(self.tr("Login"), self.login_edit)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow(self.tr("Repeat password"), self.repeat_edit)
        hint = QLabel(
            self.tr("At least {0} characters, with letters and digits.").format(MIN_LENGTH)
        )
        hint.setStyleSheet("color: #666")
        form.addRow("", hint)
        self.error_label = _error_label()
        form.addRow(self.error_label)

    def validatePage(self) -> bool:
        s = self.state
        s.admin_login = self.login_edit.text().strip()
        s.admin_name = self.name_edit.text().strip()
        s.password, s.password2 = self.password_edit.text(), self.repeat_edit.text()
        problem = s.admin_problem()
        if problem is None:
            self.error_label.clear()
            return True
        if isinstance(problem, PasswordProblem):
            text = admin_messages.password_problem_text(problem.value)
        elif problem is Problem.BAD_LOGIN:
            text = self.tr(
                "The login must be 2–32 letters, digits or . _ @ - and start with a letter or "
                "digit."
            )
        else:
            text = self.tr("Enter the administrator's name.")
        self.error_label.setText(text)
        return False


class DemoPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("DemoPage")
        self.state = wizard.state
        self.setTitle(self.tr("Demo site"))
        self.setSubTitle(self.tr("Try the desk on a made-up site before entering your own."))
        self.demo_check = QCheckBox(
            self.tr("Load the demo site (buildings, rooms, meters and three months of history)")
        )
        self.demo_check.setObjectName("load_demo")
        note = QLabel(
            self.tr(
                "The demo also adds the operators cashier1 / cashier123, elec1 / elec123 and "
                "boss / boss123. Loading takes about half a minute. Leave it off for a real "
                "site."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666")
        layout = QVBoxLayout(self)
        layout.addWidget(self.demo_check)
        layout.addWidget(note)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        self.state.load_demo = self.demo_check.isChecked()
        return True


class ApplyPage(QWizardPage):
    """Runs the setup when shown; Finish is enabled once it is done."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("ApplyPage")
        self._wizard = wizard
        self.state = wizard.state
        self.setTitle(self.tr("Setting up"))
        self.setFinalPage(True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.retry_button = QPushButton(self.tr("Try again"))
        self.retry_button.clicked.connect(self._start)
        self.retry_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.retry_button)
        layout.addStretch(1)
        self.result: FirstRunResult | None = None
        self._running = False
        wizard.progress_reported.connect(self._on_progress_reported)

    def initializePage(self) -> None:
        s = self.state
        lines = [self.tr("Database: {0}").format(s.database_url())]
        if s.needs_admin:
            lines.append(self.tr("Administrator: {0} ({1})").format(s.admin_login, s.admin_name))
        if s.load_demo and s.may_load_demo:
            lines.append(self.tr("The demo site will be loaded."))
        self.summary_label.setText("\n".join(lines))
        if self.result is None and not self._running:
            self._start()

    def _start(self) -> None:
        self._running = True
        self.retry_button.hide()
        self.progress.show()
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("Preparing the database…"))
        state = self.state
        if not state.may_load_demo:
            state.load_demo = False
        emit = self._wizard.progress_reported.emit
        self._wizard.tasks.run_op(
            lambda: apply_first_run(state, progress=emit), self._on_done, self._on_failed
        )
        self.completeChanged.emit()

    def _on_progress_reported(self, step: str) -> None:
        texts = {
            "migrate": self.tr("Preparing the database…"),
            "demo": self.tr("Loading the demo site (about half a minute)…"),
            "admin": self.tr("Creating the administrator…"),
            "config": self.tr("Saving the configuration…"),
        }
        text = texts.get(step.split(":", 1)[0])
        if text:
            self.status_label.setText(text)

    def _on_done(self, result: FirstRunResult) -> None:
        self._running = False
        self.result = result
        self.progress.hide()
        self.status_label.setStyleSheet("color: #1e7e34")
        text = self.tr("Done. Press Finish and log in.")
        if self.state.backend is Backend.POSTGRESQL and not result.password_in_keyring:
            text += "\n" + self.tr(
                "No system keyring: the database password will be asked at every start."
            )
        self.status_label.setText(text)
        self.completeChanged.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._running = False
        self.progress.hide()
        self.status_label.setStyleSheet("color: #c0392b")
        self.status_label.setText(describe(exc))
        self.retry_button.show()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.result is not None


class FirstRunWizard(QWizard):
    """Accepted once the database is ready and configured; ``full_db_url()`` opens it."""

    progress_reported = Signal(str)

    def __init__(self, state: FirstRunState | None = None) -> None:
        super().__init__()
        self.setObjectName("FirstRunWizard")
        self.state = state or FirstRunState(sqlite_path=str(Path(data_dir()) / "shuidian.db"))
        self.tasks = TaskRunner()
        self.setWindowTitle(self.tr("First run — Unified Water & Power Prepaid Billing Platform"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.database_page = DatabasePage(self)
        self.admin_page = AdminPage(self)
        self.demo_page = DemoPage(self)
        self.apply_page = ApplyPage(self)
        for step, page in (
            (Step.DATABASE, self.database_page),
            (Step.ADMIN, self.admin_page),
            (Step.DEMO, self.demo_page),
            (Step.APPLY, self.apply_page),
        ):
            self.setPage(PAGE_IDS[step], page)
        self.setStartId(PAGE_IDS[Step.DATABASE])
        self.resize(640, 480)
        self.finished.connect(self._on_finished)

    def nextId(self) -> int:
        step = STEPS.get(self.currentId())
        if step is None:
            return -1
        following = self.state.next_step(step)
        return PAGE_IDS[following] if following is not None else -1

    def full_db_url(self) -> str:
        """The database URL with the PostgreSQL password (in memory only)."""
        s = self.state
        return with_password(
            s.database_url(), s.pg_password if s.backend is Backend.POSTGRESQL else ""
        )

    def _on_finished(self, _result: int) -> None:
        self.tasks.shutdown()
