"""Chinese capital amounts (大写金额) for receipts: 12345 fen → 壹佰贰拾叁元肆角伍分."""

from __future__ import annotations

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four_digits(n: int) -> str:
    """Read 0 < n < 10000 with inner zeros collapsed (1010 → 壹仟零壹拾)."""
    out: list[str] = []
    zero_pending = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def _integer_yuan(n: int) -> str:
    if n == 0:
        return ""
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out: list[str] = []
    zero_pending = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            zero_pending = bool(out)
            continue
        # a group below 1000 after a higher group needs a leading 零 (1,0001 → 壹万零壹)
        if out and (zero_pending or g < 1000):
            out.append("零")
        zero_pending = False
        out.append(_four_digits(g) + _BIG_UNITS[idx])
    return "".join(out)


def amount_in_capitals(amount_fen: int) -> str:
    """Chinese capital amount as written on receipts and cheques.

    Conventions (as on bank forms): whole yuan end with 整 (壹佰贰拾元整); 0 is 零元整; a zero
    jiao before fen is read 零 (拾元零伍分); amounts below one yuan have no 元 (伍分, 壹角);
    negative amounts start with 负.
    """
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError("amount_fen must be int")
    if amount_fen == 0:
        return "零元整"
    sign = "负" if amount_fen < 0 else ""
    n = abs(amount_fen)
    yuan, rest = divmod(n, 100)
    jiao, fen = divmod(rest, 10)
    head = _integer_yuan(yuan)
    out = sign + head
    if head:
        out += "元"
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif head:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    else:
        out += "整"
    return out
