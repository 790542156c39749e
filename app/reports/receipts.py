"""Receipt (存款凭条) PDF renderer: 80 mm thermal roll, A5 and 241 mm dot-matrix paper (RPT-1).

Pure: a :class:`ReceiptData` in, PDF bytes out; no database, no files. The service layer loads
the data, decides whether this print is a reprint (补打) and archives the PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app import APP_NAME
from app.domain.capitals import amount_in_capitals
from app.domain.money import format_fen
from app.reports.fonts import cjk_font
from app.reports.labels import REPRINT_MARK, channel_name

TIME_FORMAT = "%Y-%m-%d %H:%M"


class ReceiptLayout(StrEnum):
    THERMAL80 = "thermal80"  # 80 mm roll, 72 mm printable, as long as the content
    A5 = "a5"  # A5 landscape (210 × 148 mm), laser or inkjet
    DOT241 = "dot241"  # 241 mm continuous (9.5″) fan-fold, 140 mm (5.5″) per form


LAYOUT_NAMES: dict[str, str] = {
    ReceiptLayout.THERMAL80: "80 mm 热敏小票",
    ReceiptLayout.A5: "A5 凭条",
    ReceiptLayout.DOT241: "241 mm 针式连续纸",
}


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on one receipt. Times are aware datetimes on the site's wall clock."""

    site_name: str
    header: str
    receipt_no: str
    booked_at: datetime
    building_name: str
    room_code: str
    room_name: str
    tenant_name: str
    account_no: str
    amount_fen: int
    channel: str
    cash_after_fen: int
    subsidy_after_fen: int
    operator_name: str
    print_no: int = 1  # 1 = the original; 2 and up are reprints (补打)
    printed_at: datetime | None = None
    reference: str | None = None

    @property
    def balance_after_fen(self) -> int:
        return self.cash_after_fen + self.subsidy_after_fen

    @property
    def reprint(self) -> bool:
        return self.print_no > 1


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float | None  # None: the roll is cut after the content
    margin_x: float
    margin_y: float
    font_size: float


_GEOMETRY: dict[ReceiptLayout, _Geometry] = {
    # 80 mm paper, 72 mm printed by the common 576-dot heads
    ReceiptLayout.THERMAL80: _Geometry(80 * mm, None, 4 * mm, 4 * mm, 9),
    ReceiptLayout.A5: _Geometry(210 * mm, 148 * mm, 12 * mm, 10 * mm, 10.5),
    # the sprocket strips (12.7 mm each side) are not printable; dot-matrix heads want larger type
    ReceiptLayout.DOT241: _Geometry(241 * mm, 140 * mm, 17 * mm, 10 * mm, 11),
}


class _Styles:
    def __init__(self, font: str, size: float) -> None:
        def style(name: str, scale: float = 1.0, align: int = TA_LEFT) -> ParagraphStyle:
            fs = size * scale
            return ParagraphStyle(
                name, fontName=font, fontSize=fs, leading=fs * 1.35, alignment=align,
                wordWrap="CJK",
            )  # fmt: skip

        self.font = font
        self.size = size
        self.body = style("body")
        self.right = style("right", align=TA_RIGHT)
        self.small = style("small", 0.85)
        self.small_center = style("small_center", 0.85, TA_CENTER)
        self.title = style("title", 1.45, TA_CENTER)
        self.header = style("header", 1.25, TA_CENTER)
        self.amount = style("amount", 1.35)
        self.mark = style("mark", 1.5, TA_CENTER)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime(TIME_FORMAT)


def _spaced(text: str) -> str:
    """存款凭条 → 存 款 凭 条 (a short form title reads better letter-spaced)."""
    return " ".join(text) if len(text) <= 6 else text


def _reprint_box(st: _Styles) -> Table:
    box = Table([[_p(REPRINT_MARK, st.mark)]], colWidths=[st.size * 5.2])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return box


def _reprint_line(data: ReceiptData) -> str:
    return f"{REPRINT_MARK}时间 {_time(data.printed_at)}（第 {data.print_no} 次打印）"


def _roll_story(data: ReceiptData, st: _Styles, width: float) -> list[Flowable]:
    label_w = st.size * 5.0

    def kv(rows: list[tuple[str, str]], value_style: ParagraphStyle | None = None) -> Table:
        t = Table(
            [[_p(k, st.body), _p(v, value_style or st.body)] for k, v in rows],
            colWidths=[label_w, width - label_w],
        )
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ]
            )
        )
        return t

    def rule() -> HRFlowable:
        return HRFlowable(
            width="100%", thickness=0.6, dash=(2, 2), color=colors.black,
            spaceBefore=3, spaceAfter=3,
        )  # fmt: skip

    story: list[Flowable] = [_p(data.site_name, st.title), _p(data.header, st.header)]
    if data.reprint:
        box = _reprint_box(st)
        box.hAlign = "CENTER"
        story += [Spacer(1, 3), box]
    story += [
        rule(),
        kv(
            [
                ("凭条号", data.receipt_no),
                ("交易时间", _time(data.booked_at)),
                ("房间", f"{data.room_code} {data.room_name}"),
                ("户名", data.tenant_name),
                ("账户", data.account_no),
                ("支付方式", channel_name(data.channel)),
            ]
        ),
        rule(),
        kv([("充值金额", format_fen(data.amount_fen))], st.amount),
        kv([("大写", amount_in_capitals(data.amount_fen))]),
        rule(),
        kv(
            [
                ("现金余额", format_fen(data.cash_after_fen)),
                ("补助余额", format_fen(data.subsidy_after_fen)),
                ("账户余额", format_fen(data.balance_after_fen)),
                ("收款员", data.operator_name),
            ]
        ),
    ]
    if data.reference:
        story.append(kv([("交易单号", data.reference)]))
    if data.reprint:
        story.append(_p(_reprint_line(data), st.small))
    story += [rule(), _p("请核对金额，妥善保管本凭条", st.small_center)]
    return story


