"""Meter addresses and bus settings as the protocols allow them: one rule for the devices page,
the meter-swap wizard and the Excel site import."""

from __future__ import annotations

BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
BCD_DIGITS = {"dlt645-2007": 12, "dlt645-1997": 12, "cjt188": 14}


class AddressError(ValueError):
    """``problem``: ``bcd`` (wrong length or not digits; ``digits`` expected), ``modbus`` (not a
    unit id 1…247) or ``protocol`` (unknown protocol)."""

    def __init__(self, problem: str, value: str, digits: int | None = None) -> None:
        super().__init__(f"{problem}: {value!r}")
        self.problem, self.value, self.digits = problem, value, digits


def normalize_address(protocol: str, address: str) -> str:
    """The address as stored (nameplate order; a Modbus unit id without leading zeros)."""
    a = address.strip()
    digits = BCD_DIGITS.get(protocol)
    if digits is not None:
        if len(a) != digits or not a.isdigit():
            raise AddressError("bcd", a, digits)
        return a
    if protocol != "modbus":
        raise AddressError("protocol", protocol)
    if not a.isdigit() or not 1 <= int(a) <= 247:
        raise AddressError("modbus", a)
    return str(int(a))
