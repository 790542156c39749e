"""Meter swap slip (换表单, DEV-6): A5 portrait, one page, signed by the technician and the
tenant. Pure: a :class:`~app.services.meter_swap.SwapSlip`-shaped object in, PDF bytes out."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain.money import format_fen
from app.reports.fonts import cjk_font

UTILITY_NAMES = {
    "electricity": "电",
    "water": "冷水",
    "hot_water": "热水",
    "gas": "燃气",
    "heat": "热量",
}
UNITS = {"electricity": "kWh", "water": "m³", "hot_water": "m³", "gas": "m³", "heat": "GJ"}
SOURCE_NAMES = {"bus": "总线抄读", "manual": "人工录入（表计故障/无法通讯）"}
ADDRESS_SOURCE_NAMES = {
    "typed": "手工录入/扫码",
    "scanned": "总线扫描",
    "read_address": "读通信地址命令",
}
REGISTER_NAMES = {"total": "总", "t1": "尖", "t2": "峰", "t3": "平", "t4": "谷"}
PROTOCOL_NAMES = {
    "dlt645-2007": "DL/T 645-2007",
    "dlt645-1997": "DL/T 645-1997",
    "cjt188": "CJ/T 188",
    "modbus": "Modbus",
}


def _values(values: Mapping[str, Decimal], unit: str) -> str:
    parts = []
    for register in ("total", "t1", "t2", "t3", "t4"):
        if register in values:
            parts.append(f"{REGISTER_NAMES[register]} {values[register]:f} {unit}")
    return "　".join(parts)


def _time(moment: datetime, tz: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except Exception:  # pragma: no cover - a bad zone name in the settings
        zone = ZoneInfo("Asia/Shanghai")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def render_swap_slip(slip: Any) -> bytes:
    font = cjk_font()
    size = 9.0

    def style(name: str, scale: float = 1.0, align: int = TA_LEFT) -> ParagraphStyle:
        fs = size * scale
        return ParagraphStyle(
            name, fontName=font, fontSize=fs, leading=fs * 1.3, alignment=align, wordWrap="CJK"
        )

    body, title, head, small = (
        style("body"),
        style("title", 1.5, TA_CENTER),
        style("head", 1.1),
        style("small", 0.85),
    )

    def p(text: str, st: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), st)

    unit = UNITS.get(slip.utility, "")
    tz = slip.timezone
    width = A5[0] - 24 * mm
    label_w = 24 * mm

    def section(caption: str, rows: list[tuple[str, str]]) -> list[Any]:
        table = Table(
            [[p(caption, head), ""]] + [[p(k), p(v)] for k, v in rows],
            colWidths=[label_w, width - label_w],
        )
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (1, 0)),
                    ("BACKGROUND", (0, 0), (1, 0), colors.Color(0.92, 0.92, 0.92)),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ]
            )
        )
        return [table, Spacer(1, 2 * mm)]

    def how(source: str, note: str) -> str:
        text = SOURCE_NAMES.get(source, source)
        return f"{text}；说明：{note}" if note else text

    story: list[Any] = [
        p(slip.site_name or "水电统一收费监管平台", title),
        p("换 表 单", title),
        Spacer(1, 1 * mm),
        p(f"单号：{slip.slip_no}　　换表时间：{_time(slip.swapped_at, tz)}", small),
        Spacer(1, 2 * mm),
    ]
    story += section(
        "计量点",
        [
            ("计量点", f"{slip.point_code}（{UTILITY_NAMES.get(slip.utility, slip.utility)}）"),
            ("房间", f"{slip.room_code} {slip.room_name}".strip() or "—"),
            ("户名/账户", f"{slip.tenant_name or '—'} / {slip.account_no or '—'}"),
            (
                "通讯",
                f"网关 {slip.gateway_code} 第 {slip.bus_number} 路 · "
                f"{PROTOCOL_NAMES.get(slip.protocol, slip.protocol)}",
            ),
        ],
    )
    story += section(
        "旧表（拆除）",
        [
            ("表地址", slip.old_address),
            ("止码", _values(slip.final_values, unit)),
            ("抄表时间", _time(slip.final_at, tz)),
            ("抄表方式", how(slip.final_source, slip.final_note)),
        ],
    )
    story += section(
        "新表（安装）",
        [
            (
                "表地址",
                f"{slip.new_address}（{ADDRESS_SOURCE_NAMES.get(slip.address_source, '')}）",
            ),
            ("起码", _values(slip.initial_values, unit)),
            ("抄表时间", _time(slip.initial_at, tz)),
            ("抄表方式", how(slip.initial_source, slip.initial_note)),
        ],
    )
    if slip.params_template:
        params = (
            f"模板 {slip.params_template} 已排队下发（命令 {slip.params_command_id}）"
            if slip.params_command_id is not None
            else f"模板 {slip.params_template} 未下发：{slip.params_skipped}"
        )
    else:
        params = "无参数模板"
    story += section(
        "结算",
        [
            ("旧表结算", f"旧表用量计至止码，本次结算扣费 {format_fen(slip.billed_fen)}"),
            ("新表计费", "新表用量自起码开始计费，止码与起码之差不计费"),
            ("参数下发", params),
            ("备注", slip.note or "—"),
        ],
    )
    sign = Table(
        [[p("操作员：" + slip.operator), p("施工人签字："), p("用户签字：")]],
        colWidths=[width / 3] * 3,
    )
    sign.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 8)]))
    story += [Spacer(1, 2 * mm), sign]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A5,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=8 * mm,
        bottomMargin=8 * mm,
        title=f"换表单 {slip.slip_no}",
        author=slip.site_name,
    )
    doc.build(story)
    return buffer.getvalue()
