"""告警 page on the overview fixture, offscreen: list, filters, acknowledge/clear, sound."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.services import Services
from app.services.alarms import AlarmKind, raise_alarm
from app.services.context import Actor
from app.ui.application import create_application, install_translation
from app.ui.pages.alarms import AlarmsPage, should_beep
from app.ui.pages.base import PageContext
from app.ui.tasks import TaskRunner
from tests.fixtures.overview import OverviewSite, build_overview_site

HANDLER = Actor(None, "elec", frozenset({"account.view", "device.manage"}), None)
CASHIER = Actor(None, "cash", frozenset({"account.view", "cashier.top_up"}), None)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Services, OverviewSite]]:
    from app.services.unit_of_work import Database

    db = Database(f"sqlite:///{tmp_path / 'al.db'}")
    db.upgrade()
    services = Services(db)
    yield services, build_overview_site(services)
    db.dispose()


@contextmanager
def _open(qtbot: QtBot, services: Services, actor: Actor) -> Iterator[AlarmsPage]:
    app = create_application()
    install_translation(app, "zh_CN")
    tasks = TaskRunner()
    page = AlarmsPage(PageContext(services, actor, tasks, "x"))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.summary_label.text().startswith("共"), timeout=10_000)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    try:
        yield page
    finally:
        tasks.shutdown()


@pytest.fixture
def page(qtbot: QtBot, site: tuple[Services, OverviewSite]) -> Iterator[AlarmsPage]:
    with _open(qtbot, site[0], HANDLER) as opened:
        yield opened


def _rows(page: AlarmsPage) -> list[list[str]]:
    p = page.proxy
    return [[p.index(r, c).data() for c in range(1, 6)] for r in range(p.rowCount())]


def _select(page: AlarmsPage, kind_label: str) -> None:
    for r in range(page.proxy.rowCount()):
        if page.proxy.index(r, 2).data() == kind_label:
            page.table.selectRow(r)
            return
    raise AssertionError(kind_label)


def test_open_alarms_in_chinese(page: AlarmsPage) -> None:
    headers = [page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["时间", "级别", "类型", "房间/计量点", "内容", "状态"]
    assert _rows(page) == [
        ["警告", "欠费断电", "B-1-02", "欠费断电", "已确认"],
        ["警告", "通讯中断", "A-1-03 / E-A-1-03", "通讯中断：G1 表", "未确认"],
    ]
    assert page.summary_label.text() == "共 2 条 · 未确认 1 条"
    # raised 03:30 UTC: shown on the site's clock (Asia/Shanghai)
    assert page.proxy.index(0, 0).data() == "2026-11-24 11:30"


def test_filters_all_kind_and_building(
    page: AlarmsPage, qtbot: QtBot, site: tuple[Services, OverviewSite]
) -> None:
    page.state_combo.setCurrentIndex(page.state_combo.findText("全部告警"))
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3, timeout=10_000)
    assert _rows(page)[0][1:] == ["读数异常", "A-1-01 / W-A-1-01", "读数异常", "已清除"]
    page.kind_combo.setCurrentIndex(page.kind_combo.findText("通讯中断"))
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=10_000)
    page.kind_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3, timeout=10_000)
    assert page.building_combo.count() == 3
    page.building_combo.setCurrentIndex(page.building_combo.findText("B栋"))
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=10_000)
    assert _rows(page)[0][2] == "B-1-02"


def test_acknowledge_then_clear_the_selection(page: AlarmsPage, qtbot: QtBot) -> None:
    assert not page.ack_button.isEnabled() and not page.clear_button.isEnabled()
    _select(page, "通讯中断")
    assert page.ack_button.isEnabled() and page.clear_button.isEnabled()
    qtbot.mouseClick(page.ack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.summary_label.text() == "共 2 条 · 未确认 0 条", timeout=10_000)
    assert [r[4] for r in _rows(page)] == ["已确认", "已确认"]
    assert not page.ack_button.isEnabled()  # the selection survives the reload, acknowledged
    assert page.clear_button.isEnabled()
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=10_000)
    assert _rows(page)[0][1] == "欠费断电"


def test_a_cashier_sees_alarms_but_cannot_handle_them(
    qtbot: QtBot, site: tuple[Services, OverviewSite]
) -> None:
    with _open(qtbot, site[0], CASHIER) as page:
        assert page.proxy.rowCount() == 2
        _select(page, "通讯中断")
        assert not page.ack_button.isEnabled() and not page.clear_button.isEnabled()
        assert "设备管理权限" in page.ack_button.toolTip()


def test_beep_decision() -> None:
    assert not should_beep(None, {1, 2}, True)  # first look: the alarms were there before
    assert not should_beep({1, 2}, {1, 2}, True)
    assert not should_beep({1, 2}, {2}, True)  # one acknowledged: no reason to beep
    assert should_beep({1, 2}, {2, 3}, True)
    assert not should_beep({1, 2}, {2, 3}, False)


def test_sound_option_is_remembered_and_beeps_on_new_alarms(
    qtbot: QtBot, site: tuple[Services, OverviewSite]
) -> None:
    services, _built = site
    beeps: list[int] = []
    with _open(qtbot, services, HANDLER) as page:
        page.beep = lambda: beeps.append(1)  # type: ignore[method-assign]
        assert not page.sound_check.isChecked()
        page.sound_check.setChecked(True)
        assert QSettings().value("alarms/sound") in (True, "true")
        page.refresh()
        qtbot.waitUntil(lambda: page.ctx.tasks.pending == 0, timeout=10_000)
        assert beeps == []  # nothing new
        with services.db.uow() as uow:
            raise_alarm(uow.session, AlarmKind.TAMPER, "tamper:1", "开盖告警")
            uow.commit()
        page.refresh()
        qtbot.waitUntil(lambda: page.proxy.rowCount() == 3, timeout=10_000)
        assert beeps == [1]
        page.refresh()
        qtbot.waitUntil(lambda: page.ctx.tasks.pending == 0, timeout=10_000)
        assert beeps == [1]
    with _open(qtbot, services, HANDLER) as page:
        assert page.sound_check.isChecked()
