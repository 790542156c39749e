"""The collector's scheduled jobs (APScheduler 3), shared by ``python main.py collector`` and the
desktop app (which runs them in-process by default): read cycles, arrears control, catch-up
settlement, time sync, notification dispatch, the daily backup. Every job is guarded: a failure
is logged and the next run goes ahead; runs of one job never overlap."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from app.services.backups import BackupService
from app.services.collector import Collector
from app.services.settings import read_settings
from app.services.settlement import SettlementService

logger = logging.getLogger(__name__)


class CollectorScheduler:
    def __init__(
        self,
        collector: Collector,
        *,
        read_interval_s: int | None = None,
        control_interval_s: int = 10,
        notify_interval_s: int = 30,
        catch_up_interval_s: int = 600,
    ) -> None:
        self.collector = collector
        with collector.db.uow() as uow:
            settings = read_settings(uow.session)
        self.read_interval_s = read_interval_s or int(
            settings.get("collector.read_interval_s") or 900
        )
        sync_at = str(settings.get("collector.time_sync_at") or "03:10")
        hour, minute = (int(x) for x in sync_at.split(":", 1))
        backup_at = str(settings.get("backup.time") or "02:30")
        b_hour, b_minute = (int(x) for x in backup_at.split(":", 1))
        tz = str(settings.get("site.timezone") or "Asia/Shanghai")
        self.scheduler = BackgroundScheduler(timezone=tz)
        jobs: list[tuple[str, Callable[[], Any], dict[str, Any]]] = [
            (
                "read_cycle",
                collector.run_once,
                {"trigger": "interval", "seconds": self.read_interval_s},
            ),
            (
                "control",
                collector.control_cycle,
                {"trigger": "interval", "seconds": control_interval_s},
            ),
            ("notify", collector.dispatch, {"trigger": "interval", "seconds": notify_interval_s}),
            (
                "catch_up",
                lambda: SettlementService(collector.db).settle_pending(),
                {"trigger": "interval", "seconds": catch_up_interval_s},
            ),
            ("time_sync", collector.time_sync, {"trigger": "cron", "hour": hour, "minute": minute}),
            ("property_fee", collector.property_fees, {"trigger": "cron", "hour": 0, "minute": 20}),
            (
                "backup",
                BackupService(collector.db).run_scheduled,
                {"trigger": "cron", "hour": b_hour, "minute": b_minute},
            ),
        ]
        for name, fn, trigger in jobs:
            self.scheduler.add_job(
                _guarded(name, fn), id=name, max_instances=1, coalesce=True, **trigger
            )

    def start(self, *, run_now: bool = True) -> None:
        """Start the jobs; ``run_now``: one whole cycle at once in the background (after a
        restart settlement and pending commands catch up immediately)."""
        self.scheduler.start()
        if run_now:
            self.scheduler.add_job(_guarded("first", self.collector.run_once), id="first")

    def stop(self, *, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)


def _guarded(name: str, fn: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception:  # a failed run must not stop the schedule
            logger.exception("collector job %s failed", name)

    return run
