"""PAY-3: merchant statements of WeChat Pay and Alipay booked once each, mismatches listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.permissions import ROLES
from app.errors import PermissionDeniedError, StatementFormatError
from app.models import AuditEntry, LedgerEntry, Receipt
from app.services import Services
from app.services.context import Actor
from app.services.payments import (
    AMOUNT_DIFFERS,
    DUPLICATE,
    NOT_PAID,
    REFUNDED,
    UNKNOWN_ORDER,
    payment_key,
)
from tests.fixtures.payments import STATEMENTS, add_orders
from tests.fixtures.site import ADMIN, build_small_site

WECHAT_DAY1 = STATEMENTS / "wechat_20261105_utf8bom.csv"
WECHAT_DAY2 = STATEMENTS / "wechat_20261106_gbk.csv"
ALIPAY_TRADE = STATEMENTS / "alipay_trade_20261105_gbk.csv"
ALIPAY_ACCOUNT = STATEMENTS / "alipay_account_20261105_gbk.csv"


def _site(services: Services) -> dict[str, str]:
    accounts = build_small_site(services).accounts
    add_orders(services, accounts)
    return accounts


def _balances(services: Services, accounts: dict[str, str]) -> dict[str, int]:
    return {room: services.accounts.summary(ADMIN, no).balance_fen for room, no in accounts.items()}


def _count(services: Services, model: type) -> int:
    with services.db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def test_wechat_statement_books_each_payment_once(services: Services) -> None:
    accounts = _site(services)
    before = _balances(services, accounts)
    r = services.payments.import_statement(ADMIN, WECHAT_DAY1, "wechat")
    assert (r.layout, r.encoding, r.lines) == ("wechat_trade", "utf-8", 8)
    assert sorted((b.account_no, b.amount_fen) for b in r.booked) == sorted(
        [(accounts["A-1-01"], 10_000), (accounts["A-1-02"], 5_000), (accounts["B-1-01"], 20_000)]
    )
    assert all(b.receipt_no for b in r.booked) and r.booked_fen == 35_000
    kinds = {(m.kind, m.line_no) for m in r.mismatches}
    assert kinds == {
        (UNKNOWN_ORDER, 5),
        (AMOUNT_DIFFERS, 6),
        (DUPLICATE, 7),
        (REFUNDED, 8),
        (NOT_PAID, 9),
    }
    refund = next(m for m in r.mismatches if m.kind == REFUNDED)
    assert refund.account_no == accounts["A-1-02"] and refund.amount_fen == 5_000
    assert "50300507202611051234560001" in refund.detail
    after = _balances(services, accounts)
    assert after["A-1-01"] - before["A-1-01"] == 10_000
    assert after["A-1-03"] == before["A-1-03"]  # amount differed: not booked
    with services.db.uow() as uow:
        entry = uow.session.execute(
            select(LedgerEntry).where(
                LedgerEntry.idempotency_key == payment_key("wechat", "4200001987202611051234567801")
            )
        ).scalar_one()
        assert (entry.channel, entry.reference) == ("wechat", "SD2026110508000011111111")

    # the same file again: nothing new, every earlier booking recognised
    entries, receipts = _count(services, LedgerEntry), _count(services, Receipt)
    again = services.payments.import_statement(ADMIN, WECHAT_DAY1, "wechat")
    assert again.booked == () and len(again.already_booked) == 3
    assert {b.receipt_no for b in again.already_booked} == {b.receipt_no for b in r.booked}
    assert (_count(services, LedgerEntry), _count(services, Receipt)) == (entries, receipts)
    assert _balances(services, accounts) == after
    with services.db.uow() as uow:
        imports = uow.session.execute(
            select(AuditEntry.after).where(AuditEntry.action == "payments.import")
        ).all()
    assert [a["booked"] for (a,) in imports] == [3, 0]


def test_gbk_statement_older_layout_and_second_payment_of_an_order(services: Services) -> None:
    accounts = _site(services)
    services.payments.import_statement(ADMIN, WECHAT_DAY1, "wechat")
    r = services.payments.import_statement(ADMIN, WECHAT_DAY2, "wechat")
    assert (r.encoding, r.lines) == ("gbk", 2)
    assert [(b.account_no, b.amount_fen) for b in r.booked] == [(accounts["B-1-02"], 2_050)]
    [dup] = r.mismatches
    assert dup.kind == DUPLICATE and dup.order_no == "SD2026110508000011111111"
    assert "4200001987202611051234567801" in dup.detail


def test_alipay_trade_then_account_log_of_the_same_day_books_once(services: Services) -> None:
    accounts = _site(services)
    before = _balances(services, accounts)
    trade = services.payments.import_statement(ADMIN, ALIPAY_TRADE, "alipay")
    assert (trade.layout, trade.encoding) == ("alipay_trade", "gbk")
    assert sorted((b.account_no, b.amount_fen) for b in trade.booked) == sorted(
        [(accounts["A-1-01"], 10_000), (accounts["B-1-01"], 6_660)]
    )
    [refund] = trade.mismatches
    assert (refund.kind, refund.amount_fen, refund.account_no) == (
        REFUNDED,
        1_660,
        accounts["B-1-01"],
    )
    log = services.payments.import_statement(ADMIN, ALIPAY_ACCOUNT, "alipay")
    assert log.layout == "alipay_account" and log.booked == ()
    assert len(log.already_booked) == 2 and log.ignored == 2  # the two service-fee lines
    assert [m.kind for m in log.mismatches] == [REFUNDED]
    after = _balances(services, accounts)
    assert after["A-1-01"] - before["A-1-01"] == 10_000
    assert after["B-1-01"] - before["B-1-01"] == 6_660


def test_alipay_account_log_alone_books_the_payments(services: Services) -> None:
    accounts = _site(services)
    r = services.payments.import_statement(ADMIN, ALIPAY_ACCOUNT, "alipay")
    assert sorted(b.amount_fen for b in r.booked) == [6_660, 10_000]
    assert {b.account_no for b in r.booked} == {accounts["A-1-01"], accounts["B-1-01"]}


@pytest.mark.parametrize(
    ("name", "channel", "message"),
    [
        ("wechat_truncated.csv", "wechat", "不完整"),
        ("alipay_trade_20261105_gbk.csv", "wechat", "表头"),
        ("wechat_20261105_utf8bom.csv", "alipay", "表头"),
    ],
)
def test_malformed_or_wrong_file_books_nothing(
    services: Services, name: str, channel: str, message: str
) -> None:
    _site(services)
    entries = _count(services, LedgerEntry)
    with pytest.raises(StatementFormatError) as err:
        services.payments.import_statement(ADMIN, STATEMENTS / name, channel)
    assert message in str(err.value)
    assert _count(services, LedgerEntry) == entries


def test_a_bad_line_after_good_ones_books_nothing(services: Services, tmp_path: Path) -> None:
    _site(services)
    lines = WECHAT_DAY1.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[3] = lines[3].replace("`200.00", "`2OO.00")  # a damaged amount on line 4
    bad = tmp_path / "bad.csv"
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))
    entries = _count(services, LedgerEntry)
    with pytest.raises(StatementFormatError) as err:
        services.payments.import_statement(ADMIN, bad, "wechat")
    assert err.value.line == 4 and "2OO.00" in str(err.value)
    # a footer that counts more lines than there are
    lines = WECHAT_DAY1.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[-2] = lines[-2].replace("`8,", "`9,", 1)
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))
    with pytest.raises(StatementFormatError, match="9 笔"):
        services.payments.import_statement(ADMIN, bad, "wechat")
    assert _count(services, LedgerEntry) == entries


def test_orders_notifications_and_permissions(services: Services) -> None:
    accounts = build_small_site(services).accounts
    order = services.payments.issue_order(ADMIN, accounts["A-1-02"], amount_fen=3_000)
    assert order.order_no.startswith("SD") and order.order_no.isalnum()
    assert len(order.order_no) == 24
    ok = services.payments.book_notification(ADMIN, "alipay", "T1", order.order_no, 3_000)
    assert ok.booked is not None and not ok.booked.replayed
    replay = services.payments.book_notification(ADMIN, "alipay", "T1", order.order_no, 3_000)
    assert replay.booked is not None and replay.booked.replayed
    wrong = services.payments.book_notification(ADMIN, "alipay", "T2", order.order_no, 2_000)
    assert wrong.mismatch is not None and wrong.mismatch.kind == AMOUNT_DIFFERS
    electrician = Actor(9, "e", ROLES["electrician"][1])
    with pytest.raises(PermissionDeniedError):
        services.payments.import_statement(electrician, WECHAT_DAY1, "wechat")
    with pytest.raises(PermissionDeniedError):
        services.payments.issue_order(electrician, accounts["A-1-02"])
