"""High-level meter operations over a bus channel, for every protocol.

Each operation is a coroutine taking a :class:`~app.comms.channel.BusChannel` and a
:class:`MeterRef`; run it inside a :class:`~app.comms.engine.BusJob` (the engine holds the bus
for the whole operation) or directly on a channel (CLI, tests). Values are ``Decimal`` in the
meter's unit with the unit in the key (``energy_kwh``, ``volume_m3``, ``voltage_v``).

* :func:`read` - ``energy | tou | voltage | current | power | status | time | water | all``;
* :func:`control` - ``trip | close | valve-open | valve-close``, confirmed by reading the state
  back (DL/T 645-2007 status word 3 relay bit, CJ/T 188 valve bits, the profile's Modbus relay
  register); a meter that acknowledged but did not switch raises
  :class:`ControlNotExecutedError`;
* :func:`sync_time` - DL/T 645 broadcast time (one frame per bus reaches 2007 and 1997 meters);
* :func:`scan` - find addresses on a bus: read-address with the AA wildcard when one meter is
  there, else probing a given address range.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from app.comms.channel import BadAnswerError, BusChannel, MeterCommError, NoAnswerError
from app.comms.protocols import cjt188, dlt645, dlt645_1997, modbus
from app.comms.protocols.base import AbnormalResponseError, Value
from app.comms.transport.base import CommError

logger = logging.getLogger(__name__)

PROTOCOL_ALIASES = {
    "dlt645": "dlt645-2007",
    "dlt645-2007": "dlt645-2007",
    "dlt645_2007": "dlt645-2007",
    "645": "dlt645-2007",
    "dlt645-1997": "dlt645-1997",
    "dlt645_1997": "dlt645-1997",
    "cjt188": "cjt188",
    "cjt188-2004": "cjt188",
    "188": "cjt188",
    "modbus": "modbus",
    "modbus-rtu": "modbus",
}
PROTOCOLS = ("dlt645-2007", "dlt645-1997", "cjt188", "modbus")
ITEMS = ("energy", "tou", "voltage", "current", "power", "status", "time", "water", "all")
ACTIONS = ("trip", "close", "valve-open", "valve-close")

WAKE_UP = b"\xfe\xfe\xfe\xfe"


def normalize_protocol(name: str) -> str:
    try:
        return PROTOCOL_ALIASES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown protocol {name!r} (one of {', '.join(PROTOCOLS)})") from None


# Profile names used by the demo site -> shipped profile ids (resources/meter_profiles).
PROFILE_ALIASES = {
    "dlt645-2007-1p": "dlt645-2007-single-phase",
    "dlt645-2007-3p": "dlt645-2007-three-phase-tou",
    "dlt645-2007-3p-tou": "dlt645-2007-three-phase-tou",
    "dlt645-1997-1p": "dlt645-1997-single-phase",
    "modbus-3p": "modbus-three-phase",
    "modbus-1p": "modbus-single-phase",
    "cjt188-water": "cjt188-cold-water",
}
DEFAULT_PROFILES = {
    "dlt645-2007": "dlt645-2007-single-phase",
    "dlt645-1997": "dlt645-1997-single-phase",
    "cjt188": "cjt188-cold-water",
    "modbus": "modbus-single-phase",
}


def resolve_profile(name: str | None) -> Any:
    """A shipped meter profile by id or demo alias; None for an empty name."""
    if not name:
        return None
    from app.comms.profiles import get_profile

    return get_profile(PROFILE_ALIASES.get(name, name))


@dataclass(frozen=True)
class MeterRef:
    """Which meter, in which protocol; ``profile`` holds model-specific maps (Modbus, 1997)."""

    protocol: str
    address: str
    meter_type: int | None = None  # CJ/T 188 meter type (0x10 cold water)
    profile: Any = None  # app.comms.profiles.MeterProfile, or None for the standard defaults
    kind: str = ""  # single_phase | three_phase | water ("" = unknown)

    def __post_init__(self) -> None:
        object.__setattr__(self, "protocol", normalize_protocol(self.protocol))
        if isinstance(self.profile, str):
            object.__setattr__(self, "profile", resolve_profile(self.profile))

    @classmethod
    def from_spec(cls, spec: Any) -> MeterRef:
        """From a site :class:`~app.domain.demo_site.MeterSpec` (or anything shaped like it)."""
        return cls(
            spec.protocol,
            spec.address,
            meter_type=spec.meter_type,
            profile=resolve_profile(spec.profile),
            kind=spec.kind,
        )


# -- errors ----------------------------------------------------------------------------------


class MeterRejectedError(CommError):
    """The meter answered with an abnormal response (wrong password, no such data...)."""

    def __init__(self, address: str, what: str, error: AbnormalResponseError) -> None:
        super().__init__(f"meter {address} rejected {what}: {error}")
        self.address = address
        self.what = what
        self.error = error


class ControlNotExecutedError(CommError):
    """The meter acknowledged a trip/close/valve command but its state did not change."""

    def __init__(self, address: str, action: str, expected: str, actual: str) -> None:
        super().__init__(
            f"meter {address} acknowledged {action} but its "
            f"{'valve' if action.startswith('valve') else 'relay'} is still {actual} "
            f"(expected {expected})"
        )
        self.address = address
        self.action = action
        self.expected = expected
        self.actual = actual


class UnsupportedOperationError(CommError):
    """The meter's protocol or profile cannot do this (no relay, no such register...)."""


