"""换表 wizard (DEV-6) with pytest-qt, offscreen, on a real database with the simulator: opened
from the 网关/表具 page, every value read over the bus; a dead meter typed in after a failed read;
Cancel on every page writes nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve
from app.domain.meter_swap import Step, show_value
from app.models import AuditEntry, Command, LedgerEntry, MeasurementPoint, Meter, Reading
from app.services import Services
from app.services.readings import RawRead
from app.services.settlement import SettlementService
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.pages.base import PageContext
from app.ui.pages.devices import DevicesPage
from app.ui.tasks import TaskRunner
from app.ui.wizards.meter_swap import PAGE_IDS, MeterSwapWizard
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.simulator import free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site

NEW = "000000000099"


@dataclass
class Desk:
    services: Services
    m: Metering
    sim: Simulator
    tasks: TaskRunner
    point: int
    dialogs: list[Any] = field(default_factory=list)

    def ctx(self) -> PageContext:
        return PageContext(self.services, ADMIN, self.tasks)

    def capture(self, dialog: Any) -> None:
        self.dialogs.append(dialog)
        dialog.show()

    def counts(self) -> dict[str, int]:
        with self.services.db.uow() as uow:
            s = uow.session
            return {
                t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Reading, Meter, LedgerEntry, Command, AuditEntry)
            }

    def address_of_point(self) -> str:
        with self.services.db.uow() as uow:
            return str(
                uow.session.scalar(
                    select(Meter.address)
                    .join(MeasurementPoint, MeasurementPoint.meter_id == Meter.id)
                    .where(MeasurementPoint.id == self.point)
                )
            )


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    app = create_application()
    install_translation(app, "zh_CN")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'ui.db'}")
    db.upgrade()
    services = Services(db)
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    point = m.elec["A-1-01"]
    acc = services.accounts.search(ADMIN, "A-1-01")[0].account_no
    services.cashier.top_up(ADMIN, acc, 100_000, "cash", "ui-swap-open")
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(hours=2)
    spare = replace(m, addresses={**m.addresses, 10_000: NEW})
    tasks = TaskRunner()
    with Simulator(sim_site(spare, port), turnaround_ms=1, speed=1.0) as sim:
        for address in m.addresses.values():
            sim.meter(address).curve = ConstantCurve(start, Decimal(0), Decimal(0))
        sim.meter(m.addresses[point]).curve = ConstantCurve(start, Decimal(100), Decimal(1000))
        sim.meter(NEW).curve = ConstantCurve(start, Decimal("0.25"), Decimal(0))
        sim.meter(NEW).faults.dead = True  # not wired in yet
        an_hour_ago = now - timedelta(hours=1)
        SettlementService(db).record(
            [RawRead(point, m.meters[point], an_hour_ago, {"total": "101.00"})], now=an_hour_ago
        )
        try:
            yield Desk(services, m, sim, tasks, point)
        finally:
            tasks.shutdown()
            db.dispose()


def _shot(widget: Any, name: str) -> None:
    """With SWAP_SHOTS=folder, save what the user sees (for looking at it, not asserted)."""
    folder = os.environ.get("SWAP_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _next(qtbot: QtBot, wizard: MeterSwapWizard, step: Step) -> None:
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_IDS[step], timeout=5_000)


def test_swap_over_the_bus_from_the_devices_page(desk: Desk, qtbot: QtBot) -> None:
    page = DevicesPage(desk.ctx())
    qtbot.addWidget(page)
    page.open_dialog = desk.capture
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=10_000)
    assert page.swap_button.text() == "换表" and not page.swap_button.isEnabled()
    assert page.select("point", desk.point)
    assert page.swap_button.isEnabled()
    qtbot.mouseClick(page.swap_button, Qt.MouseButton.LeftButton)
    wizard: MeterSwapWizard = desk.dialogs.pop()
    assert wizard.windowTitle() == "换表"
    points = wizard.point_page
    qtbot.waitUntil(lambda: points.selected() is not None, timeout=10_000)
    assert points.selected().point_id == desk.point  # type: ignore[union-attr]
    assert wizard.currentPage().title() == "选择计量点"
    _shot(wizard, "1-point")
    _next(qtbot, wizard, Step.OLD_FINAL)

    final = wizard.final_page
    assert "最近读数 101.00 kWh" in final.meter_label.text()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(final.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: final.reading is not None, timeout=15_000)
    assert final.read_label.text().startswith(f"表 {desk.m.addresses[desk.point]} 读数 ")
    final_value = final.reading.values["total"]  # type: ignore[union-attr]
    assert final_value > Decimal(101)
    _shot(wizard, "2-final")
    _next(qtbot, wizard, Step.NEW_ADDRESS)

    # the technician unplugs the old meter and wires the new one alone on the line
    for address in desk.m.addresses.values():
        desk.sim.meter(address).faults.dead = True
    desk.sim.meter(NEW).faults.dead = False
    addr = wizard.address_page
    qtbot.mouseClick(addr.read_address_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: addr.address_edit.text() == NEW, timeout=15_000)
    assert addr.status_label.text() == f"表 {NEW} 已应答。"
    _shot(wizard, "3-address")
    _next(qtbot, wizard, Step.NEW_INITIAL)

    initial = wizard.initial_page
    assert initial.meter_label.text() == f"新表 {NEW}。"
    qtbot.mouseClick(initial.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: initial.reading is not None, timeout=15_000)
    _shot(wizard, "4-initial")
    _next(qtbot, wizard, Step.SUMMARY)

    summary = wizard.summary_page
    text = summary.summary_label.text()
    assert (
        f"旧表 {desk.m.addresses[desk.point]}：止码 {show_value(final_value)} kWh，总线抄读" in text
    )
    assert f"新表 {NEW}：起码 0.25 kWh，总线抄读" in text
    assert not wizard.button(wizard.WizardButton.FinishButton).isEnabled()
    assert desk.address_of_point() != NEW  # nothing written before the confirmation
    summary.note_edit.setText("表计老化更换")
    qtbot.mouseClick(summary.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.swapped, timeout=15_000)
    assert summary.result_label.text().startswith("换表完成。换表单 HB")
    assert wizard.flow.step is Step.DONE
    _shot(wizard, "5-done")
    assert desk.address_of_point() == NEW
    assert summary.slip_button.isEnabled()
    assert not wizard.button(wizard.WizardButton.CancelButton).isEnabled()
    assert not wizard.button(wizard.WizardButton.BackButton).isVisible()

    out = desk_path = Path(desk.services.db.url.split("///", 1)[1]).parent / "slip.pdf"
    wizard.choose_slip_path = lambda _name: str(desk_path)  # type: ignore[method-assign]
    qtbot.mouseClick(summary.slip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists() and "换表单已保存" in summary.result_label.text())
    assert out.read_bytes().startswith(b"%PDF")

    wizard.button(wizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: page.message_label.text() == "已换表。", timeout=5_000)


def _type(page: Any, value: str, note: str) -> None:
    if not page.manual_check.isChecked():
        page.manual_check.setChecked(True)
    page.value_edit.setText(value)
    page.note_edit.setText(note)


@pytest.mark.parametrize("cancel_on", [*PAGE_IDS, None])
def test_dead_meter_typed_in_and_cancel_on_every_page_writes_nothing(
    desk: Desk, qtbot: QtBot, cancel_on: Step | None
) -> None:
    before = desk.counts()
    desk.sim.meter(desk.m.addresses[desk.point]).faults.dead = True  # the old meter is dead
    wizard = MeterSwapWizard(desk.ctx(), desk.point)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.point_page.selected() is not None, timeout=10_000)

    def stop_here(step: Step) -> bool:
        if cancel_on is not step:
            return False
        wizard.button(wizard.WizardButton.CancelButton).click()
        assert wizard.flow.step is Step.CANCELLED
        assert desk.counts() == before
        assert desk.address_of_point() == desk.m.addresses[desk.point]
        return True

    if stop_here(Step.POINT):
        return
    _next(qtbot, wizard, Step.OLD_FINAL)
    final = wizard.final_page
    if cancel_on is Step.OLD_FINAL:
        qtbot.mouseClick(final.read_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: final.manual_check.isChecked(), timeout=20_000)
        assert final.read_label.text() == (
            f"表 {desk.m.addresses[desk.point]} 无应答。可以人工录入读数并填写说明。"
        )
        assert wizard.flow.final_error  # the failed read is kept for the audit trail
        _shot(wizard, "2b-final-failed")
    _type(final, "100.5", "")
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # a note is required
    final.note_edit.setText("表计黑屏，按照片读数")
    wizard.next()
    assert final.error_label.text() == "止码 100.50 小于最近读数 101.00，请核对。"
    assert wizard.currentId() == PAGE_IDS[Step.OLD_FINAL]
    final.value_edit.setText("103.20")
    if stop_here(Step.OLD_FINAL):
        return
    _next(qtbot, wizard, Step.NEW_ADDRESS)
    addr = wizard.address_page
    addr.address_edit.setText("12345")
    wizard.next()
    assert addr.error_label.text() == "表地址必须是 12 位数字（填写的是“12345”）。"
    addr.address_edit.setText("000000000777")
    if stop_here(Step.NEW_ADDRESS):
        return
    _next(qtbot, wizard, Step.NEW_INITIAL)
    _type(wizard.initial_page, "0", "新表出厂读数")
    if stop_here(Step.NEW_INITIAL):
        return
    _next(qtbot, wizard, Step.SUMMARY)
    summary = wizard.summary_page
    assert "止码 103.20 kWh，人工录入" in summary.summary_label.text()
    assert "2.20 kWh" in summary.summary_label.text()
    if stop_here(Step.SUMMARY):
        return
    qtbot.mouseClick(summary.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.swapped, timeout=15_000)
    assert desk.address_of_point() == "000000000777"
    after = desk.counts()
    assert after["readings"] == before["readings"] + 2
    audit = AuditEntry.__tablename__
    assert after[audit] == before[audit] + 1  # one audit entry for the whole swap
    assert summary.result_label.text().endswith("本次结算扣费 ¥1.50。")
    _shot(wizard, "6-typed-done")  # 2.20 kWh × 0.68


def test_point_on_hold_is_refused_and_search_finds_points(desk: Desk, qtbot: QtBot) -> None:
    from sqlalchemy import update

    with desk.services.db.uow() as uow:
        uow.session.execute(
            update(MeasurementPoint)
            .where(MeasurementPoint.id == desk.point)
            .values(billing_hold=True)
        )
        uow.commit()
    wizard = MeterSwapWizard(desk.ctx(), desk.point)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.point_page
    qtbot.waitUntil(lambda: page.error_label.text() != "", timeout=10_000)
    assert page.error_label.text() == "计量点 E-A-1-01 有待处理的异常读数，请先处理再换表。"
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    page.search_edit.setText("B-1-01")
    page.load()
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=10_000)
    assert page.list.item(0).text().startswith("E-B-1-01  房间 B-1-01  表 000000000004")
    assert page.error_label.text() == ""
    wizard.reject()
    assert wizard.flow.step is Step.CANCELLED
