"""The site workbook (SITE-3): sheets and columns, cell parsing, and the validation of every row.

Pure: the service reads the workbook into plain rows and snapshots what the database already
holds (:class:`Snapshot`); :func:`validate` checks every row against the other rows of the file
and the snapshot and returns a :class:`Plan` — what is new, what is already there unchanged, and
every problem with its sheet, row number and reason. Nothing here touches a database or Qt.

Natural keys (a re-import of the same file finds every row already there and changes nothing):
tariff code + effective time, building code, room code, tenant = the room's current tenant,
gateway code, bus = gateway + number, meter = gateway + bus + address (active meters), point
code, opening balance = the room's current account, opening reading = point + register + time.
A key already in the database with other values is a problem (``conflict``), never an update:
the import sets a site up, the device and room pages edit it.

Times in the workbook are the site's wall clock (Asia/Shanghai), without a zone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.calendar import site_zone
from app.domain.meter_address import BAUDS, BCD_DIGITS, AddressError, normalize_address
from app.domain.money import parse_yuan, yuan_to_fen
from app.errors import ShuidianError

# --- sheets and columns ---------------------------------------------------------------------

HEADER_ROW = 1
NOTE_ROW = 2
FIRST_DATA_ROW = 3


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese; a required column's header ends with "*"
    note: str
    required: bool = False

    @property
    def title(self) -> str:
        return self.header + ("*" if self.required else "")


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    columns: tuple[Column, ...]


def _c(key: str, header: str, note: str, required: bool = False) -> Column:
    return Column(key, header, note, required)


UTILITIES = {"electricity": "电", "water": "水", "hot_water": "热水", "gas": "燃气", "heat": "热"}
TARIFF_KINDS = {"flat": "单一价", "tiered": "阶梯价", "tou": "分时价"}
ROOM_TYPES = {"shop": "门面", "dormitory": "宿舍", "office": "办公", "enterprise": "企业"}
TRANSPORTS = {"tcp": "TCP透传", "dtu": "4G DTU", "serial": "串口"}
METER_KINDS = {
    "single_phase": "单相电表",
    "three_phase": "三相电表",
    "multi_circuit": "多回路电表",
    "water": "冷水表",
    "hot_water": "热水表",
    "gas": "燃气表",
    "heat": "热量表",
}
PROTOCOLS = ("dlt645-2007", "dlt645-1997", "cjt188", "modbus")
REGISTERS = ("total", "t1", "t2", "t3", "t4")
WATER_KINDS = ("water", "hot_water")

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "tariffs",
        "价格",
        (
            _c("code", "价格编码", "唯一编码，如 E-RES", True),
            _c("name", "名称", "如 居民电价", True),
            _c("utility", "类别", "电 / 水 / 热水 / 燃气 / 热", True),
            _c("kind", "计价方式", "单一价 / 阶梯价 / 分时价", True),
            _c("effective_from", "生效时间", "YYYY-MM-DD HH:MM:SS（当地时间）", True),
            _c("params", "价格参数", 'JSON，如 {"price": "0.6800"}', True),
            _c("monthly_fixed", "月固定费(元)", "可空，默认 0"),
        ),
    ),
    SheetSpec(
        "buildings",
        "楼栋",
        (
            _c("code", "楼栋编码", "唯一编码，如 A", True),
            _c("name", "名称", "如 A栋 商业街", True),
            _c("sort_order", "排序", "整数，可空"),
        ),
    ),
    SheetSpec(
        "rooms",
        "房间",
        (
            _c("code", "房间编码", "唯一编码，如 A-1-05", True),
            _c("building", "楼栋编码", "楼栋表或系统中已有的楼栋", True),
            _c("floor", "楼层", "整数，如 1；地下室为负数", True),
            _c("name", "名称", "如 A栋105室", True),
            _c("room_type", "类型", "门面 / 宿舍 / 办公 / 企业", True),
            _c("area", "面积(m²)", "最多 2 位小数，可空"),
            _c("occupants", "人数", "整数，可空"),
            _c("notes", "备注", ""),
        ),
    ),
    SheetSpec(
        "tenants",
        "租户",
        (
            _c("room", "房间编码", "每个房间一位当前租户；导入时开户", True),
            _c("name", "租户名称", "个人或商户名称", True),
            _c("phone", "电话", "数字，可含 -"),
            _c("id_number", "证件号", "可空"),
            _c("messaging_id", "消息ID", "如微信 openid，可空"),
            _c("move_in", "入住时间", "YYYY-MM-DD HH:MM:SS，可空（导入时刻）"),
            _c("notes", "备注", ""),
        ),
    ),
    SheetSpec(
        "gateways",
        "网关",
        (
            _c("code", "网关编码", "唯一编码，如 GW001", True),
            _c("name", "名称", "如 1号数据网关", True),
            _c("transport", "接入方式", "TCP透传 / 4G DTU / 串口", True),
            _c("host", "主机", "TCP透传必填：IP 或主机名"),
            _c("dtu_id", "DTU注册码", "4G DTU 必填"),
            _c("serial_url", "串口地址", "串口必填，如 serial:///dev/ttyUSB0"),
            _c("location", "位置", ""),
            _c("notes", "备注", ""),
        ),
    ),
    SheetSpec(
        "buses",
        "总线",
        (
            _c("gateway", "网关编码", "网关表或系统中已有的网关", True),
            _c("number", "总线号", "1–6", True),
            _c("port", "TCP端口", "TCP透传必填"),
            _c("baud", "波特率", "默认 2400"),
            _c("parity", "校验", "E / N / O，默认 E"),
            _c("stop_bits", "停止位", "1 或 2，默认 1"),
            _c("timeout_ms", "超时(ms)", "100–30000，默认 1500"),
            _c("retries", "重试次数", "0–5，默认 2"),
            _c("frame_gap_ms", "帧间隔(ms)", "0–2000，默认 50"),
        ),
    ),
    SheetSpec(
        "meters",
        "表具",
        (
            _c("gateway", "网关编码", "", True),
            _c("bus", "总线号", "该网关上已有的总线", True),
            _c("address", "表地址", "DL/T 645：12 位数字；CJ/T 188：14 位；Modbus：1–247", True),
            _c("kind", "表类型", "单相电表 / 三相电表 / 多回路电表 / 冷水表 / 热水表 …", True),
            _c("protocol", "规约", "dlt645-2007 / dlt645-1997 / cjt188 / modbus", True),
            _c("profile", "型号配置", "可空，按规约取默认"),
            _c("meter_type", "CJ188类型", "CJ/T 188 表类型字节（十进制），可空"),
            _c("ct_ratio", "CT变比", "默认 1"),
            _c("circuits", "回路数", "默认 1；多回路电表最多 12"),
            _c("has_relay", "有继电器/阀门", "是 / 否，默认 是"),
            _c("tou", "分时", "是 / 否，默认 否"),
            _c("notes", "备注", ""),
        ),
    ),
    SheetSpec(
        "points",
        "计量点",
        (
            _c("code", "计量点编码", "唯一编码，如 E00001", True),
            _c("gateway", "网关编码", "所属表具的网关", True),
            _c("bus", "总线号", "所属表具的总线", True),
            _c("address", "表地址", "所属表具的地址", True),
            _c("circuit", "回路", "默认 1"),
            _c("room", "房间编码", "空 = 公共区域"),
            _c("tariff", "价格编码", "价格表或系统中已有的价格"),
            _c("name", "名称", ""),
            _c("keep_power", "保电", "是 / 否，默认 否"),
        ),
    ),
    SheetSpec(
        "balances",
        "期初余额",
        (
            _c("room", "房间编码", "该房间当前租户的账户", True),
            _c("cash", "现金余额(元)", "最多 2 位小数，可为负（欠费）", True),
            _c("subsidy", "补贴余额(元)", "可空，默认 0"),
        ),
    ),
    SheetSpec(
        "readings",
        "期初读数",
        (
            _c("point", "计量点编码", "", True),
            _c("register", "寄存器", "total（总）/ t1 尖 / t2 峰 / t3 平 / t4 谷，默认 total"),
            _c("value", "读数", "最多 4 位小数", True),
            _c("meter_time", "抄表时间", "YYYY-MM-DD HH:MM:SS（当地时间）", True),
        ),
    ),
)
SHEET_BY_KEY: dict[str, SheetSpec] = {s.key: s for s in SHEETS}
INSTRUCTIONS_TITLE = "说明"
INSTRUCTIONS = (
    "站点批量导入模板：每张表第 1 行为列名（带 * 为必填），第 2 行为说明，从第 3 行起填写数据。",
    "导入先检查所有行，列出每个问题的表名、行号和原因；全部无误才写入（或选择“只导入有效行”）。",
    "同一文件重复导入不会改变任何数据：已存在且内容相同的行会跳过；已存在但内容不同的行报告为问题。",
    "金额以元填写（最多 2 位小数），读数最多 4 位小数；时间为当地时间。",
    "期初余额记入账户流水（期初余额），期初读数作为计费起点。",
)


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One bad row: ``code`` names the rule, ``params`` its data; :meth:`text` in Chinese."""

    sheet: str  # the sheet's title, e.g. 房间
    row: int  # Excel row number
    column: str  # the column's header, or "" for the whole row
    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def param(self) -> dict[str, str]:
        return dict(self.params)

    def text(self) -> str:
        where = f"{self.sheet} 第 {self.row} 行"
        if self.column:
            where += f"【{self.column}】"
        return f"{where}：{describe(self.code, self.param)}"


