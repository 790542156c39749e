"""Posting to the append-only ledger, and the invariant check (ACC-3).

Every change of a balance goes through :func:`post`: it locks the account row, writes one ledger
entry and updates the pocket in the caller's transaction. Entries are never updated or deleted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.enums import Pocket
from app.errors import AccountNotFoundError
from app.models.account import Account
from app.models.base import utcnow
from app.models.ledger import LedgerEntry, Receipt, ReceiptSequence
from app.services.dto import LedgerProblem, LedgerReport
from app.services.rawsql import (
    RawStatement,
    RawTransaction,
    db_scaled,
    db_time,
    driver_time,
    is_sqlite,
)

Conn = Session | RawTransaction

_ACCOUNT_COLS = (
    Account.id,
    Account.account_no,
    Account.state,
    Account.cash_fen,
    Account.subsidy_fen,
    Account.top_up_cap_fen,
    Account.overdraft_limit_fen,
)


@dataclass(frozen=True)
class LockedAccount:
    id: int
    account_no: str
    state: str
    cash_fen: int
    subsidy_fen: int
    top_up_cap_fen: int | None
    overdraft_limit_fen: int

    @property
    def balance_fen(self) -> int:
        return self.cash_fen + self.subsidy_fen


def _to_locked(row: Any) -> LockedAccount:
    return LockedAccount(*row)


_LOCK = (
    "SELECT id, account_no, state, cash_fen, subsidy_fen, top_up_cap_fen, overdraft_limit_fen "
    "FROM accounts WHERE "
)
_LOCK_BY_NO = RawStatement(_LOCK + "account_no = :key")
_LOCK_BY_ID = RawStatement(_LOCK + "id = :key")
_LOCK_BY_NO_FU = RawStatement(_LOCK + "account_no = :key FOR UPDATE")
_LOCK_BY_ID_FU = RawStatement(_LOCK + "id = :key FOR UPDATE")
_INSERT_ENTRY = RawStatement(
    "INSERT INTO ledger_entries (account_id, kind, category, pocket, amount_fen, "
    "balance_after_fen, pocket_after_fen, operator_id, channel, reference, reason, "
    "idempotency_key, request_fingerprint, reverses_entry_id, linked_entry_id, point_id, "
    "quantity, created_at) VALUES (:account_id, :kind, :category, :pocket, :amount_fen, "
    ":balance_after_fen, :pocket_after_fen, :operator_id, :channel, :reference, :reason, "
    ":idempotency_key, :request_fingerprint, :reverses_entry_id, :linked_entry_id, :point_id, "
    ":quantity, :created_at) RETURNING id"
)
_MOVE_CASH = RawStatement(
    "UPDATE accounts SET cash_fen = cash_fen + :amt, version = version + 1 WHERE id = :aid"
)
_MOVE_SUBSIDY = RawStatement(
    "UPDATE accounts SET subsidy_fen = subsidy_fen + :amt, version = version + 1 WHERE id = :aid"
)
_NEXT_RECEIPT = RawStatement(
    "UPDATE receipt_sequences SET last_number = last_number + 1 WHERE year = :y "
    "RETURNING last_number"
)
_FIRST_RECEIPT = RawStatement("INSERT INTO receipt_sequences (year, last_number) VALUES (:y, 1)")
# Lock, read and move in one statement: the UPDATE takes the row lock (PostgreSQL) that
# SELECT … FOR UPDATE would, and RETURNING hands back the row as it now stands.
_CREDIT_RETURNING = (
    " WHERE account_no = :no RETURNING id, account_no, state, cash_fen, subsidy_fen, "
    "top_up_cap_fen, overdraft_limit_fen, "
    "(SELECT building_id FROM rooms WHERE rooms.id = accounts.room_id)"
)
_CREDIT_CASH = RawStatement(
    "UPDATE accounts SET cash_fen = cash_fen + :amt, version = version + 1" + _CREDIT_RETURNING
)
_CREDIT_SUBSIDY = RawStatement(
    "UPDATE accounts SET subsidy_fen = subsidy_fen + :amt, version = version + 1"
    + _CREDIT_RETURNING
)


def _move_and_append_sql(pocket: str) -> RawStatement:
    """PostgreSQL: the move and its ledger entry in one statement (data-modifying CTE)."""
    col = "cash_fen" if pocket == Pocket.CASH else "subsidy_fen"
    return RawStatement(
        f"WITH a AS (UPDATE accounts SET {col} = {col} + :amt, version = version + 1"
        + _CREDIT_RETURNING
        + " AS building_id), e AS (INSERT INTO ledger_entries (account_id, kind, category, "
        "pocket, amount_fen, balance_after_fen, pocket_after_fen, operator_id, channel, "
        "reference, reason, idempotency_key, request_fingerprint, created_at) "
        f"SELECT a.id, :kind, :category, '{pocket}', :amt, a.cash_fen + a.subsidy_fen, a.{col}, "
        ":operator_id, :channel, :reference, :reason, :idempotency_key, :request_fingerprint, "
        ":created_at FROM a RETURNING id) "
        "SELECT a.id, a.account_no, a.state, a.cash_fen, a.subsidy_fen, a.top_up_cap_fen, "
        "a.overdraft_limit_fen, a.building_id, e.id FROM a CROSS JOIN e"
    )


_MOVE_AND_APPEND: dict[str, RawStatement] = {
    p: _move_and_append_sql(p) for p in (Pocket.CASH, Pocket.SUBSIDY)
}


def lock_account(
    session: Session,
    *,
    account_no: str | None = None,
    account_id: int | None = None,
    for_update: bool = True,
) -> LockedAccount:
    """Read the account row under a row lock (PostgreSQL); SQLite holds the write lock already."""
    key: str | int | None
    if account_no is not None:
        stmt, key = (_LOCK_BY_NO_FU if for_update else _LOCK_BY_NO), account_no
    else:
        stmt, key = (_LOCK_BY_ID_FU if for_update else _LOCK_BY_ID), account_id
    row = stmt.one(session, {"key": key})
    if row is None:
        raise AccountNotFoundError(str(account_no if account_no is not None else account_id))
    return _to_locked(row)


@dataclass(frozen=True)
class Moved:
    """An account whose pocket :func:`move_and_lock` has just moved (row now locked)."""

    before: LockedAccount  # as it stood before the move
    after: LockedAccount
    building_id: int


def move_and_lock(conn: Conn, *, account_no: str, pocket: str, amount_fen: int) -> Moved:
    """Move one pocket of an account by ``amount_fen`` and lock its row, in one statement.

    For callers that check their business rules on the account after the move and raise (rolling
    the transaction back) when they fail; the caller then books the entry with
    :func:`append_entry`. Equivalent to :func:`lock_account` + :func:`post`, one round trip less.
    """
    if pocket not in (Pocket.CASH, Pocket.SUBSIDY):
        raise ValueError(f"unknown pocket {pocket!r}")
    stmt = _CREDIT_CASH if pocket == Pocket.CASH else _CREDIT_SUBSIDY
    row = stmt.one(conn, {"amt": amount_fen, "no": account_no})
    if row is None:
        raise AccountNotFoundError(account_no)
    return _moved(row, pocket, amount_fen)


def _moved(row: Any, pocket: str, amount_fen: int) -> Moved:
    after = _to_locked(row[:7])
    cash, subsidy = after.cash_fen, after.subsidy_fen
    if pocket == Pocket.CASH:
        cash -= amount_fen
    else:
        subsidy -= amount_fen
    before = LockedAccount(
        after.id,
        after.account_no,
        after.state,
        cash,
        subsidy,
        after.top_up_cap_fen,
        after.overdraft_limit_fen,
    )
    return Moved(before, after, int(row[7]))


def move_and_append(
    conn: Conn,
    *,
    account_no: str,
    pocket: str,
    amount_fen: int,
    kind: str,
    category: str,
    operator_id: int | None,
    channel: str | None = None,
    reference: str | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
    request_fingerprint: str | None = None,
    at: datetime | None = None,
) -> tuple[Moved, Posted]:
    """:func:`move_and_lock` then :func:`append_entry`; one round trip on PostgreSQL.

    The caller checks its rules on the returned account and raises to roll back.
    """
    if pocket not in (Pocket.CASH, Pocket.SUBSIDY):
        raise ValueError(f"unknown pocket {pocket!r}")
    created_at = at or utcnow()
    if is_sqlite(conn):  # in-process statements: nothing to save by folding them
        moved = move_and_lock(conn, account_no=account_no, pocket=pocket, amount_fen=amount_fen)
        posted = append_entry(
            conn,
            moved.before,
            kind=kind,
            category=category,
            pocket=pocket,
            amount_fen=amount_fen,
            operator_id=operator_id,
            channel=channel,
            reference=reference,
            reason=reason,
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            at=created_at,
        )
        return moved, posted
    row = _MOVE_AND_APPEND[pocket].one(
        conn,
        {
            "amt": amount_fen,
            "no": account_no,
            "kind": str(kind),
            "category": str(category),
            "operator_id": operator_id,
            "channel": channel,
            "reference": reference,
            "reason": reason,
            "idempotency_key": idempotency_key,
            "request_fingerprint": request_fingerprint,
            "created_at": db_time(created_at),
        },
    )
    if row is None:
        raise AccountNotFoundError(account_no)
    moved = _moved(row, pocket, amount_fen)
    posted = Posted(int(row[8]), moved.after.cash_fen, moved.after.subsidy_fen, created_at)
    return moved, posted


@dataclass(frozen=True)
class Posted:
    entry_id: int
    cash_fen: int
    subsidy_fen: int
    created_at: datetime

    @property
    def balance_fen(self) -> int:
        return self.cash_fen + self.subsidy_fen


def post(
    session: Session,
    account: LockedAccount,
    *,
    kind: str,
    category: str,
    pocket: str,
    amount_fen: int,
    operator_id: int | None,
    channel: str | None = None,
    reference: str | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
    request_fingerprint: str | None = None,
    reverses_entry_id: int | None = None,
    linked_entry_id: int | None = None,
    point_id: int | None = None,
    quantity: Decimal | None = None,
    at: datetime | None = None,
) -> Posted:
    """Append one entry and move the pocket by ``amount_fen`` (signed) in one transaction.

    The caller holds the account lock (``lock_account``) and has validated the business rules.
    """
    if pocket == Pocket.CASH:
        move = _MOVE_CASH
    elif pocket == Pocket.SUBSIDY:
        move = _MOVE_SUBSIDY
    else:
        raise ValueError(f"unknown pocket {pocket!r}")
    posted = append_entry(
        session,
        account,
        kind=kind,
        category=category,
        pocket=pocket,
        amount_fen=amount_fen,
        operator_id=operator_id,
        channel=channel,
        reference=reference,
        reason=reason,
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint,
        reverses_entry_id=reverses_entry_id,
        linked_entry_id=linked_entry_id,
        point_id=point_id,
        quantity=quantity,
        at=at,
    )
    move.run(session, {"aid": account.id, "amt": amount_fen})
    return posted


def append_entry(
    conn: Conn,
    account: LockedAccount,
    *,
    kind: str,
    category: str,
    pocket: str,
    amount_fen: int,
    operator_id: int | None,
    channel: str | None = None,
    reference: str | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
    request_fingerprint: str | None = None,
    reverses_entry_id: int | None = None,
    linked_entry_id: int | None = None,
    point_id: int | None = None,
    quantity: Decimal | None = None,
    at: datetime | None = None,
) -> Posted:
    """Append the entry that moves ``account`` (as it stood before) by ``amount_fen``; the
    caller moves the pocket itself (:func:`post` does, :func:`move_and_lock` did)."""
    cash, subsidy = account.cash_fen, account.subsidy_fen
    if pocket == Pocket.CASH:
        cash += amount_fen
        pocket_after = cash
    elif pocket == Pocket.SUBSIDY:
        subsidy += amount_fen
        pocket_after = subsidy
    else:
        raise ValueError(f"unknown pocket {pocket!r}")
    created_at = at or utcnow()
    row = _INSERT_ENTRY.one(
        conn,
        {
            "account_id": account.id,
            "kind": str(kind),
            "category": str(category),
            "pocket": str(pocket),
            "amount_fen": amount_fen,
            "balance_after_fen": cash + subsidy,
            "pocket_after_fen": pocket_after,
            "operator_id": operator_id,
            "channel": channel,
            "reference": reference,
            "reason": reason,
            "idempotency_key": idempotency_key,
            "request_fingerprint": request_fingerprint,
            "reverses_entry_id": reverses_entry_id,
            "linked_entry_id": linked_entry_id,
            "point_id": point_id,
            "quantity": db_scaled(quantity),
            "created_at": db_time(created_at),
        },
    )
    assert row is not None
    return Posted(int(row[0]), cash, subsidy, created_at)


_ENTRY_COLS = (
    "INSERT INTO ledger_entries (account_id, kind, category, pocket, amount_fen, "
    "balance_after_fen, pocket_after_fen, operator_id, channel, reference, point_id, quantity, "
    "created_at) VALUES (:account_id, :kind, :category, :pocket, :amount_fen, "
    ":balance_after_fen, :pocket_after_fen, :operator_id, :channel, :reference, :point_id, "
    ":quantity, :created_at)"
)
_APPEND_MANY = RawStatement(_ENTRY_COLS)
_MOVE_BOTH = RawStatement(
    "UPDATE accounts SET cash_fen = cash_fen + :cash, subsidy_fen = subsidy_fen + :subsidy, "
    "version = version + :entries WHERE id = :aid"
)
_BALANCES = {
    True: RawStatement(
        "SELECT id, cash_fen, subsidy_fen FROM accounts "
        "WHERE id IN (SELECT value FROM json_each(:ids))"
    ),
    False: RawStatement(
        "SELECT id, cash_fen, subsidy_fen FROM accounts WHERE id = ANY(CAST(:ids AS BIGINT[])) "
        "ORDER BY id FOR UPDATE"
    ),
}


class Batch:
    """Many postings in one transaction, written together: the system's own bookings of a run
    (settlement of a read cycle). The same entries and balances as one :func:`post` per entry —
    running ``balance_after``/``pocket_after`` per account in posting order, ``version`` moved
    once per entry — but the entries go in with one ``executemany`` and each account gets one
    UPDATE of both pockets.

    :meth:`lock` first (PostgreSQL: ``FOR UPDATE`` in id order, the order every writer uses;
    SQLite: the transaction holds the write lock already), then :meth:`post`, then :meth:`flush`.
    """

    def __init__(
        self, conn: Conn, *, at: datetime, channel: str | None, operator_id: int | None = None
    ) -> None:
        self.conn = conn
        self.sqlite = is_sqlite(conn)
        self.created_at = driver_time(conn, at)
        self.channel = channel
        self.operator_id = operator_id
        self._balances: dict[int, list[int]] = {}  # id -> [cash, subsidy] as posted so far
        self._moves: dict[int, list[int]] = {}  # id -> [cash, subsidy, entries]
        self._rows: list[tuple[Any, ...]] = []

    def lock(self, account_ids: Iterable[int]) -> None:
        ids = sorted(set(account_ids) - set(self._balances))
        for i in range(0, len(ids), 10_000):
            chunk = ids[i : i + 10_000]
            param = json.dumps(chunk) if self.sqlite else chunk
            for acc_id, cash, subsidy in _BALANCES[self.sqlite].all(self.conn, {"ids": param}):
                self._balances[acc_id] = [int(cash), int(subsidy)]
        missing = [a for a in ids if a not in self._balances]
        if missing:
            raise AccountNotFoundError(str(missing[0]))

    def cash_fen(self, account_id: int) -> int:
        return self._balances[account_id][0]

    def subsidy_fen(self, account_id: int) -> int:
        return self._balances[account_id][1]

    def post(
        self,
        account_id: int,
        *,
        kind: str,
        category: str,
        pocket: str,
        amount_fen: int,
        reference: str | None = None,
        point_id: int | None = None,
        quantity: Decimal | None = None,
    ) -> None:
        balance = self._balances[account_id]  # KeyError: not locked
        move = self._moves.get(account_id)
        if move is None:
            move = self._moves[account_id] = [0, 0, 0]
        if pocket == Pocket.CASH:
            slot = 0
        elif pocket == Pocket.SUBSIDY:
            slot = 1
        else:
            raise ValueError(f"unknown pocket {pocket!r}")
        balance[slot] += amount_fen
        move[slot] += amount_fen
        move[2] += 1
        self._rows.append(
            (
                account_id,
                str(kind),
                str(category),
                str(pocket),
                amount_fen,
                balance[0] + balance[1],
                balance[slot],
                self.operator_id,
                self.channel,
                reference,
                point_id,
                db_scaled(quantity),
                self.created_at,
            )
        )

    def flush(self) -> int:
        """Write what was posted; returns the number of entries."""
        rows, self._rows = self._rows, []
        moves, self._moves = self._moves, {}
        _APPEND_MANY.many(self.conn, rows)
        _MOVE_BOTH.many(
            self.conn, [(c, s, n, acc_id) for acc_id, (c, s, n) in sorted(moves.items())]
        )
        return len(rows)


def draw_receipt_number(session: Conn, year: int, *, for_update: bool) -> int:
    """Next receipt number of ``year``, drawn inside the caller's transaction (no gaps)."""
    row = _NEXT_RECEIPT.one(session, {"y": year})
    if row is not None:
        return int(row[0])
    # First receipt of the year. Two desks may race to create the row: the loser's INSERT fails
    # on the primary key and its whole transaction is retried by the caller.
    _FIRST_RECEIPT.run(session, {"y": year})
    return 1


