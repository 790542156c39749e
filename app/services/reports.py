"""Report use cases: the monthly report (月报, RPT-2) aggregated from the ledger.

Every figure comes from ``ledger_entries`` in integer fen: the opening balance is the sum of an
account's entries before the month, each movement column the sum of the month's entries of that
kind (top-ups by channel), and the closing balance their sum. Month boundaries are midnights on
the site's wall clock (``site.timezone``, default Asia/Shanghai), compared with the UTC times the
ledger stores. The site totals are checked against sums taken straight from the ledger.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.domain.calendar import local_midnight_utc, site_zone
from app.domain.enums import EntryKind
from app.domain.permissions import Perm
from app.errors import ValidationError
from app.models.account import Account
from app.models.base import utcnow
from app.models.ledger import LedgerEntry
from app.models.site import Building, Room, Tenant
from app.reports.output import atomic_write, check_writable
from app.services.context import Actor
from app.services.settings import read_settings
from app.services.unit_of_work import Database

if TYPE_CHECKING:  # the workbook writer (openpyxl) is imported when a report is first made
    from app.reports.monthly import MonthlyReport

logger = logging.getLogger(__name__)

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_month(text: str) -> tuple[int, int]:
    """``2026-10`` → (2026, 10)."""
    m = _MONTH.match(text or "")
    if not m:
        raise ValidationError("month", f"{text!r} is not a month like 2026-10")
    year, month = int(m.group(1)), int(m.group(2))
    _check_month(year, month)
    return year, month


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise ValidationError("month", f"month {month} is not 1..12")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError("month", f"year {year} is outside {MIN_YEAR}..{MAX_YEAR}")


def month_bounds(year: int, month: int, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month on the site's wall clock, as aware UTC datetimes."""
    _check_month(year, month)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return local_midnight_utc(date(year, month, 1), tz), local_midnight_utc(nxt, tz)


@dataclass(frozen=True)
class MonthlyExport:
    path: Path
    report: MonthlyReport


class _Period:
    """Comparisons of ``ledger_entries.created_at`` with the month's boundaries.

    On SQLite times are text. Databases written before schema 0002 may hold hot-path times on a
    whole second as ``2026-09-30 16:00:00`` while SQLAlchemy writes ``2026-09-30 16:00:00.000000``
    (0002 normalises them, but a restored old backup may not be upgraded yet); compared as text
    the first sorts before the second. The boundaries (always whole seconds) are therefore bound
    in the short form, which sorts correctly against both.
    """

    def __init__(self, start: datetime, end: datetime, is_sqlite: bool) -> None:
        self.start, self.end, self.is_sqlite = start, end, is_sqlite

    def _cmp(self, moment: datetime, before: bool) -> ColumnElement[bool]:
        if self.is_sqlite:
            assert moment.microsecond == 0
            text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
            column = type_coerce(LedgerEntry.created_at, String)
            return column < text if before else column >= text
        return LedgerEntry.created_at < moment if before else LedgerEntry.created_at >= moment

    def before_start(self) -> ColumnElement[bool]:
        return self._cmp(self.start, True)

    def within(self) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        return self._cmp(self.start, False), self._cmp(self.end, True)


def _scoped_entries(stmt: Select[Any], actor: Actor) -> Select[Any]:
    if actor.building_ids is None:
        return stmt
    return (
        stmt.join(Account, Account.id == LedgerEntry.account_id)
        .join(Room, Room.id == Account.room_id)
        .where(Room.building_id.in_(sorted(actor.building_ids)))
    )


def _ledger_sum(session: Session, actor: Actor, *conditions: Any) -> int:
    stmt = (
        select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
        .select_from(LedgerEntry)
        .where(*conditions)
    )
    return int(session.execute(_scoped_entries(stmt, actor)).scalar_one())


class ReportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def monthly(
        self, actor: Actor, year: int, month: int, *, now: datetime | None = None
    ) -> MonthlyReport:
        """The month's figures per account, grouped by building, with the ledger's own sums."""
        from app.reports.monthly import (
            BuildingSection,
            LedgerCheck,
            MonthlyReport,
            MonthlyRow,
            column_for,
        )

        actor.require(Perm.REPORT_EXPORT)
        now = now or utcnow()
        with self.db.uow() as uow:
            s = uow.session
            settings = read_settings(s)
            tz_name = str(settings["site.timezone"])
            zone = site_zone(tz_name)
            start, end = month_bounds(year, month, tz_name)
            if start > now:
                raise ValidationError("month", f"{year}-{month:02d} has not begun yet")
            period = _Period(start, end, self.db.is_sqlite)

            b_stmt = select(Building.id, Building.code, Building.name).order_by(
                Building.sort_order, Building.code
            )
            if actor.building_ids is not None:
                b_stmt = b_stmt.where(Building.id.in_(sorted(actor.building_ids)))
            buildings = s.execute(b_stmt).all()

            a_stmt = (
                select(
                    Account.id,
                    Account.account_no,
                    Account.state,
                    Account.opened_at,
                    Account.closed_at,
                    Room.code,
                    Room.name,
                    Room.building_id,
                    Tenant.name,
                )
                .join(Room, Room.id == Account.room_id)
                .join(Tenant, Tenant.id == Account.tenant_id)
                .order_by(Room.code, Account.id)
            )
            if actor.building_ids is not None:
                a_stmt = a_stmt.where(Room.building_id.in_(sorted(actor.building_ids)))
            accounts = s.execute(a_stmt).all()

            opening: dict[int, int] = {
                acc_id: int(total)
                for acc_id, total in s.execute(
                    select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen))
                    .where(period.before_start())
                    .group_by(LedgerEntry.account_id)
                )
            }
            moves: dict[int, dict[str, int]] = defaultdict(dict)
            kwh: dict[int, Decimal] = defaultdict(Decimal)
            m3: dict[int, Decimal] = defaultdict(Decimal)
            for acc_id, kind, channel, total, qty in s.execute(
                select(
                    LedgerEntry.account_id,
                    LedgerEntry.kind,
                    LedgerEntry.channel,
                    func.sum(LedgerEntry.amount_fen),
                    func.sum(LedgerEntry.quantity),
                )
                .where(*period.within())
                .group_by(LedgerEntry.account_id, LedgerEntry.kind, LedgerEntry.channel)
            ):
                key = column_for(kind, channel)
                moves[acc_id][key] = moves[acc_id].get(key, 0) + int(total)
                if qty is not None and kind == EntryKind.ELECTRICITY_CHARGE:
                    kwh[acc_id] += qty
                elif qty is not None and kind == EntryKind.WATER_CHARGE:
                    m3[acc_id] += qty

            ledger = LedgerCheck(
                opening_fen=_ledger_sum(s, actor, period.before_start()),
                movement_fen=_ledger_sum(s, actor, *period.within()),
            )

        rows_by_building: dict[int, list[MonthlyRow]] = defaultdict(list)
        for row in accounts:
            acc_id, account_no, state, opened_at, closed_at, r_code, r_name, b_id, t_name = row
            live = opened_at < end and (closed_at is None or closed_at >= start)
            if not (live or opening.get(acc_id) or acc_id in moves):
                continue  # closed before the month with nothing left: not part of this month
            rows_by_building[b_id].append(
                MonthlyRow(
                    room_code=r_code,
                    room_name=r_name,
                    tenant_name=t_name,
                    account_no=account_no,
                    state=state,
                    opening_fen=opening.get(acc_id, 0),
                    movements_fen=dict(moves.get(acc_id, {})),
                    electricity_kwh=kwh.get(acc_id, Decimal(0)),
                    water_m3=m3.get(acc_id, Decimal(0)),
                )
            )
        report = MonthlyReport(
            site_name=str(settings["site.name"]),
            year=year,
            month=month,
            timezone=tz_name,
            period_start=start.astimezone(zone),
            period_end=end.astimezone(zone),
            generated_at=now.astimezone(zone),
            buildings=tuple(
                BuildingSection(code, name, tuple(rows_by_building.get(b_id, ())))
                for b_id, code, name in buildings
            ),
            ledger=ledger,
        )
        if not report.reconciled:
            # Every entry belongs to an account and every account to a room of a building, so
            # this means entries the per-account queries did not see: say so loudly.
            logger.error(
                "monthly report %d-%02d does not reconcile: report %s/%s, ledger %s/%s",
                year,
                month,
                report.totals.opening_fen,
                report.totals.total_movement_fen,
                ledger.opening_fen,
                ledger.movement_fen,
            )
        return report

    def export_monthly(
        self, actor: Actor, year: int, month: int, out: Path, *, now: datetime | None = None
    ) -> MonthlyExport:
        """Write the monthly workbook to ``out`` (whole or not at all)."""
        from app.reports.monthly import render_monthly

        target = check_writable(Path(out))
        report = self.monthly(actor, year, month, now=now)
        path = atomic_write(target, render_monthly(report))
        logger.info("monthly report %d-%02d written to %s", year, month, path)
        return MonthlyExport(path, report)
