"""Meter profiles: per-model data files (``resources/meter_profiles/*.toml``) as frozen dataclasses.

A profile says which protocol a meter model speaks, what the collector reads from it (data
identifiers or Modbus registers), how its relay / valve is driven and read back, and which
downloadable parameters (CTL-6) it supports at which identifiers or registers. Code never
hard-codes a model: adding a meter model means adding a TOML file. The file format is described
in ``docs/PROTOCOLS.md``; :func:`load_profile` rejects a bad file with a :class:`ProfileError`
that names the file, the key and the problem.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.comms.protocols.bcd import check_format
from app.comms.protocols.cjt188 import DEFAULT_LAYOUT, DiOrder, StatusLayout
from app.comms.protocols.dataids import (
    DLT645_1997_TABLE,
    DLT645_2007_TABLE,
    DataItem,
    Field,
    ItemTable,
)
from app.comms.protocols.modbus import (
    READ_HOLDING,
    READ_INPUT,
    RegisterMap,
    RegisterPoint,
    RegisterType,
)

PROFILE_DIR = Path(__file__).resolve().parents[2] / "resources" / "meter_profiles"

PROTOCOLS = ("dlt645", "dlt645-1997", "cjt188", "modbus")
_PROTOCOL_ALIASES = {"dlt645-2007": "dlt645"}
KINDS = ("single_phase", "three_phase", "multi_circuit", "water", "hot_water", "gas", "heat")
UTILITIES = ("electricity", "water", "gas", "heat")

# Downloadable parameters (SPEC CTL-6). A profile lists the ones its model supports.
PARAMETERS: dict[str, str] = {
    "overload_power_limit": "overload trip power limit (过载断电)",
    "time_period_power_limits": "power limit per time window (分时限流)",
    "scheduled_on_off": "scheduled on/off periods (定时通断)",
    "malicious_load": "malicious-load recognition thresholds (恶性负载)",
    "auto_recover": "auto-recover after trip, lock after N trips (跳电自动恢复)",
    "temperature_limit": "temperature trip limit (温度断电)",
    "local_prepaid": "local prepaid values kept by the meter (本地预付费)",
}

_TOP_KEYS = {
    "id",
    "name",
    "protocol",
    "kind",
    "utility",
    "circuits",
    "has_relay",
    "has_valve",
    "tou",
    "notes",
    "readings",
    "control",
    "items",
    "parameters",
    "cjt188",
    "modbus",
    "dlt645_1997",
}


class ProfileError(ValueError):
    """A meter profile file is missing, unreadable or inconsistent."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source


@dataclass(frozen=True)
class ParameterSpec:
    """Where a downloadable parameter lives: a data item (DL/T 645) or registers (Modbus)."""

    name: str
    description: str
    item: DataItem | None = None
    points: tuple[RegisterPoint, ...] = ()


@dataclass(frozen=True)
class ControlSettings:
    """Relay control and read-back (DL/T 645-2007 0x1C with password / operator code)."""

    relay_status: str | None = None
    password: str | None = None
    operator: str | None = None
    valid_minutes: int = 10


@dataclass(frozen=True)
class MeterProfile:
    """One meter model. The ``dlt645_*``, ``cjt188_*`` and ``modbus_map`` attributes are what the
    bus operations (``app.comms.meter_ops``) look up; they are None when they do not apply.
    """

    id: str
    name: str
    protocol: str
    kind: str
    utility: str
    circuits: int = 1
    has_relay: bool = False
    has_valve: bool = False
    tou: bool = False
    notes: str = ""
    readings: Mapping[str, str] = field(default_factory=dict, hash=False)
    control: ControlSettings = ControlSettings()
    items: tuple[DataItem, ...] = ()
    parameters: Mapping[str, ParameterSpec] = field(default_factory=dict, hash=False)
    cjt188_meter_type: int | None = None
    cjt188_di_order: DiOrder | None = None
    cjt188_status_layout: StatusLayout | None = None
    modbus_map: RegisterMap | None = None
    dlt645_1997_relay_bit: int = 6
    dlt645_1997_relay: tuple[int, bytes, bytes] | None = None
    source: str = ""

    @property
    def all_items(self) -> tuple[DataItem, ...]:
        """The profile's extra identifiers and its parameter identifiers."""
        params = tuple(p.item for p in self.parameters.values() if p.item is not None)
        return self.items + params

    @property
    def dlt645_table(self) -> ItemTable | None:
        """Built-in DL/T 645-2007 table plus this profile's identifiers (2007 profiles only)."""
        if self.protocol != "dlt645":
            return None
        return DLT645_2007_TABLE.extended(self.all_items)

    @property
    def dlt645_1997_table(self) -> ItemTable | None:
        if self.protocol != "dlt645-1997":
            return None
        return DLT645_1997_TABLE.extended(self.all_items)

    def supports(self, parameter: str) -> bool:
        return parameter in self.parameters

    @property
    def supported_parameters(self) -> tuple[str, ...]:
        return tuple(self.parameters)


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


