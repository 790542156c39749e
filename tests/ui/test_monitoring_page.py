"""电表监测 / 水表监测 pages on a real database with the simulator running: trip a relay from the
page and watch its row go from pending to confirmed; filters; permissions. Offscreen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.comms.engine import CommsEngine
from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve
from app.domain.permissions import Perm
from app.services import Services
from app.services.collector import Collector
from app.services.context import Actor
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.pages.base import PageContext
from app.ui.pages.monitoring import MonitoringPage
from app.ui.table_models.monitoring import MonitorTableModel
from app.ui.tasks import TaskRunner
from tests.fixtures.control import top_up
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.simulator import free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # in the past: control frames stay valid


@dataclass
class Desk:
    services: Services
    m: Metering
    sim: Simulator
    collector: Collector
    tasks: TaskRunner

    def page(self, qtbot: QtBot, utility: str, actor: Actor = ADMIN) -> MonitoringPage:
        page = MonitoringPage(PageContext(self.services, actor, self.tasks), utility)
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        page.refresh()
        qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=10_000)
        return page


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
    for room in m.elec:
        top_up(services, room, 10_000, f"open-{room}")
    tasks = TaskRunner()
    with Simulator(sim_site(m, port), turnaround_ms=1, speed=60.0, start_time=START) as sim:
        for address in m.addresses.values():
            sim.meter(address).curve = ConstantCurve(START, Decimal("100.00"), Decimal(600))
        engine = CommsEngine(name="ui-collector")
        collector = Collector(services.db, engine=engine, clock=sim.clock.now)
        try:
            with collector:
                yield Desk(services, m, sim, collector, tasks)
        finally:
            tasks.shutdown()
            engine.stop()
            db.dispose()


def _cell(page: MonitoringPage, room: str, column: int) -> str:
    proxy = page.proxy
    for r in range(proxy.rowCount()):
        if proxy.index(r, MonitorTableModel.ROOM).data() == room:
            return str(proxy.index(r, column).data())
    raise AssertionError(f"room {room} not shown")


def _rooms(page: MonitoringPage) -> list[str]:
    proxy = page.proxy
    return [proxy.index(r, MonitorTableModel.ROOM).data() for r in range(proxy.rowCount())]


def test_trip_from_the_page_reaches_confirmed(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page(qtbot, "electricity")
    assert page.model.headerData(MonitorTableModel.SWITCH, Qt.Orientation.Horizontal) == "通断状态"
    assert _cell(page, "A-1-01", MonitorTableModel.SWITCH) == "通电"
    assert _cell(page, "A-1-01", MonitorTableModel.ONLINE) == "未抄读"
    assert page.trip_button.text() == "拉闸"
    assert not page.trip_button.isEnabled()  # nothing selected yet
    page.select_rooms({"A-1-01"})
    assert page.trip_button.isEnabled()
    asked: list[str] = []
    page.ask_reason = lambda title, question: asked.append(question) or "配合线路检修"
    qtbot.mouseClick(page.trip_button, Qt.MouseButton.LeftButton)
    assert asked == ["拉闸：共 1 个计量点。请填写原因："]
    qtbot.waitUntil(
        lambda: _cell(page, "A-1-01", MonitorTableModel.COMMAND) == "拉闸：等待执行",
        timeout=10_000,
    )
    assert "已提交 1 条命令" in page.message_label.text()

    # the collector's command runner picks the command up (as its 10-second job would)
    done = threading.Event()
    report: list[object] = []

    def run() -> None:
        report.append(desk.collector.run_commands(desk.sim.clock.now()))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    qtbot.waitUntil(done.is_set, timeout=20_000)
    qtbot.waitUntil(
        lambda: _cell(page, "A-1-01", MonitorTableModel.COMMAND) == "拉闸：已确认",
        timeout=10_000,
    )
    qtbot.waitUntil(
        lambda: _cell(page, "A-1-01", MonitorTableModel.SWITCH) == "断电", timeout=10_000
    )
    assert _cell(page, "A-1-01", MonitorTableModel.CAUSE) == "人工"
    assert not desk.sim.meter(desk.m.addresses[desk.m.elec["A-1-01"]]).relay_closed
    assert not page.poll_timer.isActive()  # polling stops once every command is final
    # the other rooms were not touched
    assert _cell(page, "A-1-02", MonitorTableModel.SWITCH) == "通电"
    assert _cell(page, "A-1-02", MonitorTableModel.COMMAND) == ""


def test_read_now_and_keep_power_from_the_water_page(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page(qtbot, "water")
    assert page.trip_button.text() == "关阀" and page.close_button.text() == "开阀"
    assert not page.keep_on_button.isVisibleTo(page)
    assert _cell(page, "B-1-02", MonitorTableModel.SWITCH) == "开阀"
    page.select_rooms({"B-1-02"})
    page.ask_reason = lambda title, question: "核对读数"
    qtbot.mouseClick(page.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: _cell(page, "B-1-02", MonitorTableModel.COMMAND) == "抄读：等待执行",
        timeout=10_000,
    )
    desk.collector.run_commands(desk.sim.clock.now())
    qtbot.waitUntil(
        lambda: _cell(page, "B-1-02", MonitorTableModel.COMMAND) == "抄读：已确认",
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: _cell(page, "B-1-02", MonitorTableModel.VALUE) != "", timeout=10_000)
    # the simulated meters live on 2 November (control frames carry a validity time)
    assert _cell(page, "B-1-02", MonitorTableModel.READ_AT).startswith("2026-11-0")
    # cancelling the reason dialog sends nothing
    page.ask_reason = lambda title, question: None
    qtbot.mouseClick(page.trip_button, Qt.MouseButton.LeftButton)
    assert (
        desk.services.monitoring.command_progress(ADMIN, [desk.m.water["B-1-02"]])[
            desk.m.water["B-1-02"]
        ].kind
        == "read"
    )


def test_read_now_shows_live_values(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page(qtbot, "electricity")
    assert page.model.headerData(MonitorTableModel.LIVE, Qt.Orientation.Horizontal) == "实时值"
    assert _cell(page, "A-1-02", MonitorTableModel.LIVE) == ""
    page.select_rooms({"A-1-02"})
    page.ask_reason = lambda title, question: "查看负荷"
    qtbot.mouseClick(page.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: _cell(page, "A-1-02", MonitorTableModel.COMMAND) == "抄读：等待执行",
        timeout=10_000,
    )
    desk.collector.run_commands(desk.sim.clock.now())
    qtbot.waitUntil(
        lambda: _cell(page, "A-1-02", MonitorTableModel.LIVE).endswith(" kW"), timeout=10_000
    )
    live = _cell(page, "A-1-02", MonitorTableModel.LIVE)
    assert " V · " in live and " A · " in live and live.endswith("0.6000 kW")


def test_keep_power_and_filters(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page(qtbot, "electricity")
    page.select_rooms({"A-1-03"})
    page.ask_reason = lambda title, question: "消防水泵"
    qtbot.mouseClick(page.keep_on_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _cell(page, "A-1-03", MonitorTableModel.KEEP) == "是", timeout=10_000)
    page.state_combo.setCurrentIndex(page.state_combo.findData("keep_power"))
    assert _rooms(page) == ["A-1-03"]
    page.state_combo.setCurrentIndex(page.state_combo.findData("all"))
    page.building_combo.setCurrentIndex(page.building_combo.findText("B栋"))
    assert _rooms(page) == ["B-1-01", "B-1-02"]
    page.building_combo.setCurrentIndex(0)
    qtbot.keyClicks(page.search_edit, desk.m.addresses[desk.m.elec["A-1-02"]])
    assert _rooms(page) == ["A-1-02"]


def test_actions_need_the_control_permission(desk: Desk, qtbot: QtBot) -> None:
    viewer = Actor(5, "cashier", frozenset({Perm.ACCOUNT_VIEW}))
    page = desk.page(qtbot, "electricity", viewer)
    page.select_rooms({"A-1-01"})
    assert page.selected_point_ids() == [desk.m.elec["A-1-01"]]
    assert not any(b.isEnabled() for b in page.action_buttons)
    assert "没有" in page.trip_button.toolTip()
