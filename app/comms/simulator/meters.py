"""Simulated meters: registers that accumulate from a load curve, relays/valves, live values.

:class:`SimMeter` holds the protocol-independent state; the protocol modules in this package
(:mod:`.responders`) turn a decoded request into the meter's answer bytes. Time is simulated
time (:class:`SimClock`: wall time, optionally accelerated). A register is

    curve(t) - (consumption that happened while the relay/valve was open, or the sensor broken)

so an open relay really stops accumulation and closing it resumes from the frozen value.
Demo meters use the demo site's curve (``energy_at`` / ``volume_at``), so a freshly started
simulator continues the history the demo database holds without a jump.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Protocol

from app.comms.simulator.faults import MeterFaults
from app.domain.demo_site import DemoSite, MeterSpec, energy_at, tou_split, volume_at

ENERGY_STEP = Decimal("0.01")
VOLUME_STEP = Decimal("0.001")
_HOUR = timedelta(hours=1)


def quantize_down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


class SimClock:
    """Simulated UTC time: ``start + (wall elapsed) x speed``."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.start = start or datetime.now(UTC)
        self._mono0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)


def to_local_naive(at: datetime) -> datetime:
    """Meters keep local wall-clock time without a zone (what broadcast time carries)."""
    return at.astimezone().replace(tzinfo=None, microsecond=0)


class LoadCurve(Protocol):
    def register_at(self, at: datetime) -> Decimal:
        """Cumulative register (kWh or m³) at ``at`` if the meter had never been switched off."""
        ...

    def power_at(self, at: datetime) -> Decimal:
        """Instantaneous load: W (electricity) or L/h (water)."""
        ...


class DemoCurve:
    """The demo site's deterministic consumption curve for one meter."""

    def __init__(self, site: DemoSite, spec: MeterSpec) -> None:
        self.site = site
        self.spec = spec
        self._fn = volume_at if spec.kind == "water" else energy_at

    def register_at(self, at: datetime) -> Decimal:
        return self._fn(self.site, self.spec, at)

    def power_at(self, at: datetime) -> Decimal:
        # The curve is piecewise linear per hour: this hour's increase x 1000 is W (or L/h).
        hour = at.replace(minute=0, second=0, microsecond=0)
        step = self._fn(self.site, self.spec, hour + _HOUR) - self._fn(self.site, self.spec, hour)
        return step * 1000


@dataclass
class ConstantCurve:
    """A constant load from ``start`` (tests and ad-hoc sites)."""

    start: datetime
    start_value: Decimal = Decimal(0)
    load: Decimal = Decimal(1000)  # W or L/h
    step: Decimal = ENERGY_STEP

    def register_at(self, at: datetime) -> Decimal:
        hours = Decimal((at - self.start).total_seconds()) / 3600
        return self.start_value + quantize_down(
            max(hours, Decimal(0)) * self.load / 1000, self.step
        )

    def power_at(self, at: datetime) -> Decimal:
        return self.load


