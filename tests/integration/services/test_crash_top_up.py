"""Crash safety of the cashier desk (issue 8, DATA-3): a process booking top-ups is killed with
SIGKILL at a random moment, 50 times (CRASH_RUNS), on SQLite and PostgreSQL. After every kill
nothing is half-written: each top-up has its receipt and its audit entry, the receipt numbers
have no gap, every balance equals the sum of its entries, and the audit chain verifies."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time

from sqlalchemy import func, select

from app.models import LedgerEntry, Receipt
from app.models.audit import AuditEntry
from app.services import Services
from app.services.audit_check import verify_audit_log
from app.services.ledger_check import verify_ledger
from tests.fixtures import top_up_worker
from tests.fixtures.site import build_small_site

RUNS = int(os.environ.get("CRASH_RUNS", "50"))


def _counts(services: Services) -> tuple[int, int, int]:
    with services.db.uow() as uow:
        s = uow.session
        top_ups = s.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "top_up")
        )
        receipts = s.scalar(select(func.count()).select_from(Receipt))
        audited = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "top_up")
        )
        return int(top_ups or 0), int(receipts or 0), int(audited or 0)


def test_top_ups_killed_at_random_moments(db_url: str, services: Services) -> None:
    build_small_site(services)
    rng = random.Random(20261124)
    # children forked from a server that has imported the app once: a kill every ~0.3 s
    # instead of a new interpreter each time
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.fixtures.top_up_worker"])
    booked_before = 0
    for run in range(RUNS):
        ours, theirs = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=top_up_worker.child, args=(db_url, f"crash{run}", theirs))
        proc.start()
        theirs.close()
        assert ours.poll(60) and ours.recv() == "ready", f"run {run}: the worker did not start"
        time.sleep(rng.uniform(0.0, 0.2))
        proc.kill()  # SIGKILL
        proc.join(timeout=30)
        ours.close()
        assert proc.exitcode == -signal.SIGKILL
        top_ups, receipts, audited = _counts(services)
        assert top_ups == receipts == audited, f"run {run}: half-written top-up"
        assert top_ups > booked_before, f"run {run}: nothing was booked"
        booked_before = top_ups
        ledger = verify_ledger(services.db)
        assert ledger.ok, f"run {run}: {ledger}"
    audit = verify_audit_log(services.db)
    assert audit.ok, audit
