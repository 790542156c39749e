"""网关/表具 and 参数管理 pages on a real database with the simulator running: add a gateway and a
meter with the service's validation shown in Chinese, test a gateway's connection and watch its
frames in the log; create a parameter template, download it to a meter and see it confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.comms.engine import CommsEngine
from app.comms.simulator import Simulator
from app.services import Services
from app.services.collector import Collector
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.pages.base import PageContext
from app.ui.pages.devices import DevicesPage
from app.ui.pages.parameters import ParametersPage
from app.ui.tasks import TaskRunner
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.simulator import free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


@dataclass
class Desk:
    services: Services
    m: Metering
    sim: Simulator
    collector: Collector
    tasks: TaskRunner
    dialogs: list[Any] = field(default_factory=list)

    def ctx(self) -> PageContext:
        return PageContext(self.services, ADMIN, self.tasks)

    def capture(self, dialog: Any) -> None:
        self.dialogs.append(dialog)
        dialog.show()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    app = create_application()
    install_translation(app, "zh_CN")
    # remembered column widths go to this test's folder, not the PC's settings
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'ui.db'}")
    db.upgrade()
    services = Services(db)
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    tasks = TaskRunner()
    with Simulator(sim_site(m, port), turnaround_ms=1, speed=60.0, start_time=START) as sim:
        engine = CommsEngine(name="ui-collector")
        collector = Collector(services.db, engine=engine, clock=sim.clock.now)
        try:
            with collector:
                yield Desk(services, m, sim, collector, tasks)
        finally:
            tasks.shutdown()
            engine.stop()
            db.dispose()


def _ok(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _top_texts(page: DevicesPage) -> list[str]:
    return [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]


def test_add_gateway_and_meter_with_chinese_validation(desk: Desk, qtbot: QtBot) -> None:
    page = DevicesPage(desk.ctx())
    qtbot.addWidget(page)
    page.open_dialog = desk.capture
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: _top_texts(page) == ["G1  1号网关"], timeout=10_000)
    assert page.tree.headerItem().text(1) == "参数"
    bus_item = page.tree.topLevelItem(0).child(0)
    assert bus_item.text(0) == "1 号总线" and "波特率 9600" in bus_item.text(1)

    qtbot.mouseClick(page.add_gateway_button, Qt.MouseButton.LeftButton)
    dialog = desk.dialogs.pop()
    assert dialog.windowTitle() == "添加网关"
    dialog.code_edit.setText("GW2")
    dialog.name_edit.setText("2号网关")
    _ok(dialog)
    qtbot.waitUntil(lambda: dialog.error_label.text() != "", timeout=10_000)
    assert dialog.error_label.text() == "TCP 网关需要填写主机地址。"
    assert dialog.isVisible()  # nothing typed is lost
    dialog.host_edit.setText("10.0.0.2")
    _ok(dialog)
    qtbot.waitUntil(lambda: "GW2  2号网关" in _top_texts(page), timeout=10_000)
    assert not dialog.isVisible()

    page.select("bus", desk.m.bus_id)
    assert page.add_meter_button.isEnabled()
    qtbot.mouseClick(page.add_meter_button, Qt.MouseButton.LeftButton)
    meter_dialog = desk.dialogs.pop()
    meter_dialog.address_edit.setText("12345")
    _ok(meter_dialog)
    qtbot.waitUntil(lambda: meter_dialog.error_label.text() != "", timeout=10_000)
    assert meter_dialog.error_label.text() == "表地址必须是 12 位数字（填写的是“12345”）。"
    meter_dialog.address_edit.setText(desk.m.addresses[desk.m.elec["A-1-01"]])
    _ok(meter_dialog)
    qtbot.waitUntil(lambda: meter_dialog.error_label.text().startswith("表地址 "), timeout=10_000)
    assert meter_dialog.error_label.text().endswith("在该总线上已存在。")
    meter_dialog.address_edit.setText("000000000099")
    _ok(meter_dialog)
    qtbot.waitUntil(lambda: not meter_dialog.isVisible(), timeout=10_000)
    # the tree reloads after the dialog closes, then selects the new meter
    qtbot.waitUntil(
        lambda: (
            page.tree.currentItem() is not None
            and page.tree.currentItem().text(0) == "000000000099"
        ),
        timeout=10_000,
    )
    current = page.tree.currentItem()
    assert current is not None and current.text(0) == "000000000099"
    assert current.child(0).text(0) == "E-000000000099"


def test_test_connection_and_frame_log(desk: Desk, qtbot: QtBot) -> None:
    page = DevicesPage(desk.ctx())
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=10_000)
    page.select("gateway", desk.m.gateway_id)
    assert page.test_button.isEnabled()
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "连接正常" in page.message_label.text(), timeout=20_000)
    first = min(desk.m.addresses.values())  # the first meter of the bus answers
    assert f"1 号总线：表 {first} 在" in page.message_label.text()
    assert page.log_button.isChecked() and page.log_button.text() == "停止记录报文"
    qtbot.waitUntil(lambda: page.frame_model.rowCount() >= 2, timeout=5_000)
    directions = {page.frame_model.index(r, 1).data() for r in range(page.frame_model.rowCount())}
    assert {"发送", "接收"} <= directions
    hex_text = page.frame_model.index(0, 4).data()
    assert hex_text.replace(" ", "").isalnum() and "68" in hex_text
    assert page.frame_model.headerData(4, Qt.Orientation.Horizontal) == "报文（十六进制）"
    page.log_button.setChecked(False)
    assert not page.frames.running


def test_parameter_template_downloaded_and_confirmed(desk: Desk, qtbot: QtBot) -> None:
    page = ParametersPage(desk.ctx())
    qtbot.addWidget(page)
    page.open_dialog = desk.capture
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: bool(page._fields), timeout=10_000)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = desk.dialogs.pop()
    dialog.code_edit.setText("P1")
    dialog.name_edit.setText("宿舍限功率")
    dialog.set_value("time_period_power_limits", "p1_start", "0800")
    _ok(dialog)
    assert dialog.error_label.text().startswith("分时限流：请填写时段 1 · 结束时间（时分）")
    dialog.set_value("time_period_power_limits", "p1_start", "")
    dialog.set_value("overload_power_limit", "power_limit_kw", "3")
    _ok(dialog)
    qtbot.waitUntil(lambda: page.template_model.rowCount() == 1, timeout=10_000)
    assert "过载断电功率：功率上限（kW） 3" in page.template_model.index(0, 3).data()
    assert page.message_label.text() == "模板 P1 第 1 版已保存。"

    page.select_template("P1")
    assert page.apply_button.isEnabled()
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(desk.dialogs), timeout=10_000)
    apply = desk.dialogs.pop()
    a1 = desk.m.elec["A-1-01"]
    apply.select_points({a1})
    apply.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: page.download_model.rowCount() == 1, timeout=10_000)
    assert page.message_label.text() == "已为 1 块表排队下发。"
    assert page.download_model.index(0, 5).data() == "等待下发"
    report = desk.collector.run_commands(desk.sim.clock.now())
    assert report.confirmed == 1, report
    qtbot.waitUntil(lambda: page.download_model.index(0, 5).data() == "已回读确认", timeout=10_000)
    assert page.download_model.index(0, 3).data() == "P1"


def test_assign_a_point_and_retire_its_meter(desk: Desk, qtbot: QtBot) -> None:
    page = DevicesPage(desk.ctx())
    qtbot.addWidget(page)
    page.open_dialog = desk.capture
    page.ask_reason = lambda title, question: "表计损坏"
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=10_000)
    point = desk.m.elec["A-1-01"]
    assert page.select("point", point)
    assert page.tree.currentItem().text(1) == "第 1 路 · 房间 A-1-01 · 价格 E-FLAT"
    assert not page.retire_button.isEnabled()  # points go with their meter
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = desk.dialogs.pop()
    dialog.room_edit.setText("Z-9-99")
    _ok(dialog)
    qtbot.waitUntil(lambda: dialog.error_label.text() != "", timeout=10_000)
    assert dialog.error_label.text() == "没有房间 Z-9-99。"
    dialog.room_edit.setText("B-1-02")
    _ok(dialog)
    qtbot.waitUntil(
        lambda: (
            page.tree.currentItem() is not None and "房间 B-1-02" in page.tree.currentItem().text(1)
        ),
        timeout=10_000,
    )

    meter = desk.m.meters[point]
    assert page.select("meter", meter)
    qtbot.mouseClick(page.retire_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message_label.text() == "已停用。", timeout=10_000)
    qtbot.waitUntil(lambda: not page.select("meter", meter), timeout=10_000)
    page.show_retired_check.setChecked(True)
    qtbot.waitUntil(lambda: page.select("meter", meter), timeout=10_000)
    assert page.tree.currentItem().text(2) == "已停用"
    assert not page.edit_button.isEnabled() and not page.retire_button.isEnabled()