@dataclass(frozen=True)
class ControlResult:
    address: str
    action: str
    state: str  # "closed" | "open" (relay: closed = power on) — valves: "open" | "closed"
    confirmed: bool
    attempts: int


# -- exchanges per protocol -------------------------------------------------------------------


def local_now() -> dt.datetime:
    """The PC's local wall-clock time without zone and microseconds (what meters keep)."""
    return dt.datetime.now().astimezone().replace(tzinfo=None, microsecond=0)


def _decoder_645(meter: MeterRef) -> Callable[[bytes], Any]:
    table = getattr(meter.profile, "dlt645_table", None)
    return dlt645.decode if table is None else partial(dlt645.decode, table=table)


def _decoder_645_97(meter: MeterRef) -> Callable[[bytes], Any]:
    table = getattr(meter.profile, "dlt645_1997_table", None)
    return dlt645_1997.decode if table is None else partial(dlt645_1997.decode, table=table)


def _decoder_188(meter: MeterRef) -> Callable[[bytes], Any]:
    layout = getattr(meter.profile, "cjt188_status_layout", None)
    return cjt188.decode if layout is None else partial(cjt188.decode, layout=layout)


async def _exchange(
    channel: BusChannel,
    request: bytes,
    decode: Callable[[bytes], Any],
    match: Callable[[Any, Any], bool],
    address: str,
    what: str,
    *,
    timeout_s: float | None = None,
    retries: int | None = None,
    wake_up: bool = True,
    decode_request: Callable[[bytes], Any] | None = None,
) -> Any:
    """One request/answer; an abnormal answer raises :class:`MeterRejectedError`."""
    _used, req_frame = (decode_request or decode)(request)
    response = await channel.exchange(
        (WAKE_UP + request) if wake_up else request,
        decode,
        partial(match, req_frame),
        address=address,
        timeout_s=timeout_s,
        retries=retries,
    )
    if response.abnormal:
        error = response.error or AbnormalResponseError(0, 0, ())
        raise MeterRejectedError(address, what, error)
    return response


