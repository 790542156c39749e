"""Monthly Excel report (月报, RPT-2): a summary sheet for the site and one sheet per building.

Pure: a :class:`MonthlyReport` in, ``.xlsx`` bytes out. Money arrives as integer fen and is written
as exact ``Decimal`` yuan (fen / 100, two places); every money column is a signed change of the
balance, so on every row 期初余额 + the movement columns = 期末余额.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.domain.enums import Channel, EntryKind
from app.domain.money import fen_to_decimal
from app.reports.labels import account_state_name as _state

# Money movement columns, in sheet order: (key, header). Each ledger entry of the month lands in
# exactly one of them (see column_for); their sum per row is closing − opening.
MOVEMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("top_up_cash", "充值·现金"),
    ("top_up_wechat", "充值·微信"),
    ("top_up_alipay", "充值·支付宝"),
    ("top_up_card", "充值·刷卡"),
    ("top_up_bank", "充值·银行转账"),
    ("electricity", "电费"),
    ("water", "水费"),
    ("property", "物业费"),
    ("subsidy_grant", "补助发放"),
    ("subsidy_expiry", "补助清零"),
    ("refund", "退费"),
    ("adjustment", "调整"),
    ("reversal", "冲正"),
    ("transfer", "转入/转出"),
    ("other", "其他"),
)
MOVEMENT_KEYS = tuple(k for k, _ in MOVEMENT_COLUMNS)
_TOP_UP_KEYS: dict[str, str] = {
    Channel.CASH: "top_up_cash",
    Channel.WECHAT: "top_up_wechat",
    Channel.ALIPAY: "top_up_alipay",
    Channel.CARD: "top_up_card",
    Channel.BANK: "top_up_bank",
}
_KIND_KEYS: dict[str, str] = {
    EntryKind.ELECTRICITY_CHARGE: "electricity",
    EntryKind.WATER_CHARGE: "water",
    EntryKind.PROPERTY_FEE: "property",
    EntryKind.SUBSIDY_GRANT: "subsidy_grant",
    EntryKind.SUBSIDY_EXPIRY: "subsidy_expiry",
    EntryKind.REFUND: "refund",
    EntryKind.ADJUSTMENT: "adjustment",
    EntryKind.REVERSAL: "reversal",
    EntryKind.TRANSFER_IN: "transfer",
    EntryKind.TRANSFER_OUT: "transfer",
}

MONEY_FORMAT = '"¥"#,##0.00;[Red]-"¥"#,##0.00;"-"'  # zero as "-", as accountants write it
QUANTITY_FORMAT = "#,##0.00##"
_QUANTITY_PLACES = Decimal("0.0001")
SIGN_NOTE = (
    "说明：金额为对账户余额的变动，充值、补助发放为正，扣费、退费、补助清零为负；"
    "每行 期初余额 + 各项变动 = 期末余额。电量、水量为本月计费的用量。"
)


def column_for(kind: str, channel: str | None) -> str:
    """The movement column of a ledger entry (a top-up by its channel, others by kind)."""
    if kind == EntryKind.TOP_UP:
        return _TOP_UP_KEYS.get(channel or "", "other")
    return _KIND_KEYS.get(kind, "other")


@dataclass(frozen=True)
class MonthlyRow:
    """One account in one month; money in fen, quantities in kWh / m³."""

    room_code: str
    room_name: str
    tenant_name: str
    account_no: str
    state: str
    opening_fen: int
    movements_fen: Mapping[str, int]  # key of MOVEMENT_COLUMNS → signed fen
    electricity_kwh: Decimal = Decimal(0)
    water_m3: Decimal = Decimal(0)

    def movement(self, key: str) -> int:
        return int(self.movements_fen.get(key, 0))

    @property
    def total_movement_fen(self) -> int:
        return sum(self.movement(k) for k in MOVEMENT_KEYS)

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.total_movement_fen


@dataclass(frozen=True)
class BuildingSection:
    code: str
    name: str
    rows: tuple[MonthlyRow, ...]

    @cached_property  # frozen: computed once (the workbook asks for it many times)
    def totals(self) -> Totals:
        return Totals.of(self.rows)


@dataclass(frozen=True)
class Totals:
    accounts: int = 0
    opening_fen: int = 0
    movements_fen: Mapping[str, int] = field(default_factory=dict)
    electricity_kwh: Decimal = Decimal(0)
    water_m3: Decimal = Decimal(0)

    @staticmethod
    def of(rows: Iterable[MonthlyRow | Totals]) -> Totals:
        accounts = opening = 0
        moves = dict.fromkeys(MOVEMENT_KEYS, 0)
        kwh = m3 = Decimal(0)
        for r in rows:
            accounts += r.accounts if isinstance(r, Totals) else 1
            opening += r.opening_fen
            for k in MOVEMENT_KEYS:
                moves[k] += int(r.movements_fen.get(k, 0))
            kwh += r.electricity_kwh
            m3 += r.water_m3
        return Totals(accounts, opening, moves, kwh, m3)

    def movement(self, key: str) -> int:
        return int(self.movements_fen.get(key, 0))

    @property
    def total_movement_fen(self) -> int:
        return sum(self.movement(k) for k in MOVEMENT_KEYS)

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.total_movement_fen


@dataclass(frozen=True)
class LedgerCheck:
    """Sums taken straight from the ledger (not per row), to reconcile the report against."""

    opening_fen: int
    movement_fen: int

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.movement_fen


@dataclass(frozen=True)
class MonthlyReport:
    site_name: str
    year: int
    month: int
    timezone: str
    period_start: datetime  # aware, site-local wall clock
    period_end: datetime
    generated_at: datetime
    buildings: tuple[BuildingSection, ...]
    ledger: LedgerCheck

    @cached_property  # frozen: computed once (the workbook asks for it many times)
    def totals(self) -> Totals:
        return Totals.of(b.totals for b in self.buildings)

    @property
    def reconciled(self) -> bool:
        t = self.totals
        return (t.opening_fen, t.total_movement_fen) == (
            self.ledger.opening_fen,
            self.ledger.movement_fen,
        )

    @property
    def title_month(self) -> str:
        return f"{self.year}年{self.month}月"


# -- rendering ---------------------------------------------------------------------------------

_HEADER_ROW = 3  # rows 1-2: title and period; 3: column headers; data from 4
_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _yuan(fen: int) -> Decimal:
    return fen_to_decimal(fen)


def _qty(value: Decimal) -> Decimal:
    return value.quantize(_QUANTITY_PLACES)


def _text_width(value: object) -> int:
    """Display width in Excel character units: CJK characters count double."""
    if isinstance(value, Decimal):
        text = f"¥{value:,.2f}"
    else:
        text = str(value)
    if text.isascii():
        return len(text)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fmt_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _period_line(report: MonthlyReport) -> str:
    line = (
        f"统计期间：{_fmt_time(report.period_start)} 至 {_fmt_time(report.period_end)}"
        f"（{report.timezone}）　生成时间：{_fmt_time(report.generated_at)}"
    )
    if report.generated_at < report.period_end:
        line += "　本月尚未结束，数据截至生成时间"
    return line


def _value_columns() -> list[tuple[str, str, str]]:
    """(key, header, kind) for the columns after the row labels: kind is money or quantity."""
    cols: list[tuple[str, str, str]] = [("opening", "期初余额", "money")]
    for key, header in MOVEMENT_COLUMNS:
        if key == "electricity":
            cols.append(("electricity_kwh", "用电量(kWh)", "quantity"))
        if key == "water":
            cols.append(("water_m3", "用水量(m³)", "quantity"))
        cols.append((key, header, "money"))
    cols.append(("closing", "期末余额", "money"))
    return cols


VALUE_COLUMNS = _value_columns()
BUILDING_LABEL_HEADERS = ("房间编码", "房间名称", "户名", "账户", "状态")
SUMMARY_LABEL_HEADERS = ("楼栋编码", "楼栋", "账户数")


def _values(item: MonthlyRow | Totals) -> list[Decimal]:
    out: list[Decimal] = []
    for key, _h, _kind in VALUE_COLUMNS:
        if key == "opening":
            out.append(_yuan(item.opening_fen))
        elif key == "closing":
            out.append(_yuan(item.closing_fen))
        elif key == "electricity_kwh":
            out.append(_qty(item.electricity_kwh))
        elif key == "water_m3":
            out.append(_qty(item.water_m3))
        else:
            out.append(_yuan(item.movement(key)))
    return out


# Cell styles: named styles of the workbook, each built once; a cell refers to one by name (in
# write-only mode a cell is written as soon as its row is, so every sheet is laid out in full —
# values, styles, widths — before its first row goes out).
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE, BOLD, HEADER, TEXT, MONEY, QUANTITY = (
    "月报标题",
    "月报粗体",
    "月报表头",
    "月报文本",
    "月报金额",
    "月报数量",
)
TOTAL_TEXT, TOTAL_MONEY, TOTAL_QUANTITY = "月报合计文本", "月报合计金额", "月报合计数量"


def _named_styles() -> list[NamedStyle]:
    def style(name: str, **kw: Any) -> NamedStyle:
        return NamedStyle(name=name, **kw)

    bold = Font(bold=True)
    return [
        style(TITLE, font=Font(bold=True, size=14)),
        style(BOLD, font=bold),
        style(HEADER, font=bold, fill=_HEADER_FILL, border=_BORDER, alignment=_CENTER),
        style(TEXT, border=_BORDER),
        style(MONEY, number_format=MONEY_FORMAT),
        style(QUANTITY, number_format=QUANTITY_FORMAT),
        style(TOTAL_TEXT, font=bold, fill=_TOTAL_FILL, border=_BORDER),
        style(TOTAL_MONEY, font=bold, fill=_TOTAL_FILL, border=_BORDER, number_format=MONEY_FORMAT),
        style(
            TOTAL_QUANTITY,
            font=bold,
            fill=_TOTAL_FILL,
            border=_BORDER,
            number_format=QUANTITY_FORMAT,
        ),
    ]


Styles = Sequence[str | None]  # a named style per cell of a row (None: unstyled)


def _stream(values: Sequence[object], cells: Sequence[Cell | None]) -> Iterator[object]:
    """A row for ``WriteOnlyWorksheet.append``: plain values, or the one template cell of their
    style with the value put in. The worksheet consumes the row lazily and writes each cell out
    before it asks for the next, so one styled cell object per style serves the whole sheet
    (instead of a new cell and style lookup per cell, which cost more than the writing)."""
    for value, cell in zip(values, cells, strict=True):
        if cell is None:
            yield value
        else:
            cell.value = value
            yield cell


class _TemplateCell(Cell):  # type: ignore[misc]  # openpyxl ships no type hints
    """A styled cell written many times with different values (see ``_stream``). The worksheet
    takes a cell for a row value after trying to store it as a value, which formats the cell's
    repr into an error message it then discards: a short repr keeps that cheap."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<template cell>"


