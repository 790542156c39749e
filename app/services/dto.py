"""Frozen data transfer objects returned by services (ORM objects never leave a service)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class AccountSummary:
    account_no: str
    state: str
    room_code: str
    room_name: str
    building_code: str
    building_name: str
    floor: int
    tenant_name: str
    tenant_phone: str | None
    cash_fen: int
    subsidy_fen: int
    overdraft_limit_fen: int
    warn_threshold_fen: int
    urgent_threshold_fen: int
    opened_at: datetime
    tenant_initials: str = ""  # pinyin initials of the tenant's name (search as you type)

    @property
    def balance_fen(self) -> int:
        return self.cash_fen + self.subsidy_fen


@dataclass(frozen=True)
class AccountDetails:
    """An account with its room and tenant particulars (the rooms page's details panel)."""

    summary: AccountSummary
    room_type: str
    area_m2: Decimal
    occupants: int
    move_in: datetime
    move_out: datetime | None


@dataclass(frozen=True)
class SupplyPoint:
    """The supply state of one metering point of an account's room: is the power (or water) on,
    and the latest switch command for it (CTL-4)."""

    point_id: int
    code: str
    name: str
    utility: str  # electricity | water
    relay_state: str | None  # closed = supplying, open = cut, unknown / None
    trip_cause: str | None
    keep_power: bool
    command_id: int | None
    command_kind: str | None  # trip | close | valve-close | valve-open
    command_state: str | None  # pending | sent | confirmed | failed | cancelled


@dataclass(frozen=True)
class LedgerEntryDTO:
    id: int
    account_no: str
    kind: str
    category: str
    pocket: str
    amount_fen: int
    balance_after_fen: int
    channel: str | None
    reference: str | None
    reason: str | None
    operator_login: str | None
    receipt_no: str | None
    reverses_entry_id: int | None
    quantity: Decimal | None
    created_at: datetime


@dataclass(frozen=True)
class LedgerPage:
    account_no: str
    entries: tuple[LedgerEntryDTO, ...]
    total: int
    offset: int


@dataclass(frozen=True)
class PostingResult:
    """Result of a top-up, refund, adjustment or reversal."""

    entry_id: int
    account_no: str
    kind: str
    amount_fen: int
    balance_after_fen: int
    cash_fen: int
    subsidy_fen: int
    receipt_no: str | None
    created_at: datetime
    replayed: bool = False  # True when an idempotency key returned an earlier booking


@dataclass(frozen=True)
class LedgerProblem:
    account_no: str
    message: str


@dataclass(frozen=True)
class LedgerReport:
    accounts_checked: int
    entries_checked: int
    receipts_checked: int
    problems: tuple[LedgerProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems
