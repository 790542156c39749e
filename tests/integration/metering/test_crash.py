"""Crash safety of the collector (DATA-3, BILL-3, CTL-4): ``collector --once`` killed with
SIGKILL at random moments — during reads, settlement and command execution — and restarted.
Afterwards every accepted reading is charged exactly once (the charges equal the charge-to-date
recomputed from all stored readings), no command was carried out twice with a different outcome,
and the ledger verifies."""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select, update

from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve
from app.domain.billing import charge_to_date
from app.domain.settle_basis import extend, start_basis
from app.models import Command, LedgerEntry, MeasurementPoint, Reading
from app.services import Services
from app.services.ledger_check import verify_ledger
from app.services.settlement import _readings_after, load_tariffs
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, build_small_site
from tests.integration.metering.test_end_to_end import free_port, sim_site

ROOT = Path(__file__).resolve().parents[3]
KILLS = 12


def collector_once(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "collector", "--once", "--no-notify", "--url", url],
        cwd=ROOT,
        env={**os.environ, "SHUIDIAN_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_collector_killed_at_random_moments(
    db_url: str, services: Services, tmp_path: Path
) -> None:
    url = db_url
    db = services.db
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    with db.uow() as uow:  # fast simulated time: no spike holds in this test
        uow.session.execute(update(MeasurementPoint).values(max_step=Decimal(100000)))
        uow.commit()
    accounts = {code: services.accounts.search(ADMIN, code)[0].account_no for code in m.elec}
    for code, acc in accounts.items():
        if code != "A-1-01":
            services.cashier.top_up(ADMIN, acc, 100_000, "cash", f"crash-{code}")
    target = accounts["A-1-01"]  # starts at 0: the policy trips it
    rng = random.Random(20261124)
    with Simulator(sim_site(m, port), turnaround_ms=2) as sim:  # real-time clocks
        for address in m.addresses.values():
            sim.meter(address).curve = ConstantCurve(
                sim.clock.now(), Decimal("100.00"), Decimal(30_000)
            )
        for i in range(KILLS):
            # flip the target account between owing and paid, so trips and closes are queued
            if i % 3 == 1:
                services.cashier.top_up(ADMIN, target, 5_000, "cash", f"crash-top-up-{i}")
            elif i % 3 == 2:
                balance = services.accounts.summary(ADMIN, target).balance_fen
                services.cashier.adjust(ADMIN, target, -(balance + 100), f"测试扣回 {i}")
            proc = collector_once(url, tmp_path)
            time.sleep(rng.uniform(0.8, 3.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        final = subprocess.run(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "collector",
                "--once",
                "--no-notify",
                "--url",
                url,
            ],
            cwd=ROOT,
            env={**os.environ, "SHUIDIAN_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert final.returncode == 0, final.stdout + final.stderr
        relay_closed = sim.meter(m.addresses[m.elec["A-1-01"]]).relay_closed

    assert verify_ledger(db).ok
    with db.uow() as uow:
        s = uow.session
        tariffs = load_tariffs(s)
        for pid in m.elec.values():
            reads = _readings_after(s, pid, None)
            if len(reads) < 2:
                continue
            tariff = tariffs[m.tariff_ids["E-FLAT"]][0]
            period = tariff.period_containing(reads[-1].meter_time)
            basis = start_basis(period, period.start, reads[0])
            for r in reads[1:]:
                basis = extend(basis, tariff, r)
            expected = charge_to_date(tariff, basis.to_segments(), period).total_fen
            charged = -int(
                s.scalar(
                    select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
                        LedgerEntry.point_id == pid
                    )
                )
                or 0
            )
            assert charged == expected, f"point {pid}: charged {charged}, readings say {expected}"
        # each reading stored once per point/register/time (the unique key holds; count them)
        dupes = s.execute(
            select(Reading.point_id, Reading.register, Reading.meter_time, func.count())
            .group_by(Reading.point_id, Reading.register, Reading.meter_time)
            .having(func.count() > 1)
        ).all()
        assert dupes == []
        confirmed = [
            k
            for (k,) in s.execute(
                select(Command.kind)
                .where(Command.point_id == m.elec["A-1-01"], Command.state == "confirmed")
                .order_by(Command.finished_at, Command.id)
            )
        ]
        state = s.scalar(
            select(MeasurementPoint.relay_state).where(MeasurementPoint.id == m.elec["A-1-01"])
        )
        open_cmds = s.scalar(
            select(func.count())
            .select_from(Command)
            .where(Command.state.in_(("sent",)), Command.lease_until.is_not(None))
        )
    assert confirmed, "the policy never got a command through"
    # trips and closes alternate: no command took effect twice
    assert all(a != b for a, b in itertools.pairwise(confirmed)), confirmed
    # the recorded switch state is the meter's
    assert state == ("closed" if relay_closed else "open")
    assert open_cmds == 0
