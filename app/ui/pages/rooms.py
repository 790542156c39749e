"""房间/账户: a building/floor tree, every account with room, tenant, state and balance (search as
you type), the selected account's details and its ledger history with filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import local_date, local_midnight_utc
from app.domain.enums import EntryKind
from app.domain.money import format_fen
from app.services.dto import AccountDetails, AccountSummary, LedgerPage
from app.ui.guard import alive
from app.ui.ledger_labels import account_state_name, entry_kind_name, local_time, room_type_name
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.accounts import AccountTableModel
from app.ui.table_models.ledger import LedgerTableModel

LEDGER_PAGE_SIZE = 100
ALL, LAST7, LAST30, THIS_MONTH, LAST_MONTH, CUSTOM = range(6)
# entry-kind filter: label kind → the ledger kinds it shows
KIND_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (EntryKind.TOP_UP, (EntryKind.TOP_UP,)),
    (EntryKind.REFUND, (EntryKind.REFUND,)),
    (EntryKind.ELECTRICITY_CHARGE, (EntryKind.ELECTRICITY_CHARGE,)),
    (EntryKind.WATER_CHARGE, (EntryKind.WATER_CHARGE,)),
    (EntryKind.PROPERTY_FEE, (EntryKind.PROPERTY_FEE,)),
    (EntryKind.SUBSIDY_GRANT, (EntryKind.SUBSIDY_GRANT, EntryKind.SUBSIDY_EXPIRY)),
    (EntryKind.ADJUSTMENT, (EntryKind.ADJUSTMENT,)),
    (EntryKind.REVERSAL, (EntryKind.REVERSAL,)),
)


def site_today() -> date:
    """Today on the site's wall clock (the ledger's days are the site's calendar days)."""
    return local_date(datetime.now(UTC))


@dataclass(frozen=True)
class AccountsLoaded:
    """The accounts with what the page derives from them, computed on the db worker thread:
    the search texts, the building/floor counts of the tree and the summary figures."""

    rows: list[AccountSummary]
    texts: list[str]
    # building code → (building name, {floor: number of accounts})
    buildings: dict[str, tuple[str, dict[int, int]]]
    total_fen: int
    low: int
    arrears: int


def load_accounts(rows: list[AccountSummary]) -> AccountsLoaded:
    buildings: dict[str, tuple[str, dict[int, int]]] = {}
    total = low = arrears = 0
    for a in rows:
        _name, floors = buildings.setdefault(a.building_code, (a.building_name, {}))
        floors[a.floor] = floors.get(a.floor, 0) + 1
        balance = a.cash_fen + a.subsidy_fen
        total += balance
        if balance < 0:
            arrears += 1
        elif balance <= a.warn_threshold_fen:
            low += 1
    return AccountsLoaded(
        rows, AccountTableModel.search_texts(rows), buildings, total, low, arrears
    )


