"""Meter → reading → charge → balance → warning → cut → top-up → restore, all real: a database
(SQLite file / PostgreSQL), the simulator on TCP sockets, the comms engine, the collector's jobs
triggered directly, and a local HTTP server standing in for the SMS gateway."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import keyring
import pytest
from sqlalchemy import func, select, update

from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve
from app.domain.demo_site import BusSpec, DemoSite, GatewaySpec, MeterSpec
from app.models import Account, Command, LedgerEntry, MeasurementPoint, Notification, Reading
from app.services import Services
from app.services.collector import Collector
from app.services.ledger_check import verify_ledger
from app.services.notifications import NotificationDispatcher
from app.services.secrets import SecretStore
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.notify import MemoryKeyring, RecordingHttpServer, http_server
from tests.fixtures.site import ADMIN, build_small_site

START = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)  # one billing month for the whole run
SPEED = 3600.0  # one simulated hour per second
WAIT_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sim_site(m: Metering, port: int) -> DemoSite:
    meters = []
    for serial, (_pid, address) in enumerate(sorted(m.addresses.items()), start=1):
        water = len(address) == 14
        meters.append(
            MeterSpec(
                serial,
                "water" if water else "single_phase",
                "cjt188" if water else "dlt645-2007",
                "cjt188-water" if water else "dlt645-2007-1p",
                address,
                0x10 if water else None,
                "G1",
                1,
                None,
                False,
                1,
                True,
                False,
                0,
                0,
            )
        )
    return DemoSite(
        seed=0,
        base_port=port,
        site_name="测试小区",
        buildings=(),
        rooms=(),
        gateways=(
            GatewaySpec("G1", "1号网关", "", "tcp", "127.0.0.1", (BusSpec(1, 9600, "E", port),)),
        ),
        meters=tuple(meters),
        dtu_listen_port=free_port(),
    )


@pytest.fixture
def sms() -> Iterator[RecordingHttpServer]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    SecretStore().set("sms.api_key", "e2e-sms-key")
    try:
        with http_server() as server:
            yield server
    finally:
        keyring.set_keyring(previous)


def wait_for(what: str, step: Callable[[], None], done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {what}")
        step()
        time.sleep(0.2)


def test_drain_warn_cut_top_up_restore(services: Services, sms: RecordingHttpServer) -> None:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    elec, water = m.elec["A-1-01"], m.water["A-1-01"]
    acc_no = services.accounts.search(ADMIN, "A-1-01")[0].account_no
    # everybody else has plenty of money; A-1-01 starts with 3.00
    for code in m.elec:
        other = services.accounts.search(ADMIN, code)[0].account_no
        amount = 300 if code == "A-1-01" else 100_000
        services.cashier.top_up(ADMIN, other, amount, "cash", f"e2e-open-{code}")
    with services.db.uow() as uow:
        uow.session.execute(
            update(Account)
            .where(Account.account_no == acc_no)
            .values(warn_threshold_fen=200, urgent_threshold_fen=100)
        )
        uow.commit()
    for key, value in {
        "site.name": "测试小区",
        "notify.tenant_channels": ["sms"],
        "notify.sms.url": f"{sms.base_url}/sms",
        "notify.sms.body": '{"mobile": "{phone}", "content": "{text}", "apikey": "{api_key}"}',
        "notify.sms.api_key_secret": "sms.api_key",
        "notify.sms.timeout_s": 2,
    }.items():
        services.settings.set(ADMIN, key, value)

    with Simulator(sim_site(m, port), turnaround_ms=1, speed=SPEED, start_time=START) as sim:
        for pid, address in m.addresses.items():
            load = {elec: Decimal(600), water: Decimal(20)}.get(pid, Decimal(0))  # W, L/h
            sim.meter(address).curve = ConstantCurve(START, Decimal("100.00"), load)
        elec_meter = sim.meter(m.addresses[elec])
        collector = Collector(
            services.db, clock=sim.clock.now, dispatcher=NotificationDispatcher(services.db)
        )
        # the simulated clocks run 3600 x fast: a broadcast of the PC's time would put them an
        # hour past every control command's validity window after one second
        collector.sync_on_reconnect = False
        with collector:

            def cycle() -> None:
                collector.read_cycle()
                collector.control_cycle()
                collector.dispatch()

            def kinds() -> list[str]:
                with services.db.uow() as uow:
                    return list(
                        uow.session.scalars(
                            select(Notification.kind)
                            .where(Notification.state == "sent")
                            .order_by(Notification.id)
                        )
                    )

            def point_state() -> tuple[str | None, str | None]:
                with services.db.uow() as uow:
                    row = uow.session.execute(
                        select(MeasurementPoint.relay_state, MeasurementPoint.trip_cause).where(
                            MeasurementPoint.id == elec
                        )
                    ).one()
                return row[0], row[1]

            def last_value(point: int) -> Decimal:
                with services.db.uow() as uow:
                    return uow.session.scalars(
                        select(Reading.value)
                        .where(Reading.point_id == point, Reading.register == "total")
                        .order_by(Reading.meter_time.desc())
                        .limit(1)
                    ).one()

            wait_for("the arrears trip", cycle, lambda: point_state() == ("open", "arrears"))
            assert not elec_meter.relay_closed  # the simulated relay really opened
            assert services.accounts.summary(ADMIN, acc_no).balance_fen <= 0
            policy_kinds = [k for k in kinds() if k != "top_up"]
            assert policy_kinds[:3] == ["low_balance_warning", "low_balance_urgent", "cut"]
            bodies = [r.json() for r in sms.requests]
            mine = [b for b in bodies if b["mobile"] == "13800000001"]
            assert any("已到账" in b["content"] and "¥3.00" in b["content"] for b in mine)
            alerts = [b["content"] for b in mine if "已到账" not in b["content"]]
            assert "余额" in alerts[0] and "停止供电" in alerts[2]

            # tripped: electricity stops, water keeps flowing (欠费停电不停水)
            cycle()
            e1, w1 = last_value(elec), last_value(water)
            time.sleep(1.0)
            cycle()
            assert last_value(elec) == e1
            assert last_value(water) > w1

            services.cashier.top_up(ADMIN, acc_no, 1000, "wechat", "e2e-restore")
            report = collector.control_cycle()  # one command cycle
            assert report.confirmed == 1
            assert point_state() == ("closed", None)
            assert elec_meter.relay_closed
            collector.dispatch()
            assert kinds()[-2:] == ["restored", "top_up"] or kinds()[-2:] == ["top_up", "restored"]
            assert any("10.00" in r.json()["content"] for r in sms.requests[-2:])
            time.sleep(0.5)
            cycle()
            assert last_value(elec) > e1  # counting again

    assert verify_ledger(services.db).ok
    with services.db.uow() as uow:
        s = uow.session
        first, last = s.execute(
            select(func.min(Reading.value), func.max(Reading.value)).where(
                Reading.point_id == elec, Reading.register == "total", Reading.status == "ok"
            )
        ).one()
        charged = -s.scalar(
            select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.point_id == elec)
        )
        commands = s.execute(
            select(Command.kind, Command.state).where(Command.point_id == elec).order_by(Command.id)
        ).all()
        water_tripped = s.scalar(
            select(func.count()).select_from(Command).where(Command.point_id == water)
        )
    consumption = last - first
    assert charged == int(
        (consumption * Decimal("0.68") * 100).quantize(Decimal(1), "ROUND_HALF_UP")
    )
    assert [tuple(c) for c in commands] == [("trip", "confirmed"), ("close", "confirmed")]
    assert water_tripped == 0
