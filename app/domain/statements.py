"""Merchant statement files of WeChat Pay and Alipay (PAY-3): bytes in, payment lines out.

Pure parsing, no database. Both are CSV downloads with lines around the table; columns are found
by their header names, not positions (both providers say the column order may change). What the
layouts are based on is written down in docs/PAYMENTS.md §1.

- **WeChat Pay 交易账单** (merchant platform download / ``downloadbill`` ``bill_type=ALL``):
  optional title lines, the header ``交易时间,公众账号ID,…,微信订单号,商户订单号,…,交易状态,…``,
  detail rows whose every field starts with a back-quote (`` ` ``, so Excel keeps long numbers
  as text), then the summary header ``总交易单数,…`` and one summary row. UTF-8 with BOM, or GBK.
- **Alipay 业务明细 (交易明细)** and **账务明细**: ``#``-prefixed title lines
  (``#支付宝业务明细查询``, ``#账号：[…]``, ``#----…明细列表----``), the header, rows whose fields
  carry padding tabs and spaces, then ``#``-prefixed footer lines (``#交易合计：N笔，…``,
  ``#退款合计：M笔`` / ``#收入合计：N笔，共…元``, ``#导出时间：[…]``). GBK.

Every line is validated before anything is returned: a truncated or foreign file raises
:class:`StatementFormatError` with the line number, so an import books all of a file or none.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from app.domain.money import yuan_to_fen
from app.errors import InvalidAmountError, StatementFormatError

WECHAT = "wechat"
ALIPAY = "alipay"

# what a statement line says happened
PAID = "paid"
REFUNDED = "refunded"
NOT_PAID = "not_paid"  # closed, revoked, unpaid orders: money did not arrive
OTHER = "other"  # fees, withdrawals, transfers in an account log: not a tenant's payment

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class StatementLine:
    line_no: int  # 1-based line in the file
    transaction_id: str  # the provider's trade number (微信订单号 / 支付宝交易号)
    order_no: str  # 商户订单号: ours
    kind: str  # PAID | REFUNDED | NOT_PAID | OTHER
    amount_fen: int  # positive: what was paid, or what was refunded
    at: datetime | None  # the provider's time (China time, naive as printed)
    status: str  # the provider's own word (SUCCESS, 交易, 交易退款 …), for the cashier
    refund_no: str = ""


@dataclass(frozen=True)
class Statement:
    channel: str
    layout: str  # "wechat_trade" | "alipay_trade" | "alipay_account"
    encoding: str
    lines: tuple[StatementLine, ...]


def decode(data: bytes, channel: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if it decodes, else GBK (GB18030, its superset)."""
    if len(data) > MAX_BYTES:
        raise StatementFormatError(channel, 0, "文件过大（超过 50 MB），不像是一份对账单")
    if b"\x00" in data[:4096]:
        raise StatementFormatError(
            channel, 0, ("文件不是文本（可能是压缩包或 Excel 文件，请先解压或另存为 CSV）")
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise StatementFormatError(channel, 0, "文件编码无法识别（应为 UTF-8 或 GBK）") from exc


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _clean(cell: str) -> str:
    """Drop WeChat's leading back-quote and Alipay's padding tabs/spaces."""
    return cell.strip().lstrip("`").strip()


def _norm_header(cell: str) -> str:
    return _clean(cell).replace("（", "(").replace("）", ")").replace(" ", "")


def _amount(channel: str, line_no: int, text: str, what: str) -> int:
    t = text.replace(",", "").replace("¥", "").strip()
    try:
        return yuan_to_fen(Decimal(t or "0"))
    except (InvalidOperation, InvalidAmountError):
        raise StatementFormatError(channel, line_no, f"{what}“{text}”不是金额") from None


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")


def _time(channel: str, line_no: int, text: str) -> datetime | None:
    t = text.strip()
    if not t:
        return None
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    raise StatementFormatError(channel, line_no, f"时间“{text}”无法识别")


class _Table:
    """Header name → column index, with a check per row."""

    def __init__(self, channel: str, header: list[str]) -> None:
        self.channel = channel
        self.names = [_norm_header(h) for h in header]
        self.width = len(header)

    def has(self, *names: str) -> bool:
        return all(n in self.names for n in names)

    def pick(self, *candidates: str) -> int:
        for name in candidates:
            if name in self.names:
                return self.names.index(name)
        raise StatementFormatError(self.channel, 0, f"表头缺少“{candidates[0]}”列")

    def row(self, line_no: int, line: str) -> list[str]:
        cells = _cells(line)
        # a trailing comma (Alipay) gives one empty cell more than the header
        while len(cells) > self.width and not cells[-1].strip():
            cells.pop()
        if len(cells) != self.width:
            raise StatementFormatError(
                self.channel,
                line_no,
                f"有 {len(cells)} 列，表头有 {self.width} 列（文件不完整或不是原始对账单）",
            )
        return [_clean(c) for c in cells]


# -- WeChat Pay ----------------------------------------------------------------------------------

_WECHAT_PAID = {"SUCCESS"}
_WECHAT_REFUND = {"REFUND"}


def parse_wechat(text: str, encoding: str = "utf-8") -> Statement:
    ch = WECHAT
    rows = text.splitlines()
    header_at = next(
        (
            i
            for i, line in enumerate(rows)
            if line.strip()
            and _norm_header(_cells(line)[0]) == "交易时间"
            and "商户订单号" in line
            and "微信订单号" in line
        ),
        None,
    )
    if header_at is None:
        raise StatementFormatError(
            ch,
            0,
            "找不到微信支付交易账单的表头（交易时间,…,微信订单号,商户订单号,…），"
            "请确认选择了微信支付的交易账单",
        )
    table = _Table(ch, _cells(rows[header_at]))
    c_time = table.pick("交易时间")
    c_txn = table.pick("微信订单号")
    c_order = table.pick("商户订单号")
    c_state = table.pick("交易状态")
    c_amount = table.pick("订单金额", "总金额", "应结订单金额")
    c_refund = table.pick("申请退款金额", "退款金额") if table.has("退款金额") else None
    c_refund_no = table.pick("微信退款单号") if table.has("微信退款单号") else None
    out: list[StatementLine] = []
    footer_at: int | None = None
    for i in range(header_at + 1, len(rows)):
        line = rows[i]
        if not line.strip():
            continue
        if _norm_header(_cells(line)[0]) == "总交易单数":
            footer_at = i
            break
        if not line.lstrip().startswith("`"):
            raise StatementFormatError(
                ch, i + 1, "明细行的字段应以 ` 开头（文件被 Excel 改存过？请用下载的原始文件）"
            )
        cells = table.row(i + 1, line)
        state = cells[c_state].upper()
        if state in _WECHAT_REFUND:
            kind = REFUNDED
            refund_text = cells[c_refund] if c_refund is not None else cells[c_amount]
            amount = abs(_amount(ch, i + 1, refund_text, "退款金额"))
        else:
            kind = PAID if state in _WECHAT_PAID else NOT_PAID
            amount = _amount(ch, i + 1, cells[c_amount], "订单金额")
        if not cells[c_txn]:
            raise StatementFormatError(ch, i + 1, "缺少微信订单号")
        out.append(
            StatementLine(
                line_no=i + 1,
                transaction_id=cells[c_txn],
                order_no=cells[c_order],
                kind=kind,
                amount_fen=amount,
                at=_time(ch, i + 1, cells[c_time]),
                status=state,
                refund_no=cells[c_refund_no] if c_refund_no is not None else "",
            )
        )
    if footer_at is None:
        raise StatementFormatError(ch, 0, "文件缺少末尾的汇总行（总交易单数…），可能下载不完整")
    footer = _Table(ch, _cells(rows[footer_at]))
    values = next((r for r in rows[footer_at + 1 :] if r.strip()), None)
    if values is None:
        raise StatementFormatError(ch, footer_at + 1, "汇总表头后缺少汇总数据行，可能下载不完整")
    summary = footer.row(footer_at + 2, values)
    try:
        count = int(summary[footer.pick("总交易单数")])
    except ValueError:
        raise StatementFormatError(ch, footer_at + 2, "总交易单数不是数字") from None
    if count != len(out):
        raise StatementFormatError(
            ch, footer_at + 2, f"汇总行写有 {count} 笔交易，文件中有 {len(out)} 笔，文件不完整"
        )
    return Statement(ch, "wechat_trade", encoding, tuple(out))


# -- Alipay --------------------------------------------------------------------------------------

_ALIPAY_SUM = re.compile(r"#\s*(交易|退款|收入|支出)合计[:：]\s*(\d+)\s*笔")
_ALIPAY_INCOME_PAYMENT = {"在线支付", "交易付款", "交易", "收款", "当面付"}
_ALIPAY_REFUND = {"交易退款", "退款"}


def parse_alipay(text: str, encoding: str = "gbk") -> Statement:
    ch = ALIPAY
    rows = text.splitlines()
    body = [(i, r) for i, r in enumerate(rows) if r.strip() and not r.lstrip().startswith("#")]
    sums = {m.group(1): int(m.group(2)) for r in rows if (m := _ALIPAY_SUM.search(r.strip()))}
    if not body:
        raise StatementFormatError(
            ch, 0, "找不到支付宝对账单的表头，请确认选择了支付宝的业务明细或账务明细文件"
        )
    header_at, header_line = body[0]
    table = _Table(ch, _cells(header_line))
    if table.has("支付宝交易号", "商户订单号", "业务类型"):
        layout = "alipay_trade"
    elif table.has("业务流水号", "商户订单号", "收入金额(+元)"):
        layout = "alipay_account"
    else:
        raise StatementFormatError(
            ch,
            header_at + 1,
            "表头不是支付宝业务明细（支付宝交易号,商户订单号,业务类型,…）"
            "或账务明细（账务流水号,业务流水号,…）",
        )
    out: list[StatementLine] = []
    counted: dict[str, int] = {}
    for i, line in body[1:]:
        cells = table.row(i + 1, line)
        if layout == "alipay_trade":
            biz = cells[table.pick("业务类型")]
            txn = cells[table.pick("支付宝交易号")]
            amount = _amount(ch, i + 1, cells[table.pick("订单金额(元)")], "订单金额")
            at = _time(ch, i + 1, cells[table.pick("完成时间", "创建时间")])
            if biz in _ALIPAY_REFUND:
                kind, counted["退款"] = REFUNDED, counted.get("退款", 0) + 1
                has_no = table.has("退款批次号/请求号")
                refund_no = cells[table.pick("退款批次号/请求号")] if has_no else ""
            elif biz == "交易":
                kind, counted["交易"] = PAID, counted.get("交易", 0) + 1
                refund_no = ""
            else:
                kind, refund_no = OTHER, ""
        else:
            biz = cells[table.pick("业务类型")]
            txn = cells[table.pick("业务流水号")]
            income = _amount(ch, i + 1, cells[table.pick("收入金额(+元)")], "收入金额")
            expense = abs(_amount(ch, i + 1, cells[table.pick("支出金额(-元)")], "支出金额"))
            at = _time(ch, i + 1, cells[table.pick("发生时间")])
            refund_no = ""
            if income:
                counted["收入"] = counted.get("收入", 0) + 1
            if expense:
                counted["支出"] = counted.get("支出", 0) + 1
            if income and biz in _ALIPAY_INCOME_PAYMENT:
                kind, amount = PAID, income
            elif expense and biz in _ALIPAY_REFUND:
                kind, amount = REFUNDED, expense
            else:
                kind, amount = OTHER, income or expense
        if not txn:
            raise StatementFormatError(ch, i + 1, "缺少支付宝交易号（业务流水号）")
        out.append(
            StatementLine(
                line_no=i + 1,
                transaction_id=txn,
                order_no=cells[table.pick("商户订单号")],
                kind=kind,
                amount_fen=abs(amount),
                at=at,
                status=biz,
                refund_no=refund_no,
            )
        )
    if not sums:
        raise StatementFormatError(
            ch, 0, "文件缺少末尾的合计行（#交易合计/#收入合计…），可能下载不完整"
        )
    for what, n in sums.items():
        if counted.get(what, 0) != n:
            raise StatementFormatError(
                ch, 0, f"合计行写有{what} {n} 笔，文件中有 {counted.get(what, 0)} 笔，文件不完整"
            )
    return Statement(ch, layout, encoding, tuple(out))


def parse_statement(data: bytes, channel: str) -> Statement:
    """Parse a downloaded statement of ``channel`` ("wechat" | "alipay")."""
    if channel not in (WECHAT, ALIPAY):
        raise StatementFormatError(
            channel, 0, f"未知的支付渠道 {channel!r}（应为 wechat 或 alipay）"
        )
    text, encoding = decode(data, channel)
    if channel == WECHAT:
        return parse_wechat(text, encoding)
    return parse_alipay(text, encoding)