_RECEIPT_COLS = (
    "INSERT INTO receipts (year, number, account_id, ledger_entry_id, amount_fen, channel, "
    "operator_id, created_at, print_count) "
)
_INSERT_RECEIPT = RawStatement(
    _RECEIPT_COLS + "VALUES (:year, :number, :account_id, :ledger_entry_id, :amount_fen, "
    ":channel, :operator_id, :created_at, 0)"
)
# The year's sequence row is created by the first receipt of the year: an upsert, so two desks
# opening the year at once both get a number (the second waits for the first) instead of one
# failing on the primary key.
_NEXT_NUMBER = (
    "INSERT INTO receipt_sequences (year, last_number) VALUES (:year, 1) ON CONFLICT (year) "
    "DO UPDATE SET last_number = receipt_sequences.last_number + 1 RETURNING last_number"
)
_NEXT_NUMBER_SQLITE = RawStatement(_NEXT_NUMBER)
# PostgreSQL: draw the number and write the receipt in one statement. As CTEs, so that a caller
# can add to the statement what must follow the receipt lock (the audit chain lock: see cashier).
RECEIPT_CTES_PG = (
    f"n AS ({_NEXT_NUMBER}), r AS ("
    + _RECEIPT_COLS
    + "SELECT :year, n.last_number, :account_id, :ledger_entry_id, :amount_fen, :channel, "
    ":operator_id, :created_at, 0 FROM n RETURNING number)"
)
_ISSUE_RECEIPT_PG = RawStatement(f"WITH {RECEIPT_CTES_PG} SELECT number FROM r")