_REASONS = {
    "required": "必填项为空",
    "bad_int": "不是整数：{value}",
    "bad_bool": "应为 是 或 否：{value}",
    "bad_choice": "取值无效：{value}（可填：{choices}）",
    "bad_money": "金额无效：{value}（{reason}）",
    "bad_decimal": "数值无效：{value}（{reason}）",
    "bad_datetime": "时间无效：{value}（格式 YYYY-MM-DD HH:MM:SS）",
    "too_long": "超过 {limit} 个字符",
    "out_of_range": "{value} 超出范围 {low}–{high}",
    "bad_json": "价格参数不是有效的 JSON：{reason}",
    "bad_price": "价格参数中的 {field} 无效（价格应为不超过 4 位小数的非负数）",
    "bad_phone": "电话只能含数字和 -，最多 20 位：{value}",
    "bad_address": "表地址 {value} 无效：应为 {digits} 位数字（BCD）",
    "bad_modbus_address": "Modbus 地址 {value} 无效：应为 1–247",
    "protocol_kind": "规约 {protocol} 与表类型 {kind} 不符",
    "host_required": "TCP透传网关必须填写主机",
    "dtu_id_required": "4G DTU 网关必须填写 DTU 注册码",
    "serial_url_required": "串口网关必须填写以 serial:// 开头的串口地址",
    "port_required": "TCP透传网关的总线必须填写 TCP 端口",
    "duplicate": "与第 {other} 行重复（{key}）",
    "unknown_building": "楼栋 {value} 不存在（楼栋表和系统中都没有）",
    "unknown_room": "房间 {value} 不存在（房间表和系统中都没有）",
    "unknown_gateway": "网关 {value} 不存在（网关表和系统中都没有）",
    "unknown_bus": "网关 {gateway} 没有 {bus} 号总线",
    "unknown_meter": "计量点对应的表具不存在：网关 {gateway} {bus} 号总线 地址 {address}",
    "unknown_tariff": "价格 {value} 不存在（价格表和系统中都没有）",
    "unknown_point": "计量点 {value} 不存在（计量点表和系统中都没有）",
    "tariff_utility": "价格 {value} 是{tariff_utility}价，计量点计量的是{utility}",
    "tariff_mismatch": "同一价格编码 {value} 的名称、类别或计价方式前后不一致（见第 {other} 行）",
    "circuit_range": "回路 {value} 超出表具的回路数 {circuits}",
    "circuit_taken": "表具的第 {value} 回路已属于计量点 {other}",
    "no_account": "房间 {value} 没有租户账户（先在租户表中填写租户）",
    "account_has_entries": "账户 {value} 已有流水，不能再导入期初余额",
    "room_occupied": "房间 {value} 已有租户 {other}",
    "conflict": "系统中已有 {key}，但内容不同（{fields}）",
    "depends": "所依赖的{what} {key} 有错误（{sheet} 第 {other} 行）",
    "missing_column": "缺少必填列 {value}",
}


def describe(code: str, params: Mapping[str, str]) -> str:
    template = _REASONS.get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return f"{template} {dict(params)}"


class _Bad(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = tuple((k, str(v)) for k, v in params.items())


# --- cell parsing ---------------------------------------------------------------------------

_YES = {"是", "y", "yes", "true", "1", "√", "有"}
_NO = {"否", "n", "no", "false", "0", "", "无"}
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_PHONE = re.compile(r"^[0-9-]{1,20}$")


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing ``.0`` (Excel keeps whole numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        d = Decimal(repr(value))
        return str(d.to_integral_value()) if d == d.to_integral_value() else str(d)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def _text(value: object, limit: int = 128) -> str:
    t = cell_text(value)
    if len(t) > limit:
        raise _Bad("too_long", limit=limit)
    return t


def _int(value: object, low: int, high: int) -> int:
    t = cell_text(value)
    if not re.fullmatch(r"[+-]?\d+", t):
        raise _Bad("bad_int", value=t)
    n = int(t)
    if not low <= n <= high:
        raise _Bad("out_of_range", value=n, low=low, high=high)
    return n


def _bool(value: object) -> bool:
    t = cell_text(value).lower()
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise _Bad("bad_bool", value=cell_text(value))


def _choice(value: object, labels: Mapping[str, str]) -> str:
    """A code given by its code or by its Chinese label."""
    t = cell_text(value)
    if t in labels:
        return t
    for code, label in labels.items():
        if t == label:
            return code
    raise _Bad("bad_choice", value=t, choices=" / ".join(labels.values()))


def _decimal(value: object, places: int) -> Decimal:
    if isinstance(value, bool):
        raise _Bad("bad_decimal", value=value, reason="不是数字")
    t = cell_text(value)
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise _Bad("bad_decimal", value=t, reason="不是数字") from None
    if not d.is_finite():
        raise _Bad("bad_decimal", value=t, reason="不是数字")
    if d < 0:
        raise _Bad("bad_decimal", value=t, reason="不能为负")
    if d != d.quantize(Decimal(1).scaleb(-places)):
        raise _Bad("bad_decimal", value=t, reason=f"最多 {places} 位小数")
    if d >= Decimal(10) ** 13:
        raise _Bad("bad_decimal", value=t, reason="数值过大")
    return d


def parse_money_cell(value: object) -> int:
    """Yuan in a cell → integer fen (text through :func:`parse_yuan`, numbers exactly)."""
    try:
        if isinstance(value, bool):
            raise _Bad("bad_money", value=value, reason="不是金额")
        if isinstance(value, int | Decimal):
            return yuan_to_fen(value)
        if isinstance(value, float):
            return yuan_to_fen(Decimal(repr(value)))
        return parse_yuan(cell_text(value))
    except ShuidianError as exc:
        reason = getattr(exc, "reason", str(exc))
        if "fractions of a fen" in reason:
            reason = "最多 2 位小数"
        elif "not a number" in reason:
            reason = "不是金额"
        raise _Bad("bad_money", value=cell_text(value), reason=reason) from None


def parse_local_time(value: object) -> datetime:
    """A wall-clock time of the site (cell datetime or text) → aware UTC."""
    if isinstance(value, datetime):
        naive = value.replace(microsecond=0) if value.tzinfo is None else value
    else:
        t = cell_text(value)
        for fmt in _TIME_FORMATS:
            try:
                naive = datetime.strptime(t, fmt)
                break
            except ValueError:
                continue
        else:
            raise _Bad("bad_datetime", value=t)
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=site_zone()).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """Aware UTC → the naive wall-clock time written to the workbook (whole seconds: the
    workbook's time precision)."""
    return moment.astimezone(site_zone()).replace(tzinfo=None, microsecond=0)


def check_meter_address(protocol: str, address: str) -> str:
    """The address as stored (nameplate order), or a problem ``bad_address``."""
    try:
        # a protocol the sheet does not know was reported on its own cell: read it as Modbus
        return normalize_address(protocol if protocol in BCD_DIGITS else "modbus", address)
    except AddressError as exc:
        if exc.problem == "bcd":
            raise _Bad("bad_address", value=exc.value, digits=exc.digits) from exc
        raise _Bad("bad_modbus_address", value=exc.value) from exc


def utility_of(kind: str) -> str:
    return kind if kind in ("water", "hot_water", "gas", "heat") else "electricity"


# --- records (one per row; the exporter produces the same from the database) -----------------


@dataclass(frozen=True)
class TariffRec:
    code: str
    name: str
    utility: str
    kind: str
    effective_from: datetime
    params: str  # canonical JSON text
    monthly_fixed_fen: int = 0


@dataclass(frozen=True)
class BuildingRec:
    code: str
    name: str
    sort_order: int = 0


@dataclass(frozen=True)
class RoomRec:
    code: str
    building: str
    floor: int
    name: str
    room_type: str
    area: Decimal = Decimal(0)
    occupants: int = 0
    notes: str = ""


@dataclass(frozen=True)
class TenantRec:
    room: str
    name: str
    phone: str = ""
    id_number: str = ""
    messaging_id: str = ""
    move_in: datetime | None = None
    notes: str = ""


@dataclass(frozen=True)
class GatewayRec:
    code: str
    name: str
    transport: str
    host: str = ""
    dtu_id: str = ""
    serial_url: str = ""
    location: str = ""
    notes: str = ""


@dataclass(frozen=True)
class BusRec:
    gateway: str
    number: int
    port: int | None = None
    baud: int = 2400
    parity: str = "E"
    stop_bits: int = 1
    timeout_ms: int = 1500
    retries: int = 2
    frame_gap_ms: int = 50


@dataclass(frozen=True)
class MeterRec:
    gateway: str
    bus: int
    address: str
    kind: str
    protocol: str
    profile: str = ""
    meter_type: int | None = None
    ct_ratio: int = 1
    circuits: int = 1
    has_relay: bool = True
    tou: bool = False
    notes: str = ""


@dataclass(frozen=True)
class PointRec:
    code: str
    gateway: str
    bus: int
    address: str
    circuit: int = 1
    room: str = ""
    tariff: str = ""
    name: str = ""
    keep_power: bool = False


@dataclass(frozen=True)
class BalanceRec:
    room: str
    cash_fen: int
    subsidy_fen: int = 0


@dataclass(frozen=True)
class ReadingRec:
    point: str
    register: str
    value: Decimal
    meter_time: datetime


Record = (
    TariffRec
    | BuildingRec
    | RoomRec
    | TenantRec
    | GatewayRec
    | BusRec
    | MeterRec
    | PointRec
    | BalanceRec
    | ReadingRec
)

DEFAULT_PROFILES = {
    "dlt645-2007": "dlt645-2007-single-phase",
    "dlt645-1997": "dlt645-1997-single-phase",
    "cjt188": "cjt188-cold-water",
    "modbus": "modbus-single-phase",
}


def key_of(sheet: str, rec: Any) -> tuple[Any, ...]:
    """The natural key of a record (see the module docstring)."""
    if sheet == "tariffs":
        return (rec.code, rec.effective_from)
    if sheet in ("buildings", "rooms", "gateways", "points"):
        return (rec.code,)
    if sheet in ("tenants", "balances"):
        return (rec.room,)
    if sheet == "buses":
        return (rec.gateway, rec.number)
    if sheet == "meters":
        return (rec.gateway, rec.bus, rec.address)
    if sheet == "readings":
        return (rec.point, rec.register, rec.meter_time)
    raise KeyError(sheet)


def key_text(key: tuple[Any, ...]) -> str:
    return " / ".join(
        to_local(k).strftime("%Y-%m-%d %H:%M:%S") if isinstance(k, datetime) else str(k)
        for k in key
    )


# --- per-sheet row parsers ------------------------------------------------------------------

Raw = Mapping[str, object]


class _RowParser:
    """Parses one row, collecting a problem per bad cell (every bad cell is reported)."""

    def __init__(self, sheet: SheetSpec, row: int, raw: Raw) -> None:
        self.sheet, self.row, self.raw = sheet, row, raw
        self.problems: list[Problem] = []
        self._headers = {c.key: c.header for c in sheet.columns}

    def problem(self, key: str, code: str, params: tuple[tuple[str, str], ...] = ()) -> None:
        self.problems.append(
            Problem(self.sheet.title, self.row, self._headers.get(key, ""), code, params)
        )

    def get(self, key: str, parse: Any = None, default: Any = None, required: bool = False) -> Any:
        value = self.raw.get(key)
        if cell_text(value) == "":
            if required:
                self.problem(key, "required")
            return default
        if parse is None:
            parse = _text
        try:
            return parse(value)
        except _Bad as bad:
            self.problem(key, bad.code, bad.params)
            return default


def _parse_tariff(p: _RowParser) -> TariffRec | None:
    code = p.get("code", required=True)
    name = p.get("name", required=True)
    utility = p.get("utility", lambda v: _choice(v, UTILITIES), required=True)
    kind = p.get("kind", lambda v: _choice(v, TARIFF_KINDS), required=True)
    eff = p.get("effective_from", parse_local_time, required=True)
    params = p.get("params", lambda v: _text(v, 4000), required=True)
    fixed = p.get("monthly_fixed", parse_money_cell, 0)
    canonical = ""
    if params:
        try:
            loaded = json.loads(params)
            if not isinstance(loaded, dict):
                raise ValueError("应为 {…}")
            canonical = json.dumps(loaded, ensure_ascii=False, sort_keys=True)
        except ValueError as exc:
            p.problem("params", "bad_json", (("reason", str(exc)[:80]),))
            loaded = None
        if loaded is not None and kind is not None:
            from app.domain.tariffs import parse_tariff_version

            try:
                parse_tariff_version(kind, datetime.now(UTC), loaded, 0)
            except (ShuidianError, ValueError, TypeError) as exc:
                field_name = getattr(exc, "field", "")
                reason = getattr(exc, "message", str(exc))[:120]
                p.problem("params", "bad_price", (("field", field_name), ("reason", reason)))
    if fixed is not None and fixed < 0:
        p.problem("monthly_fixed", "bad_money", (("value", str(fixed)), ("reason", "不能为负")))
    if p.problems:
        return None
    return TariffRec(code, name, utility, kind, eff, canonical, fixed)


def _parse_building(p: _RowParser) -> BuildingRec | None:
    code = p.get("code", lambda v: _text(v, 32), required=True)
    name = p.get("name", required=True)
    order = p.get("sort_order", lambda v: _int(v, -10000, 10000), 0)
    return None if p.problems else BuildingRec(code, name, order)


def _parse_room(p: _RowParser) -> RoomRec | None:
    rec = RoomRec(
        p.get("code", lambda v: _text(v, 32), required=True),
        p.get("building", lambda v: _text(v, 32), required=True),
        p.get("floor", lambda v: _int(v, -20, 300), required=True),
        p.get("name", required=True),
        p.get("room_type", lambda v: _choice(v, ROOM_TYPES), required=True),
        p.get("area", lambda v: _decimal(v, 2), Decimal(0)),
        p.get("occupants", lambda v: _int(v, 0, 100000), 0),
        p.get("notes", lambda v: _text(v, 2000), ""),
    )
    return None if p.problems else rec


def _phone(value: object) -> str:
    t = cell_text(value)
    if not _PHONE.match(t):
        raise _Bad("bad_phone", value=t)
    return t


def _parse_tenant(p: _RowParser) -> TenantRec | None:
    rec = TenantRec(
        p.get("room", lambda v: _text(v, 32), required=True),
        p.get("name", required=True),
        p.get("phone", _phone, ""),
        p.get("id_number", lambda v: _text(v, 32), ""),
        p.get("messaging_id", lambda v: _text(v, 128), ""),
        p.get("move_in", parse_local_time, None),
        p.get("notes", lambda v: _text(v, 2000), ""),
    )
    return None if p.problems else rec


def _parse_gateway(p: _RowParser) -> GatewayRec | None:
    rec = GatewayRec(
        p.get("code", lambda v: _text(v, 32), required=True),
        p.get("name", required=True),
        p.get("transport", lambda v: _choice(v, TRANSPORTS), required=True),
        p.get("host", lambda v: _text(v, 128), ""),
        p.get("dtu_id", lambda v: _text(v, 64), ""),
        p.get("serial_url", lambda v: _text(v, 256), ""),
        p.get("location", lambda v: _text(v, 128), ""),
        p.get("notes", lambda v: _text(v, 2000), ""),
    )
    if p.problems:
        return None
    if rec.transport == "tcp" and not rec.host:
        p.problem("host", "host_required")
    if rec.transport == "dtu" and not rec.dtu_id:
        p.problem("dtu_id", "dtu_id_required")
    if rec.transport == "serial" and not rec.serial_url.startswith("serial://"):
        p.problem("serial_url", "serial_url_required")
    return None if p.problems else rec


def _parse_bus(p: _RowParser) -> BusRec | None:
    def baud(v: object) -> int:
        n = _int(v, 1, 10**6)
        if n not in BAUDS:
            raise _Bad("bad_choice", value=n, choices=" / ".join(map(str, BAUDS)))
        return n

    rec = BusRec(
        p.get("gateway", lambda v: _text(v, 32), required=True),
        p.get("number", lambda v: _int(v, 1, 6), required=True),
        p.get("port", lambda v: _int(v, 1, 65535), None),
        p.get("baud", baud, 2400),
        p.get(
            "parity", lambda v: _choice(cell_text(v).upper(), {"E": "E", "N": "N", "O": "O"}), "E"
        ),
        p.get("stop_bits", lambda v: _int(v, 1, 2), 1),
        p.get("timeout_ms", lambda v: _int(v, 100, 30000), 1500),
        p.get("retries", lambda v: _int(v, 0, 5), 2),
        p.get("frame_gap_ms", lambda v: _int(v, 0, 2000), 50),
    )
    return None if p.problems else rec


def _parse_meter(p: _RowParser) -> MeterRec | None:
    gateway = p.get("gateway", lambda v: _text(v, 32), required=True)
    bus = p.get("bus", lambda v: _int(v, 1, 6), required=True)
    raw_address = p.get("address", lambda v: _text(v, 16), required=True)
    kind = p.get("kind", lambda v: _choice(v, METER_KINDS), required=True)
    protocol = p.get("protocol", lambda v: _choice(v, {x: x for x in PROTOCOLS}), required=True)
    profile = p.get("profile", lambda v: _text(v, 64), "")
    meter_type = p.get("meter_type", lambda v: _int(v, 0, 255), None)
    ct_ratio = p.get("ct_ratio", lambda v: _int(v, 1, 10000), 1)
    circuits = p.get("circuits", lambda v: _int(v, 1, 12), 1)
    has_relay = p.get("has_relay", _bool, True)
    tou = p.get("tou", _bool, False)
    notes = p.get("notes", lambda v: _text(v, 2000), "")
    address = raw_address
    if protocol is not None and raw_address is not None:
        try:
            address = check_meter_address(protocol, raw_address)
        except _Bad as bad:
            p.problem("address", bad.code, bad.params)
    if kind is not None and protocol is not None:
        water = kind in WATER_KINDS
        if protocol != "modbus" and water != (protocol == "cjt188"):
            p.problem(
                "protocol", "protocol_kind", (("protocol", protocol), ("kind", METER_KINDS[kind]))
            )
        if circuits is not None and circuits > 1 and kind != "multi_circuit":
            p.problem(
                "circuits", "out_of_range", (("value", str(circuits)), ("low", "1"), ("high", "1"))
            )
    if p.problems:
        return None
    if protocol == "cjt188" and meter_type is None:
        meter_type = 0x10 if kind == "water" else 0x11
    return MeterRec(
        gateway,
        bus,
        address,
        kind,
        protocol,
        profile or DEFAULT_PROFILES[protocol],
        meter_type,
        ct_ratio,
        circuits,
        has_relay,
        tou,
        notes,
    )


def _parse_point(p: _RowParser) -> PointRec | None:
    rec = PointRec(
        p.get("code", lambda v: _text(v, 32), required=True),
        p.get("gateway", lambda v: _text(v, 32), required=True),
        p.get("bus", lambda v: _int(v, 1, 6), required=True),
        p.get("address", lambda v: _text(v, 16), required=True),
        p.get("circuit", lambda v: _int(v, 1, 12), 1),
        p.get("room", lambda v: _text(v, 32), ""),
        p.get("tariff", lambda v: _text(v, 32), ""),
        p.get("name", lambda v: _text(v, 128), ""),
        p.get("keep_power", _bool, False),
    )
    if p.problems:
        return None
    if rec.address.isdigit() and len(rec.address) < 4:  # a Modbus unit id: no leading zeros
        rec = PointRec(**{**_asdict(rec), "address": str(int(rec.address))})
    return rec


def _parse_balance(p: _RowParser) -> BalanceRec | None:
    rec = BalanceRec(
        p.get("room", lambda v: _text(v, 32), required=True),
        p.get("cash", parse_money_cell, required=True),
        p.get("subsidy", parse_money_cell, 0),
    )
    if p.problems:
        return None
    if rec.subsidy_fen < 0:
        p.problem("subsidy", "bad_money", (("value", str(rec.subsidy_fen)), ("reason", "不能为负")))
    for key, fen in (("cash", rec.cash_fen), ("subsidy", rec.subsidy_fen)):
        if abs(fen) > 1_000_000_000:
            p.problem(key, "bad_money", (("value", str(fen)), ("reason", "金额过大")))
    return None if p.problems else rec


def _parse_reading(p: _RowParser) -> ReadingRec | None:
    rec = ReadingRec(
        p.get("point", lambda v: _text(v, 32), required=True),
        p.get(
            "register", lambda v: _choice(cell_text(v).lower(), {r: r for r in REGISTERS}), "total"
        ),
        p.get("value", lambda v: _decimal(v, 4), required=True),
        p.get("meter_time", parse_local_time, required=True),
    )
    return None if p.problems else rec


_PARSERS: dict[str, Any] = {
    "tariffs": _parse_tariff,
    "buildings": _parse_building,
    "rooms": _parse_room,
    "tenants": _parse_tenant,
    "gateways": _parse_gateway,
    "buses": _parse_bus,
    "meters": _parse_meter,
    "points": _parse_point,
    "balances": _parse_balance,
    "readings": _parse_reading,
}


def _asdict(rec: Any) -> dict[str, Any]:
    return {f.name: getattr(rec, f.name) for f in fields(rec)}


# --- the database as it stands, and the plan -------------------------------------------------


@dataclass(frozen=True)
class AccountInfo:
    account_no: str
    other_entries: int  # ledger entries that are not the import's opening balance
    opening: tuple[int, int] | None  # (cash, subsidy) booked by an earlier import


@dataclass
class Snapshot:
    """What the database already holds, as records keyed by natural key."""

    records: dict[str, dict[tuple[Any, ...], Any]] = field(
        default_factory=lambda: {s.key: {} for s in SHEETS}
    )
    accounts: dict[str, AccountInfo] = field(default_factory=dict)  # room code → current account
    # (gateway, bus, address, circuit) → point code, for every point of an active meter
    circuits: dict[tuple[str, int, str, int], str] = field(default_factory=dict)


@dataclass
class Plan:
    """The validated file: rows to write per sheet (in file order), rows already there, problems."""

    new: dict[str, list[Any]] = field(default_factory=lambda: {s.key: [] for s in SHEETS})
    existing: dict[str, int] = field(default_factory=lambda: {s.key: 0 for s in SHEETS})
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: {s.key: 0 for s in SHEETS})

    @property
    def ok(self) -> bool:
        return not self.problems


