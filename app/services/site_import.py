"""Site setup from an Excel workbook (SITE-3): the empty template, the import, the export.

The import reads every sheet, snapshots what the database already holds and validates every row
(:func:`app.domain.site_sheet.validate`) before anything is written. With problems nothing is
written, unless ``valid_only`` is asked for: then the rows without problems (and whose
dependencies are valid or already in the database) are written. The writing is one transaction
of bulk inserts (one statement per table and chunk, never one ORM object per row), with one
audit entry. Opening balances go into the ledger as ``opening_balance`` entries whose idempotency
key (``site-import:opening:<account>:<pocket>``) makes a second import book nothing; opening
readings are readings with source ``import``.

Permissions (SEC-2): the import creates devices (``DEVICE_MANAGE``) and opens accounts
(``ACCOUNT_OPEN``); a file with non-zero opening balances moves money into accounts without a
payment, which is a correction (``ADJUST``). All three are needed, and a whole-site scope
(an operator limited to some buildings may not set up the site): in the default roles only the
administrator (特权操作员) can import. ``Perm.SETTINGS`` alone is not enough — the supervisor holds
it but may not create devices. The export lists tenants, phones and balances of every building:
it needs ``ACCOUNT_VIEW`` and ``DEVICE_MANAGE`` with a whole-site scope.

The export writes the current site (active meters and their points, current tenants, current
balances as opening balances, the last accepted reading of each point as its opening reading) in
the template's format, so that importing it into an empty database reproduces the site.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from app.domain import site_sheet as ss
from app.domain.enums import AccountState, Category, Channel, EntryKind, Pocket
from app.domain.permissions import Perm
from app.errors import PermissionDeniedError, SiteFileError
from app.models import (
    Account,
    Building,
    Bus,
    Floor,
    Gateway,
    LedgerEntry,
    MeasurementPoint,
    Meter,
    Occupancy,
    Reading,
    Room,
    Site,
    Tariff,
    TariffVersion,
    Tenant,
)
from app.models.base import utcnow
from app.services import audit
from app.services.accounts import name_initials
from app.services.context import Actor
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

OPENING_KEY = "site-import:opening:"
OPENING_REFERENCE = "site-import:opening"
OPENING_REASON = "期初余额（站点导入）"
CHUNK = 2000


@dataclass(frozen=True)
class ImportResult:
    written: bool  # False: problems and not valid_only, or a dry run (nothing was written)
    valid_only: bool
    rows: Mapping[str, int]  # data rows per sheet key
    new: Mapping[str, int]  # rows written per sheet key (dry run: rows that would be)
    existing: Mapping[str, int]  # rows already in the database, unchanged
    problems: tuple[ss.Problem, ...]
    ledger_entries: int
    seconds: float

    @property
    def total_new(self) -> int:
        return sum(self.new.values())


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: Mapping[str, int]
    seconds: float


# --- workbook IO ----------------------------------------------------------------------------


def write_workbook(path: Path, records: Mapping[str, Sequence[Any]] | None = None) -> Path:
    """The template (``records`` None) or an export: instructions sheet, then one sheet per
    :data:`~app.domain.site_sheet.SHEETS` entry with header row, note row and data rows
    (openpyxl's write-only mode: rows are streamed, a 20,000-meter site in seconds)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    info = wb.create_sheet(ss.INSTRUCTIONS_TITLE)
    info.column_dimensions["A"].width = 110
    for line in ss.INSTRUCTIONS:
        info.append([line])
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    note_font = Font(italic=True, color="808080")
    note_align = Alignment(wrap_text=True, vertical="top")
    time_format = "yyyy-mm-dd hh:mm:ss"
    for spec in ss.SHEETS:
        ws = wb.create_sheet(spec.title)
        ws.freeze_panes = f"A{ss.FIRST_DATA_ROW}"
        header, notes = [], []
        for j, col in enumerate(spec.columns, start=1):
            width = max(10, len(col.title) * 2 + 2, min(40, len(col.note) + 2))
            ws.column_dimensions[get_column_letter(j)].width = width
            h = WriteOnlyCell(ws, value=col.title)
            h.font, h.fill = head_font, head_fill
            if col.note:
                h.comment = Comment(col.note, "shuidian")
            header.append(h)
            n = WriteOnlyCell(ws, value=col.note or None)
            n.font, n.alignment = note_font, note_align
            notes.append(n)
        ws.append(header)
        ws.append(notes)
        times = {
            j
            for j, c in enumerate(spec.columns)
            if c.key in ("effective_from", "move_in", "meter_time")
        }
        for rec in (records or {}).get(spec.key, ()):
            row: list[Any] = ss.record_cells(spec.key, rec)
            for j in times:
                if row[j] is not None:
                    cell = WriteOnlyCell(ws, value=row[j])
                    cell.number_format = time_format
                    row[j] = cell
            ws.append(row)
    path = Path(path)
    wb.save(path)
    return path


def read_workbook(path: Path) -> tuple[dict[str, list[tuple[int, dict[str, object]]]], list[Any]]:
    """Every data row of every known sheet as (Excel row, {column key: cell value}); and the
    problems of the sheets themselves (a required column missing)."""
    from app.services.xlsx_reader import XlsxReader

    try:
        reader = XlsxReader(Path(path))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise SiteFileError(str(path), "unreadable", str(exc)) from exc
    out: dict[str, list[tuple[int, dict[str, object]]]] = {}
    problems: list[ss.Problem] = []
    with reader:
        titles = set(reader.sheet_names)
        if not any(spec.title in titles for spec in ss.SHEETS):
            raise SiteFileError(str(path), "no_sheets")
        for spec in ss.SHEETS:
            if spec.title not in titles:
                continue
            try:
                out[spec.key], missing = _sheet_rows(spec, reader.rows(spec.title))
            except (KeyError, ValueError, SyntaxError) as exc:
                raise SiteFileError(str(path), "unreadable", f"{spec.title}: {exc}") from exc
            for c in missing:
                problems.append(
                    ss.Problem(
                        spec.title,
                        ss.HEADER_ROW,
                        c.header,
                        "missing_column",
                        (("value", c.header),),
                    )
                )
    return out, problems


def _sheet_rows(
    spec: ss.SheetSpec, rows: Iterable[tuple[int, list[object]]]
) -> tuple[list[tuple[int, dict[str, object]]], list[ss.Column]]:
    by_header = {c.header: c.key for c in spec.columns}
    index: dict[int, str] | None = None
    data: list[tuple[int, dict[str, object]]] = []
    for row_no, values in rows:
        if row_no == ss.HEADER_ROW:
            index = {}
            for j, value in enumerate(values):
                name = ss.cell_text(value).rstrip("*").strip()
                if name in by_header:
                    index[j] = by_header[name]
            missing = [c for c in spec.columns if c.required and c.key not in index.values()]
            if missing:
                return [], missing
            continue
        if row_no < ss.FIRST_DATA_ROW or index is None:
            continue  # the note row
        raw = {key: values[j] if j < len(values) else None for j, key in index.items()}
        if all(v is None or ss.cell_text(v) == "" for v in raw.values()):
            continue
        data.append((row_no, raw))
    if index is None:
        return [], [c for c in spec.columns if c.required]
    return data, []


# --- the database as records ----------------------------------------------------------------


def _chunks(items: Sequence[Any], n: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _s(value: str | None) -> str:
    return value or ""


def load_snapshot(
    s: Session, reading_keys: Sequence[tuple[str, datetime]] = (), *, for_export: bool = False
) -> ss.Snapshot:
    """What the database holds, as workbook records keyed by natural key. ``for_export``: only
    what the export writes (active gateways, meters and points; balances; last readings)."""
    snap = ss.Snapshot()
    rec = snap.records
    for code, name, utility, kind, eff, params, fixed in s.execute(
        select(
            Tariff.code,
            Tariff.name,
            Tariff.utility,
            Tariff.kind,
            TariffVersion.effective_from,
            TariffVersion.params,
            TariffVersion.monthly_fixed_fen,
        )
        .join(TariffVersion, TariffVersion.tariff_id == Tariff.id)
        .order_by(Tariff.code, TariffVersion.effective_from)
    ):
        t = ss.TariffRec(
            code,
            name,
            utility,
            kind,
            eff.replace(microsecond=0),
            json.dumps(params, ensure_ascii=False, sort_keys=True),
            int(fixed),
        )
        rec["tariffs"][ss.key_of("tariffs", t)] = t
    for code, name, order in s.execute(
        select(Building.code, Building.name, Building.sort_order).order_by(
            Building.sort_order, Building.code
        )
    ):
        rec["buildings"][(code,)] = ss.BuildingRec(code, name, order)
    row: Any
    for row in s.execute(
        select(
            Room.code,
            Building.code,
            Floor.number,
            Room.name,
            Room.room_type,
            Room.area_m2,
            Room.occupants,
            Room.notes,
        )
        .join(Building, Building.id == Room.building_id)
        .join(Floor, Floor.id == Room.floor_id)
        .order_by(Room.id)
    ):
        rec["rooms"][(row[0],)] = ss.RoomRec(
            row[0], row[1], row[2], row[3], row[4], row[5] or Decimal(0), row[6], _s(row[7])
        )
    for row in s.execute(
        select(
            Room.code,
            Tenant.name,
            Tenant.phone,
            Tenant.id_number,
            Tenant.messaging_id,
            Occupancy.move_in,
            Tenant.notes,
        )
        .join(Occupancy, Occupancy.tenant_id == Tenant.id)
        .join(Room, Room.id == Occupancy.room_id)
        .where(Occupancy.active)
        .order_by(Room.id)
    ):
        move_in = row[5].replace(microsecond=0) if row[5] is not None else None
        rec["tenants"][(row[0],)] = ss.TenantRec(
            row[0], row[1], _s(row[2]), _s(row[3]), _s(row[4]), move_in, _s(row[6])
        )
    gw_q = select(
        Gateway.code,
        Gateway.name,
        Gateway.transport,
        Gateway.host,
        Gateway.dtu_id,
        Gateway.serial_url,
        Gateway.location,
        Gateway.notes,
    ).order_by(Gateway.id)
    if for_export:
        gw_q = gw_q.where(Gateway.status == "active")
    for row in s.execute(gw_q):
        rec["gateways"][(row[0],)] = ss.GatewayRec(
            row[0], row[1], row[2], *(_s(v) for v in row[3:])
        )
    bus_q = (
        select(
            Gateway.code,
            Bus.number,
            Bus.port,
            Bus.baud,
            Bus.parity,
            Bus.stop_bits,
            Bus.timeout_ms,
            Bus.retries,
            Bus.frame_gap_ms,
        )
        .join(Gateway, Gateway.id == Bus.gateway_id)
        .order_by(Gateway.id, Bus.number)
    )
    if for_export:
        bus_q = bus_q.where(Gateway.status == "active")
    for row in s.execute(bus_q):
        rec["buses"][(row[0], row[1])] = ss.BusRec(*row)
    meter_q = (
        select(
            Gateway.code,
            Bus.number,
            Meter.address,
            Meter.kind,
            Meter.protocol,
            Meter.profile,
            Meter.meter_type,
            Meter.ct_ratio,
            Meter.circuits,
            Meter.has_relay,
            Meter.tou,
            Meter.notes,
        )
        .join(Bus, Bus.id == Meter.bus_id)
        .join(Gateway, Gateway.id == Bus.gateway_id)
        .where(Meter.status == "active")
        .order_by(Meter.id)
    )
    for row in s.execute(meter_q):
        rec["meters"][(row[0], row[1], row[2])] = ss.MeterRec(*row[:11], _s(row[11]))  # type: ignore[call-arg]
    point_q = (
        select(
            MeasurementPoint.code,
            Gateway.code,
            Bus.number,
            Meter.address,
            MeasurementPoint.circuit,
            Room.code,
            Tariff.code,
            MeasurementPoint.name,
            MeasurementPoint.keep_power,
            Meter.status,
        )
        .join(Meter, Meter.id == MeasurementPoint.meter_id)
        .join(Bus, Bus.id == Meter.bus_id)
        .join(Gateway, Gateway.id == Bus.gateway_id)
        .outerjoin(Room, Room.id == MeasurementPoint.room_id)
        .outerjoin(Tariff, Tariff.id == MeasurementPoint.tariff_id)
        .order_by(MeasurementPoint.id)
    )
    if for_export:
        point_q = point_q.where(Meter.status == "active", MeasurementPoint.status == "active")
    for row in s.execute(point_q):
        p = ss.PointRec(
            row[0], row[1], row[2], row[3], row[4], _s(row[5]), _s(row[6]), _s(row[7]), row[8]
        )
        rec["points"][(p.code,)] = p
        if row[9] == "active":
            snap.circuits[(p.gateway, p.bus, p.address, p.circuit)] = p.code
    _load_accounts(s, snap, for_export)
    if for_export:
        _load_last_readings(s, snap)
    elif reading_keys:
        _load_readings(s, snap, reading_keys)
    return snap


def _load_accounts(s: Session, snap: ss.Snapshot, for_export: bool) -> None:
    rows = s.execute(
        select(Room.code, Account.id, Account.account_no, Account.cash_fen, Account.subsidy_fen)
        .join(Occupancy, Occupancy.id == Account.occupancy_id)
        .join(Room, Room.id == Account.room_id)
        .where(Occupancy.active, Account.state != AccountState.CLOSED)
        .order_by(Room.id)
    ).all()
    if for_export:
        for room, _id, _no, cash, subsidy in rows:
            snap.records["balances"][(room,)] = ss.BalanceRec(room, int(cash), int(subsidy))
        return
    counts: dict[int, int] = dict(
        s.execute(
            select(LedgerEntry.account_id, func.count())
            .where(
                (LedgerEntry.idempotency_key.is_(None))
                | (~LedgerEntry.idempotency_key.startswith(OPENING_KEY))
            )
            .group_by(LedgerEntry.account_id)
        ).all()
    )
    opening: dict[int, dict[str, int]] = {}
    for acc_id, pocket, amount in s.execute(
        select(LedgerEntry.account_id, LedgerEntry.pocket, LedgerEntry.amount_fen).where(
            LedgerEntry.idempotency_key.startswith(OPENING_KEY)
        )
    ):
        opening.setdefault(acc_id, {})[pocket] = int(amount)
    for room, acc_id, no, _cash, _subsidy in rows:
        booked = opening.get(acc_id)
        snap.accounts[room] = ss.AccountInfo(
            no,
            counts.get(acc_id, 0),
            None if booked is None else (booked.get(Pocket.CASH, 0), booked.get(Pocket.SUBSIDY, 0)),
        )


def _load_readings(s: Session, snap: ss.Snapshot, keys: Sequence[tuple[str, datetime]]) -> None:
    """The readings already stored at the (point, time) pairs of the file. Queried by point and
    time range (a list of every distinct time could be as long as the file), kept if exact."""
    wanted = set(keys)
    codes = sorted({k[0] for k in keys})
    low, high = min(k[1] for k in keys), max(k[1] for k in keys)
    for part in _chunks(codes):
        for code, register, value, t in s.execute(
            select(MeasurementPoint.code, Reading.register, Reading.value, Reading.meter_time)
            .join(MeasurementPoint, MeasurementPoint.id == Reading.point_id)
            .where(MeasurementPoint.code.in_(part), Reading.meter_time.between(low, high))
        ):
            if (code, t) in wanted:
                r = ss.ReadingRec(code, register, value, t)
                snap.records["readings"][ss.key_of("readings", r)] = r


def _load_last_readings(s: Session, snap: ss.Snapshot) -> None:
    accepted = Reading.status.in_(("ok", "reset"))
    last = (
        select(Reading.point_id, func.max(Reading.meter_time).label("t"))
        .where(accepted)
        .group_by(Reading.point_id)
        .subquery()
    )
    q = (
        select(MeasurementPoint.code, Reading.register, Reading.value, Reading.meter_time)
        .join(MeasurementPoint, MeasurementPoint.id == Reading.point_id)
        .join(last, and_(last.c.point_id == Reading.point_id, last.c.t == Reading.meter_time))
        .join(Meter, Meter.id == MeasurementPoint.meter_id)
        .where(accepted, Meter.status == "active", MeasurementPoint.status == "active")
        .order_by(MeasurementPoint.id, Reading.register)
    )
    for code, register, value, t in s.execute(q):
        r = ss.ReadingRec(code, register, value, t)
        snap.records["readings"][ss.key_of("readings", r)] = r


# --- the service ----------------------------------------------------------------------------


class SiteImportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def write_template(path: Path) -> Path:
        """The empty workbook to fill in (no permission: it holds no data)."""
        return write_workbook(path)

    def export(self, actor: Actor, path: Path) -> ExportResult:
        actor.require(Perm.ACCOUNT_VIEW)
        actor.require(Perm.DEVICE_MANAGE)
        _require_whole_site(actor)
        started = time.monotonic()
        with self.db.uow() as uow:
            snap = load_snapshot(uow.session, for_export=True)
        records = {k: list(v.values()) for k, v in snap.records.items()}
        write_workbook(path, records)
        return ExportResult(
            Path(path), {k: len(v) for k, v in records.items()}, time.monotonic() - started
        )

    def validate(self, actor: Actor, path: Path) -> ImportResult:
        """Check the file against the database; writes nothing."""
        return self.import_file(actor, path, dry_run=True)

    def import_file(
        self, actor: Actor, path: Path, *, valid_only: bool = False, dry_run: bool = False
    ) -> ImportResult:
        actor.require(Perm.DEVICE_MANAGE)
        actor.require(Perm.ACCOUNT_OPEN)
        _require_whole_site(actor)
        started = time.monotonic()
        sheets, sheet_problems = read_workbook(path)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        reading_keys = _reading_keys(sheets.get("readings", ()))
        with self.db.uow() as uow:
            s = uow.session
            snap = load_snapshot(s, reading_keys)
            plan = ss.validate(sheets, snap)
            problems = tuple(sheet_problems) + tuple(plan.problems)
            if any(b.cash_fen or b.subsidy_fen for b in plan.new["balances"]):
                actor.require(Perm.ADJUST)
            write = not dry_run and (not problems or valid_only)
            entries = 0
            new = {k: len(v) for k, v in plan.new.items()}
            if write and any(new.values()):
                entries = _Writer(s, actor, snap).write(plan)
                audit.record(
                    s,
                    actor,
                    "site.import",
                    "site",
                    Path(path).name,
                    after={
                        "sha256": digest,
                        "valid_only": valid_only,
                        "new": new,
                        "existing": dict(plan.existing),
                        "problems": len(problems),
                        "ledger_entries": entries,
                    },
                )
                uow.commit()
        return ImportResult(
            written=write,
            valid_only=valid_only,
            rows=dict(plan.rows),
            new=new if write or dry_run else dict.fromkeys(new, 0),  # dry run: would be new
            existing=dict(plan.existing),
            problems=problems,
            ledger_entries=entries,
            seconds=time.monotonic() - started,
        )


def _require_whole_site(actor: Actor) -> None:
    if actor.building_ids is not None:
        raise PermissionDeniedError(actor.login, "building:*")


def _reading_keys(rows: Sequence[tuple[int, Mapping[str, object]]]) -> list[tuple[str, datetime]]:
    out = []
    for _row, raw in rows:
        try:
            out.append((ss.cell_text(raw.get("point")), ss.parse_local_time(raw.get("meter_time"))))
        except Exception:  # a bad time is reported by the validation
            continue
    return out


def _to_db(col_type: Any, dialect: Any) -> Any:
    """The function turning a Python value into what COPY sends for a column of this type."""
    from enum import Enum

    from sqlalchemy import JSON, TypeDecorator

    if isinstance(col_type, TypeDecorator):
        return lambda v: None if v is None else col_type.process_bind_param(v, dialect)
    if isinstance(col_type, JSON):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    return lambda v: v.value if isinstance(v, Enum) else v


class _Writer:
    """Writes a validated plan with bulk statements, in the caller's transaction."""

    def __init__(self, s: Session, actor: Actor, snap: ss.Snapshot) -> None:
        self.s, self.actor, self.snap = s, actor, snap
        self.now = utcnow().replace(microsecond=0)  # the workbook keeps whole seconds

    @property
    def _pg(self) -> bool:
        return self.s.get_bind().dialect.name == "postgresql"

    def _ids(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows``; their ids in row order. SQLite: executemany with RETURNING.
        PostgreSQL: ids drawn from the table's sequence, rows sent with COPY (multi-row INSERTs
        of this size cost more in the driver's statement parsing than in the database)."""
        if not rows:
            return []
        table = model.__table__
        if self._pg:
            ids = [
                int(i)
                for i in self.s.execute(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"t": table.name, "n": len(rows)},
                ).scalars()
            ]
            self._copy(table, [{"id": i, **r} for i, r in zip(ids, rows, strict=True)])
            return ids
        conn = self.s.connection()
        out: list[int] = []
        for part in _chunks(rows, CHUNK):
            result = conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), list(part)
            )
            out.extend(result.scalars())
        return out

    def _bulk(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = model.__table__
        if self._pg:
            self._copy(table, rows)
            return
        conn = self.s.connection()
        for part in _chunks(rows, CHUNK):
            conn.execute(insert(table), list(part))

    def _copy(self, table: Any, rows: list[dict[str, Any]]) -> None:
        """``COPY table FROM STDIN`` in the session's transaction, values in database form."""
        dialect = self.s.get_bind().dialect
        given = set(rows[0])
        defaults: dict[str, Any] = {}  # the model's Python-side defaults, which COPY skips
        for col in table.columns:
            if col.name not in given and col.default is not None:
                d = col.default
                defaults[col.name] = d.arg(None) if d.is_callable else d.arg
        if defaults:
            rows = [{**defaults, **r} for r in rows]
        names = list(rows[0])
        convert = [_to_db(table.c[n].type, dialect) for n in names]
        raw = self.s.connection().connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([f(row[n]) for f, n in zip(convert, names, strict=True)])

    def _map(self, stmt: Any) -> dict[Any, int]:
        return {tuple(r[:-1]) if len(r) > 2 else r[0]: r[-1] for r in self.s.execute(stmt)}

    def write(self, plan: ss.Plan) -> int:
        s, new = self.s, plan.new
        # tariffs
        tariff_ids: dict[str, int] = self._map(select(Tariff.code, Tariff.id))
        fresh: dict[str, ss.TariffRec] = {}
        for t in new["tariffs"]:
            if t.code not in tariff_ids:
                fresh.setdefault(t.code, t)
        for code, tid in zip(
            fresh,
            self._ids(
                Tariff,
                [
                    {
                        "code": t.code,
                        "name": t.name,
                        "utility": t.utility,
                        "kind": t.kind,
                        "notes": "",
                    }
                    for t in fresh.values()
                ],
            ),
            strict=True,
        ):
            tariff_ids[code] = tid
        self._bulk(
            TariffVersion,
            [
                {
                    "tariff_id": tariff_ids[t.code],
                    "effective_from": t.effective_from,
                    "params": json.loads(t.params),
                    "monthly_fixed_fen": t.monthly_fixed_fen,
                    "created_at": self.now,
                }
                for t in new["tariffs"]
            ],
        )
        # buildings, floors, rooms
        building_ids: dict[str, int] = self._map(select(Building.code, Building.id))
        if new["buildings"]:
            site_id = s.scalar(select(Site.id).order_by(Site.id).limit(1))
            if site_id is None:
                site_id = s.execute(
                    insert(Site).values(code="SITE", name="本站").returning(Site.id)
                ).scalar_one()
            ids = self._ids(
                Building,
                [
                    {"site_id": site_id, "code": b.code, "name": b.name, "sort_order": b.sort_order}
                    for b in new["buildings"]
                ],
            )
            building_ids.update(zip((b.code for b in new["buildings"]), ids, strict=True))
        floor_ids: dict[tuple[str, int], int] = {
            (b, n): fid
            for b, n, fid in s.execute(
                select(Building.code, Floor.number, Floor.id).join(
                    Building, Building.id == Floor.building_id
                )
            )
        }
        want = sorted({(r.building, r.floor) for r in new["rooms"]} - set(floor_ids))
        ids = self._ids(
            Floor,
            [{"building_id": building_ids[b], "number": n, "name": f"{n}层"} for b, n in want],
        )
        floor_ids.update(zip(want, ids, strict=True))
        room_ids: dict[str, int] = self._map(select(Room.code, Room.id))
        ids = self._ids(
            Room,
            [
                {
                    "building_id": building_ids[r.building],
                    "floor_id": floor_ids[(r.building, r.floor)],
                    "code": r.code,
                    "name": r.name,
                    "room_type": r.room_type,
                    "area_m2": r.area,
                    "occupants": r.occupants,
                    "notes": r.notes,
                }
                for r in new["rooms"]
            ],
        )
        room_ids.update(zip((r.code for r in new["rooms"]), ids, strict=True))
        # gateways, buses, meters, points
        gw_ids: dict[str, int] = self._map(select(Gateway.code, Gateway.id))
        ids = self._ids(
            Gateway,
            [
                {
                    "code": g.code,
                    "name": g.name,
                    "location": g.location,
                    "transport": g.transport,
                    "host": g.host or None,
                    "dtu_id": g.dtu_id or None,
                    "serial_url": g.serial_url or None,
                    "notes": g.notes,
                    "created_at": self.now,
                }
                for g in new["gateways"]
            ],
        )
        gw_ids.update(zip((g.code for g in new["gateways"]), ids, strict=True))
        bus_ids: dict[tuple[str, int], int] = {
            (g, n): bid
            for g, n, bid in s.execute(
                select(Gateway.code, Bus.number, Bus.id).join(Gateway, Gateway.id == Bus.gateway_id)
            )
        }
        ids = self._ids(
            Bus,
            [
                {
                    "gateway_id": gw_ids[b.gateway],
                    "number": b.number,
                    "port": b.port,
                    "baud": b.baud,
                    "parity": b.parity,
                    "stop_bits": b.stop_bits,
                    "timeout_ms": b.timeout_ms,
                    "retries": b.retries,
                    "frame_gap_ms": b.frame_gap_ms,
                }
                for b in new["buses"]
            ],
        )
        bus_ids.update(zip(((b.gateway, b.number) for b in new["buses"]), ids, strict=True))
        meter_ids: dict[tuple[str, int, str], int] = {
            (g, n, a): mid
            for g, n, a, mid in s.execute(
                select(Gateway.code, Bus.number, Meter.address, Meter.id)
                .join(Bus, Bus.id == Meter.bus_id)
                .join(Gateway, Gateway.id == Bus.gateway_id)
                .where(Meter.status == "active")
            )
        }
        ids = self._ids(
            Meter,
            [
                {
                    "bus_id": bus_ids[(m.gateway, m.bus)],
                    "kind": m.kind,
                    "protocol": m.protocol,
                    "profile": m.profile,
                    "address": m.address,
                    "meter_type": m.meter_type,
                    "ct_ratio": m.ct_ratio,
                    "circuits": m.circuits,
                    "has_relay": m.has_relay,
                    "tou": m.tou,
                    "status": "active",
                    "installed_at": self.now,
                    "notes": m.notes,
                }
                for m in new["meters"]
            ],
        )
        meter_ids.update(
            zip(((m.gateway, m.bus, m.address) for m in new["meters"]), ids, strict=True)
        )
        meters = {
            **self.snap.records["meters"],
            **{ss.key_of("meters", m): m for m in new["meters"]},
        }
        point_rows = []
        for p in new["points"]:
            mkey = (p.gateway, p.bus, p.address)
            meter = meters[mkey]
            utility = ss.utility_of(meter.kind)
            point_rows.append(
                {
                    "code": p.code,
                    "meter_id": meter_ids[mkey],
                    "circuit": p.circuit,
                    "room_id": room_ids[p.room] if p.room else None,
                    "utility": utility,
                    "tariff_id": tariff_ids[p.tariff] if p.tariff else None,
                    "name": p.name,
                    "keep_power": p.keep_power,
                    "relay_state": "closed" if meter.has_relay else None,
                    "billing_hold": False,
                    "status": "active",
                }
            )
        self._bulk(MeasurementPoint, point_rows)
        # tenants, occupancies, accounts
        accounts = self._open_accounts(new["tenants"], room_ids)
        entries = self._book_balances(new["balances"], accounts)
        self._write_readings(new["readings"])
        return entries

    def _open_accounts(
        self, tenants: list[ss.TenantRec], room_ids: Mapping[str, int]
    ) -> dict[str, tuple[int, str]]:
        """room code → (account id, account no) of every current account, new ones included."""
        s = self.s
        out: dict[str, tuple[int, str]] = {
            room: (aid, no)
            for room, aid, no in s.execute(
                select(Room.code, Account.id, Account.account_no)
                .join(Occupancy, Occupancy.id == Account.occupancy_id)
                .join(Room, Room.id == Account.room_id)
                .where(Occupancy.active, Account.state != AccountState.CLOSED)
            )
        }
        if not tenants:
            return out
        tenant_ids = self._ids(
            Tenant,
            [
                {
                    "name": t.name,
                    "phone": t.phone or None,
                    "id_number": t.id_number or None,
                    "messaging_id": t.messaging_id or None,
                    "name_initials": name_initials(t.name),
                    "notes": t.notes,
                    "created_at": t.move_in or self.now,
                }
                for t in tenants
            ],
        )
        occ_ids = self._ids(
            Occupancy,
            [
                {
                    "room_id": room_ids[t.room],
                    "tenant_id": tid,
                    "move_in": t.move_in or self.now,
                    "active": True,
                }
                for t, tid in zip(tenants, tenant_ids, strict=True)
            ],
        )
        used: dict[int, int] = {}
        for part in _chunks(sorted({room_ids[t.room] for t in tenants})):
            used.update(
                s.execute(
                    select(Occupancy.room_id, func.count())
                    .where(Occupancy.room_id.in_(part))
                    .group_by(Occupancy.room_id)
                ).all()
            )
        rows = []
        for t, tid, oid in zip(tenants, tenant_ids, occ_ids, strict=True):
            rid = room_ids[t.room]
            rows.append(
                {
                    "account_no": f"{t.room}/{used[rid]}",
                    "occupancy_id": oid,
                    "room_id": rid,
                    "tenant_id": tid,
                    "state": AccountState.ACTIVE,
                    "opened_at": t.move_in or self.now,
                }
            )
        for t, aid, row in zip(tenants, self._ids(Account, rows), rows, strict=True):
            out[t.room] = (aid, str(row["account_no"]))
        return out

    def _book_balances(
        self, balances: list[ss.BalanceRec], accounts: Mapping[str, tuple[int, str]]
    ) -> int:
        """Opening balances into the ledger. Each account is new or has no entries (validated),
        so its pockets stand at zero: the entries' running balances follow from the amounts."""
        entries: list[dict[str, Any]] = []
        moves: list[dict[str, Any]] = []
        for b in balances:
            if not (b.cash_fen or b.subsidy_fen):
                continue
            aid, no = accounts[b.room]
            cash = 0
            for pocket, amount in ((Pocket.CASH, b.cash_fen), (Pocket.SUBSIDY, b.subsidy_fen)):
                if not amount:
                    continue
                if pocket == Pocket.CASH:
                    cash = amount
                entries.append(
                    {
                        "account_id": aid,
                        "kind": EntryKind.OPENING,
                        "category": Category.OTHER,
                        "pocket": pocket,
                        "amount_fen": amount,
                        "balance_after_fen": cash + (amount if pocket == Pocket.SUBSIDY else 0),
                        "pocket_after_fen": amount,
                        "operator_id": self.actor.operator_id,
                        "channel": Channel.SYSTEM,
                        "reference": OPENING_REFERENCE,
                        "reason": OPENING_REASON,
                        "idempotency_key": f"{OPENING_KEY}{no}:{pocket}",
                        "created_at": self.now,
                    }
                )
            moves.append({"aid": aid, "cash": b.cash_fen, "subsidy": b.subsidy_fen})
        self._bulk(LedgerEntry, entries)
        if moves:
            t = Account.__table__.c
            self.s.connection().execute(
                update(Account.__table__)  # type: ignore[arg-type]
                .where(t.id == bindparam("aid"))
                .values(
                    cash_fen=t.cash_fen + bindparam("cash"),
                    subsidy_fen=t.subsidy_fen + bindparam("subsidy"),
                    version=t.version + 1,
                ),
                moves,
            )
        return len(entries)

    def _write_readings(self, readings: list[ss.ReadingRec]) -> None:
        if not readings:
            return
        points: dict[str, tuple[int, int]] = {}
        codes = sorted({r.point for r in readings})
        for part in _chunks(codes):
            for code, pid, mid in self.s.execute(
                select(MeasurementPoint.code, MeasurementPoint.id, MeasurementPoint.meter_id).where(
                    MeasurementPoint.code.in_(part)
                )
            ):
                points[code] = (pid, mid)
        self._bulk(
            Reading,
            [
                {
                    "point_id": points[r.point][0],
                    "meter_id": points[r.point][1],
                    "register": r.register,
                    "value": r.value,
                    "meter_time": r.meter_time,
                    "received_at": self.now,
                    "source": "import",
                    "status": "ok",
                }
                for r in readings
            ],
        )


__all__ = ["ExportResult", "ImportResult", "SiteImportService"]
