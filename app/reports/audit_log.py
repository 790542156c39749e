"""The audit log as an Excel workbook (the viewer's export): one row per entry, oldest first,
times in the site's time zone, actions with their Chinese names."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

# Chinese names of the actions the services write (an unknown one is shown as stored).
ACTION_NAMES: dict[str, str] = {
    "top_up": "充值",
    "refund": "退款",
    "reverse": "冲正",
    "adjust": "调账",
    "open_account": "开户",
    "login": "登录",
    "settings.set": "修改设置",
    "settings.secret_set": "保存密钥",
    "operator.create": "新增操作员",
    "operator.update": "修改操作员",
    "operator.activate": "启用操作员",
    "operator.deactivate": "停用操作员",
    "operator.change_password": "修改密码",
    "operator.reset_password": "重置密码",
    "operator.release_lockout": "解除锁定",
    "operator.first_admin": "创建首个管理员",
    "device.gateway.save": "保存网关",
    "device.gateway.retire": "停用网关",
    "device.bus.save": "保存总线",
    "device.meter.save": "保存表具",
    "device.meter.retire": "停用表具",
    "device.meter.swap": "换表",
    "device.point.save": "保存计量点",
    "control.keep_power": "保电设置",
    "alarm.acknowledge": "确认告警",
    "alarm.clear": "清除告警",
    "notification.requeue": "重发通知",
    "params.apply": "下发参数",
    "params.template": "保存参数模板",
    "property_fee.charge": "扣物业费",
    "reading.manual": "手工抄表",
    "receipt.print": "打印凭条",
    "backup.create": "备份",
    "backup.create_failed": "备份失败",
    "backup.verify": "验证备份",
    "backup.restore": "从备份恢复",
    "backup.restore_refused": "拒绝恢复",
    "audit.export": "导出审计日志",
    "audit.seal_legacy": "封存旧日志",
    "demo_build": "生成演示数据",
}

HEADERS = ("序号", "时间", "操作员", "动作", "动作代码", "对象类型", "对象", "变更前", "变更后")
WIDTHS = (8, 20, 14, 16, 24, 12, 24, 40, 40)


class AuditLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def operator_login(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target_type(self) -> str: ...
    @property
    def target_id(self) -> str: ...
    @property
    def before(self) -> Mapping[str, Any] | None: ...
    @property
    def after(self) -> Mapping[str, Any] | None: ...


def action_name(code: str) -> str:
    return ACTION_NAMES.get(code, code)


def _json(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def render_audit_log(rows: Sequence[AuditLike], tz: str) -> bytes:
    zone = ZoneInfo(tz)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "审计日志"
    ws.append(list(HEADERS))
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    for r in rows:
        ws.append(
            [
                r.id,
                r.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                r.operator_login,
                action_name(r.action),
                r.action,
                r.target_type,
                r.target_id,
                _json(r.before),
                _json(r.after),
            ]
        )
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.properties.title = "审计日志"
    wb.properties.creator = "shuidian"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