def _diff(a: Any, b: Any, sheet: SheetSpec, ignore: Sequence[str] = ()) -> list[str]:
    headers = {c.key: c.header for c in sheet.columns}
    names = {
        "cash_fen": "cash",
        "subsidy_fen": "subsidy",
        "monthly_fixed_fen": "monthly_fixed",
    }
    out = []
    for f in fields(a):
        if f.name in ignore:
            continue
        if getattr(a, f.name) != getattr(b, f.name):
            out.append(headers.get(names.get(f.name, f.name), f.name))
    return out


def validate(sheets: Mapping[str, Sequence[tuple[int, Raw]]], snapshot: Snapshot) -> Plan:
    """Check every row of every sheet; rows come as (Excel row number, {column key: value})."""
    plan = Plan()
    # key → (row, ok) of each sheet's rows in the file; ok=False: the row has a problem
    seen: dict[str, dict[tuple[Any, ...], tuple[int, bool]]] = {s.key: {} for s in SHEETS}
    valid: dict[str, dict[tuple[Any, ...], Any]] = {s.key: {} for s in SHEETS}
    tariff_first: dict[str, tuple[int, TariffRec]] = {}
    new_circuits: dict[tuple[str, int, str, int], str] = {}

    for spec in SHEETS:
        existing = snapshot.records[spec.key]
        for row, raw in sheets.get(spec.key, ()):
            plan.rows[spec.key] += 1
            p = _RowParser(spec, row, raw)
            rec = _PARSERS[spec.key](p)
            if rec is None:
                plan.problems.extend(p.problems)
                continue
            key = key_of(spec.key, rec)
            if key in seen[spec.key]:
                other, _ok = seen[spec.key][key]
                p.problem("", "duplicate", (("other", str(other)), ("key", key_text(key))))
                plan.problems.extend(p.problems)
                continue

            def dep(
                what: str,
                sheet_key: str,
                dkey: tuple[Any, ...],
                unknown: str,
                col: str,
                params: tuple[tuple[str, str], ...] | None = None,
                p: _RowParser = p,
            ) -> Any:
                """The record a row depends on (file or database), or a problem."""
                if dkey in valid[sheet_key]:
                    return valid[sheet_key][dkey]
                if dkey in snapshot.records[sheet_key]:  # even if its row in the file is bad
                    return snapshot.records[sheet_key][dkey]
                if dkey in seen[sheet_key]:
                    bad_row = seen[sheet_key][dkey][0]
                    p.problem(
                        col,
                        "depends",
                        (
                            ("what", what),
                            ("key", key_text(dkey)),
                            ("sheet", SHEET_BY_KEY[sheet_key].title),
                            ("other", str(bad_row)),
                        ),
                    )
                    return None
                p.problem(col, unknown, params or (("value", key_text(dkey)),))
                return None

            _check_links(spec.key, rec, p, dep, snapshot, tariff_first, new_circuits, valid)
            ok = not p.problems
            if ok and key in existing:
                differs = _diff(rec, existing[key], spec, ignore=_ignore_when_empty(spec.key, rec))
                if differs:
                    p.problem(
                        "", "conflict", (("key", key_text(key)), ("fields", "、".join(differs)))
                    )
                    ok = False
            if ok and spec.key == "balances":
                ok = _check_balance(rec, p, snapshot, valid)
            seen[spec.key][key] = (row, ok)
            if not ok:
                plan.problems.extend(p.problems)
                continue
            valid[spec.key][key] = rec
            if spec.key == "points":
                new_circuits[(rec.gateway, rec.bus, rec.address, rec.circuit)] = rec.code
            if key in existing or (spec.key == "balances" and _balance_booked(rec, snapshot)):
                plan.existing[spec.key] += 1
            else:
                plan.new[spec.key].append(rec)
    plan.problems.sort(key=lambda pr: (_SHEET_ORDER[pr.sheet], pr.row))
    return plan