def _form_story(data: ReceiptData, st: _Styles, width: float) -> list[Flowable]:
    side = width * 0.24
    title = Table(
        [
            [
                _p(f"No. {data.receipt_no}", st.body),
                [_p(data.site_name, st.title), _p(_spaced(data.header), st.header)],
                _reprint_box(st) if data.reprint else "",
            ]
        ],
        colWidths=[side, width - 2 * side, side],
    )
    title.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
                ("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                ("VALIGN", (2, 0), (2, 0), "MIDDLE"),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    meta = Table(
        [
            [
                _p(f"交易时间：{_time(data.booked_at)}", st.body),
                _p(f"楼栋：{data.building_name}", st.right),
            ]
        ],
        colWidths=[width / 2, width / 2],
    )
    meta.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    fmt = format_fen
    label_w = st.size * 6.5
    value_w = (width - 2 * label_w) / 2
    rows = [
        ["房间", f"{data.room_code} {data.room_name}", "户名", data.tenant_name],
        ["账户", data.account_no, "支付方式", channel_name(data.channel)],
        ["金额（小写）", format_fen(data.amount_fen), "凭条号", data.receipt_no],
        ["金额（大写）", f"人民币{amount_in_capitals(data.amount_fen)}", "", ""],
        ["现金余额", format_fen(data.cash_after_fen), "补助余额", fmt(data.subsidy_after_fen)],
        ["账户余额", format_fen(data.balance_after_fen), "收款员", data.operator_name],
    ]
    if data.reference:
        rows.append(["交易单号", data.reference, "", ""])
    cells: list[list[Any]] = []
    for r in rows:
        cells.append(
            [
                _p(r[0], st.body),
                _p(r[1], st.amount if r[0].startswith("金额") else st.body),
                _p(r[2], st.body),
                _p(r[3], st.body),
            ]
        )
    grid = Table(cells, colWidths=[label_w, value_w, label_w, value_w])
    grid_style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("SPAN", (1, 3), (3, 3)),
    ]
    if data.reference:
        grid_style.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
    grid.setStyle(TableStyle(grid_style))
    sign = Table(
        [[_p("客户签字：", st.body), _p("收款员签章：", st.body)]],
        colWidths=[width / 2, width / 2],
        rowHeights=[st.size * 2.6],
    )
    sign.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list[Flowable] = [title, Spacer(1, 4), meta, Spacer(1, 2), grid, sign]
    if data.reprint:
        story += [Spacer(1, 4), _p(_reprint_line(data), st.small)]
    story += [Spacer(1, 4), _p("请核对金额，妥善保管本凭条。", st.small)]
    return story


def _story_height(story: list[Flowable], width: float) -> float:
    canvas = Canvas(io.BytesIO())
    total = 0.0
    for f in story:
        _w, h = f.wrapOn(canvas, width, 10_000)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def render_receipt(
    data: ReceiptData, layout: ReceiptLayout | str, *, font_path: Path | None = None
) -> bytes:
    """The receipt as a one-page PDF (Chinese text in an embedded font where available)."""
    layout = ReceiptLayout(layout)
    geo = _GEOMETRY[layout]
    font = cjk_font(font_path)
    st = _Styles(font, geo.font_size)
    inner_w = geo.width - 2 * geo.margin_x
    if layout is ReceiptLayout.THERMAL80:
        story = _roll_story(data, st, inner_w)
        # the roll is cut after the content: the page is exactly as long as the story
        page_h = _story_height(story, inner_w) + 2 * geo.margin_y + 2 * mm
    else:
        assert geo.height is not None
        page_h = geo.height
        story = [
            KeepInFrame(
                inner_w, page_h - 2 * geo.margin_y, _form_story(data, st, inner_w), mode="shrink"
            )
        ]
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=(geo.width, page_h),
        leftMargin=geo.margin_x,
        rightMargin=geo.margin_x,
        topMargin=geo.margin_y,
        bottomMargin=geo.margin_y,
        title=f"{data.header} {data.receipt_no}",
        author=data.site_name,
        subject=LAYOUT_NAMES[layout],
        creator=APP_NAME,
    )
    frame = Frame(
        geo.margin_x,
        geo.margin_y,
        inner_w,
        page_h - 2 * geo.margin_y,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="receipt",
    )
    doc.addPageTemplates([PageTemplate(id="receipt", frames=[frame])])
    doc.build(story)
    return buf.getvalue()