class _Sheet:
    """One sheet laid out in memory (values and style names), then streamed out."""

    def __init__(self) -> None:
        self.rows: list[tuple[Sequence[object], Styles]] = []
        self.widths: dict[int, float] = {}
        self.row_heights: dict[int, float] = {}

    def add(self, values: Sequence[object] = (), styles: Styles | None = None) -> int:
        self.rows.append((values, styles if styles is not None else [None] * len(values)))
        return len(self.rows)

    def write(self, wb: Workbook, title: str, frozen: str) -> WriteOnlyWorksheet:
        ws = wb.create_sheet(title)
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        for row, height in self.row_heights.items():
            ws.row_dimensions[row].height = height
        ws.freeze_panes = frozen
        ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        templates: dict[str, Cell] = {}
        resolved: dict[int, list[Cell | None]] = {}  # per distinct styles list: its cells
        for values, styles in self.rows:
            cells = resolved.get(id(styles))
            if cells is None:
                cells = []
                for style in styles:
                    if style is not None and style not in templates:
                        templates[style] = _TemplateCell(ws, row=1, column=1)
                        templates[style].style = style
                    cells.append(None if style is None else templates[style])
                resolved[id(styles)] = cells
            ws.append(_stream(values, cells))
        return ws


_VALUE_STYLES = [MONEY if kind == "money" else QUANTITY for _k, _h, kind in VALUE_COLUMNS]
_TOTAL_VALUE_STYLES = [
    TOTAL_MONEY if kind == "money" else TOTAL_QUANTITY for _k, _h, kind in VALUE_COLUMNS
]