_SHEET_ORDER = {s.title: i for i, s in enumerate(SHEETS)}


def _ignore_when_empty(sheet: str, rec: Any) -> tuple[str, ...]:
    # a tenant row without a move-in time matches the tenant whatever their move-in time
    if sheet == "tenants" and rec.move_in is None:
        return ("move_in",)
    return ()


def _balance_booked(rec: BalanceRec, snapshot: Snapshot) -> bool:
    info = snapshot.accounts.get(rec.room)
    if info is None:
        return False
    return info.opening is not None or (rec.cash_fen == 0 and rec.subsidy_fen == 0)


def _check_balance(
    rec: BalanceRec, p: _RowParser, snapshot: Snapshot, valid: Mapping[str, Mapping[Any, Any]]
) -> bool:
    info = snapshot.accounts.get(rec.room)
    if info is None:
        if (rec.room,) not in valid["tenants"]:
            p.problem("room", "no_account", (("value", rec.room),))
            return False
        return True  # the account is opened by this import
    if info.opening is not None:
        if info.opening != (rec.cash_fen, rec.subsidy_fen):
            p.problem(
                "",
                "conflict",
                (("key", f"{info.account_no} 期初余额"), ("fields", "现金余额(元)、补贴余额(元)")),
            )
            return False
        return True
    if info.other_entries and (rec.cash_fen or rec.subsidy_fen):
        p.problem("room", "account_has_entries", (("value", info.account_no),))
        return False
    return True


