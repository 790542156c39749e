"""Cashier use cases: top-up (idempotent, with a gap-free receipt), refund, adjustment, reversal."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.calendar import local_date
from app.domain.enums import TOP_UP_CHANNELS, AccountState, Category, Channel, EntryKind, Pocket
from app.domain.money import check_amount_fen
from app.domain.permissions import Perm
from app.errors import (
    AccountStateError,
    IdempotencyConflictError,
    InsufficientBalanceError,
    InvalidAmountError,
    NotFoundError,
    PermissionDeniedError,
    ReversalError,
    TopUpCapExceededError,
    ValidationError,
)
from app.models.account import Account
from app.models.ledger import LedgerEntry, Receipt
from app.models.site import Room
from app.services import audit
from app.services.context import Actor
from app.services.dto import PostingResult
from app.services.ledger import (
    RECEIPT_CTES_PG,
    LockedAccount,
    issue_receipt,
    lock_account,
    move_and_append,
    post,
    receipt_params,
)
from app.services.rawsql import RawTransaction
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

MAX_KEY_LEN = 128
_RETRIES = 5


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _require_reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise ValidationError("reason", "a reason is required")
    if len(reason) > 500:
        raise ValidationError("reason", "at most 500 characters")
    return reason.strip()


def _check_key(key: str | None, required: bool) -> str | None:
    if key is None:
        if required:
            raise ValidationError("idempotency_key", "required")
        return None
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LEN:
        raise ValidationError("idempotency_key", f"must be 1..{MAX_KEY_LEN} characters")
    return key


def _issue_receipt_and_reserve(
    tx: RawTransaction,
    *,
    year: int,
    account_id: int,
    ledger_entry_id: int,
    amount_fen: int,
    channel: str,
    operator_id: int | None,
    created_at: datetime,
) -> tuple[int, audit.Reservation]:
    """Write the receipt, then take the audit chain's next place: the receipt lock first, the
    chain lock last (the order every writer keeps). One statement on PostgreSQL."""
    args: dict[str, Any] = {
        "year": year,
        "account_id": account_id,
        "ledger_entry_id": ledger_entry_id,
        "amount_fen": amount_fen,
        "channel": channel,
        "operator_id": operator_id,
        "created_at": created_at,
    }
    if tx.is_sqlite:
        return issue_receipt(tx, **args), audit.reserve(tx)
    (number,), place = audit.reserve_after(tx, RECEIPT_CTES_PG, "r", receipt_params(**args))
    return int(number), place


class CashierService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- helpers -------------------------------------------------------------------------------

    def _check_scope(self, session: Session, actor: Actor, account: LockedAccount) -> None:
        if actor.building_ids is None:
            return
        building_id = session.execute(
            select(Room.building_id)
            .join(Account, Account.room_id == Room.id)
            .where(Account.id == account.id)
        ).scalar_one()
        if not actor.may_see_building(building_id):
            raise PermissionDeniedError(actor.login, f"building:{building_id}")

    def _replay(self, actor: Actor, key: str, fingerprint: str) -> PostingResult | None:
        """The earlier booking made with ``key``, or None if there is none."""
        with self.db.uow() as uow:
            row = uow.session.execute(
                select(LedgerEntry, Account.account_no, Receipt, Room.building_id)
                .join(Account, Account.id == LedgerEntry.account_id)
                .join(Room, Room.id == Account.room_id)
                .outerjoin(Receipt, Receipt.ledger_entry_id == LedgerEntry.id)
                .where(LedgerEntry.idempotency_key == key)
            ).first()
            if row is None:
                return None
            entry, account_no, receipt, building_id = row
            if not actor.may_see_building(building_id):
                raise PermissionDeniedError(actor.login, f"building:{building_id}")
            if entry.request_fingerprint != fingerprint:
                raise IdempotencyConflictError(key)
            cash = (
                entry.pocket_after_fen
                if entry.pocket == Pocket.CASH
                else (entry.balance_after_fen - entry.pocket_after_fen)
            )
            return PostingResult(
                entry_id=entry.id,
                account_no=account_no,
                kind=entry.kind,
                amount_fen=entry.amount_fen,
                balance_after_fen=entry.balance_after_fen,
                cash_fen=cash,
                subsidy_fen=entry.balance_after_fen - cash,
                receipt_no=receipt.receipt_no if receipt is not None else None,
                created_at=entry.created_at,
                replayed=True,
            )

    # -- use cases ------------------------------------------------------------------------------

    def top_up(
        self,
        actor: Actor,
        account_no: str,
        amount_fen: int,
        channel: str,
        idempotency_key: str,
        *,
        reference: str | None = None,
        at: datetime | None = None,
    ) -> PostingResult:
        """Book a top-up to the cash pocket and draw its receipt number (PAY-1, RPT-1).

        The same ``idempotency_key`` twice books once and returns the first booking (with
        ``replayed=True``); the key reused for a different request raises
        :class:`IdempotencyConflictError`.
        """
        actor.require(Perm.TOP_UP)
        check_amount_fen(amount_fen)
        if channel not in TOP_UP_CHANNELS:
            raise ValidationError("channel", f"unknown channel {channel!r}")
        key = _check_key(idempotency_key, required=True)
        assert key is not None
        fingerprint = _fingerprint("top_up", account_no, amount_fen, channel)
        for _attempt in range(_RETRIES):
            try:
                # The hot path: one transaction on the pooled driver connection (no ORM session);
                # same statements, locks and checks as the other use cases, fewer round trips.
                with RawTransaction(self.db.engine) as tx:
                    moved, posted = move_and_append(
                        tx,
                        account_no=account_no,
                        pocket=Pocket.CASH,
                        amount_fen=amount_fen,
                        kind=EntryKind.TOP_UP,
                        category=Category.PAYMENT,
                        operator_id=actor.operator_id,
                        channel=channel,
                        reference=reference,
                        idempotency_key=key,
                        request_fingerprint=fingerprint,
                        at=at,
                    )
                    acc = moved.before
                    # every check below raises inside the transaction: the move rolls back
                    if not actor.may_see_building(moved.building_id):
                        raise PermissionDeniedError(actor.login, f"building:{moved.building_id}")
                    if acc.state == AccountState.CLOSED:
                        raise AccountStateError(acc.account_no, acc.state, "top up")
                    if acc.top_up_cap_fen is not None and (posted.balance_fen > acc.top_up_cap_fen):
                        raise TopUpCapExceededError(
                            acc.account_no, acc.top_up_cap_fen, posted.balance_fen
                        )
                    year = local_date(posted.created_at).year  # the site's calendar year
                    number, place = _issue_receipt_and_reserve(
                        tx,
                        year=year,
                        account_id=acc.id,
                        ledger_entry_id=posted.entry_id,
                        amount_fen=amount_fen,
                        channel=channel,
                        operator_id=actor.operator_id,
                        created_at=posted.created_at,
                    )
                    receipt_no = f"{year}-{number:06d}"
                    audit.write(
                        place,
                        [
                            audit.entry(
                                actor,
                                "top_up",
                                "account",
                                acc.account_no,
                                before={"balance_fen": acc.balance_fen},
                                after={
                                    "balance_fen": posted.balance_fen,
                                    "amount_fen": amount_fen,
                                    "channel": channel,
                                    "receipt": receipt_no,
                                },
                                at=posted.created_at,
                            )
                        ],
                    )
                    tx.commit()
                    return PostingResult(
                        entry_id=posted.entry_id,
                        account_no=acc.account_no,
                        kind=EntryKind.TOP_UP,
                        amount_fen=amount_fen,
                        balance_after_fen=posted.balance_fen,
                        cash_fen=posted.cash_fen,
                        subsidy_fen=posted.subsidy_fen,
                        receipt_no=receipt_no,
                        created_at=posted.created_at,
                    )
            except IntegrityError:
                # Either the key was booked by someone else meanwhile (replay it), or two desks
                # raced to open the year's receipt sequence (retry).
                replay = self._replay(actor, key, fingerprint)
                if replay is not None:
                    return replay
                logger.info("top-up of %s retried after a write conflict", account_no)
        raise RuntimeError(f"top-up of {account_no} failed after {_RETRIES} write conflicts")

    def refund(
        self,
        actor: Actor,
        account_no: str,
        amount_fen: int,
        reason: str,
        *,
        channel: str = Channel.CASH,
        idempotency_key: str | None = None,
        at: datetime | None = None,
    ) -> PostingResult:
        """Pay cash back to the tenant (never more than the cash pocket holds)."""
        actor.require(Perm.REFUND)
        check_amount_fen(amount_fen)
        reason = _require_reason(reason)
        if channel not in TOP_UP_CHANNELS:
            raise ValidationError("channel", f"unknown channel {channel!r}")
        key = _check_key(idempotency_key, required=False)
        fingerprint = _fingerprint("refund", account_no, amount_fen, channel)
        if key is not None:
            replay = self._replay(actor, key, fingerprint)
            if replay is not None:
                return replay
        with self.db.uow() as uow:
            s = uow.session
            acc = lock_account(s, account_no=account_no, for_update=uow.for_update)
            self._check_scope(s, actor, acc)
            if acc.state == AccountState.CLOSED:
                raise AccountStateError(acc.account_no, acc.state, "refund")
            if amount_fen > acc.cash_fen:
                raise InsufficientBalanceError(acc.account_no, acc.cash_fen, amount_fen)
            posted = post(
                s,
                acc,
                kind=EntryKind.REFUND,
                category=Category.PAYMENT,
                pocket=Pocket.CASH,
                amount_fen=-amount_fen,
                operator_id=actor.operator_id,
                channel=channel,
                reason=reason,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                at=at,
            )
            audit.record(
                s,
                actor,
                "refund",
                "account",
                acc.account_no,
                before={"balance_fen": acc.balance_fen},
                after={
                    "balance_fen": posted.balance_fen,
                    "amount_fen": -amount_fen,
                    "reason": reason,
                },
                at=posted.created_at,
            )
            uow.commit()
        return PostingResult(
            posted.entry_id,
            acc.account_no,
            EntryKind.REFUND,
            -amount_fen,
            posted.balance_fen,
            posted.cash_fen,
            posted.subsidy_fen,
            None,
            posted.created_at,
        )

    def adjust(
        self,
        actor: Actor,
        account_no: str,
        amount_fen: int,
        reason: str,
        *,
        pocket: str = Pocket.CASH,
        at: datetime | None = None,
    ) -> PostingResult:
        """A signed correction with a reason (needs the adjust permission)."""
        actor.require(Perm.ADJUST)
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen == 0:
            raise InvalidAmountError(amount_fen, "must be a non-zero whole number of fen")
        check_amount_fen(abs(amount_fen))
        reason = _require_reason(reason)
        if pocket not in (Pocket.CASH, Pocket.SUBSIDY):
            raise ValidationError("pocket", f"unknown pocket {pocket!r}")
        with self.db.uow() as uow:
            s = uow.session
            acc = lock_account(s, account_no=account_no, for_update=uow.for_update)
            self._check_scope(s, actor, acc)
            if acc.state == AccountState.CLOSED:
                raise AccountStateError(acc.account_no, acc.state, "adjust")
            posted = post(
                s,
                acc,
                kind=EntryKind.ADJUSTMENT,
                category=Category.OTHER,
                pocket=pocket,
                amount_fen=amount_fen,
                operator_id=actor.operator_id,
                reason=reason,
                at=at,
            )
            audit.record(
                s,
                actor,
                "adjust",
                "account",
                acc.account_no,
                before={"balance_fen": acc.balance_fen},
                after={
                    "balance_fen": posted.balance_fen,
                    "amount_fen": amount_fen,
                    "pocket": pocket,
                    "reason": reason,
                },
                at=posted.created_at,
            )
            uow.commit()
        return PostingResult(
            posted.entry_id,
            acc.account_no,
            EntryKind.ADJUSTMENT,
            amount_fen,
            posted.balance_fen,
            posted.cash_fen,
            posted.subsidy_fen,
            None,
            posted.created_at,
        )

    def reverse(
        self, actor: Actor, entry_id: int, reason: str, *, at: datetime | None = None
    ) -> PostingResult:
        """Cancel a ledger entry by a reversing entry (never an edit). Each entry at most once."""
        actor.require(Perm.REVERSE)
        reason = _require_reason(reason)
        if isinstance(entry_id, bool) or not isinstance(entry_id, int):
            raise ValidationError("entry_id", "must be an entry number")
        try:
            with self.db.uow() as uow:
                s = uow.session
                original = s.get(LedgerEntry, entry_id)
                if original is None:
                    raise NotFoundError("ledger entry", entry_id)
                if original.kind == EntryKind.REVERSAL:
                    raise ReversalError(
                        entry_id, "a reversal cannot be reversed; post an adjustment"
                    )
                acc = lock_account(s, account_id=original.account_id, for_update=uow.for_update)
                self._check_scope(s, actor, acc)
                if acc.state == AccountState.CLOSED:
                    raise AccountStateError(acc.account_no, acc.state, "reverse entries")
                already = s.execute(
                    select(LedgerEntry.id).where(LedgerEntry.reverses_entry_id == entry_id)
                ).scalar_one_or_none()
                if already is not None:
                    raise ReversalError(entry_id, f"already reversed by entry {already}")
                posted = post(
                    s,
                    acc,
                    kind=EntryKind.REVERSAL,
                    category=original.category,
                    pocket=original.pocket,
                    amount_fen=-original.amount_fen,
                    operator_id=actor.operator_id,
                    reason=reason,
                    reverses_entry_id=entry_id,
                    point_id=original.point_id,
                    quantity=-original.quantity if original.quantity is not None else None,
                    at=at,
                )
                audit.record(
                    s,
                    actor,
                    "reverse",
                    "ledger_entry",
                    entry_id,
                    before={
                        "balance_fen": acc.balance_fen,
                        "kind": original.kind,
                        "amount_fen": original.amount_fen,
                    },
                    after={
                        "balance_fen": posted.balance_fen,
                        "reversal_entry": posted.entry_id,
                        "reason": reason,
                    },
                    at=posted.created_at,
                )
                uow.commit()
        except IntegrityError as exc:  # a concurrent reversal of the same entry won the race
            raise ReversalError(entry_id, "already reversed") from exc
        return PostingResult(
            posted.entry_id,
            acc.account_no,
            EntryKind.REVERSAL,
            -original.amount_fen,
            posted.balance_fen,
            posted.cash_fen,
            posted.subsidy_fen,
            None,
            posted.created_at,
        )
