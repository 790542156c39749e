"""Injectable faults of simulated meters and gateways, and the ``--faults`` text format.

Format (``docs/COMMS.md``)::

    SPEC   := ITEM (";" ITEM)*
    ITEM   := TARGET "=" FAULT ("," FAULT)*
    TARGET := "meter:" ADDRESS | "gateway:" CODE | "*"          ("*" = every meter)
    FAULT  := NAME [":" ARG]

Meter faults: ``no_answer`` / ``garbage`` / ``bad_checksum`` / ``split`` with an optional ARG
that is a count (``no_answer:2`` = the next 2 requests) or a probability (``garbage:0.1``);
without ARG the fault is permanent. ``slow:SECONDS`` answers late; ``stuck_relay`` acknowledges
trip/close without switching; ``dead`` never answers; ``photo_sensor`` breaks a water meter's
sensor (register frozen, status bit set); ``clock_drift:SECONDS_PER_DAY`` and
``clock_offset:SECONDS`` put the meter clock off.

Gateway faults: ``down`` (stops listening, drops connections), ``disconnect[:N]`` (closes the
connection when the next N requests arrive), ``mute`` (swallows requests: a black hole),
``slow:SECONDS``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

METER_FAULTS = frozenset(
    {
        "no_answer",
        "garbage",
        "bad_checksum",
        "split",
        "slow",
        "stuck_relay",
        "dead",
        "photo_sensor",
        "clock_drift",
        "clock_offset",
    }
)
GATEWAY_FAULTS = frozenset({"down", "disconnect", "mute", "slow"})
_COUNTED = frozenset({"no_answer", "garbage", "bad_checksum", "split", "disconnect"})


class FaultSpecError(ValueError):
    """The ``--faults`` text is malformed; the message names the bad part."""


@dataclass
class Trigger:
    """When a counted fault fires: always, the next ``count`` times, or with ``probability``."""

    count: int | None = None  # None = unlimited
    probability: float = 1.0

    def fire(self, rng: random.Random) -> bool:
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
            return True
        return self.probability >= 1.0 or rng.random() < self.probability

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.count <= 0

    @classmethod
    def parse(cls, arg: str | None, where: str) -> Trigger:
        if arg is None or arg == "":
            return cls()
        try:
            if "." in arg:
                p = float(arg)
                if not 0.0 <= p <= 1.0:
                    raise ValueError
                return cls(None, p)
            n = int(arg)
            if n < 0:
                raise ValueError
            return cls(n)
        except ValueError:
            raise FaultSpecError(
                f"{where}: {arg!r} is neither a count nor a probability 0.0-1.0"
            ) from None


@dataclass
class MeterFaults:
    """Faults of one simulated meter (mutable: tests switch them on and off)."""

    no_answer: Trigger | None = None
    garbage: Trigger | None = None
    bad_checksum: Trigger | None = None
    split: Trigger | None = None
    slow_s: float = 0.0
    stuck_relay: bool = False
    dead: bool = False
    photo_sensor: bool = False
    clock_drift_s_per_day: float = 0.0
    clock_offset_s: float = 0.0

    def clear(self) -> None:
        for name, value in MeterFaults().__dict__.items():
            setattr(self, name, value)

    def apply(self, name: str, arg: str | None, where: str) -> None:
        if name in _COUNTED:
            setattr(self, name, Trigger.parse(arg, where))
        elif name == "slow":
            self.slow_s = _seconds(arg, where, default=2.0)
        elif name == "stuck_relay":
            self.stuck_relay = True
        elif name == "dead":
            self.dead = True
        elif name == "photo_sensor":
            self.photo_sensor = True
        elif name == "clock_drift":
            self.clock_drift_s_per_day = _seconds(arg, where, default=60.0, signed=True)
        elif name == "clock_offset":
            self.clock_offset_s = _seconds(arg, where, default=300.0, signed=True)
        else:
            raise FaultSpecError(f"{where}: unknown meter fault {name!r}")


@dataclass
class GatewayFaults:
    """Faults of one simulated gateway."""

    down: bool = False
    disconnect: Trigger | None = None
    mute: bool = False
    slow_s: float = 0.0

    def clear(self) -> None:
        self.down = False
        self.disconnect = None
        self.mute = False
        self.slow_s = 0.0

    def apply(self, name: str, arg: str | None, where: str) -> None:
        if name == "down":
            self.down = True
        elif name == "disconnect":
            self.disconnect = Trigger.parse(arg, where)
        elif name == "mute":
            self.mute = True
        elif name == "slow":
            self.slow_s = _seconds(arg, where, default=2.0)
        else:
            raise FaultSpecError(f"{where}: unknown gateway fault {name!r}")


def _seconds(arg: str | None, where: str, *, default: float, signed: bool = False) -> float:
    if arg is None or arg == "":
        return default
    try:
        value = float(arg)
    except ValueError:
        raise FaultSpecError(f"{where}: {arg!r} is not a number of seconds") from None
    if value < 0 and not signed:
        raise FaultSpecError(f"{where}: {arg!r} must not be negative")
    return value


@dataclass(frozen=True)
class FaultItem:
    target_kind: str  # "meter" | "gateway" | "all"
    target: str
    name: str
    arg: str | None


@dataclass
class FaultPlan:
    """A parsed ``--faults`` specification."""

    items: list[FaultItem] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str | None) -> FaultPlan:
        plan = cls()
        if not text:
            return plan
        for raw_item in text.split(";"):
            raw_item = raw_item.strip()
            if not raw_item:
                continue
            if "=" not in raw_item:
                raise FaultSpecError(f"{raw_item!r}: expected TARGET=FAULT[,FAULT...]")
            target_text, faults_text = (p.strip() for p in raw_item.split("=", 1))
            if target_text == "*":
                kind, target = "all", "*"
            elif ":" in target_text:
                kind, target = (p.strip() for p in target_text.split(":", 1))
                if kind not in ("meter", "gateway") or not target:
                    raise FaultSpecError(
                        f"{target_text!r}: target must be meter:ADDRESS, gateway:CODE or *"
                    )
            else:
                raise FaultSpecError(
                    f"{target_text!r}: target must be meter:ADDRESS, gateway:CODE or *"
                )
            allowed = GATEWAY_FAULTS if kind == "gateway" else METER_FAULTS
            for fault_text in faults_text.split(","):
                fault_text = fault_text.strip()
                if not fault_text:
                    continue
                name, _, arg = fault_text.partition(":")
                name = name.strip().replace("-", "_")
                if name not in allowed:
                    known = ", ".join(sorted(allowed))
                    raise FaultSpecError(f"{target_text}: unknown fault {name!r} (one of {known})")
                item = FaultItem(kind, target, name, arg.strip() or None)
                # Check the argument now, so a typo fails before anything starts.
                probe = GatewayFaults() if kind == "gateway" else MeterFaults()
                probe.apply(item.name, item.arg, target_text)
                plan.items.append(item)
        return plan
