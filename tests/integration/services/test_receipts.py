"""Receipt service on real databases: data from the ledger, original vs 补打, archive, all or
nothing when a file cannot be written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.domain.permissions import ALL_PERMISSIONS, ROLES
from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.models import AuditEntry, Receipt
from app.models.operator import Operator, Role
from app.services import Services
from app.services.context import Actor
from app.services.receipts import ReceiptService
from tests.fixtures.site import ADMIN, build_small_site
from tests.pdf_tools import pdf_text

BOOKED = datetime(2026, 10, 5, 6, 5, 30, tzinfo=UTC)  # 14:05 in Shanghai


def _flat(text: str) -> str:
    return "".join(text.split())


def _cashier(services: Services, name: str = "张收费") -> Actor:
    with services.db.uow() as uow:
        s = uow.session
        role_id = s.execute(
            insert(Role)
            .values(code="cashier", name="收费员", permissions=sorted(ROLES["cashier"][1]))
            .returning(Role.id)
        ).scalar_one()
        op_id = s.execute(
            insert(Operator)
            .values(login="zhang", name=name, password_hash="x", role_id=role_id)
            .returning(Operator.id)
        ).scalar_one()
        uow.commit()
    return Actor(op_id, "zhang", ROLES["cashier"][1])


def _print_count(services: Services, year: int, number: int) -> int:
    with services.db.uow() as uow:
        return int(
            uow.session.execute(
                select(Receipt.print_count).where(Receipt.year == year, Receipt.number == number)
            ).scalar_one()
        )


def _receipts(services: Services, tmp_path: Path) -> ReceiptService:
    return ReceiptService(services.db, archive_dir=tmp_path / "archive")


def test_receipt_shows_the_booking_then_reprints_are_marked(
    services: Services, tmp_path: Path
) -> None:
    site = build_small_site(services)
    services.settings.set(ADMIN, "site.name", "阳光商业广场物业管理处")
    services.settings.set(ADMIN, "receipt.header", "水电费存款凭条")
    cashier = _cashier(services)
    acc = site.accounts["A-1-01"]
    services.cashier.top_up(cashier, acc, 5_000, "cash", "k0", at=BOOKED.replace(day=1))
    booked = services.cashier.top_up(cashier, acc, 12_000, "wechat", "k1", at=BOOKED)
    assert booked.receipt_no == "2026-000002"
    receipts = _receipts(services, tmp_path)

    first = receipts.print_receipt(cashier, "thermal80", receipt_no="2026-000002")
    assert (first.print_no, first.reprint) == (1, False)
    assert first.archive_path == tmp_path / "archive" / "2026" / "2026-000002.pdf"
    assert first.archive_path.read_bytes() == first.pdf
    text = _flat(pdf_text(first.pdf, tmp_path))
    for expected in (
        "阳光商业广场物业管理处",
        "水电费存款凭条",
        "2026-000002",
        "2026-10-0514:05",  # local time, not the stored UTC 06:05
        "A-1-01",
        "A栋101室",
        "王小明便利店",
        "¥120.00",
        "壹佰贰拾元整",
        "微信",
        "¥170.00",  # cash pocket and balance after this top-up
        "张收费",
    ):
        assert expected in text, expected
    assert "补打" not in text
    assert "06:05" not in text
    assert _print_count(services, 2026, 2) == 1

    second = receipts.print_receipt(cashier, "a5", receipt_no="2026-000002")
    assert (second.print_no, second.reprint) == (2, True)
    assert second.archive_path.name == "2026-000002-reprint1.pdf"
    assert first.archive_path.read_bytes() == first.pdf  # the original's copy is kept
    text2 = _flat(pdf_text(second.pdf, tmp_path))
    assert "补打" in text2 and "第2次打印" in text2 and "壹佰贰拾元整" in text2
    assert _print_count(services, 2026, 2) == 2
    # the other receipt was never printed
    assert _print_count(services, 2026, 1) == 0
    with services.db.uow() as uow:
        audit = uow.session.execute(
            select(AuditEntry.operator_login, AuditEntry.target_id, AuditEntry.after).where(
                AuditEntry.action == "receipt.print"
            )
        ).all()
    assert [(login, target, after["print_count"]) for login, target, after in audit] == [
        ("zhang", "2026-000002", 1),
        ("zhang", "2026-000002", 2),
    ]


def test_by_ledger_entry_and_preview_does_not_count(services: Services, tmp_path: Path) -> None:
    site = build_small_site(services)
    acc = site.accounts["B-1-01"]
    booked = services.cashier.top_up(ADMIN, acc, 30_001, "bank", "k1", at=BOOKED)
    receipts = _receipts(services, tmp_path)
    data = receipts.receipt_data(ADMIN, entry_id=booked.entry_id)
    assert (data.receipt_no, data.amount_fen, data.channel) == (booked.receipt_no, 30_001, "bank")
    assert (data.room_code, data.tenant_name, data.operator_name) == ("B-1-01", "陈静", "系统")
    assert (data.cash_after_fen, data.subsidy_after_fen, data.print_no) == (30_001, 0, 1)
    assert data.booked_at.utcoffset() is not None
    assert data.booked_at.strftime("%H:%M") == "14:05"
    preview = _flat(pdf_text(receipts.preview(ADMIN, "dot241", entry_id=booked.entry_id), tmp_path))
    assert "叁佰元零壹分" in preview and "银行转账" in preview and "补打" not in preview
    assert _print_count(services, 2026, 1) == 0
    assert not (tmp_path / "archive").exists()


def test_unknown_receipts_and_bad_input(services: Services, tmp_path: Path) -> None:
    site = build_small_site(services)
    refund_target = site.accounts["A-1-02"]
    services.cashier.top_up(ADMIN, refund_target, 1_000, "cash", "k1", at=BOOKED)
    refund = services.cashier.refund(ADMIN, refund_target, 500, "退租", at=BOOKED)
    receipts = _receipts(services, tmp_path)
    with pytest.raises(NotFoundError):
        receipts.print_receipt(ADMIN, "a5", receipt_no="2026-000099")
    with pytest.raises(NotFoundError):  # a refund has no deposit receipt
        receipts.print_receipt(ADMIN, "a5", entry_id=refund.entry_id)
    with pytest.raises(ValidationError):
        receipts.print_receipt(ADMIN, "a5", receipt_no="26/1")
    with pytest.raises(ValidationError):
        receipts.print_receipt(ADMIN, "a4", receipt_no="2026-000001")
    with pytest.raises(ValidationError):
        receipts.print_receipt(ADMIN, "a5")
    assert _print_count(services, 2026, 1) == 0


def test_unwritable_copy_leaves_nothing(services: Services, tmp_path: Path) -> None:
    site = build_small_site(services)
    services.cashier.top_up(ADMIN, site.accounts["A-1-03"], 2_000, "card", "k1", at=BOOKED)
    receipts = _receipts(services, tmp_path)
    with pytest.raises(OSError):
        receipts.print_receipt(
            ADMIN, "a5", receipt_no="2026-000001", copies=[tmp_path / "missing" / "r.pdf"]
        )
    a_directory = tmp_path / "adir"
    a_directory.mkdir()
    with pytest.raises(OSError):
        receipts.print_receipt(ADMIN, "a5", receipt_no="2026-000001", copies=[a_directory])
    assert _print_count(services, 2026, 1) == 0
    assert not list((tmp_path / "archive").rglob("*.pdf"))
    ok = receipts.print_receipt(ADMIN, "a5", receipt_no="2026-000001", copies=[tmp_path / "r.pdf"])
    assert ok.copies == (tmp_path / "r.pdf",)
    assert (tmp_path / "r.pdf").read_bytes() == ok.pdf == ok.archive_path.read_bytes()
    assert ok.print_no == 1  # the failed attempts did not count


def test_permissions_and_building_scope(services: Services, tmp_path: Path) -> None:
    site = build_small_site(services)
    services.cashier.top_up(ADMIN, site.accounts["B-1-02"], 2_000, "cash", "k1", at=BOOKED)
    receipts = _receipts(services, tmp_path)
    electrician = Actor(None, "dian", ROLES["electrician"][1])
    with pytest.raises(PermissionDeniedError):
        receipts.print_receipt(electrician, "a5", receipt_no="2026-000001")
    only_a = Actor(None, "cashier-a", ALL_PERMISSIONS, frozenset({site.building_ids["A"]}))
    with pytest.raises(PermissionDeniedError):
        receipts.print_receipt(only_a, "a5", receipt_no="2026-000001")
    assert _print_count(services, 2026, 1) == 0
    only_b = Actor(None, "cashier-b", ROLES["cashier"][1], frozenset({site.building_ids["B"]}))
    assert receipts.print_receipt(only_b, "a5", receipt_no="2026-000001").print_no == 1
    supervisor = Actor(None, "boss", ROLES["supervisor"][1])
    assert receipts.print_receipt(supervisor, "a5", receipt_no="2026-000001").reprint


def test_default_archive_is_in_the_user_data_dir(services: Services) -> None:
    import os

    site = build_small_site(services)
    services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 100, "cash", "k1", at=BOOKED)
    printed = services.receipts.print_receipt(ADMIN, "thermal80", receipt_no="2026-000001")
    data_dir = Path(os.environ["SHUIDIAN_DATA_DIR"])
    assert printed.archive_path == data_dir / "receipts" / "2026" / "2026-000001.pdf"
    assert printed.archive_path.is_file()
