"""Integer-fen money: parsing, half-up rounding, formatting, Chinese capitals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.capitals import amount_in_capitals
from app.domain.money import (
    charge_fen,
    check_amount_fen,
    format_fen,
    parse_yuan,
    round_half_up_fen,
    yuan_to_fen,
)
from app.errors import InvalidAmountError


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("120", 12000),
        ("120.5", 12050),
        ("120.50", 12050),
        ("0.01", 1),
        ("¥1.00", 100),
        (" 7 ", 700),
        ("-5.25", -525),
    ],
)
def test_parse_yuan(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "1.234", "1,000", "1e3", "12.", ".5", "--1", "NaN"])
def test_parse_yuan_rejects(text: str) -> None:
    with pytest.raises(InvalidAmountError):
        parse_yuan(text)


def test_fraction_of_a_fen_is_named() -> None:
    with pytest.raises(InvalidAmountError, match="fractions of a fen"):
        parse_yuan("10.005")
    with pytest.raises(InvalidAmountError, match="fractions of a fen"):
        yuan_to_fen(Decimal("0.001"))


def test_float_is_refused() -> None:
    with pytest.raises(InvalidAmountError):
        yuan_to_fen(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        charge_fen(0.68, Decimal(1))  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, 1_000_000_001, True, 1.5, "100"])
def test_check_amount(bad: object) -> None:
    with pytest.raises(InvalidAmountError):
        check_amount_fen(bad)


@pytest.mark.parametrize(
    ("price", "qty", "fen"),
    [
        ("0.6800", "1", 68),
        ("0.6850", "1", 69),  # 68.5 fen rounds half up
        ("0.6849", "1", 68),
        ("0.5500", "0.01", 1),  # 0.55 fen → 1
        ("0.5400", "0.01", 1),  # 0.54 fen → 1
        ("0.4900", "0.01", 0),  # 0.49 fen → 0
        ("4.2000", "12.345", 5185),  # 51.849 yuan → 5185 fen
        ("1.3000", "1234.56", 160493),  # 1604.928 → 160493
    ],
)
def test_charge_half_up(price: str, qty: str, fen: int) -> None:
    assert charge_fen(Decimal(price), Decimal(qty)) == fen


def test_round_half_up_negative_is_symmetric() -> None:
    assert round_half_up_fen(Decimal("-0.005")) == -1
    assert round_half_up_fen(Decimal("0.005")) == 1


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (123456, "¥1,234.56"),
        (-100, "-¥1.00"),
        (10_000_001_001, "¥100,000,010.01"),
    ],
)
def test_format(fen: int, text: str) -> None:
    assert format_fen(fen) == text


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角整"),
        (1010, "壹拾元壹角整"),
        (1005, "壹拾元零伍分"),
        (12000, "壹佰贰拾元整"),
        (100000, "壹仟元整"),
        (100001, "壹仟元零壹分"),
        (1_000_100, "壹万零壹元整"),
        (1_010_000, "壹万零壹佰元整"),
        (10_000_001_001, "壹亿零壹拾元零壹分"),
        (10_000_000_000, "壹亿元整"),
        (12_345_678_900, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"),
        (100_100_000_000, "壹拾亿零壹佰万元整"),
        (12345, "壹佰贰拾叁元肆角伍分"),
        (-50, "负伍角整"),
    ],
)
def test_capitals(fen: int, capitals: str) -> None:
    assert amount_in_capitals(fen) == capitals


_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _read_back(text: str) -> int:
    """An independent reader of capital amounts, to check the writer on random values."""
    text = text.removesuffix("整")
    fen = 0
    if "元" in text:
        head, text = text.split("元", 1)
    else:
        head = ""
    total = 0
    section = 0
    number = 0
    for ch in head:
        if ch in _DIGIT:
            number = _DIGIT[ch]
        elif ch in _UNIT:
            section += number * _UNIT[ch]
            number = 0
        elif ch == "万":
            total += (section + number) * 10_000
            section = number = 0
        elif ch == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
    total += section + number
    if "角" in text:
        j, text = text.split("角", 1)
        fen += _DIGIT[j[-1]] * 10
    if "分" in text:
        fen += _DIGIT[text.replace("零", "").rstrip("分")[-1]]
    return total * 100 + fen


@given(st.integers(min_value=1, max_value=999_999_999_999))
def test_capitals_read_back(fen: int) -> None:
    assert _read_back(amount_in_capitals(fen)) == fen