def _table(
    title: str,
    period: str,
    label_headers: Sequence[str],
    rows: Sequence[tuple[Sequence[object], MonthlyRow | Totals]],
    total_labels: Sequence[object],
    total: Totals,
) -> _Sheet:
    """Title, period, header, one row per item and a total row (the last row of the sheet)."""
    sheet = _Sheet()
    headers = [*label_headers, *(h for _k, h, _kind in VALUE_COLUMNS)]
    n_labels = len(label_headers)
    sheet.add([title], [TITLE])
    sheet.add([period])
    sheet.add(headers, [HEADER] * len(headers))
    sheet.row_heights[_HEADER_ROW] = 30
    widths = [_text_width(h) for h in headers]
    # data cells carry only their number format; the grid comes from the sheet's gridlines
    # (shown on screen, printed: print_options.gridLines), not from a border on every cell
    row_styles = [None] * n_labels + _VALUE_STYLES
    lows: list[Decimal] = []
    highs: list[Decimal] = []
    for labels, item in rows:
        numbers = _values(item)
        sheet.add([*labels, *numbers], row_styles)
        for i, label in enumerate(labels):
            w = _text_width(label)
            if w > widths[i]:
                widths[i] = w
        if not lows:
            lows, highs = list(numbers), list(numbers)
            continue
        for i, n in enumerate(numbers):
            if n < lows[i]:
                lows[i] = n
            elif n > highs[i]:
                highs[i] = n
    # a number's display width grows with its magnitude: the widest is the smallest or largest
    for i, (low, high) in enumerate(zip(lows, highs, strict=True)):
        col = n_labels + i
        widths[col] = max(widths[col], _text_width(low), _text_width(high))
    values = [*total_labels, *_values(total)]
    sheet.add(values, [TOTAL_TEXT] * n_labels + _TOTAL_VALUE_STYLES)
    for i, value in enumerate(values):
        widths[i] = max(widths[i], _text_width(value))
    sheet.widths = {col: min(max(w + 2, 8), 40) for col, w in enumerate(widths, start=1)}
    return sheet


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _FORBIDDEN_SHEET_CHARS.sub("_", name).strip("'") or "楼栋"
    base = base[:31]
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


