"""Multi-desk safety on PostgreSQL (issue 8): four desk processes book top-ups, refunds,
adjustments and reversals on the same accounts while also ingesting and settling meter readings,
for DESK_TEST_SECONDS (default 30). Afterwards the ledger and the audit chain verify, every
balance is exactly its opening plus what the desks booked minus what settlement charged, and
every point was charged exactly its consumption × price."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select

from app.models import Account, LedgerEntry, MeasurementPoint
from app.services import Services
from app.services.audit_check import verify_audit_log
from app.services.ledger_check import verify_ledger
from app.services.unit_of_work import Database
from tests.fixtures.metering import TARIFFS, add_metering
from tests.fixtures.site import build_small_site

ROOT = Path(__file__).resolve().parents[3]
DESKS = 4
SECONDS = float(os.environ.get("DESK_TEST_SECONDS", "30"))


def test_four_desks_on_overlapping_accounts(pg_schema_url: str, tmp_path: Path) -> None:
    db = Database(pg_schema_url)
    db.upgrade()
    services = Services(db)
    build_small_site(services)
    add_metering(services)
    with db.uow() as uow:
        opening = {
            no: int(b)
            for no, b in uow.session.execute(
                select(Account.account_no, Account.cash_fen + Account.subsidy_fen)
            )
        }
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fixtures.desk_worker",
                pg_schema_url,
                str(k),
                str(DESKS),
                str(SECONDS),
                str(tmp_path / f"desk{k}.json"),
            ],
            cwd=ROOT,
        )
        for k in range(DESKS)
    ]
    for p in procs:
        assert p.wait(timeout=SECONDS + 300) == 0
    results = [json.loads((tmp_path / f"desk{k}.json").read_text()) for k in range(DESKS)]
    assert [r["errors"] for r in results] == [[]] * DESKS
    for k, r in enumerate(results):
        print(
            f"desk {k}: {r['operations']} operations, {len(r['moves'])} money operations, "
            f"{r['refused']} refused, {len(r['last'])} points read"
        )
    assert all(r["operations"] > 10 and len(r["moves"]) > 5 for r in results)

    ledger = verify_ledger(db)
    assert ledger.ok, ledger
    audit = verify_audit_log(db)
    assert audit.ok, audit

    moved: dict[str, int] = defaultdict(int)
    for r in results:
        for acc, fen in r["moves"]:
            moved[acc] += fen
    first = {int(k): Decimal(v) for r in results for k, v in r["first"].items()}
    last = {int(k): Decimal(v) for r in results for k, v in r["last"].items()}
    with db.uow() as uow:
        s = uow.session
        balances = {
            no: int(b)
            for no, b in s.execute(
                select(Account.account_no, Account.cash_fen + Account.subsidy_fen)
            )
        }
        charged = {
            pid: -int(total)
            for pid, total in s.execute(
                select(LedgerEntry.point_id, func.sum(LedgerEntry.amount_fen))
                .where(LedgerEntry.point_id.is_not(None))
                .group_by(LedgerEntry.point_id)
            )
        }
        charged_by_account: dict[str, int] = defaultdict(int)
        for acc_no, total in s.execute(
            select(Account.account_no, func.sum(LedgerEntry.amount_fen))
            .join(Account, Account.id == LedgerEntry.account_id)
            .where(LedgerEntry.point_id.is_not(None))
            .group_by(Account.account_no)
        ):
            charged_by_account[acc_no] = -int(total)
        price = {
            pid: Decimal(TARIFFS["W-STD" if utility == "water" else "E-FLAT"][2]["price"])
            for pid, utility in s.execute(select(MeasurementPoint.id, MeasurementPoint.utility))
        }
    for acc_no, balance in balances.items():
        assert balance == opening[acc_no] + moved[acc_no] - charged_by_account[acc_no], acc_no
    assert last, "no readings were settled"
    for pid, value in last.items():
        expected = ((value - first[pid]) * price[pid] * 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        assert charged.get(pid, 0) == int(expected), pid
    db.dispose()