async def read_645(
    channel: BusChannel, meter: MeterRef, data_id: int, **kw: Any
) -> dict[str, Value]:
    """Read one DL/T 645-2007 identifier (following up 0x12 frames) -> decoded values."""
    decode = _decoder_645(meter)
    what = f"read {data_id:08X}"
    frame = await _exchange(
        channel,
        dlt645.build_read(meter.address, data_id),
        decode,
        dlt645.frame_matches,
        meter.address,
        what,
        **kw,
    )
    values = dict(frame.values)
    seq = 1
    payload = frame.payload
    while frame.has_follow_up and seq < 16:
        frame = await _exchange(
            channel,
            dlt645.build_read_follow_up(meter.address, data_id, seq),
            decode,
            dlt645.frame_matches,
            meter.address,
            f"{what} follow-up {seq}",
            **kw,
        )
        payload += frame.payload
        seq += 1
    if seq > 1:
        values["payload_hex"] = payload.hex().upper()
    return values


async def read_645_97(
    channel: BusChannel, meter: MeterRef, data_id: int, **kw: Any
) -> dict[str, Value]:
    frame = await _exchange(
        channel,
        dlt645_1997.build_read(meter.address, data_id),
        _decoder_645_97(meter),
        dlt645_1997.frame_matches,
        meter.address,
        f"read {data_id:04X}",
        **kw,
    )
    return dict(frame.values)


async def read_188(channel: BusChannel, meter: MeterRef, **kw: Any) -> dict[str, Value]:
    meter_type = _meter_type(meter)
    frame = await _exchange(
        channel,
        cjt188.build_read(meter.address, meter_type=meter_type, di_order=_di_order(meter)),
        _decoder_188(meter),
        cjt188.frame_matches,
        meter.address,
        "read 901F",
        **kw,
    )
    return dict(frame.values)


def _meter_type(meter: MeterRef) -> int:
    return (
        meter.meter_type
        or getattr(meter.profile, "cjt188_meter_type", None)
        or cjt188.MeterType.COLD_WATER
    )


def _di_order(meter: MeterRef) -> Any:
    return getattr(meter.profile, "cjt188_di_order", None) or "901f"


# -- reads -------------------------------------------------------------------------------------

_ITEMS_2007: dict[str, tuple[int, ...]] = {
    "energy": (0x00010000,),
    "tou": (0x0001FF00,),
    "voltage": (0x02010100,),
    "current": (0x02020100,),
    "power": (0x02030000, 0x02060000),
    "status": (0x04000503,),
    "time": (0x04000101, 0x04000102),
}
_ITEMS_2007_3P: dict[str, tuple[int, ...]] = {
    "voltage": (0x0201FF00,),
    "current": (0x0202FF00,),
}
_ITEMS_1997: dict[str, tuple[int, ...]] = {
    "energy": (0x9010,),
    "tou": (0x901F,),
    "voltage": (0xB611,),
    "current": (0xB621,),
    "power": (0xB630, 0xB650),
    "status": (0xC020,),
    "time": (0xC010, 0xC011),
}


def _data_ids(meter: MeterRef, item: str) -> tuple[int, ...]:
    """Identifiers to read for ``item``: the profile's ``[readings]``, else the standard ones."""
    table = _ITEMS_1997 if meter.protocol == "dlt645-1997" else _ITEMS_2007
    ids = table[item]
    if meter.protocol == "dlt645-2007" and meter.kind == "three_phase":
        ids = _ITEMS_2007_3P.get(item, ids)
    readings = getattr(meter.profile, "readings", None) or {}
    if item == "status":
        control = getattr(meter.profile, "control", None)
        status = getattr(control, "relay_status", None) or readings.get("status")
        return (int(status, 16),) if status else ids
    if item == "time" and "date" in readings and "time" in readings:
        return (int(readings["date"], 16), int(readings["time"], 16))
    if item == "power" and "power" in readings:
        extra = (int(readings["power_factor"], 16),) if "power_factor" in readings else ()
        return (int(readings["power"], 16), *extra)
    if item in ("voltage", "current") and item in readings:
        return (int(readings[item], 16),)
    if item == "energy" and "energy" in readings:
        # A TOU model may name its block (0001FF00); the total register is what "energy" means.
        return (0x00010000,) if meter.protocol == "dlt645-2007" else (0x9010,)
    return ids