def _check_links(
    sheet: str,
    rec: Any,
    p: _RowParser,
    dep: Any,
    snapshot: Snapshot,
    tariff_first: dict[str, tuple[int, TariffRec]],
    new_circuits: dict[tuple[str, int, str, int], str],
    valid: Mapping[str, Mapping[tuple[Any, ...], Any]],
) -> None:
    if sheet == "tariffs":
        first = tariff_first.get(rec.code)
        same = [r for k, r in snapshot.records["tariffs"].items() if k[0] == rec.code][:1]
        ref = first[1] if first else (same[0] if same else None)
        if ref is not None and (ref.name, ref.utility, ref.kind) != (
            rec.name,
            rec.utility,
            rec.kind,
        ):
            p.problem(
                "code",
                "tariff_mismatch",
                (("value", rec.code), ("other", str(first[0]) if first else "系统")),
            )
        elif first is None:
            tariff_first[rec.code] = (p.row, rec)
    elif sheet == "rooms":
        dep("楼栋", "buildings", (rec.building,), "unknown_building", "building")
    elif sheet == "tenants":
        if dep("房间", "rooms", (rec.room,), "unknown_room", "room") is not None:
            current = snapshot.records["tenants"].get((rec.room,))
            if current is not None and current.name != rec.name:
                p.problem("room", "room_occupied", (("value", rec.room), ("other", current.name)))
    elif sheet == "buses":
        dep("网关", "gateways", (rec.gateway,), "unknown_gateway", "gateway")
    elif sheet == "meters":
        dep(
            "总线",
            "buses",
            (rec.gateway, rec.bus),
            "unknown_bus",
            "bus",
            (("gateway", rec.gateway), ("bus", str(rec.bus))),
        )
    elif sheet == "points":
        meter = dep(
            "表具",
            "meters",
            (rec.gateway, rec.bus, rec.address),
            "unknown_meter",
            "address",
            (("gateway", rec.gateway), ("bus", str(rec.bus)), ("address", rec.address)),
        )
        if meter is not None:
            if rec.circuit > meter.circuits:
                p.problem(
                    "circuit",
                    "circuit_range",
                    (("value", str(rec.circuit)), ("circuits", str(meter.circuits))),
                )
            ck = (rec.gateway, rec.bus, rec.address, rec.circuit)
            holder = new_circuits.get(ck) or snapshot.circuits.get(ck)
            if holder is not None and holder != rec.code:
                p.problem(
                    "circuit", "circuit_taken", (("value", str(rec.circuit)), ("other", holder))
                )
        if rec.room:
            dep("房间", "rooms", (rec.room,), "unknown_room", "room")
        if rec.tariff:
            tariff = _tariff_by_code(rec.tariff, valid, snapshot)
            if tariff is None:
                p.problem("tariff", "unknown_tariff", (("value", rec.tariff),))
            elif meter is not None and tariff.utility != utility_of(meter.kind):
                p.problem(
                    "tariff",
                    "tariff_utility",
                    (
                        ("value", rec.tariff),
                        ("tariff_utility", UTILITIES[tariff.utility]),
                        ("utility", UTILITIES[utility_of(meter.kind)]),
                    ),
                )
    elif sheet == "balances":
        dep("房间", "rooms", (rec.room,), "unknown_room", "room")
    elif sheet == "readings":
        dep("计量点", "points", (rec.point,), "unknown_point", "point")


