"""Load a simulated site from a TOML or JSON file (``simulate --site FILE``).

Format (TOML shown; JSON has the same keys)::

    site_name = "test bench"
    dtu_listen_port = 21000          # where DTU gateways dial in
    [[gateways]]
    code = "GW1"
    transport = "tcp"                # tcp | dtu | serial
    host = "127.0.0.1"
    dtu_id = "DTU1"                  # dtu only
    buses = [{ number = 1, port = 20000, baud = 2400, parity = "E" }]
    [[meters]]
    protocol = "dlt645-2007"         # dlt645-2007 | dlt645-1997 | cjt188 | modbus
    address = "000000000001"
    gateway_code = "GW1"
    bus_number = 1
    kind = "single_phase"            # single_phase | three_phase | water
    profile = "dlt645-2007-single-phase"
    base_load_w = 800                # mean load (W) or flow (L/h)
    has_relay = true
    tou = false
    meter_type = 0x10                # CJ/T 188 only
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from app.domain.demo_site import BusSpec, DemoSite, GatewaySpec, MeterSpec, build_demo_site


class SiteFileError(ValueError):
    """The site file is missing or malformed; the message names the entry."""


def load_site_file(path: str | Path) -> DemoSite:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SiteFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data: dict[str, Any] = (
            json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        )
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise SiteFileError(f"{path}: {exc}") from None
    return site_from_dict(data, str(path))


def site_from_dict(data: dict[str, Any], source: str = "<site>") -> DemoSite:
    gateways: list[GatewaySpec] = []
    try:
        for i, gw in enumerate(data.get("gateways", [])):
            where = f"{source}: gateways[{i}]"
            buses = tuple(
                BusSpec(
                    int(b["number"]),
                    int(b.get("baud", 2400)),
                    str(b.get("parity", "E")),
                    int(b.get("port", 0)),
                )
                for b in gw.get("buses", [])
            )
            if not buses:
                raise SiteFileError(f"{where}: needs at least one bus")
            transport = str(gw.get("transport", "tcp"))
            if transport not in ("tcp", "dtu", "serial"):
                raise SiteFileError(f"{where}: transport must be tcp, dtu or serial")
            gateways.append(
                GatewaySpec(
                    code=str(gw["code"]),
                    name=str(gw.get("name", gw["code"])),
                    location=str(gw.get("location", "")),
                    transport=transport,
                    host=str(gw.get("host", "127.0.0.1")),
                    buses=buses,
                    dtu_id=gw.get("dtu_id"),
                )
            )
        codes = {g.code for g in gateways}
        meters: list[MeterSpec] = []
        for i, m in enumerate(data.get("meters", [])):
            where = f"{source}: meters[{i}]"
            if m["gateway_code"] not in codes:
                raise SiteFileError(f"{where}: unknown gateway {m['gateway_code']!r}")
            kind = str(m.get("kind", "water" if m["protocol"] == "cjt188" else "single_phase"))
            meters.append(
                MeterSpec(
                    serial=i + 1,
                    kind=kind,
                    protocol=str(m["protocol"]),
                    profile=str(m.get("profile", "")),
                    address=str(m["address"]),
                    meter_type=m.get("meter_type", 0x10 if kind == "water" else None),
                    gateway_code=str(m["gateway_code"]),
                    bus_number=int(m.get("bus_number", 1)),
                    room_code=None,
                    tou=bool(m.get("tou", False)),
                    ct_ratio=int(m.get("ct_ratio", 1)),
                    has_relay=bool(m.get("has_relay", kind != "water")),
                    keep_power=bool(m.get("keep_power", False)),
                    base_load_w=int(m.get("base_load_w", 500)),
                    phase_hours=int(m.get("phase_hours", 0)),
                )
            )
    except (KeyError, TypeError) as exc:
        raise SiteFileError(f"{source}: missing or bad key {exc}") from None
    demo = build_demo_site()
    return DemoSite(
        seed=0,
        base_port=0,
        site_name=str(data.get("site_name", "simulated site")),
        buildings=demo.buildings,
        rooms=(),
        gateways=tuple(gateways),
        meters=tuple(meters),
        dtu_listen_port=int(data.get("dtu_listen_port", 21000)),
    )