def items_for(meter: MeterRef) -> tuple[str, ...]:
    """The items :func:`read` offers for this meter's protocol (``all`` reads these)."""
    if meter.protocol == "cjt188":
        return ("water", "time", "status")
    if meter.protocol == "modbus":
        return tuple(modbus_map_for(meter).blocks)
    return ("energy", "tou", "voltage", "current", "power", "status", "time")


async def read(
    channel: BusChannel, meter: MeterRef, item: str = "energy", **kw: Any
) -> dict[str, Value]:
    """Read ``item`` (see :data:`ITEMS`); ``all`` reads every item the meter offers and skips
    the ones it rejects (no such data)."""
    if item == "all":
        result: dict[str, Value] = {}
        rejected: MeterRejectedError | None = None
        for name in items_for(meter):
            try:
                result.update(await read(channel, meter, name, **kw))
            except (MeterRejectedError, UnsupportedOperationError) as exc:
                logger.debug("%s", exc)
                if isinstance(exc, MeterRejectedError):
                    rejected = exc
        if not result and rejected is not None:
            raise rejected
        return result
    if item not in ITEMS:
        raise ValueError(f"unknown item {item!r} (one of {', '.join(ITEMS)})")
    if meter.protocol == "modbus":
        return await read_modbus(channel, meter, item, **kw)
    if meter.protocol == "cjt188":
        if item not in ("water", "time", "status", "energy"):
            raise UnsupportedOperationError(f"a CJ/T 188 meter has no {item!r} reading")
        values = await read_188(channel, meter, **kw)
        if item == "time":
            return _with_drift({"meter_time": values.get("meter_time")})
        if item == "status":
            return {
                k: values[k]
                for k in ("status_word", "valve", "battery_low", "sensor_fault")
                if k in values
            }
        return values
    if item == "water":
        raise UnsupportedOperationError("water readings need a CJ/T 188 meter")
    ids = _data_ids(meter, item)
    result = {}
    for data_id in ids:
        if meter.protocol == "dlt645-1997":
            result.update(await read_645_97(channel, meter, data_id, **kw))
        else:
            result.update(await read_645(channel, meter, data_id, **kw))
    if item == "status":
        result.update(_relay_state(meter, result))
    if item == "time":
        date, time_ = result.get("date"), result.get("time")
        if isinstance(date, dt.date) and isinstance(time_, dt.time):
            result = _with_drift({"meter_time": dt.datetime.combine(date, time_)})
    return result


def _with_drift(values: dict[str, Value]) -> dict[str, Value]:
    meter_time = values.get("meter_time")
    if isinstance(meter_time, dt.datetime):
        now = local_now()
        values["pc_time"] = now
        values["clock_drift_s"] = int((meter_time.replace(tzinfo=None) - now).total_seconds())
    return values


def _relay_state(meter: MeterRef, values: dict[str, Value]) -> dict[str, Value]:
    if meter.protocol == "dlt645-2007" and "relay_tripped" in values:
        closed = not values["relay_tripped"]
    elif meter.protocol == "dlt645-1997" and "status_word" in values:
        bit = getattr(meter.profile, "dlt645_1997_relay_bit", 6)
        word = values["status_word"]
        closed = not (isinstance(word, int) and word >> bit & 1)
    else:
        return {}
    return {"relay": "closed" if closed else "open", "relay_closed": closed}


async def read_energy(channel: BusChannel, meter: MeterRef, **kw: Any) -> Decimal:
    """The main register: total forward active energy (kWh) or water volume (m³)."""
    values = await read(channel, meter, "water" if meter.protocol == "cjt188" else "energy", **kw)
    key = "volume_m3" if meter.protocol == "cjt188" else "energy_kwh"
    value = values.get(key)
    if not isinstance(value, Decimal):
        raise UnsupportedOperationError(f"meter {meter.address} gave no {key}")
    return value


# -- control -----------------------------------------------------------------------------------


