"""The Chinese labels printed on receipts and in Excel reports (one table, so wording stays one)."""

from __future__ import annotations

from app.domain.enums import AccountState, Channel

CHANNEL_NAMES: dict[str, str] = {
    Channel.CASH: "现金",
    Channel.WECHAT: "微信",
    Channel.ALIPAY: "支付宝",
    Channel.CARD: "刷卡",
    Channel.BANK: "银行转账",
    Channel.SYSTEM: "系统",
}

ACCOUNT_STATE_NAMES: dict[str, str] = {
    AccountState.ACTIVE: "正常",
    AccountState.SUSPENDED: "停用",
    AccountState.CLOSED: "已销户",
}

# The operator of a receipt booked without a person at the desk (online payment, import).
NO_OPERATOR = "系统"

REPRINT_MARK = "补打"


def channel_name(code: str | None) -> str:
    """现金, 微信 … for a channel code; an unknown code is shown as it is stored."""
    if code is None:
        return "—"
    return CHANNEL_NAMES.get(code, code)


def account_state_name(code: str) -> str:
    return ACCOUNT_STATE_NAMES.get(code, code)
