"""Parameter templates and their download to meters (CTL-6).

A template is a versioned set of profile parameters (e.g. ``overload_power_limit`` =
``{"power_limit_kw": "6.0000"}``). Applying it to points queues one ``set_params`` command per
meter with a snapshot of the version's values; the collector writes each parameter and confirms
it by reading it back. Meters whose profile lacks a parameter are skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.comms.meter_ops import resolve_profile
from app.domain.permissions import Perm
from app.errors import NotFoundError, ValidationError
from app.models.command import Command
from app.models.meter import MeasurementPoint, Meter
from app.models.settlement import ParameterTemplate
from app.models.site import Room
from app.services import audit
from app.services.context import Actor
from app.services.control import enqueue_command
from app.services.unit_of_work import Database


@dataclass(frozen=True)
class ApplyResult:
    queued: dict[int, int]  # point id -> command id
    skipped: dict[int, str]  # point id -> why


@dataclass(frozen=True)
class DownloadStatus:
    point_id: int
    point_code: str
    address: str
    state: str  # pending | sent | confirmed | failed | cancelled
    result: str | None


@dataclass(frozen=True)
class TemplateVersion:
    code: str
    version: int
    name: str
    params: dict[str, dict[str, str]]
    notes: str
    created_at: datetime


@dataclass(frozen=True)
class MeterDownload:
    """The newest parameter download of one point's meter (CTL-6: which template version it
    holds, or what is still on its way)."""

    point_id: int
    point_code: str
    room_code: str
    address: str
    template: str
    version: int | None
    state: str  # pending | sent | confirmed | failed | cancelled
    result: str | None
    finished_at: datetime | None


def _str_params(params: Mapping[str, object]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, values in params.items():
        if isinstance(values, Mapping):
            out[name] = {str(f): str(v) for f, v in values.items()}
    return out


class ParameterService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save_template(
        self,
        actor: Actor,
        code: str,
        name: str,
        params: Mapping[str, Mapping[str, object]],
        notes: str = "",
    ) -> int:
        """A new version of template ``code``; returns the version number."""
        actor.require(Perm.DEVICE_MANAGE)
        code = code.strip()
        if not code or len(code) > 32:
            raise ValidationError("code", "模板编号必填，最多 32 个字符")
        if not params or not all(isinstance(v, Mapping) and v for v in params.values()):
            raise ValidationError("params", "至少需要一个参数，且每个参数要有取值")
        with self.db.uow() as uow:
            s = uow.session
            last = s.scalar(
                select(func.max(ParameterTemplate.version)).where(ParameterTemplate.code == code)
            )
            version = int(last or 0) + 1
            s.add(
                ParameterTemplate(
                    code=code,
                    version=version,
                    name=name,
                    params={k: {f: str(v) for f, v in vals.items()} for k, vals in params.items()},
                    notes=notes,
                    created_at=datetime.now(UTC),
                )
            )
            audit.record(
                s,
                actor,
                "params.template",
                "template",
                f"{code}#{version}",
                None,
                {"params": {k: dict(v) for k, v in params.items()}},
            )
            uow.commit()
            return version

    def apply(
        self, actor: Actor, code: str, point_ids: Sequence[int], *, version: int | None = None
    ) -> ApplyResult:
        """Queue the template's (latest or given) version for each point's meter."""
        actor.require(Perm.DEVICE_CONTROL)
        now = datetime.now(UTC)
        with self.db.uow() as uow:
            s = uow.session
            q = select(ParameterTemplate).where(ParameterTemplate.code == code)
            if version is not None:
                q = q.where(ParameterTemplate.version == version)
            template = s.scalars(q.order_by(ParameterTemplate.version.desc()).limit(1)).first()
            if template is None:
                raise NotFoundError("parameter template", code)
            queued: dict[int, int] = {}
            skipped: dict[int, str] = {}
            for pid in point_ids:
                row = s.execute(
                    select(Meter.protocol, Meter.profile, Meter.address)
                    .join(MeasurementPoint, MeasurementPoint.meter_id == Meter.id)
                    .where(MeasurementPoint.id == pid)
                ).first()
                if row is None:
                    skipped[pid] = "计量点不存在"
                    continue
                profile = resolve_profile(row[1])
                missing = [p for p in template.params if not profile.supports(p)]
                if missing:
                    skipped[pid] = f"表型 {profile.id} 不支持参数：{'、'.join(missing)}"
                    continue
                if row[0] != "dlt645-2007":
                    skipped[pid] = f"{row[0]} 表暂不支持参数下发"
                    continue
                cid = enqueue_command(
                    s,
                    kind="set_params",
                    point_id=pid,
                    rule="params",
                    reason=f"参数模板 {template.code} 第 {template.version} 版",
                    requested_by=actor.operator_id,
                    priority=10,
                    payload={
                        "template": template.code,
                        "version": template.version,
                        "params": dict(template.params),
                    },
                    now=now,
                )
                if cid is None:
                    skipped[pid] = "已有未完成的参数下发命令"
                else:
                    queued[pid] = cid
            audit.record(
                s,
                actor,
                "params.apply",
                "template",
                f"{template.code}#{template.version}",
                None,
                {"queued": sorted(queued), "skipped": {str(k): v for k, v in skipped.items()}},
            )
            uow.commit()
            return ApplyResult(queued, skipped)

    def parameter_fields(self) -> dict[str, tuple[str, ...]]:
        """The downloadable parameters and their value fields (DL/T 645-2007 profile), in the
        profile's order: what a template editor offers."""
        profile = resolve_profile("dlt645-2007-single-phase")
        out: dict[str, tuple[str, ...]] = {}
        for name, spec in profile.parameters.items():
            item = spec.item
            if item is not None:
                out[name] = tuple(f.name for f in item.fields)
        return out

    def templates(self, actor: Actor) -> list[TemplateVersion]:
        """Every version of every template, newest version first within a code."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            rows = list(
                uow.session.scalars(
                    select(ParameterTemplate).order_by(
                        ParameterTemplate.code, ParameterTemplate.version.desc()
                    )
                )
            )
            return [
                TemplateVersion(
                    t.code,
                    t.version,
                    t.name,
                    _str_params(t.params),
                    t.notes,
                    t.created_at,
                )
                for t in rows
            ]

    def downloads(self, actor: Actor) -> list[MeterDownload]:
        """The newest ``set_params`` command of every point that had one (two queries)."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            newest = (
                select(func.max(Command.id).label("id"))
                .where(Command.kind == "set_params")
                .group_by(Command.point_id)
                .subquery()
            )
            rows = s.execute(
                select(
                    Command.point_id,
                    MeasurementPoint.code,
                    Room.code,
                    Meter.address,
                    Command.payload,
                    Command.state,
                    Command.result,
                    Command.finished_at,
                    Room.building_id,
                )
                .join(newest, newest.c.id == Command.id)
                .join(MeasurementPoint, MeasurementPoint.id == Command.point_id)
                .join(Meter, Meter.id == Command.meter_id)
                .outerjoin(Room, Room.id == MeasurementPoint.room_id)
                .order_by(MeasurementPoint.code)
            ).all()
        out: list[MeterDownload] = []
        for pid, point_code, room_code, address, payload, state, result, finished, bid in rows:
            if actor.building_ids is not None and (bid is None or not actor.may_see_building(bid)):
                continue
            payload = payload or {}
            version = payload.get("version")
            out.append(
                MeterDownload(
                    int(pid or 0),
                    point_code,
                    room_code or "",
                    address,
                    str(payload.get("template") or ""),
                    int(version)
                    if isinstance(version, int | str) and str(version).isdigit()
                    else None,
                    state,
                    result,
                    finished,
                )
            )
        return out

    def status(self, code: str) -> list[DownloadStatus]:
        """The latest download command of template ``code`` per point."""
        latest: dict[int, DownloadStatus] = {}
        with self.db.uow() as uow:
            rows = uow.session.execute(
                select(Command, MeasurementPoint.code, Meter.address)
                .join(MeasurementPoint, MeasurementPoint.id == Command.point_id)
                .join(Meter, Meter.id == Command.meter_id)
                .where(Command.kind == "set_params")
                .order_by(Command.id)
            ).all()
            for cmd, point_code, address in rows:
                if (cmd.payload or {}).get("template") != code or cmd.point_id is None:
                    continue
                latest[cmd.point_id] = DownloadStatus(
                    cmd.point_id, point_code, address, cmd.state, cmd.result
                )
        return sorted(latest.values(), key=lambda d: d.point_code)
