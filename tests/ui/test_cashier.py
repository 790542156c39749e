"""The cashier desk (充值缴费) on a real database, offscreen: find, top up once, receipt, print,
restore status, refund/adjust/reverse with reasons and permissions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.domain.permissions import ROLES
from app.models import MeasurementPoint
from app.services import Services
from app.services.context import Actor
from app.services.receipts import ReceiptService
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.dialogs.receipt import ReceiptDialog, receipt_image
from app.ui.pages.base import PageContext
from app.ui.pages.cashier import CashierPage
from app.ui.tasks import TaskRunner
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, SmallSite, build_small_site

CASHIER = Actor(7, "cashier-1", ROLES["cashier"][1])


@dataclass
class Desk:
    page: CashierPage
    services: Services
    site: SmallSite
    tasks: TaskRunner
    tmp: Path

    def entries(self, room: str) -> list[str]:
        page = self.services.accounts.ledger_page(ADMIN, self.site.accounts[room], limit=100)
        return [e.kind for e in page.entries]

    def balance(self, room: str) -> int:
        return self.services.accounts.summary(ADMIN, self.site.accounts[room]).balance_fen


def _make_desk(qtbot: QtBot, tmp_path: Path, actor: Actor) -> Iterator[Desk]:
    app = create_application()
    install_translation(app, "zh_CN")
    db = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    db.upgrade()
    services = Services(db)
    services.receipts = ReceiptService(db, archive_dir=tmp_path / "receipts")
    site = build_small_site(services)
    tasks = TaskRunner()
    page = CashierPage(PageContext(services, actor, tasks, "收费员小李", "收费员"))
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.results_model.rowCount() == 5, timeout=10_000)
    yield Desk(page, services, site, tasks, tmp_path)
    for dialog in (page.receipt_dialog, page.operation_dialog):
        if dialog is not None:
            dialog.close()
    tasks.shutdown()
    db.dispose()


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    yield from _make_desk(qtbot, tmp_path, ADMIN)


@pytest.fixture
def cashier_desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    yield from _make_desk(qtbot, tmp_path, CASHIER)


def _results(page: CashierPage) -> list[str]:
    proxy = page.results_proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def _search(qtbot: QtBot, page: CashierPage, text: str, expected: list[str]) -> None:
    page.search_edit.clear()
    if text.isascii():
        qtbot.keyClicks(page.search_edit, text)
    else:  # Chinese arrives from the input method as committed text
        page.search_edit.insert(text)
    qtbot.waitUntil(lambda: _results(page) == expected, timeout=10_000)


def _pick(qtbot: QtBot, page: CashierPage, room: str) -> None:
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.account is not None and page.account.room_code == room, timeout=10_000
    )
    assert page.amount_edit.hasFocus()


def test_find_by_tenant_name_phone_and_initials(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    _search(qtbot, page, "李芳", ["A-1-02"])
    _search(qtbot, page, "13700000004", ["B-1-01"])
    _search(qtbot, page, "1370000000", ["B-1-01", "B-1-02"])
    _search(qtbot, page, "wxm", ["A-1-01"])
    _search(qtbot, page, "zzzz", [])
    assert page.results_label.text() == "未找到账户。"


def test_keyboard_top_up_shows_balance_receipt_and_prints(
    desk: Desk, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = desk.page
    _search(qtbot, page, "13800000002", ["A-1-02"])
    _pick(qtbot, page, "A-1-02")
    assert page.tenant_value.text() == "李芳餐馆"
    assert page.balance_value.text() == "¥0.00"
    qtbot.keyClicks(page.amount_edit, "120.50")
    assert page.confirm_button.isEnabled()
    assert page.confirm_button.text() == "确认充值 ¥120.50（Enter）"
    qtbot.keyClick(page.amount_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None, timeout=10_000)
    assert desk.balance("A-1-02") == 12050
    qtbot.waitUntil(lambda: page.balance_value.text() == "¥120.50", timeout=10_000)
    result = page.last_result
    assert result is not None and result.receipt_no is not None
    assert result.receipt_no in page.result_label.text()
    assert "余额 ¥120.50" in page.result_label.text()
    assert page.recent_model.index(0, 1).data() == "充值"
    assert page.restore_label.text() == "供电：无需恢复"

    dialog = page.receipt_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=10_000)
    assert dialog.data is not None and dialog.data.tenant_name == "李芳餐馆"
    assert dialog.preview_label.pixmap().height() > 300
    out = desk.tmp / "printed.pdf"

    def to_pdf(printer: QPrinter, _parent: QWidget) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(ReceiptDialog, "choose_printer", staticmethod(to_pdf))
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter prints
    qtbot.waitUntil(lambda: dialog.last_printed is not None, timeout=10_000)
    assert out.stat().st_size > 1000
    printed = dialog.last_printed
    assert printed is not None and printed.print_no == 1 and printed.archive_path.exists()
    assert "已打印" in page.result_label.text()


def test_double_click_on_confirm_books_once(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    _search(qtbot, page, "张伟", ["A-1-03"])
    _pick(qtbot, page, "A-1-03")
    qtbot.keyClicks(page.amount_edit, "50")
    qtbot.mouseDClick(page.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    page._on_confirm_button_clicked()  # a second Enter before the first booking came back
    qtbot.waitUntil(lambda: page.last_result is not None, timeout=10_000)
    desk.tasks._db_worker.submit(lambda: None).result()  # let any stray booking land
    qtbot.wait(50)
    assert desk.entries("A-1-03") == ["top_up"]
    assert desk.balance("A-1-03") == 5000


def test_a_retry_of_the_same_confirmation_reuses_its_key(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    _search(qtbot, page, "陈静", ["B-1-01"])
    _pick(qtbot, page, "B-1-01")
    qtbot.keyClicks(page.amount_edit, "30")
    page._on_confirm_button_clicked()
    key = page._attempt.key if page._attempt else None
    assert key is not None
    qtbot.waitUntil(lambda: page.last_result is not None, timeout=10_000)
    # the same key again (e.g. the answer was lost and the cashier retried): booked once
    replay = desk.services.cashier.top_up(ADMIN, page.last_result.account_no, 3000, "cash", key)
    assert replay.replayed and replay.receipt_no == page.last_result.receipt_no
    assert desk.entries("B-1-01") == ["top_up"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "金额不能为零。"),
        ("-1", "金额必须大于零。"),
        ("1.234", "最多两位小数：最小单位为 1 分。"),
        ("abc", "金额无效：请输入元，例如 100 或 99.50。"),
        ("12元", "金额无效：请输入元，例如 100 或 99.50。"),
    ],
)
def test_bad_amounts_are_refused(desk: Desk, qtbot: QtBot, text: str, message: str) -> None:
    page = desk.page
    _search(qtbot, page, "wxm", ["A-1-01"])
    _pick(qtbot, page, "A-1-01")
    page.amount_edit.insert(text)
    assert page.amount_message.text() == message
    assert not page.confirm_button.isEnabled()
    qtbot.keyClick(page.amount_edit, Qt.Key.Key_Return)
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    assert page.last_result is None
    assert desk.entries("A-1-01") == []


def test_refund_needs_a_reason(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    desk.services.cashier.top_up(ADMIN, desk.site.accounts["A-1-01"], 10000, "cash", "k1")
    _search(qtbot, page, "wxm", ["A-1-01"])
    _pick(qtbot, page, "A-1-01")
    qtbot.waitUntil(lambda: page.balance_value.text() == "¥100.00", timeout=10_000)
    qtbot.mouseClick(page.refund_button, Qt.MouseButton.LeftButton)
    dialog = page.operation_dialog
    assert dialog is not None and dialog.windowTitle() == "退款"
    qtbot.keyClicks(dialog.amount_edit, "30")
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.text() == "请填写原因。"
    # more than the cash pocket holds: the service's refusal is shown in Chinese
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "300")
    dialog.reason_edit.insertPlainText("退租结算")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "余额 ¥100.00 不足" in dialog.error_label.text(), timeout=10_000)
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "30")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_posting is not None, timeout=10_000)
    assert desk.balance("A-1-01") == 7000
    entries = desk.services.accounts.ledger_page(ADMIN, desk.site.accounts["A-1-01"]).entries
    assert (entries[0].kind, entries[0].amount_fen, entries[0].reason) == (
        "refund",
        -3000,
        "退租结算",
    )
    qtbot.waitUntil(lambda: page.balance_value.text() == "¥70.00", timeout=10_000)
    assert "退款" in page.result_label.text()


def test_supervisor_actions_adjust_and_reverse(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    assert page.adjust_button.isVisible() and page.reverse_button.isVisible()
    desk.services.cashier.top_up(ADMIN, desk.site.accounts["B-1-02"], 2000, "wechat", "k2")
    _search(qtbot, page, "alice", ["B-1-02"])
    _pick(qtbot, page, "B-1-02")
    qtbot.waitUntil(lambda: page.recent_model.rowCount() == 1, timeout=10_000)
    assert not page.reverse_button.isEnabled()
    page.recent_table.selectRow(0)
    assert page.reverse_button.isEnabled()
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    dialog = page.operation_dialog
    assert dialog is not None and dialog.windowTitle() == "冲正"
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.insertPlainText("重复收款")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_posting is not None, timeout=10_000)
    assert desk.balance("B-1-02") == 0
    assert desk.entries("B-1-02") == ["reversal", "top_up"]

    qtbot.mouseClick(page.adjust_button, Qt.MouseButton.LeftButton)
    dialog = page.operation_dialog
    assert dialog is not None and dialog.windowTitle() == "调账"
    qtbot.keyClicks(dialog.amount_edit, "-5.5")
    dialog.reason_edit.insertPlainText("抄表差错")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_posting is not None, timeout=10_000)
    assert desk.balance("B-1-02") == -550


def test_cashier_does_not_see_adjust_or_reverse(cashier_desk: Desk, qtbot: QtBot) -> None:
    page = cashier_desk.page
    assert page.refund_button.isVisible()
    assert not page.adjust_button.isVisible()
    assert not page.reverse_button.isVisible()


def test_restore_status_after_a_top_up(desk: Desk, qtbot: QtBot) -> None:
    metering = add_metering(desk.services)
    point = metering.elec["A-1-01"]
    with desk.services.db.uow() as uow:
        uow.session.execute(
            update(MeasurementPoint)
            .where(MeasurementPoint.id == point)
            .values(relay_state="open", trip_cause="arrears")
        )
        uow.commit()
    page = desk.page
    page.restore_timer.setInterval(50)
    _search(qtbot, page, "wxm", ["A-1-01"])
    _pick(qtbot, page, "A-1-01")
    qtbot.waitUntil(lambda: page.supply_value.text() == "已断电：电", timeout=10_000)
    qtbot.keyClicks(page.amount_edit, "100")
    qtbot.keyClick(page.amount_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_result is not None, timeout=10_000)
    assert page.restore_label.text() == "供电：恢复中…"
    # the collector closes the relay and confirms it
    with desk.services.db.uow() as uow:
        uow.session.execute(
            update(MeasurementPoint)
            .where(MeasurementPoint.id == point)
            .values(relay_state="closed", trip_cause=None)
        )
        uow.commit()
    qtbot.waitUntil(lambda: page.restore_label.text() == "供电：已恢复供电", timeout=10_000)
    assert page.supply_value.text() == "正常供电"


def test_receipt_image_draws_a_reprint_mark(desk: Desk) -> None:
    result = desk.services.cashier.top_up(ADMIN, desk.site.accounts["A-1-01"], 100, "cash", "k3")
    assert result.receipt_no is not None
    data = desk.services.receipts.receipt_data(ADMIN, receipt_no=result.receipt_no)
    import dataclasses

    original = receipt_image(data)
    reprint = receipt_image(dataclasses.replace(data, print_no=2))
    assert reprint.height() > original.height() > 300


def test_down_arrow_walks_the_results_and_enter_picks(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    _search(qtbot, page, "a-1-0", ["A-1-01", "A-1-02", "A-1-03"])
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    assert page.results_table.hasFocus()
    qtbot.keyClick(page.results_table, Qt.Key.Key_Down)
    qtbot.keyClick(page.results_table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.tenant_value.text() == "李芳餐馆", timeout=10_000)
    assert page.amount_edit.hasFocus()