class SimMeter:
    """One simulated meter; protocol answers come from :mod:`.responders`."""

    def __init__(
        self,
        address: str,
        protocol: str,
        *,
        clock: SimClock,
        curve: LoadCurve,
        kind: str = "single_phase",
        has_relay: bool = True,
        tou: bool = False,
        meter_type: int | None = None,
        profile: str = "",
        faults: MeterFaults | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.address = address
        self.protocol = protocol
        self.kind = kind
        self.clock = clock
        self.curve = curve
        self.has_relay = has_relay
        self.tou = tou
        self.meter_type = meter_type
        self.profile = profile
        self.faults = faults or MeterFaults()
        self.rng = rng or random.Random(address)
        self.step = VOLUME_STEP if kind == "water" else ENERGY_STEP
        self.relay_closed = True  # electricity: relay closed (power on); water: valve open
        self.trip_reason = ""
        self.keep_power = False
        self.relay_command_trip = False  # status word 3 bit 6: the last command was a trip
        self.password: str | None = None  # None = any password accepted
        self.overload_limit_w: Decimal | None = None
        self.params: dict[int, bytes] = {}  # written parameters by data identifier
        self.battery_low = False
        self.requests = 0  # requests addressed to this meter (answered or not)
        self.switch_log: list[tuple[datetime, bool, str]] = []
        self._lost = Decimal(0)  # consumption that did not count (relay open, sensor broken)
        self._frozen_at: datetime | None = None
        self._frozen_value: Decimal | None = None
        self._clock_offset_s = 0.0
        self._clock_set_mono = time.monotonic()
        self.on_change: Callable[[SimMeter], None] | None = None

    # -- registers --------------------------------------------------------------------------

    @property
    def is_water(self) -> bool:
        return self.kind == "water"

    def _counting(self) -> bool:
        return self.relay_closed and not (self.is_water and self.faults.photo_sensor)

    def _sync(self, at: datetime) -> None:
        """Freeze or unfreeze the register when relay or sensor state changed."""
        counting = self._counting()
        if not counting and self._frozen_at is None:
            self._frozen_value = self.curve.register_at(at) - self._lost
            self._frozen_at = at
        elif counting and self._frozen_at is not None:
            assert self._frozen_value is not None
            self._lost = self.curve.register_at(at) - self._frozen_value
            self._frozen_at = None
            self._frozen_value = None

    def value(self, at: datetime | None = None) -> Decimal:
        """The main register now: kWh (electricity) or m³ (water)."""
        at = at or self.clock.now()
        self.check_overload(at)
        self._sync(at)
        if self._frozen_value is not None:
            return self._frozen_value
        return self.curve.register_at(at) - self._lost

    def set_value(self, value: Decimal, at: datetime | None = None) -> None:
        """Make the register read ``value`` now (continues accumulating from there)."""
        at = at or self.clock.now()
        self._sync(at)
        if self._frozen_value is not None:
            self._frozen_value = value
        else:
            self._lost = self.curve.register_at(at) - value

    def tou_values(self, at: datetime | None = None) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """T1..T4 (tip/peak/flat/valley); they sum to the total register."""
        return tou_split(self.value(at))

    # -- live values ------------------------------------------------------------------------

    def power_w(self, at: datetime | None = None) -> Decimal:
        at = at or self.clock.now()
        if not self._counting():
            return Decimal(0)
        return self.curve.power_at(at).quantize(Decimal("0.1"))

    def voltage_v(self) -> Decimal:
        return Decimal(2200 + self.rng.randrange(-40, 60)) / 10

    def power_factor(self) -> Decimal:
        return Decimal(920 + self.rng.randrange(0, 60)) / 1000

    def current_a(self, at: datetime | None = None) -> Decimal:
        p = self.power_w(at)
        if p == 0:
            return Decimal("0.000")
        phases = 3 if self.kind == "three_phase" else 1
        current = p / (self.voltage_v() * self.power_factor() * phases)
        return current.quantize(Decimal("0.001"))

    def temperature_c(self) -> Decimal:
        return Decimal(300 + self.rng.randrange(0, 80)) / 10

    # -- relay / valve ----------------------------------------------------------------------

    def switch(self, closed: bool, reason: str, at: datetime | None = None) -> None:
        """Really switch (power on/off, valve open/closed); accumulation follows."""
        at = at or self.clock.now()
        self._sync(at)
        if self.relay_closed != closed:
            self.relay_closed = closed
            self.trip_reason = "" if closed else reason
            self.switch_log.append((at, closed, reason))
        self._sync(at)
        if self.on_change is not None:
            self.on_change(self)

    def command_switch(self, closed: bool, reason: str) -> bool:
        """A remote trip/close: acknowledged always; carried out unless the relay is stuck."""
        self.relay_command_trip = not closed
        if self.faults.stuck_relay:
            return False
        if not closed and self.keep_power:
            return False
        self.switch(closed, reason)
        return True

    def check_overload(self, at: datetime) -> None:
        limit = self.overload_limit_w
        if limit is None or not self.relay_closed or self.is_water:
            return
        if self.curve.power_at(at) > limit:
            self.switch(False, "overload", at)

    # -- clock ------------------------------------------------------------------------------

    def meter_time(self) -> datetime:
        """The meter's own clock (local time, no zone), with its offset and drift."""
        drift_s = (
            self.faults.clock_drift_s_per_day
            * (time.monotonic() - self._clock_set_mono)
            * self.clock.speed
            / 86400
        )
        offset = self._clock_offset_s + self.faults.clock_offset_s + drift_s
        return to_local_naive(self.clock.now() + timedelta(seconds=offset))

    def set_meter_time(self, local_time: datetime) -> None:
        """Broadcast time / write time: the meter's clock jumps to ``local_time``."""
        true_local = to_local_naive(self.clock.now())
        self._clock_offset_s = (local_time - true_local).total_seconds()
        self.faults.clock_offset_s = 0.0
        self._clock_set_mono = time.monotonic()

    def __repr__(self) -> str:
        state = "closed" if self.relay_closed else f"open ({self.trip_reason})"
        return f"<SimMeter {self.protocol} {self.address} relay {state}>"


def meter_from_spec(
    spec: MeterSpec,
    site: DemoSite,
    clock: SimClock,
    *,
    faults: MeterFaults | None = None,
) -> SimMeter:
    """A simulated meter for one of the site's meters, on the site's consumption curve."""
    return SimMeter(
        spec.address,
        spec.protocol,
        clock=clock,
        curve=DemoCurve(site, spec),
        kind=spec.kind,
        has_relay=spec.has_relay,
        tou=spec.tou,
        meter_type=spec.meter_type,
        profile=spec.profile,
        faults=faults,
        rng=random.Random(spec.serial),
    )