async def read_switch_state(channel: BusChannel, meter: MeterRef, **kw: Any) -> str:
    """``closed``/``open`` for a relay, ``open``/``closed`` for a valve."""
    if meter.protocol == "cjt188":
        values = await read_188(channel, meter, **kw)
        return str(values.get("valve"))
    values = await read(channel, meter, "status", **kw)
    relay = values.get("relay")
    if relay is None:
        raise UnsupportedOperationError(f"meter {meter.address} reports no relay state")
    return str(relay)


async def control(
    channel: BusChannel,
    meter: MeterRef,
    action: str,
    *,
    password: str | None = None,
    operator: str | None = None,
    valid_for_s: int = 600,
    confirm_reads: int = 3,
    confirm_interval_s: float = 0.3,
    **kw: Any,
) -> ControlResult:
    """Trip/close a relay or open/close a valve, then confirm by reading the state back."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    valve = action.startswith("valve")
    if valve != (meter.protocol == "cjt188"):
        what = "valve" if valve else "relay"
        raise UnsupportedOperationError(
            f"{action} does not apply to a {meter.protocol} meter (no {what})"
        )
    expected = {"trip": "open", "close": "closed", "valve-open": "open", "valve-close": "closed"}[
        action
    ]
    if meter.protocol == "dlt645-2007":
        settings = getattr(meter.profile, "control", None)
        request = dlt645.build_control(
            meter.address,
            "trip" if action == "trip" else "close",
            valid_until=local_now() + dt.timedelta(seconds=valid_for_s),
            password=password or getattr(settings, "password", None) or dlt645.DEFAULT_PASSWORD,
            operator=operator or getattr(settings, "operator", None) or dlt645.DEFAULT_OPERATOR,
        )
        await _exchange(
            channel,
            request,
            _decoder_645(meter),
            dlt645.frame_matches,
            meter.address,
            action,
            **kw,
        )
    elif meter.protocol == "cjt188":
        request = cjt188.build_valve(
            meter.address,
            "open" if action == "valve-open" else "close",
            meter_type=_meter_type(meter),
            di_order=_di_order(meter),
        )
        await _exchange(
            channel,
            request,
            _decoder_188(meter),
            cjt188.frame_matches,
            meter.address,
            action,
            **kw,
        )
    elif meter.protocol == "dlt645-1997":
        await _control_1997(channel, meter, action, password, **kw)
    else:
        await _control_modbus(channel, meter, action, **kw)
    state = ""
    for attempt in range(1, confirm_reads + 1):
        state = await read_switch_state(channel, meter, **kw)
        if state == expected:
            return ControlResult(meter.address, action, state, True, attempt)
        if attempt < confirm_reads:
            await asyncio.sleep(confirm_interval_s)  # relays take a moment to move
    raise ControlNotExecutedError(meter.address, action, expected, state)


async def _control_1997(
    channel: BusChannel, meter: MeterRef, action: str, password: str | None, **kw: Any
) -> None:
    """DL/T 645-1997 has no control command: vendors use a write to a profile identifier."""
    spec = getattr(meter.profile, "dlt645_1997_relay", None)
    if spec is None:
        raise UnsupportedOperationError(
            f"meter {meter.address}: DL/T 645-1997 relay control needs a meter profile "
            "that names the relay identifier"
        )
    data_id, trip_value, close_value = spec
    value = trip_value if action == "trip" else close_value
    request = dlt645_1997.build_write(
        meter.address, data_id, bytes(value), password=password or dlt645_1997.DEFAULT_PASSWORD
    )
    await _exchange(
        channel,
        request,
        _decoder_645_97(meter),
        dlt645_1997.frame_matches,
        meter.address,
        action,
        **kw,
    )


# -- Modbus-RTU ---------------------------------------------------------------------------------


def modbus_map_for(meter: MeterRef) -> modbus.RegisterMap:
    """The register map of the meter's profile (default: the generic single-phase profile)."""
    found = getattr(meter.profile, "modbus_map", None)
    if isinstance(found, modbus.RegisterMap):
        return found
    default = getattr(resolve_profile(DEFAULT_PROFILES["modbus"]), "modbus_map", None)
    if not isinstance(default, modbus.RegisterMap):
        raise UnsupportedOperationError("no Modbus register map (profile missing)")
    return default


