"""Meter profiles: the shipped files load and validate; bad files fail with clear messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.comms import profiles
from app.comms.profiles import PARAMETERS, ProfileError, get_profile, load_profiles, parse_profile
from app.comms.protocols import cjt188, dlt645, modbus

REQUIRED = {
    "dlt645-2007-single-phase": "dlt645",
    "dlt645-2007-three-phase-tou": "dlt645",
    "dlt645-1997-single-phase": "dlt645-1997",
    "cjt188-cold-water": "cjt188",
    "modbus-single-phase": "modbus",
    "modbus-three-phase": "modbus",
}


def test_shipped_profiles_load() -> None:
    loaded = load_profiles()
    for profile_id, protocol in REQUIRED.items():
        assert loaded[profile_id].protocol == protocol
    for profile in loaded.values():
        assert profile.readings
        assert set(profile.parameters) <= set(PARAMETERS)


def test_single_phase_2007_profile() -> None:
    p = get_profile("dlt645-2007-single-phase")
    assert p.has_relay and p.control.relay_status == "04000503"
    assert set(p.supported_parameters) >= {
        "overload_power_limit",
        "time_period_power_limits",
        "scheduled_on_off",
        "malicious_load",
        "auto_recover",
        "temperature_limit",
    }
    table = p.dlt645_table
    assert table is not None and table.get(0x03330201) is not None  # purchase counter item
    raw = dlt645.build_read_response("000000000001", 0x03330201, {"purchase_count": 5}, table=table)
    assert dlt645.decode(raw, table=table)[1].values == {"purchase_count": 5}  # type: ignore[union-attr]
    windows = p.parameters["time_period_power_limits"].item
    assert windows is not None and [f.name for f in windows.fields][:3] == [
        "p1_start",
        "p1_end",
        "p1_power_limit_kw",
    ]


def test_parameter_item_round_trip() -> None:
    spec = get_profile("dlt645-2007-single-phase").parameters["auto_recover"]
    assert spec.item is not None
    values = {"recover_delay_s": 30, "lock_after_trips": 3}
    raw = dlt645.build_write("000000000001", spec.item, values)
    frame = dlt645.decode(raw, table=get_profile("dlt645-2007-single-phase").dlt645_table)[1]
    assert frame.values["lock_after_trips"] == 3  # type: ignore[union-attr]


def test_cjt188_profile_settings() -> None:
    p = get_profile("cjt188-cold-water")
    assert p.cjt188_di_order == "901f" and p.cjt188_meter_type == 0x10
    assert p.cjt188_status_layout == cjt188.StatusLayout(0, 2, 3)


def test_modbus_profiles_map_registers() -> None:
    single = get_profile("modbus-single-phase").modbus_map
    assert single is not None and single.relay_register == 0x20
    start, count = single.blocks["energy"]
    values = modbus.decode_points(single.points, start, [0x0001, 0x86A0])
    assert values == {"energy_kwh": Decimal("1000.00")}
    three = get_profile("modbus-three-phase").modbus_map
    assert three is not None
    start, count = three.blocks["voltage"]
    block = modbus.encode_points(three.points, start, count, {"voltage_a_v": Decimal("230.2")})
    assert modbus.decode_points(three.points, start, block)["voltage_a_v"] == Decimal("230.2")


GOOD = """
id = "x"
name = "X"
protocol = "dlt645"
kind = "single_phase"
[readings]
energy = "00010000"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = ", "not valid TOML"),
        (GOOD.replace('protocol = "dlt645"', 'protocol = "iec62056"'), "protocol: 'iec62056'"),
        ("colour = 1\n" + GOOD, "unknown key(s) colour"),
        (GOOD.replace('energy = "00010000"', 'energy = "0A0B0C0D"'), "readings.energy"),
        (GOOD.replace('energy = "00010000"', 'energy = "123"'), "8 hex digits"),
        (GOOD.replace('[readings]\nenergy = "00010000"\n', ""), "readings"),
        (
            GOOD + '[parameters.overload_power_limit]\ndata_id = "04000E01"\n'
            'fields = [{ name = "p", format = "QQ" }]\n',
            "parameters.overload_power_limit",
        ),
        (GOOD + "[parameters.teleport]\n", "unknown parameter"),
        (
            GOOD.replace('kind = "single_phase"', 'kind = "single_phase"\nhas_relay = true'),
            "control.relay_status",
        ),
        (
            GOOD.replace('protocol = "dlt645"', 'protocol = "modbus"').replace('"00010000"', '"e"')
            + '[modbus.blocks]\ne = [0, 2]\n[[modbus.points]]\nname = "energy_kwh"\n'
            'register = 0\ntype = "f32"\n',
            "decimals",
        ),
    ],
)
def test_bad_profiles_are_rejected_clearly(text: str, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "bad.toml")
    assert str(info.value).startswith("bad.toml: ")
    assert message in str(info.value)


def test_duplicate_ids_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ProfileError, match="duplicate profile id"):
        load_profiles(tmp_path)
    with pytest.raises(ProfileError, match="cannot read"):
        profiles.load_profile(tmp_path / "missing.toml")
    with pytest.raises(KeyError, match="no meter profile"):
        get_profile("no-such-profile")


def test_protocol_alias() -> None:
    p = parse_profile(GOOD.replace('protocol = "dlt645"', 'protocol = "dlt645-2007"'))
    assert p.protocol == "dlt645"