def _tariff_by_code(
    code: str, valid: Mapping[str, Mapping[tuple[Any, ...], Any]], snapshot: Snapshot
) -> TariffRec | None:
    for source in (valid["tariffs"], snapshot.records["tariffs"]):
        for key, rec in source.items():
            if key[0] == code:
                return rec  # type: ignore[no-any-return]
    return None


# --- rows for the workbook (export) ----------------------------------------------------------


def record_cells(sheet: str, rec: Any) -> list[object]:
    """One record as the cells of its row, in the sheet's column order."""
    d = _asdict(rec)
    out: list[object] = []
    for col in SHEET_BY_KEY[sheet].columns:
        out.append(_cell(sheet, col.key, d))
    return out


def _cell(sheet: str, key: str, d: Mapping[str, Any]) -> object:
    if sheet == "tariffs" and key == "monthly_fixed":
        return _yuan(d["monthly_fixed_fen"])
    if sheet == "balances":
        return d["room"] if key == "room" else _yuan(d[f"{key}_fen"])
    value = d[key]
    labels = {
        ("tariffs", "utility"): UTILITIES,
        ("tariffs", "kind"): TARIFF_KINDS,
        ("rooms", "room_type"): ROOM_TYPES,
        ("gateways", "transport"): TRANSPORTS,
        ("meters", "kind"): METER_KINDS,
    }.get((sheet, key))
    if labels is not None:
        return labels[value]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return to_local(value)
    if isinstance(value, Decimal):
        return str(value)
    if value is None or value == "":
        return None
    return value


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def iter_sheet_keys() -> Iterable[str]:
    return (s.key for s in SHEETS)
