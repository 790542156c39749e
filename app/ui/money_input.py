"""Check a yuan amount typed at the desk and say, in the UI language, what is wrong with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.domain.money import MAX_SINGLE_AMOUNT_FEN, format_fen, parse_yuan
from app.errors import InvalidAmountError

_TOO_PRECISE = re.compile(r"^\s*[+-]?[¥￥]?\s*\d*\.\d{3,}\s*$")


@dataclass(frozen=True)
class AmountCheck:
    fen: int | None  # None: not acceptable
    message: str  # why not ("" when acceptable or empty)


def check_amount(text: str, *, signed: bool = False) -> AmountCheck:
    """``text`` as whole fen (parsed exactly by ``app.domain.money.parse_yuan``). Unsigned
    amounts must be above zero; signed ones (adjustments) must not be zero."""
    if not text.strip():
        return AmountCheck(None, "")
    try:
        fen = parse_yuan(text)
    except InvalidAmountError:
        if _TOO_PRECISE.match(text):
            return AmountCheck(
                None,
                QCoreApplication.translate(
                    "AmountInput", "At most two decimals: the smallest unit is one fen."
                ),
            )
        return AmountCheck(
            None,
            QCoreApplication.translate(
                "AmountInput", "Not an amount: enter yuan, e.g. 100 or 99.50."
            ),
        )
    if fen == 0:
        return AmountCheck(
            None, QCoreApplication.translate("AmountInput", "The amount cannot be zero.")
        )
    if fen < 0 and not signed:
        return AmountCheck(
            None, QCoreApplication.translate("AmountInput", "The amount must be above zero.")
        )
    if abs(fen) > MAX_SINGLE_AMOUNT_FEN:
        return AmountCheck(
            None,
            QCoreApplication.translate(
                "AmountInput", "The amount is above the limit of {0} for one operation."
            ).format(format_fen(MAX_SINGLE_AMOUNT_FEN)),
        )
    return AmountCheck(fen, "")
