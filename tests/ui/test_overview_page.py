"""系统总览 on the overview fixture, offscreen: the figures, tile colours, filters, room panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from app.services import Services
from app.services.context import Actor
from app.ui.application import create_application, install_translation
from app.ui.pages.base import PageContext
from app.ui.pages.overview import OverviewPage
from app.ui.tasks import TaskRunner
from app.ui.widgets.room_grid import STATE_COLORS
from tests.fixtures.overview import NOW, OverviewSite, build_overview_site
from tests.fixtures.site import ADMIN


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Services, OverviewSite]]:
    from app.services.unit_of_work import Database

    db = Database(f"sqlite:///{tmp_path / 'ov.db'}")
    db.upgrade()
    services = Services(db)
    built = build_overview_site(services)
    services.overview.clock = lambda: NOW
    yield services, built
    db.dispose()


def _page(qtbot: QtBot, services: Services, actor: Actor = ADMIN) -> Iterator[OverviewPage]:
    app = create_application()
    install_translation(app, "zh_CN")
    tasks = TaskRunner()
    page = OverviewPage(PageContext(services, actor, tasks, "管理员"))
    qtbot.addWidget(page)
    page.resize(1100, 740)
    page.show()
    page.refresh()
    qtbot.waitUntil(
        lambda: page.snapshot is not None and len(page.grid.tiles()) > 0, timeout=10_000
    )
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    yield page
    tasks.shutdown()


@pytest.fixture
def page(qtbot: QtBot, site: tuple[Services, OverviewSite]) -> Iterator[OverviewPage]:
    yield from _page(qtbot, site[0])


def _tile_color(page: OverviewPage, room_code: str) -> str:
    rect = page.grid.tile_rect(room_code)
    assert rect is not None, room_code
    image = page.grid.grab().toImage()
    return QColor(image.pixel(rect.left() + 3, rect.top() + 3)).name()


def test_cards_show_todays_figures_in_chinese(page: OverviewPage) -> None:
    assert page.gateways_card.title_label.text() == "网关在线率"
    assert (page.gateways_card.value_label.text(), page.gateways_card.detail_label.text()) == (
        "50%",
        "在线 1 / 共 2",
    )
    assert page.meters_card.value_label.text() == "90%"
    assert (page.top_ups_card.value_label.text(), page.top_ups_card.detail_label.text()) == (
        "¥250.00",
        "2 笔",
    )
    assert page.electricity_card.value_label.text() == "15.5 kWh"
    assert page.electricity_card.detail_label.text() == "扣费 ¥10.54"
    assert (page.water_card.value_label.text(), page.water_card.detail_label.text()) == (
        "2 m³",
        "扣费 ¥8.40",
    )
    assert page.accounts_card.value_label.text() == "4"
    assert page.accounts_card.detail_label.text() == "预警 1 · 紧急 1 · 欠费 1 · 断电 1"
    assert (page.alarms_card.value_label.text(), page.alarms_card.detail_label.text()) == (
        "2",
        "未确认 1 条",
    )


def test_chart_has_thirty_days_and_chinese_labels(page: OverviewPage) -> None:
    ax = page.chart.figure.axes[0]
    assert ax.get_ylabel() == "用电 (kWh)"
    assert page.chart.figure.axes[1].get_ylabel() == "用水 (m³)"
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 30
    assert heights[-3:] == [20.0, 3.0, 15.5]
    assert ax.get_xticklabels()[-1].get_text() == "11-24"


def test_tiles_are_coloured_by_state_with_a_legend(page: OverviewPage) -> None:
    expected = {
        "A-1-01": "normal",
        "A-1-02": "warning",
        "A-1-03": "offline",
        "B-1-01": "arrears",
        "B-1-02": "cut",
        "B-1-03": "not_opened",
    }
    for room, state in expected.items():
        assert _tile_color(page, room) == QColor(STATE_COLORS[state][0]).name(), room
    legend = {state: label.text() for state, label in page.legend_labels.items()}
    assert legend["normal"] == "正常（1）"
    assert legend["arrears"] == "欠费（1）"
    assert legend["not_opened"] == "未开户（1）"
    assert legend["urgent"] == "余额紧急（0）"  # A-1-03 is urgent, but shown offline first
    assert page.rooms_label.text() == "共 6 间"
    assert page.status_label.text() == "更新于 2026-11-24 12:00"


def test_building_and_floor_filter(page: OverviewPage, qtbot: QtBot) -> None:
    assert not page.floor_combo.isEnabled()
    page.building_combo.setCurrentIndex(page.building_combo.findText("B栋"))
    qtbot.waitUntil(lambda: len(page.grid.tiles()) == 3, timeout=10_000)
    assert [t.room_code for t in page.grid.tiles()] == ["B-1-01", "B-1-02", "B-1-03"]
    assert page.grid.tile_rect("A-1-01") is None
    assert page.floor_combo.isEnabled()
    assert [page.floor_combo.itemText(i) for i in range(page.floor_combo.count())] == [
        "全部楼层",
        "1层",
    ]
    page.floor_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.rooms_label.text() == "共 3 间", timeout=10_000)
    page.building_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(page.grid.tiles()) == 6, timeout=10_000)
    assert not page.floor_combo.isEnabled()


def test_clicking_a_tile_shows_the_account(page: OverviewPage, qtbot: QtBot) -> None:
    rect = page.grid.tile_rect("A-1-03")
    assert rect is not None
    qtbot.mouseClick(page.grid, Qt.MouseButton.LeftButton, pos=rect.center())
    text = page.detail_label.text()
    assert "张伟理发" in text and "¥5.00" in text and "表具离线" in text
    assert "2 个 · 离线 1 · 断开 0" in text
    assert "2026-11-24 11:50" in text  # the newest read (03:50 UTC) on the site's clock
    hovered = page.grid.tile_at(rect.center())
    assert hovered is not None
    assert page.grid.tooltip_for(hovered) == "A-1-03 A栋103室\n表具离线\n张伟理发 · 余额 ¥5.00"
    vacant = page.grid.tile_rect("B-1-03")
    assert vacant is not None
    qtbot.mouseClick(page.grid, Qt.MouseButton.LeftButton, pos=vacant.center())
    assert "无（空置）" in page.detail_label.text()
    assert "余额" not in page.detail_label.text()


def test_a_scoped_operator_sees_their_buildings_only(
    qtbot: QtBot, site: tuple[Services, OverviewSite]
) -> None:
    services, built = site
    actor = Actor(9, "b", frozenset({"account.view"}), frozenset({built.site.building_ids["B"]}))
    for page in _page(qtbot, services, actor):
        assert [t.room_code for t in page.grid.tiles()] == ["B-1-01", "B-1-02", "B-1-03"]
        assert [page.building_combo.itemText(i) for i in range(page.building_combo.count())] == [
            "全部楼栋",
            "B栋",
        ]
        assert page.top_ups_card.value_label.text() == "¥50.00"