def _unit(meter: MeterRef) -> int:
    try:
        unit = int(meter.address)
    except ValueError:
        raise ValueError(f"a Modbus address is a unit id 1..247, not {meter.address!r}") from None
    if not 1 <= unit <= 247:
        raise ValueError(f"a Modbus unit id must be 1..247, not {unit}")
    return unit


async def read_modbus(
    channel: BusChannel, meter: MeterRef, item: str, **kw: Any
) -> dict[str, Value]:
    rmap = modbus_map_for(meter)
    block = rmap.blocks.get(item)
    if block is None:
        raise UnsupportedOperationError(f"Modbus meter {meter.address} has no {item!r} registers")
    start, count = block
    frame = await _exchange(
        channel,
        modbus.build_read(_unit(meter), rmap.function, start, count),
        modbus.decode_response,
        modbus.frame_matches,
        meter.address,
        f"read registers {start:04X}+{count}",
        wake_up=False,
        decode_request=modbus.decode_request,
        **kw,
    )
    values: dict[str, Value] = dict(modbus.decode_points(rmap.points, start, frame.registers))
    if item == "status" and "relay_state" in values:
        closed = values.pop("relay_state") == rmap.relay_closed_value
        values.update({"relay": "closed" if closed else "open", "relay_closed": closed})
    return values


async def _control_modbus(channel: BusChannel, meter: MeterRef, action: str, **kw: Any) -> None:
    rmap = modbus_map_for(meter)
    if rmap.relay_register is None:
        raise UnsupportedOperationError(f"Modbus meter {meter.address} has no relay register")
    value = rmap.relay_open_value if action == "trip" else rmap.relay_closed_value
    await _exchange(
        channel,
        modbus.build_write_register(_unit(meter), rmap.relay_register, value),
        modbus.decode_response,
        modbus.frame_matches,
        meter.address,
        action,
        wake_up=False,
        decode_request=modbus.decode_request,
        **kw,
    )


# -- time sync ---------------------------------------------------------------------------------


async def sync_time(channel: BusChannel, at: dt.datetime | None = None) -> dt.datetime:
    """Broadcast time (DL/T 645 0x08, understood by 2007 and 1997 meters) on one bus."""
    when = (at or local_now()).replace(microsecond=0, tzinfo=None)
    await channel.send(WAKE_UP + dlt645.build_broadcast_time(when), address="999999999999")
    return when


# -- parameters (CTL-6) ------------------------------------------------------------------------


class ParameterNotAppliedError(CommError):
    """The meter acknowledged a parameter write but reads back something else."""

    def __init__(self, address: str, parameter: str, field_name: str, wrote: str, read: str):
        super().__init__(
            f"meter {address}: parameter {parameter} field {field_name} written {wrote} "
            f"but reads back {read}"
        )
        self.address = address
        self.parameter = parameter


async def write_parameter(
    channel: BusChannel,
    meter: MeterRef,
    parameter: str,
    values: Mapping[str, Value],
    *,
    password: str | None = None,
    operator: str | None = None,
    **kw: Any,
) -> dict[str, Value]:
    """Write one profile parameter (DL/T 645-2007 write 0x14) and confirm it by reading it back;
    returns the values read back. What a meter supports comes from its profile."""
    profile = meter.profile
    spec = getattr(profile, "parameters", {}).get(parameter) if profile is not None else None
    if spec is None or spec.item is None:
        raise UnsupportedOperationError(
            f"meter {meter.address} ({getattr(profile, 'id', meter.protocol)}) has no parameter "
            f"{parameter!r}"
        )
    if meter.protocol != "dlt645-2007":
        raise UnsupportedOperationError(
            f"parameter download is implemented for DL/T 645-2007 meters, not {meter.protocol}"
        )
    settings = getattr(profile, "control", None)
    request = dlt645.build_write(
        meter.address,
        spec.item,
        dict(values),
        password=password or getattr(settings, "password", None) or dlt645.DEFAULT_PASSWORD,
        operator=operator or getattr(settings, "operator", None) or dlt645.DEFAULT_OPERATOR,
        table=profile.dlt645_table,
    )
    await _exchange(
        channel,
        request,
        _decoder_645(meter),
        dlt645.frame_matches,
        meter.address,
        f"write {parameter}",
        **kw,
    )
    back = await read_645(channel, meter, spec.item.data_id, **kw)
    for name, wrote in values.items():
        got = back.get(name)
        if str(got) != str(wrote) and not (isinstance(got, Decimal) and _same_number(got, wrote)):
            raise ParameterNotAppliedError(meter.address, parameter, name, str(wrote), str(got))
    return back


