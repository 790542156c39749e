"""Receipt use cases (RPT-1): load a receipt, print it (original or 补打), archive the PDF."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.calendar import site_zone
from app.domain.enums import Pocket
from app.domain.permissions import Perm
from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.models.account import Account
from app.models.base import utcnow
from app.models.ledger import LedgerEntry, Receipt
from app.models.operator import Operator
from app.models.site import Building, Room, Tenant
from app.reports.labels import NO_OPERATOR
from app.reports.output import atomic_write, check_writable
from app.services import audit
from app.services.context import Actor
from app.services.settings import read_settings
from app.services.unit_of_work import Database

if TYPE_CHECKING:  # the renderer (reportlab) is imported when a receipt is first printed
    from app.reports.receipts import ReceiptData, ReceiptLayout

logger = logging.getLogger(__name__)

_RECEIPT_NO = re.compile(r"^\s*(\d{4})-(\d{1,9})\s*$")


def parse_receipt_no(text: str) -> tuple[int, int]:
    """``2026-000123`` → (2026, 123)."""
    m = _RECEIPT_NO.match(text or "")
    if not m:
        raise ValidationError("receipt_no", f"{text!r} is not a receipt number like 2026-000123")
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class PrintedReceipt:
    receipt_no: str
    layout: str
    print_no: int  # 1 = the original, 2 and up = reprints (补打)
    pdf: bytes
    archive_path: Path
    copies: tuple[Path, ...] = ()

    @property
    def reprint(self) -> bool:
        return self.print_no > 1


def _require_receipt_permission(actor: Actor) -> None:
    # cashiers print at the desk (top-up permission), supervisors reprint from reports
    if Perm.TOP_UP not in actor.permissions and Perm.REPORT_EXPORT not in actor.permissions:
        raise PermissionDeniedError(actor.login, Perm.TOP_UP)


def _default_archive_dir() -> Path:
    from app.config import data_dir

    return data_dir() / "receipts"


class ReceiptService:
    def __init__(self, db: Database, archive_dir: Path | None = None) -> None:
        self.db = db
        self._archive_dir = archive_dir

    @property
    def archive_dir(self) -> Path:
        return self._archive_dir or _default_archive_dir()

    def archive_path(self, receipt_no: str, print_no: int) -> Path:
        """Where a print of a receipt is archived: ``receipts/2026/2026-000123.pdf`` for the
        original, ``…-reprint1.pdf`` for the first 补打, and so on."""
        year = receipt_no.split("-", 1)[0]
        suffix = "" if print_no <= 1 else f"-reprint{print_no - 1}"
        return self.archive_dir / year / f"{receipt_no}{suffix}.pdf"

    # -- loading -----------------------------------------------------------------------------

    def _find_id(
        self, session: Session, receipt_no: str | None, entry_id: int | None
    ) -> tuple[int, str]:
        if (receipt_no is None) == (entry_id is None):
            raise ValidationError("receipt", "give a receipt number or a ledger entry id")
        if receipt_no is not None:
            year, number = parse_receipt_no(receipt_no)
            stmt = select(Receipt.id, Receipt.year, Receipt.number).where(
                Receipt.year == year, Receipt.number == number
            )
            key: object = receipt_no.strip()
            what = "receipt"
        else:
            if isinstance(entry_id, bool) or not isinstance(entry_id, int):
                raise ValidationError("entry_id", "must be a ledger entry number")
            stmt = select(Receipt.id, Receipt.year, Receipt.number).where(
                Receipt.ledger_entry_id == entry_id
            )
            key = entry_id
            what = "receipt of ledger entry"
        row = session.execute(stmt).first()
        if row is None:
            raise NotFoundError(what, key)
        return int(row[0]), f"{row[1]}-{row[2]:06d}"

    def _load(
        self, session: Session, actor: Actor, receipt_id: int, print_no: int, printed_at: datetime
    ) -> ReceiptData:
        row: Any = session.execute(
            select(
                Receipt.year,
                Receipt.number,
                Receipt.amount_fen,
                Receipt.channel,
                Receipt.created_at,
                LedgerEntry.pocket,
                LedgerEntry.pocket_after_fen,
                LedgerEntry.balance_after_fen,
                LedgerEntry.reference,
                Account.account_no,
                Room.code,
                Room.name,
                Room.building_id,
                Building.name,
                Tenant.name,
                Operator.name,
            )
            .join(LedgerEntry, LedgerEntry.id == Receipt.ledger_entry_id)
            .join(Account, Account.id == Receipt.account_id)
            .join(Room, Room.id == Account.room_id)
            .join(Building, Building.id == Room.building_id)
            .join(Tenant, Tenant.id == Account.tenant_id)
            .outerjoin(Operator, Operator.id == Receipt.operator_id)
            .where(Receipt.id == receipt_id)
        ).one()
        (
            year,
            number,
            amount_fen,
            channel,
            created_at,
            pocket,
            pocket_after,
            balance_after,
            reference,
            account_no,
            room_code,
            room_name,
            building_id,
            building_name,
            tenant_name,
            operator_name,
        ) = row
        if not actor.may_see_building(building_id):
            raise PermissionDeniedError(actor.login, f"building:{building_id}")
        from app.reports.receipts import ReceiptData

        settings = read_settings(session)
        tz = site_zone(str(settings["site.timezone"]))
        cash_after = pocket_after if pocket == Pocket.CASH else balance_after - pocket_after
        return ReceiptData(
            site_name=str(settings["site.name"]),
            header=str(settings["receipt.header"]),
            receipt_no=f"{year}-{number:06d}",
            booked_at=created_at.astimezone(tz),
            building_name=building_name,
            room_code=room_code,
            room_name=room_name,
            tenant_name=tenant_name,
            account_no=account_no,
            amount_fen=int(amount_fen),
            channel=channel,
            cash_after_fen=int(cash_after),
            subsidy_after_fen=int(balance_after - cash_after),
            operator_name=operator_name or NO_OPERATOR,
            print_no=print_no,
            printed_at=printed_at.astimezone(tz),
            reference=reference,
        )

    # -- use cases ---------------------------------------------------------------------------

    def receipt_data(
        self, actor: Actor, *, receipt_no: str | None = None, entry_id: int | None = None
    ) -> ReceiptData:
        """The receipt as its next print would show it (a preview: nothing is counted)."""
        _require_receipt_permission(actor)
        with self.db.uow() as uow:
            s = uow.session
            receipt_id, _no = self._find_id(s, receipt_no, entry_id)
            count = s.execute(
                select(Receipt.print_count).where(Receipt.id == receipt_id)
            ).scalar_one()
            return self._load(s, actor, receipt_id, int(count) + 1, utcnow())

    def preview(
        self,
        actor: Actor,
        layout: ReceiptLayout | str,
        *,
        receipt_no: str | None = None,
        entry_id: int | None = None,
    ) -> bytes:
        """PDF of the next print, for the preview dialog; the print count does not move."""
        from app.reports.receipts import render_receipt

        layout = _layout(layout)
        return render_receipt(
            self.receipt_data(actor, receipt_no=receipt_no, entry_id=entry_id), layout
        )

    def print_receipt(
        self,
        actor: Actor,
        layout: ReceiptLayout | str,
        *,
        receipt_no: str | None = None,
        entry_id: int | None = None,
        copies: Sequence[Path] = (),
    ) -> PrintedReceipt:
        """Count one print, render it (补打 from the second print on), archive the PDF and write
        it to each of ``copies``, all or nothing: if a file cannot be written the print count
        does not move and no file is left behind."""
        from app.reports.receipts import render_receipt

        _require_receipt_permission(actor)
        layout = _layout(layout)
        targets = tuple(check_writable(Path(c)) for c in copies)
        now = utcnow()
        with self.db.uow() as uow:
            s = uow.session
            receipt_id, receipt_no_found = self._find_id(s, receipt_no, entry_id)
            # the UPDATE takes the row lock: two desks reprinting at once get 2 and 3, not 2 and 2
            print_no = int(
                s.execute(
                    update(Receipt)
                    .where(Receipt.id == receipt_id)
                    .values(print_count=Receipt.print_count + 1)
                    .returning(Receipt.print_count)
                ).scalar_one()
            )
            data = self._load(s, actor, receipt_id, print_no, now)
            pdf = render_receipt(data, layout)
            audit.record(
                s,
                actor,
                "receipt.print",
                "receipt",
                receipt_no_found,
                before={"print_count": print_no - 1},
                after={"print_count": print_no, "layout": str(layout), "reprint": print_no > 1},
                at=now,
            )
            s.flush()
            written: list[Path] = []
            try:
                archive = self.archive_path(receipt_no_found, print_no)
                archive.parent.mkdir(parents=True, exist_ok=True)
                written.append(atomic_write(archive, pdf))
                for target in targets:
                    written.append(atomic_write(target, pdf))
                uow.commit()
            except BaseException:
                for path in written:
                    with contextlib.suppress(OSError):
                        path.unlink()
                raise
        logger.info("receipt %s printed (%s, print %d)", receipt_no_found, layout, print_no)
        return PrintedReceipt(
            receipt_no=receipt_no_found,
            layout=str(layout),
            print_no=print_no,
            pdf=pdf,
            archive_path=written[0],
            copies=tuple(written[1:]),
        )


def _layout(layout: ReceiptLayout | str) -> ReceiptLayout:
    from app.reports.receipts import ReceiptLayout

    try:
        return ReceiptLayout(layout)
    except ValueError as exc:
        names = ", ".join(v.value for v in ReceiptLayout)
        raise ValidationError("layout", f"unknown layout {layout!r} (one of {names})") from exc
