"""Typed errors of the billing rules (BILL-1, BILL-2); the UI turns them into sentences."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.errors import ShuidianError


class BillingError(ShuidianError):
    """Base of the errors raised while turning readings into money."""

    code = "billing"


class NoTariffVersionError(BillingError):
    """Consumption before the first version of a tariff took effect: nothing to price it with."""

    code = "no_tariff_version"

    def __init__(self, moment: datetime) -> None:
        super().__init__(f"no tariff version in effect at {moment.isoformat()}")
        self.moment = moment


class NegativeConsumptionError(BillingError):
    """A register went backwards inside one meter segment. The reading classifier (DEV-8) holds
    such a point's billing, so reaching the billing rules with it is a caller's mistake."""

    code = "negative_consumption"

    def __init__(
        self, register: str, meter_time: datetime, previous: Decimal, value: Decimal
    ) -> None:
        super().__init__(
            f"register {register} went from {previous} to {value} at {meter_time.isoformat()}"
        )
        self.register = register
        self.meter_time = meter_time
        self.previous = previous
        self.value = value


class MissingRegisterError(BillingError):
    """A time-of-use price applies but the readings carry no T1–T4 registers."""

    code = "missing_register"

    def __init__(self, meter_time: datetime, registers: tuple[str, ...]) -> None:
        super().__init__(
            f"time-of-use price needs registers {', '.join(registers)} at {meter_time.isoformat()}"
        )
        self.meter_time = meter_time
        self.registers = registers