class RoomsPage(Page):
    """Rooms and balances of every account, with a search box that filters as you type."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("RoomsPage")
        self.account_no: str | None = None
        self.details: AccountDetails | None = None
        self.ledger: LedgerPage | None = None
        self._generation = 0
        self._ledger_generation = 0
        self._widths_restored = False
        self._ledger_offset = 0
        self._build_tree()
        self._build_table()
        self._build_details()
        self._build_ledger()
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.details_box)
        bottom.addWidget(self.ledger_box)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 5)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table_area)
        right.addWidget(bottom)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 950])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._restore_layout()
        self._show_details(None)

    # -- construction ----------------------------------------------------------------------------

    def _build_tree(self) -> None:
        self.tree = QTreeWidget()
        self.tree.setObjectName("building_tree")
        self.tree.setHeaderLabels([self.tr("Buildings / floors")])
        self.tree.setMinimumWidth(140)
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)

    def _build_table(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search room, tenant, phone or initials"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(320)
        self.summary_label = QLabel()
        # the model filters (search text, building/floor) and sorts itself: ``proxy`` is the
        # same object, named for what the view shows
        self.model = AccountTableModel()
        self.proxy = self.model
        self.place: tuple[str | None, int | None] = (None, None)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # fitting the columns looks at the rows in view and this many more, not at all of them
        self.table.horizontalHeader().setResizeContentsPrecision(50)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 2)
        top.addWidget(self.summary_label, 3)
        self.table_area = QWidget()
        area = QVBoxLayout(self.table_area)
        area.setContentsMargins(0, 0, 0, 0)
        area.addLayout(top)
        area.addWidget(self.table)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)

    def _build_details(self) -> None:
        self.details_box = QGroupBox(self.tr("Account details"))
        self.detail_values: dict[str, QLabel] = {}
        form = QFormLayout(self.details_box)
        for key, label in (
            ("account", self.tr("Account")),
            ("room", self.tr("Room")),
            ("place", self.tr("Building / floor")),
            ("type", self.tr("Room type")),
            ("area", self.tr("Area")),
            ("tenant", self.tr("Tenant")),
            ("phone", self.tr("Phone")),
            ("move_in", self.tr("Moved in")),
            ("state", self.tr("State")),
            ("cash", self.tr("Cash")),
            ("subsidy", self.tr("Subsidy")),
            ("balance", self.tr("Balance")),
            ("limits", self.tr("Overdraft / warning")),
        ):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_values[key] = value
            form.addRow(label, value)

    def _build_ledger(self) -> None:
        self.ledger_box = QGroupBox(self.tr("Ledger"))
        self.period_combo = QComboBox()
        for text in (
            self.tr("All time"),
            self.tr("Last 7 days"),
            self.tr("Last 30 days"),
            self.tr("This month"),
            self.tr("Last month"),
            self.tr("Dates…"),
        ):
            self.period_combo.addItem(text)
        d = site_today()
        today = QDate(d.year, d.month, d.day)
        self.from_edit = QDateEdit(today.addMonths(-1))
        self.to_edit = QDateEdit(today)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("All kinds"), None)
        for label_kind, kinds in KIND_FILTERS:
            self.kind_combo.addItem(entry_kind_name(label_kind), kinds)
        self.ledger_model = LedgerTableModel()
        self.ledger_table = QTableView()
        self.ledger_table.setObjectName("ledger_table")
        self.ledger_table.setModel(self.ledger_model)
        self.ledger_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ledger_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ledger_table.setAlternatingRowColors(True)
        self.ledger_table.verticalHeader().setVisible(False)
        self.ledger_table.horizontalHeader().setStretchLastSection(True)
        self.ledger_label = QLabel()
        self.prev_button = QPushButton(self.tr("Newer"))
        self.next_button = QPushButton(self.tr("Older"))
        filters = QHBoxLayout()
        filters.addWidget(self.period_combo)
        filters.addWidget(self.from_edit)
        filters.addWidget(QLabel("—"))
        filters.addWidget(self.to_edit)
        filters.addWidget(self.kind_combo)
        filters.addStretch(1)
        pager = QHBoxLayout()
        pager.addWidget(self.ledger_label, 1)
        pager.addWidget(self.prev_button)
        pager.addWidget(self.next_button)
        box = QVBoxLayout(self.ledger_box)
        box.addLayout(filters)
        box.addWidget(self.ledger_table, 1)
        box.addLayout(pager)
        self.period_combo.currentIndexChanged.connect(self._on_period_combo_changed)
        self.from_edit.dateChanged.connect(lambda _d: self._reload_ledger())
        self.to_edit.dateChanged.connect(lambda _d: self._reload_ledger())
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._reload_ledger())
        self.prev_button.clicked.connect(lambda: self._page_ledger(-1))
        self.next_button.clicked.connect(lambda: self._page_ledger(1))
        self._update_pager()

    def _restore_layout(self) -> None:
        settings = QSettings()
        widths = settings.value("rooms/column_widths")
        if isinstance(widths, list) and len(widths) == self.model.columnCount():
            for col, width in enumerate(widths):
                if str(width).isdigit() and int(width) > 0:
                    self.table.setColumnWidth(col, int(width))
            self._widths_restored = True
        splitter = settings.value("rooms/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def hideEvent(self, event: Any) -> None:
        settings = QSettings()
        widths = [self.table.columnWidth(c) for c in range(self.model.columnCount())]
        settings.setValue("rooms/column_widths", widths)
        settings.setValue("rooms/splitter", self.splitter.saveState())
        super().hideEvent(event)

    def _run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """``ctx.tasks.run_op`` with the results dropped once this page is gone."""
        self.ctx.tasks.run_op(fn, alive(self, on_done), alive(self, on_error))

    # -- accounts --------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.summary_label.setText(self.tr("Loading…"))
        ctx = self.ctx
        self._run(
            lambda: load_accounts(ctx.services.accounts.list_accounts(ctx.actor)),
            self._on_accounts_loaded,
            self._on_load_failed,
        )

    def _on_accounts_loaded(self, loaded: AccountsLoaded) -> None:
        first_load = self.model.total_count() == 0
        self.model.set_rows(loaded.rows, loaded.texts)
        if first_load and not self._widths_restored:
            self.table.resizeColumnsToContents()
        self._fill_tree(len(loaded.rows), loaded.buildings)
        self.summary_label.setText(
            self.tr("{0} accounts · total balance {1} · {2} low · {3} in arrears").format(
                len(loaded.rows), format_fen(loaded.total_fen), loaded.low, loaded.arrears
            )
        )
        if self.account_no is not None:
            self._select_account_row(self.account_no)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.summary_label.setText(describe(exc))

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._apply_filter()

    def _apply_filter(self) -> None:
        building, floor = self.place
        accept: Callable[[AccountSummary], bool] | None = None
        if building is not None and floor is not None:
            accept = lambda a: a.building_code == building and a.floor == floor  # noqa: E731
        elif building is not None:
            accept = lambda a: a.building_code == building  # noqa: E731
        self.model.set_filter(self.search_edit.text(), accept, self.place)

    # -- building / floor tree -------------------------------------------------------------------

    def _fill_tree(self, count: int, buildings: dict[str, tuple[str, dict[int, int]]]) -> None:
        current = self.tree.currentItem()
        chosen = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        self.tree.blockSignals(True)
        self.tree.clear()
        root = QTreeWidgetItem([self.tr("All rooms ({0})").format(count)])
        root.setData(0, Qt.ItemDataRole.UserRole, (None, None))
        self.tree.addTopLevelItem(root)
        restore: QTreeWidgetItem = root
        for code in sorted(buildings):
            name, floors = buildings[code]
            b_item = QTreeWidgetItem([f"{name} ({sum(floors.values())})"])
            b_item.setData(0, Qt.ItemDataRole.UserRole, (code, None))
            root.addChild(b_item)
            if chosen == (code, None):
                restore = b_item
            for number in sorted(floors):
                f_item = QTreeWidgetItem(
                    [self.tr("Floor {0} ({1})").format(number, floors[number])]
                )
                f_item.setData(0, Qt.ItemDataRole.UserRole, (code, number))
                b_item.addChild(f_item)
                if chosen == (code, number):
                    restore = f_item
        root.setExpanded(True)
        self.tree.setCurrentItem(restore)
        self.tree.blockSignals(False)

    def _on_tree_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        building, floor = current.data(0, Qt.ItemDataRole.UserRole)
        self.place = (building, floor)
        self._apply_filter()

    def select_place(self, building: str | None, floor: int | None = None) -> None:
        """Choose a building (and floor) in the tree, as a click would."""
        wanted = (building, floor)
        items: list[QTreeWidgetItem | None] = [
            self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())
        ]
        while items:
            item = items.pop(0)
            if item is None:
                continue
            if tuple(item.data(0, Qt.ItemDataRole.UserRole)) == wanted:
                self.tree.setCurrentItem(item)
                return
            items += [item.child(i) for i in range(item.childCount())]
        raise KeyError(wanted)

    # -- details and ledger ----------------------------------------------------------------------

    def _select_account_row(self, account_no: str) -> None:
        row = self.model.find_row(lambda a: a.account_no == account_no)
        if row is not None:
            self.table.selectRow(row)

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        a = self.model.row_at(current.row())
        if a.account_no == self.account_no and self.details is not None:
            return
        self.account_no = a.account_no
        self._ledger_offset = 0
        self._generation += 1
        generation = self._generation
        accounts, actor, no = self.ctx.services.accounts, self.ctx.actor, a.account_no
        self._run(
            lambda: accounts.details(actor, no),
            lambda d: self._on_details_loaded(generation, d),
            self._on_ledger_failed,
        )
        self._reload_ledger()

    def _on_details_loaded(self, generation: int, details: AccountDetails) -> None:
        if generation == self._generation:
            self._show_details(details)

    def _show_details(self, d: AccountDetails | None) -> None:
        self.details = d
        v = self.detail_values
        if d is None:
            for label in v.values():
                label.setText("—")
            return
        a = d.summary
        v["account"].setText(a.account_no)
        v["room"].setText(f"{a.room_code} {a.room_name}")
        v["place"].setText(self.tr("{0}, floor {1}").format(a.building_name, a.floor))
        v["type"].setText(room_type_name(d.room_type))
        v["area"].setText(self.tr("{0} m², {1} occupants").format(d.area_m2, d.occupants))
        v["tenant"].setText(a.tenant_name)
        v["phone"].setText(a.tenant_phone or "—")
        v["move_in"].setText(local_time(d.move_in, "%Y-%m-%d"))
        v["state"].setText(account_state_name(a.state))
        v["cash"].setText(format_fen(a.cash_fen))
        v["subsidy"].setText(format_fen(a.subsidy_fen))
        v["balance"].setText(format_fen(a.balance_fen))
        v["balance"].setStyleSheet(
            "color: #c62828; font-weight: bold" if a.balance_fen < 0 else "font-weight: bold"
        )
        v["limits"].setText(
            f"{format_fen(a.overdraft_limit_fen)} / {format_fen(a.warn_threshold_fen)}"
        )

    def _on_period_combo_changed(self, index: int) -> None:
        custom = index == CUSTOM
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        self._reload_ledger()

    def ledger_range(self) -> tuple[date | None, date | None]:
        """The chosen period as local dates [first, last] (None = open)."""
        today = site_today()
        index = self.period_combo.currentIndex()
        if index == LAST7:
            return today - timedelta(days=6), today
        if index == LAST30:
            return today - timedelta(days=29), today
        if index == THIS_MONTH:
            return today.replace(day=1), today
        if index == LAST_MONTH:
            last = today.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
        if index == CUSTOM:
            return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]
        return None, None

    def _reload_ledger(self) -> None:
        self._ledger_offset = 0
        self._load_ledger()

    def _page_ledger(self, step: int) -> None:
        self._ledger_offset = max(0, self._ledger_offset + step * LEDGER_PAGE_SIZE)
        self._load_ledger()

    def _load_ledger(self) -> None:
        if self.account_no is None:
            return
        first, last = self.ledger_range()
        since = local_midnight_utc(first) if first is not None else None
        until = local_midnight_utc(last + timedelta(days=1)) if last is not None else None
        kinds = self.kind_combo.currentData()
        accounts, actor, no, offset = (
            self.ctx.services.accounts,
            self.ctx.actor,
            self.account_no,
            self._ledger_offset,
        )
        self._ledger_generation += 1
        generation = self._ledger_generation
        self.ledger_label.setText(self.tr("Loading…"))
        self._run(
            lambda: accounts.ledger_page(
                actor,
                no,
                offset=offset,
                limit=LEDGER_PAGE_SIZE,
                kinds=tuple(kinds) if kinds else None,
                since=since,
                until=until,
            ),
            lambda page: self._on_ledger_loaded(generation, page),
            self._on_ledger_failed,
        )

    def _on_ledger_loaded(self, generation: int, page: LedgerPage) -> None:
        if generation != self._ledger_generation:
            return  # the account, a filter or the page changed meanwhile
        self.ledger = page
        self.ledger_model.set_rows(page.entries)
        self.ledger_table.resizeColumnsToContents()
        self._update_pager()

    def _on_ledger_failed(self, exc: BaseException) -> None:
        self.ledger_label.setText(describe(exc))

    def _update_pager(self) -> None:
        page = self.ledger
        if page is None or page.total == 0:
            self.ledger_label.setText(self.tr("No entries.") if page is not None else "")
            self.prev_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        shown = len(page.entries)
        self.ledger_label.setText(
            self.tr("Entries {0}–{1} of {2}").format(
                page.offset + 1, page.offset + shown, page.total
            )
        )
        self.prev_button.setEnabled(page.offset > 0)
        self.next_button.setEnabled(page.offset + shown < page.total)