class _Ctx:
    """Helper that prefixes every complaint with the file and key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> ProfileError:
        return ProfileError(self.source, f"{where}: {message}" if where else message)

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(f"{where}{key}", "must be a table")
        return value

    def str_(
        self, data: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}{key}", "must be a non-empty string")
        return value.strip()

    def int_(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        default: int | None = None,
        low: int = 0,
        high: int = 0xFFFF,
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{where}{key}", f"must be an integer {low}..{high}")
        return value

    def bool_(self, data: Mapping[str, Any], key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def hex_id(self, value: Any, digits: int, where: str) -> int:
        if not isinstance(value, str) or len(value) != digits:
            raise self.fail(where, f"must be a data identifier of {digits} hex digits")
        try:
            return int(value, 16)
        except ValueError:
            raise self.fail(where, f"{value!r} is not hex") from None


def _fields(ctx: _Ctx, spec: Mapping[str, Any], where: str) -> tuple[Field, ...]:
    raw = spec.get("fields")
    if not isinstance(raw, list) or not raw:
        raise ctx.fail(f"{where}.fields", "must be a non-empty list of {name, format}")
    fields: list[Field] = []
    for i, entry in enumerate(raw):
        here = f"{where}.fields[{i}]"
        if not isinstance(entry, Mapping):
            raise ctx.fail(here, "must be a table {name, format}")
        name = ctx.str_(entry, "name", f"{here}.")
        fmt = ctx.str_(entry, "format", f"{here}.")
        try:
            check_format(fmt)
        except ValueError as exc:
            raise ctx.fail(f"{here}.format", str(exc)) from None
        signed = entry.get("signed", False)
        if not isinstance(signed, bool):
            raise ctx.fail(f"{here}.signed", "must be true or false")
        fields.append(Field(name, fmt, signed))
    repeat = spec.get("repeat", 1)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= 16:
        raise ctx.fail(f"{where}.repeat", "must be an integer 1..16")
    if repeat > 1:
        fields = [
            Field(f"p{n}_{f.name}", f.fmt, f.signed) for n in range(1, repeat + 1) for f in fields
        ]
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise ctx.fail(f"{where}.fields", "field names repeat")
    return tuple(fields)


def _item(ctx: _Ctx, spec: Mapping[str, Any], where: str, id_digits: int, key: str) -> DataItem:
    data_id = ctx.hex_id(spec.get("data_id"), id_digits, f"{where}.data_id")
    description = str(spec.get("description", key))
    return DataItem(
        data_id=data_id,
        key=str(spec.get("key", key)),
        description=description,
        fields=_fields(ctx, spec, where),
        id_bytes=id_digits // 2,
    )


def _decimal(ctx: _Ctx, value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ctx.fail(where, 'must be a decimal written as a string, e.g. "0.01"')
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ctx.fail(where, f"{value!r} is not a decimal number") from None
    if not number.is_finite() or number == 0:
        raise ctx.fail(where, "must be a finite, non-zero number")
    return number


_TYPES: tuple[RegisterType, ...] = ("u16", "s16", "u32", "s32", "f32")


def _point(ctx: _Ctx, spec: Any, where: str) -> RegisterPoint:
    if not isinstance(spec, Mapping):
        raise ctx.fail(where, "must be a table {name, register, type, scale}")
    name = ctx.str_(spec, "name", f"{where}.")
    register = ctx.int_(spec, "register", f"{where}.")
    kind = spec.get("type", "u16")
    if kind not in _TYPES:
        raise ctx.fail(f"{where}.type", f"must be one of {', '.join(_TYPES)}")
    order = spec.get("word_order", "big")
    if order not in ("big", "little"):
        raise ctx.fail(f"{where}.word_order", "must be big or little")
    decimals = spec.get("decimals")
    if decimals is not None and (
        isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6
    ):
        raise ctx.fail(f"{where}.decimals", "must be an integer 0..6")
    if kind == "f32" and decimals is None:
        raise ctx.fail(f"{where}.decimals", "float32 registers need decimals (rounding places)")
    writable = spec.get("writable", False)
    if not isinstance(writable, bool):
        raise ctx.fail(f"{where}.writable", "must be true or false")
    return RegisterPoint(
        name=name,
        register=register,
        type=kind,
        scale=_decimal(ctx, spec.get("scale", "1"), f"{where}.scale"),
        word_order=order,
        decimals=decimals,
        writable=writable,
    )


def _modbus_map(ctx: _Ctx, spec: Mapping[str, Any]) -> RegisterMap:
    where = "modbus"
    function = ctx.int_(spec, "function", f"{where}.", READ_HOLDING, 3, 4)
    raw_points = spec.get("points")
    if not isinstance(raw_points, list) or not raw_points:
        raise ctx.fail(f"{where}.points", "must list at least one register point")
    points = tuple(_point(ctx, p, f"{where}.points[{i}]") for i, p in enumerate(raw_points))
    names = [p.name for p in points]
    if len(set(names)) != len(names):
        raise ctx.fail(f"{where}.points", "point names repeat")
    blocks: dict[str, tuple[int, int]] = {}
    for item, block in ctx.table(spec, "blocks", f"{where}.").items():
        here = f"{where}.blocks.{item}"
        if (
            not isinstance(block, list)
            or len(block) != 2
            or not all(isinstance(b, int) and not isinstance(b, bool) for b in block)
        ):
            raise ctx.fail(here, "must be [start register, count]")
        start, count = block
        if not 0 <= start <= 0xFFFF or not 1 <= count <= 125:
            raise ctx.fail(here, "start must be 0..65535 and count 1..125")
        covered = [
            p for p in points if start <= p.register and p.register + p.words <= start + count
        ]
        if not covered:
            raise ctx.fail(here, "no register point lies inside this block")
        blocks[item] = (start, count)
    if not blocks:
        raise ctx.fail(f"{where}.blocks", "must name at least one block to read")
    relay_register = spec.get("relay_register")
    if relay_register is not None:
        relay_register = ctx.int_(spec, "relay_register", f"{where}.")
        if "relay_state" not in names:
            raise ctx.fail(f"{where}.points", "a relay register needs a point named relay_state")
    return RegisterMap(
        function=READ_INPUT if function == READ_INPUT else READ_HOLDING,
        points=points,
        blocks=blocks,
        relay_register=relay_register,
        relay_closed_value=ctx.int_(spec, "relay_closed_value", f"{where}.", 1),
        relay_open_value=ctx.int_(spec, "relay_open_value", f"{where}.", 0),
    )


def _parse(data: Mapping[str, Any], source: str) -> MeterProfile:
    ctx = _Ctx(source)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ctx.fail("", f"unknown key(s) {', '.join(sorted(unknown))}")
    profile_id = ctx.str_(data, "id", "")
    protocol = ctx.str_(data, "protocol", "")
    protocol = _PROTOCOL_ALIASES.get(protocol, protocol)
    if protocol not in PROTOCOLS:
        raise ctx.fail("protocol", f"{protocol!r} is not one of {', '.join(PROTOCOLS)}")
    kind = ctx.str_(data, "kind", "")
    if kind not in KINDS:
        raise ctx.fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    default_utility = {"water": "water", "hot_water": "water", "gas": "gas", "heat": "heat"}
    utility = ctx.str_(data, "utility", "", default_utility.get(kind, "electricity"))
    if utility not in UTILITIES:
        raise ctx.fail("utility", f"{utility!r} is not one of {', '.join(UTILITIES)}")
    id_digits = {"dlt645": 8, "dlt645-1997": 4, "cjt188": 4, "modbus": 0}[protocol]

    items: list[DataItem] = []
    raw_items = data.get("items", [])
    if not isinstance(raw_items, list):
        raise ctx.fail("items", "must be an array of tables ([[items]])")
    if raw_items and protocol not in ("dlt645", "dlt645-1997"):
        raise ctx.fail("items", "extra data identifiers apply to DL/T 645 profiles only")
    for i, spec in enumerate(raw_items):
        if not isinstance(spec, Mapping):
            raise ctx.fail(f"items[{i}]", "must be a table")
        items.append(
            _item(ctx, spec, f"items[{i}]", id_digits, ctx.str_(spec, "key", f"items[{i}]."))
        )

    parameters: dict[str, ParameterSpec] = {}
    for name, spec in ctx.table(data, "parameters", "").items():
        where = f"parameters.{name}"
        if name not in PARAMETERS:
            raise ctx.fail(where, f"unknown parameter; known: {', '.join(PARAMETERS)}")
        if not isinstance(spec, Mapping):
            raise ctx.fail(where, "must be a table")
        description = str(spec.get("description", PARAMETERS[name]))
        if protocol == "modbus":
            raw_points = spec.get("points")
            if not isinstance(raw_points, list) or not raw_points:
                raise ctx.fail(f"{where}.points", "must list the parameter's registers")
            points = tuple(_point(ctx, p, f"{where}.points[{i}]") for i, p in enumerate(raw_points))
            parameters[name] = ParameterSpec(name, description, points=points)
        elif protocol == "cjt188":
            raise ctx.fail(where, "CJ/T 188 meters have no downloadable parameters here")
        else:
            item = _item(ctx, spec, where, id_digits, name.replace("_", "-"))
            parameters[name] = ParameterSpec(name, description, item=item)

    table = {
        "dlt645": DLT645_2007_TABLE,
        "dlt645-1997": DLT645_1997_TABLE,
    }.get(protocol)
    if table is not None:
        table = table.extended(tuple(items))

    readings: dict[str, str] = {}
    for key, value in ctx.table(data, "readings", "").items():
        where = f"readings.{key}"
        if not isinstance(value, str):
            raise ctx.fail(where, "must be a string")
        if table is not None:
            data_id = ctx.hex_id(value, id_digits, where)
            if table.get(data_id) is None:
                raise ctx.fail(where, f"identifier {value} has no layout (add it under [[items]])")
        readings[key] = value.upper() if table is not None else value
    if not readings:
        raise ctx.fail("readings", "must name at least one value to read")

    control_spec = ctx.table(data, "control", "")
    control = ControlSettings(
        relay_status=control_spec.get("relay_status"),
        password=control_spec.get("password"),
        operator=control_spec.get("operator"),
        valid_minutes=ctx.int_(control_spec, "valid_minutes", "control.", 10, 1, 1440),
    )
    for key in ("password", "operator"):
        value = getattr(control, key)
        if value is not None and (
            not isinstance(value, str)
            or len(value) != 8
            or any(c not in "0123456789abcdefABCDEF" for c in value)
        ):
            raise ctx.fail(f"control.{key}", "must be 8 hex digits")

    has_relay = ctx.bool_(data, "has_relay", False)
    has_valve = ctx.bool_(data, "has_valve", False)
    cjt_type: int | None = None
    cjt_order: DiOrder | None = None
    cjt_layout: StatusLayout | None = None
    if protocol == "cjt188":
        spec = ctx.table(data, "cjt188", "")
        cjt_type = ctx.int_(spec, "meter_type", "cjt188.", 0x10, 0x10, 0x49)
        order = spec.get("di_order", "901f")
        if order not in ("901f", "1f90"):
            raise ctx.fail("cjt188.di_order", 'must be "901f" (wire 90 1F) or "1f90"')
        cjt_order = "901f" if order == "901f" else "1f90"
        fault = spec.get("sensor_fault_bit", DEFAULT_LAYOUT.sensor_fault_bit)
        if fault is not None:
            fault = ctx.int_(spec, "sensor_fault_bit", "cjt188.", None, 0, 15)
        cjt_layout = StatusLayout(
            valve_shift=ctx.int_(spec, "valve_shift", "cjt188.", 0, 0, 14),
            battery_bit=ctx.int_(spec, "battery_bit", "cjt188.", 2, 0, 15),
            sensor_fault_bit=fault,
        )
    elif "cjt188" in data:
        raise ctx.fail("cjt188", "only for protocol cjt188")

    modbus_map: RegisterMap | None = None
    if protocol == "modbus":
        modbus_map = _modbus_map(ctx, ctx.table(data, "modbus", ""))
        if has_relay and modbus_map.relay_register is None:
            raise ctx.fail("modbus.relay_register", "has_relay = true needs a relay register")
    elif "modbus" in data:
        raise ctx.fail("modbus", "only for protocol modbus")

    relay_bit = 6
    relay_97: tuple[int, bytes, bytes] | None = None
    if protocol == "dlt645-1997":
        spec = ctx.table(data, "dlt645_1997", "")
        relay_bit = ctx.int_(spec, "relay_bit", "dlt645_1997.", 6, 0, 7)
        relay = spec.get("relay")
        if relay is not None:
            if not isinstance(relay, Mapping):
                raise ctx.fail("dlt645_1997.relay", "must be {data_id, trip, close}")
            values: list[bytes] = []
            for key in ("trip", "close"):
                try:
                    values.append(bytes.fromhex(ctx.str_(relay, key, "dlt645_1997.relay.")))
                except ValueError:
                    raise ctx.fail(f"dlt645_1997.relay.{key}", "must be hex bytes") from None
            relay_97 = (
                ctx.hex_id(relay.get("data_id"), 4, "dlt645_1997.relay.data_id"),
                values[0],
                values[1],
            )
        if has_relay and relay_97 is None:
            raise ctx.fail("dlt645_1997.relay", "has_relay = true needs the relay identifier")
    elif "dlt645_1997" in data:
        raise ctx.fail("dlt645_1997", "only for protocol dlt645-1997")
    if protocol == "dlt645" and has_relay and control.relay_status is None:
        raise ctx.fail("control.relay_status", "has_relay = true needs the status identifier")

    notes = data.get("notes", "")
    return MeterProfile(
        id=profile_id,
        name=ctx.str_(data, "name", ""),
        protocol=protocol,
        kind=kind,
        utility=utility,
        circuits=ctx.int_(data, "circuits", "", 1, 1, 64),
        has_relay=has_relay,
        has_valve=has_valve,
        tou=ctx.bool_(data, "tou", False),
        notes=notes if isinstance(notes, str) else "",
        readings=readings,
        control=control,
        items=tuple(items),
        parameters=parameters,
        cjt188_meter_type=cjt_type,
        cjt188_di_order=cjt_order,
        cjt188_status_layout=cjt_layout,
        modbus_map=modbus_map,
        dlt645_1997_relay_bit=relay_bit,
        dlt645_1997_relay=relay_97,
        source=source,
    )


def parse_profile(text: str, source: str = "<string>") -> MeterProfile:
    """A profile from TOML text (``source`` names it in error messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, f"not valid TOML: {exc}") from None
    return _parse(data, source)


def load_profile(path: Path | str) -> MeterProfile:
    """Load and validate one profile file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(str(path), f"cannot read: {exc.strerror or exc}") from None
    return parse_profile(text, path.name)


def load_profiles(directory: Path | str = PROFILE_DIR) -> dict[str, MeterProfile]:
    """All profiles in ``directory`` by id; a bad file or a duplicate id raises."""
    profiles: dict[str, MeterProfile] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        profile = load_profile(path)
        if profile.id in profiles:
            raise ProfileError(
                path.name,
                f"duplicate profile id {profile.id!r} (also in {profiles[profile.id].source})",
            )
        profiles[profile.id] = profile
    return profiles


_CACHE: dict[str, MeterProfile] | None = None


def get_profile(profile_id: str) -> MeterProfile:
    """A shipped profile by id (loaded once); KeyError with the known ids otherwise."""
    global _CACHE
    if _CACHE is None:
        _CACHE = load_profiles()
    try:
        return _CACHE[profile_id]
    except KeyError:
        known = ", ".join(sorted(_CACHE))
        raise KeyError(f"no meter profile {profile_id!r}; known: {known}") from None
