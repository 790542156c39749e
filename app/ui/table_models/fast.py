"""A table model that filters and sorts itself in plain Python, for tables of many thousand rows.

``QSortFilterProxyModel`` over a Python model asks Python for every row (``filterAcceptsRow``)
and for every row × role (``data`` for the sort key) on each keystroke and each sort: with
20,000 rows that is seconds per key. Here each row carries a lowercase search text computed once
when the rows arrive (on the db worker thread, see ``set_rows``); a filter change computes the
list of matching rows in one pass (narrowing from the previous matches while the text grows) and
a sort is one Python ``sorted`` over per-row keys. The view then sees only the matching rows, in
order, through one ``layoutChanged`` (selection and current row follow their rows).

Painting asks once per cell (``multiData``: every role of a cell in one call) instead of once
per cell and role (``data``), and a row's cells are computed together the first time the row is
seen (``row_cells``), then kept until the row changes.

Rows are addressed two ways: the *source* row (position in the list given to ``set_rows``) and
the *view* row (position in the table as shown). ``row_at`` and ``index`` take view rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    Qt,
)

T = TypeVar("T")

# search texts of several columns are joined with this, so that a search never matches across
# two columns (a line edit cannot produce it)
FIELD_SEPARATOR = "\x1f"
# the roles as plain ints (comparing and hashing enum members costs more)
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
SORT = int(Qt.ItemDataRole.UserRole.value)  # the raw value a column sorts by
RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LAYOUT_SIGNATURE = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")
_ROWS_ONLY = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
CACHED_ROWS = 4096  # rows whose cells are kept (those painted lately)


class FastTableModel(QAbstractTableModel, Generic[T]):
    """Subclasses define ``columnCount``, ``headerData``, ``row_cells`` (a row's cells: per
    column, {role: value} of the roles that have a value), ``search_text`` (a row's lowercase
    text the search box looks in) and ``sort_value`` (a row's raw value in a column, as the
    table sorts it; also what ``data`` gives for ``UserRole``)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[T] = []
        self._texts: list[str] = []  # per source row: lowercase search text
        self._order: list[int] = []  # every source row, in the current sort order
        self._shown: list[int] = []  # the source rows the view shows, in order
        self._view_row: dict[int, int] | None = None  # source row → view row (built on demand)
        self._needle = ""
        self._accept: Callable[[T], bool] | None = None
        self._accept_key: Hashable = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._cells: dict[int, list[dict[int, Any]]] = {}  # source row → column → role → value
        # (length, first role, last role) of a span → where each of its roles is
        self._span_slots: dict[tuple[int, int, int], dict[int, int]] = {}

    # -- to override -------------------------------------------------------------------------

    @classmethod
    def search_text(cls, row: T) -> str:
        raise NotImplementedError

    def sort_value(self, row: T, column: int) -> Any:
        raise NotImplementedError

    def row_cells(self, row: T) -> list[dict[int, Any]]:
        raise NotImplementedError

    @classmethod
    def search_texts(cls, rows: Sequence[T]) -> list[str]:
        """The search texts of ``rows``: callable on a worker thread (no widget, no model)."""
        text = cls.search_text
        return [text(r) for r in rows]

    # -- rows --------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[T], texts: list[str] | None = None) -> None:
        """Show these rows (filtered and sorted as before). ``texts`` are their
        ``search_texts``, best computed where the rows were fetched (off the GUI thread)."""
        rows = list(rows)
        if texts is None:
            texts = self.search_texts(rows)
        if len(texts) != len(rows):
            raise ValueError("one search text per row")
        self.beginResetModel()
        self._rows, self._texts = rows, texts
        self._order = self._sorted_order()
        self._shown = self._filtered(self._order)
        self._view_row = None
        self._cells.clear()
        self.endResetModel()

    def all_rows(self) -> list[T]:
        """Every row, shown or not, in the order given to ``set_rows``."""
        return self._rows

    def total_count(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> T:
        """The row shown at view row ``row``."""
        return self._rows[self._shown[row]]

    def source_row(self, row: int) -> int:
        return self._shown[row]

    def view_row(self, source_row: int) -> int | None:
        """Where a source row is shown (None when the filter hides it)."""
        if self._view_row is None:
            self._view_row = {s: v for v, s in enumerate(self._shown)}
        return self._view_row.get(source_row)

    def find_row(self, match: Callable[[T], bool]) -> int | None:
        """The first view row whose row matches."""
        rows = self._rows
        for v, s in enumerate(self._shown):
            if match(rows[s]):
                return v
        return None

    def replace_row(self, source_row: int, row: T) -> None:
        """A fresher version of one row: its cells repaint, filter and sort apply again."""
        self._rows[source_row] = row
        self._texts[source_row] = self.search_text(row)
        self.source_rows_changed([source_row])

    def source_rows_changed(
        self, source_rows: Sequence[int], columns: Collection[int] | None = None
    ) -> None:
        """Some rows' values changed in place (in ``columns``, None: any): repaint them, and
        filter and sort again where the filter or the sort looks at what changed (the search
        text is assumed unchanged when ``columns`` is given)."""
        for s in source_rows:
            self._cells.pop(s, None)
        resort = self._sort_column >= 0 and (columns is None or self._sort_column in columns)
        refilter = self._accept is not None or (columns is None and bool(self._needle))
        if resort or refilter:
            self._relayout(resort=resort)
        first = 0 if columns is None else min(columns)
        last = self.columnCount() - 1 if columns is None else max(columns)
        for s in source_rows:
            v = self.view_row(s)
            if v is not None:
                self.dataChanged.emit(self.index(v, first), self.index(v, last))

    # -- filter ------------------------------------------------------------------------------

    @property
    def needle(self) -> str:
        return self._needle

    def set_filter(
        self,
        needle: str,
        accept: Callable[[T], bool] | None = None,
        accept_key: Hashable = None,
    ) -> None:
        """Show the rows whose search text contains ``needle`` (case-insensitive) and which
        ``accept`` takes. ``accept_key`` names the predicate: while it stays equal and the text
        only grows, the new matches are searched among the previous ones."""
        needle = needle.strip().lower()
        narrowing = (
            accept_key == self._accept_key
            and (accept is None) == (self._accept is None)
            and self._needle in needle
        )
        if narrowing and needle == self._needle:
            return
        self._needle, self._accept, self._accept_key = needle, accept, accept_key
        candidates = self._shown if narrowing else self._order
        self._set_shown(self._filtered(candidates))

    def refilter(self) -> None:
        """Apply the filter again (the rows' values it looks at changed)."""
        self._set_shown(self._filtered(self._order))

    def _filtered(self, candidates: list[int]) -> list[int]:
        needle, accept = self._needle, self._accept
        if not needle and accept is None:
            return list(candidates)
        texts, rows = self._texts, self._rows
        if needle:
            candidates = [s for s in candidates if needle in texts[s]]
        if accept is not None:
            candidates = [s for s in candidates if accept(rows[s])]
        return candidates

    # -- sort --------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self._relayout(resort=True)

    def sort_column(self) -> int:
        return self._sort_column

    def _sorted_order(self) -> list[int]:
        n, column = len(self._rows), self._sort_column
        if column < 0 or column >= self.columnCount():
            return list(range(n))
        value = self.sort_value
        keys = [value(r, column) for r in self._rows]
        # stable: equal values keep their source order, as QSortFilterProxyModel does
        return sorted(
            range(n),
            key=keys.__getitem__,
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )

    # -- view updates ------------------------------------------------------------------------

    def _relayout(self, *, resort: bool) -> None:
        if resort:
            self._order = self._sorted_order()
        self._set_shown(self._filtered(self._order))

    def _set_shown(self, shown: list[int]) -> None:
        # only rows change: the hint spares the column header (it would lay its sections out
        # again and resize the stretched last column twice, each time saving the layout)
        about: Any = self.layoutAboutToBeChanged  # (overloaded signal: pick the overload)
        about[_LAYOUT_SIGNATURE].emit([], _ROWS_ONLY)
        before = self.persistentIndexList()
        old_shown = self._shown
        self._shown = shown
        self._view_row = None
        if before:
            after = []
            for index in before:
                row = index.row()
                v = self.view_row(old_shown[row]) if 0 <= row < len(old_shown) else None
                after.append(QModelIndex() if v is None else self.index(v, index.column()))
            self.changePersistentIndexList(before, after)
        changed: Any = self.layoutChanged
        changed[_LAYOUT_SIGNATURE].emit([], _ROWS_ONLY)

    # -- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def _row_cells(self, source: int) -> list[dict[int, Any]]:
        cells = self._cells.get(source)
        if cells is None:
            if len(self._cells) >= CACHED_ROWS:
                self._cells.clear()
            cells = self._cells[source] = self.row_cells(self._rows[source])
        return cells

    def data(self, index: QModelIndex | Any, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        role = int(getattr(role, "value", role))
        if role == SORT:
            return self.sort_value(self.row_at(index.row()), index.column())
        return self._row_cells(self._shown[index.row()])[index.column()].get(role)

    def multiData(self, index: QModelIndex | Any, span: Any) -> None:
        """Every role of one cell, in one call. Qt's delegate hands in the same span for every
        cell (its roles in the same order, still holding the previous cell's values): each role
        is set or cleared."""
        n = len(span)
        if n == 0:
            return
        first, last = span[0].role(), span[n - 1].role()
        slots = self._span_slots.get((n, first, last))
        if slots is None:
            slots = {span[i].role(): i for i in range(n)}
            self._span_slots[(n, first, last)] = slots
        if not index.isValid():
            for i in range(n):
                span[i].clearData()
            return
        cell = self._row_cells(self._shown[index.row()])[index.column()]
        for role, at in slots.items():
            value = cell.get(role)
            if value is None:
                span[at].clearData()
            else:
                span[at].setData(value)