_CHART_WIDTH_CM = 16
_CHART_HEIGHT_CM = 8
# rows a chart covers (default rows are 15 pt ≈ 0.53 cm) plus a gap: charts are stacked, since
# column widths (and so where a chart beside another would end) differ between Excel and others
_CHART_ROWS = 18


def _add_chart(
    ws: WriteOnlyWorksheet, title: str, y_title: str, col: int, first: int, last: int, anchor: str
) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = "楼栋"
    chart.legend = None
    # openpyxl 3.1 drops tick labels unless the axes are explicitly kept
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.numFmt = "#,##0"
    data = Reference(ws, min_col=col, min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.width = _CHART_WIDTH_CM
    chart.height = _CHART_HEIGHT_CM
    ws.add_chart(chart, anchor)


def render_monthly(report: MonthlyReport) -> bytes:
    """The report as an ``.xlsx`` workbook (written in openpyxl's write-only mode)."""
    wb = Workbook(write_only=True)
    for style in _named_styles():
        wb.add_named_style(style)
    taken: set[str] = set()
    period = _period_line(report)
    site_total = report.totals
    summary = _table(
        f"{report.site_name} {report.title_month} 水电收费月报（全站汇总）",
        period,
        SUMMARY_LABEL_HEADERS,
        [((b.code, b.name, b.totals.accounts), b.totals) for b in report.buildings],
        ("合计", "全站", site_total.accounts),
        site_total,
    )
    total_row = len(summary.rows)
    _reconciliation(summary, report)
    ws = summary.write(wb, sheet_title("汇总", taken), "C4")
    first, last = _HEADER_ROW + 1, _HEADER_ROW + len(report.buildings)
    if report.buildings:
        offset = len(SUMMARY_LABEL_HEADERS) + 1
        keys = [k for k, _h, _kind in VALUE_COLUMNS]
        chart_row = total_row + 9
        _add_chart(
            ws, "各楼栋用电量", "kWh", offset + keys.index("electricity_kwh"),
            first, last, f"B{chart_row}",
        )  # fmt: skip
        _add_chart(
            ws, "各楼栋用水量", "m³", offset + keys.index("water_m3"),
            first, last, f"B{chart_row + _CHART_ROWS}",
        )  # fmt: skip

    for b in report.buildings:
        totals = b.totals
        sheet = _table(
            f"{b.name} {report.title_month} 水电收费月报",
            period,
            BUILDING_LABEL_HEADERS,
            [
                ((r.room_code, r.room_name, r.tenant_name, r.account_no, _state(r.state)), r)
                for r in b.rows
            ],
            ("合计", "", f"{totals.accounts} 户", "", ""),
            totals,
        )
        sheet.write(wb, sheet_title(b.name or b.code, taken), "D4")
    wb.properties.title = f"{report.site_name} {report.title_month} 月报"
    wb.properties.creator = "shuidian"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _reconciliation(sheet: _Sheet, report: MonthlyReport) -> None:
    """The 台账核对 block, one empty row below the summary's total row."""
    t = report.totals
    sheet.add()
    sheet.add(["台账核对"], [BOLD])
    lines: list[tuple[str, Any, Any]] = [
        ("", "报表合计", "台账合计"),
        ("期初余额", _yuan(t.opening_fen), _yuan(report.ledger.opening_fen)),
        ("本月变动", _yuan(t.total_movement_fen), _yuan(report.ledger.movement_fen)),
        ("期末余额", _yuan(t.closing_fen), _yuan(report.ledger.closing_fen)),
    ]
    for i, line in enumerate(lines, start=1):
        styles: list[str | None] = []
        for col, value in enumerate(line, start=1):
            if i == 1:
                styles.append(HEADER)
            else:
                styles.append(MONEY if isinstance(value, Decimal) else TEXT)
            # the summary's narrow columns (账户数) must still show these sums, not ###
            sheet.widths[col] = max(sheet.widths.get(col, 8), _text_width(value) + 2)
        sheet.add(line, styles)
    result = "一致（精确到分）" if report.reconciled else "不一致，请运行 ledger verify 检查台账"
    sheet.add([f"核对结果：{result}"], [BOLD])
    sheet.add([SIGN_NOTE])