def receipt_params(
    *,
    year: int,
    account_id: int,
    ledger_entry_id: int,
    amount_fen: int,
    channel: str,
    operator_id: int | None,
    created_at: datetime,
) -> dict[str, Any]:
    """The parameters of :data:`RECEIPT_CTES_PG` (and of :func:`issue_receipt`)."""
    return {
        "year": year,
        "account_id": account_id,
        "ledger_entry_id": ledger_entry_id,
        "amount_fen": amount_fen,
        "channel": channel,
        "operator_id": operator_id,
        "created_at": db_time(created_at),
    }


def issue_receipt(
    conn: Conn,
    *,
    year: int,
    account_id: int,
    ledger_entry_id: int,
    amount_fen: int,
    channel: str,
    operator_id: int | None,
    created_at: datetime,
) -> int:
    """Draw the year's next receipt number and write the receipt, in the caller's transaction
    (a rollback leaves no gap). Returns the number."""
    params = receipt_params(
        year=year,
        account_id=account_id,
        ledger_entry_id=ledger_entry_id,
        amount_fen=amount_fen,
        channel=channel,
        operator_id=operator_id,
        created_at=created_at,
    )
    if is_sqlite(conn):
        row = _NEXT_NUMBER_SQLITE.one(conn, {"year": year})
        assert row is not None
        _INSERT_RECEIPT.run(conn, {**params, "number": int(row[0])})
    else:
        row = _ISSUE_RECEIPT_PG.one(conn, params)
        assert row is not None  # the upsert always yields the number
    return int(row[0])