def _same_number(got: Decimal, wrote: object) -> bool:
    try:
        return got == Decimal(str(wrote))
    except ArithmeticError:
        return False


# -- scanning ----------------------------------------------------------------------------------


def parse_range(text: str, protocol: str) -> list[str]:
    """``A-B`` (inclusive, same width) or ``A,B,C`` -> addresses."""
    out: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            lo, hi = (p.strip() for p in part.split("-", 1))
            if not lo.isdigit() or not hi.isdigit() or int(hi) < int(lo):
                raise ValueError(f"bad address range {part!r}")
            if int(hi) - int(lo) > 10000:
                raise ValueError(f"address range {part!r} is too large (max 10,001 addresses)")
            width = len(lo) if protocol != "modbus" else 0
            out += [str(n).rjust(width, "0") for n in range(int(lo), int(hi) + 1)]
        else:
            out.append(part)
    return out


async def scan(
    channel: BusChannel,
    protocol: str,
    *,
    candidates: Sequence[str] | None = None,
    meter_type: int | None = None,
    timeout_s: float | None = None,
    profile: Any = None,
) -> list[str]:
    """Addresses of the meters on the bus.

    Without ``candidates``: the read-address command to the AA wildcard (DL/T 645-2007 0x13,
    CJ/T 188 0x03), which works when one meter is connected (several collide: give a range).
    With ``candidates``: each address is probed once (short timeout, no retry).
    """
    protocol = normalize_protocol(protocol)
    if candidates is None:
        if protocol in ("dlt645-2007", "cjt188"):
            decode: Callable[[bytes], Any]
            match: Callable[[Any, Any], bool]
            if protocol == "dlt645-2007":
                request, decode, match = (
                    dlt645.build_read_address(),
                    dlt645.decode,
                    dlt645.frame_matches,
                )
                wildcard = dlt645.WILDCARD_ADDRESS
            else:
                request, decode, match = (
                    cjt188.build_read_address(),
                    cjt188.decode,
                    cjt188.frame_matches,
                )
                wildcard = cjt188.WILDCARD_ADDRESS
            try:
                frame = await _exchange(
                    channel,
                    request,
                    decode,
                    match,
                    wildcard,
                    "read address",
                    timeout_s=timeout_s,
                )
            except BadAnswerError as exc:
                raise BadAnswerError(
                    exc.address,
                    exc.where,
                    exc.tries,
                    ValueError("several meters answered at once (give an address range)"),
                ) from None
            return [str(frame.values.get("meter_address", frame.address))]
        raise UnsupportedOperationError(
            f"{protocol} has no wildcard read-address command: give an address range"
        )
    found: list[str] = []
    for address in candidates:
        ref = MeterRef(protocol, address, meter_type=meter_type, profile=profile)
        try:
            if protocol == "cjt188":
                await read_188(channel, ref, timeout_s=timeout_s, retries=0)
            else:
                await read(channel, ref, "energy", timeout_s=timeout_s, retries=0)
        except (NoAnswerError, BadAnswerError):
            continue
        except MeterRejectedError:
            pass  # it answered: it is there
        except MeterCommError:
            continue
        found.append(address)
    return found


def addresses(values: Iterable[str]) -> list[str]:
    return sorted(set(values))
