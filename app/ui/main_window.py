"""The main window: navigation on the left, pages on the right, status bar at the bottom."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen
from app.services import Services
from app.services.context import Actor
from app.services.dto import AccountSummary
from app.ui.messages import describe
from app.ui.table_models.accounts import AccountTableModel
from app.ui.tasks import TaskRunner


class RoomsPage(QWidget):
    """Rooms and balances of every account, with a search box that filters as you type."""

    def __init__(self, services: Services, actor: Actor, tasks: TaskRunner) -> None:
        super().__init__()
        self.setObjectName("RoomsPage")
        self._services = services
        self._actor = actor
        self._tasks = tasks
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search room, tenant, phone or initials"))
        self.search_edit.setClearButtonEnabled(True)
        self.summary_label = QLabel()
        self.model = AccountTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 2)
        top.addWidget(self.summary_label, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)

    def refresh(self) -> None:
        self.summary_label.setText(self.tr("Loading…"))
        self._tasks.run_op(
            lambda: self._services.accounts.list_accounts(self._actor),
            self._on_accounts_loaded,
            self._on_load_failed,
        )

    def _on_accounts_loaded(self, rows: list[AccountSummary]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        total = sum(a.balance_fen for a in rows)
        arrears = sum(1 for a in rows if a.balance_fen < 0)
        low = sum(1 for a in rows if 0 <= a.balance_fen <= a.warn_threshold_fen)
        self.summary_label.setText(
            self.tr("{0} accounts · total balance {1} · {2} low · {3} in arrears").format(
                len(rows), format_fen(total), low, arrears
            )
        )

    def _on_load_failed(self, exc: BaseException) -> None:
        self.summary_label.setText(describe(exc))

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        actor: Actor,
        tasks: TaskRunner,
        *,
        db_label: str,
        collector_label: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Unified Water & Power Prepaid Billing Platform"))
        self.nav = QListWidget()
        self.nav.setObjectName("Navigation")
        self.nav.setFixedWidth(150)
        self.pages = QStackedWidget()
        self.rooms_page = RoomsPage(services, actor, tasks)
        for title, page in ((self.tr("Rooms & balances"), self.rooms_page),):
            self.nav.addItem(title)
            self.pages.addWidget(page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        bar.addWidget(QLabel(self.tr("Operator: {0}").format(actor.login)))
        bar.addWidget(QLabel(self.tr("Database: {0}").format(db_label)))
        if collector_label:
            bar.addWidget(QLabel(collector_label))
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        QTimer.singleShot(0, self.rooms_page, self.rooms_page.refresh)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