def verify(session: Session) -> LedgerReport:
    """Check balance = sum of entries per pocket for every account, that each entry's running
    balance matches, and that receipt numbers have no gaps per year."""
    problems: list[LedgerProblem] = []
    sums = {
        (acc_id, pocket): (int(total), int(n))
        for acc_id, pocket, total, n in session.execute(
            select(
                LedgerEntry.account_id,
                LedgerEntry.pocket,
                func.coalesce(func.sum(LedgerEntry.amount_fen), 0),
                func.count(),
            ).group_by(LedgerEntry.account_id, LedgerEntry.pocket)
        )
    }
    accounts = session.execute(
        select(Account.id, Account.account_no, Account.cash_fen, Account.subsidy_fen)
    ).all()
    entries = 0
    for acc_id, account_no, cash, subsidy in accounts:
        for pocket, stored in (("cash", cash), ("subsidy", subsidy)):
            total, n = sums.get((acc_id, pocket), (0, 0))
            entries += n
            if total != stored:
                problems.append(
                    LedgerProblem(
                        account_no,
                        f"{pocket} balance {stored} fen != sum of {n} entries {total} fen",
                    )
                )
    # Running balances: each entry's pocket_after must equal the cumulative sum so far.
    running: dict[tuple[int, str], int] = {}
    flagged: set[int] = set()
    names = {acc_id: no for acc_id, no, _c, _s in accounts}
    stmt = select(
        LedgerEntry.id,
        LedgerEntry.account_id,
        LedgerEntry.pocket,
        LedgerEntry.amount_fen,
        LedgerEntry.pocket_after_fen,
    ).order_by(LedgerEntry.account_id, LedgerEntry.id)
    for entry_id, acc_id, pocket, amount, after in session.execute(
        stmt.execution_options(yield_per=5000)
    ):
        key = (acc_id, pocket)
        running[key] = running.get(key, 0) + amount
        if running[key] != after and acc_id not in flagged:
            flagged.add(acc_id)
            problems.append(
                LedgerProblem(
                    names.get(acc_id, str(acc_id)),
                    f"entry {entry_id}: {pocket} after {after} fen != running sum {running[key]}",
                )
            )
    receipts = 0
    for year, count, lo, hi in session.execute(
        select(
            Receipt.year, func.count(), func.min(Receipt.number), func.max(Receipt.number)
        ).group_by(Receipt.year)
    ):
        receipts += int(count)
        if lo != 1 or hi != count:
            problems.append(
                LedgerProblem(
                    f"receipts {year}",
                    f"numbers {lo}..{hi} but {count} receipts: gaps in the sequence",
                )
            )
        last = session.execute(
            select(ReceiptSequence.last_number).where(ReceiptSequence.year == year)
        ).scalar_one_or_none()
        if last is not None and last != hi:
            problems.append(
                LedgerProblem(f"receipts {year}", f"sequence at {last} but last receipt is {hi}")
            )
    return LedgerReport(len(accounts), entries, receipts, tuple(problems))
