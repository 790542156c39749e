"""The audit seal's canonical form (SEC-3), and that nothing in the app rewrites the log."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.services import audit
from app.services.audit import StoredEntry, canonical_json, canonical_time, seal
from app.services.audit_check import check_chain

APP = Path(__file__).resolve().parents[3] / "app"


def test_canonical_json_sorts_keys_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": "退款", "c": None}) == '{"a":"退款","b":1,"c":null}'
    assert canonical_json(None) is None
    # a value read back from either database re-serialises to the same text
    text = canonical_json({"z": [1, 2.5, True], "备注": "x"})
    assert text is not None and canonical_json(json.loads(text)) == text


def test_canonical_time_is_one_form_for_every_storage() -> None:
    aware = datetime(2026, 11, 24, 6, 5, 0, tzinfo=UTC)
    expected = "2026-11-24 06:05:00.000000"
    assert canonical_time(aware) == expected
    assert canonical_time(aware.astimezone(timezone(timedelta(hours=8)))) == expected
    assert canonical_time(aware.replace(tzinfo=None)) == expected
    assert canonical_time("2026-11-24 06:05:00") == expected  # sqlite3's adapter drops .000000
    assert canonical_time("2026-11-24T06:05:00.000000") == expected


FIELDS = (1, "", "2026-11-24 06:05:00.000000", 7, "cashier", "top_up", "account", "A/1", None, "{}")


@pytest.mark.parametrize("index", range(len(FIELDS)))
def test_the_seal_covers_every_field(index: int) -> None:
    changed = list(FIELDS)
    changed[index] = {0: 2, 1: "0" * 64, 3: None, 8: "{}", 9: None}.get(index, "other")
    assert seal(*changed) != seal(*FIELDS)  # type: ignore[arg-type]
    assert len(seal(*FIELDS)) == 64  # type: ignore[arg-type]


def _entry(entry_id: int, prev: str, action: str = "top_up") -> StoredEntry:
    e = StoredEntry(entry_id, FIELDS[2], None, "u", action, "account", "A", None, None, prev, "")
    return replace(e, hash=e.expected_hash())


def _chain(n: int) -> list[StoredEntry]:
    out: list[StoredEntry] = []
    prev = ""
    for i in range(1, n + 1):
        out.append(_entry(i, prev))
        prev = out[-1].hash
    return out


def _head(entries: list[StoredEntry]) -> str:
    return audit.ChainHead(entries[-1].id, entries[-1].hash, len(entries)).to_json()


def test_check_chain_accepts_an_intact_chain_and_an_empty_log() -> None:
    entries = _chain(5)
    report = check_chain(entries, _head(entries), has_head_row=True, sealed_rows=5)
    assert report.ok and report.sealed == 5
    empty = check_chain([], None, has_head_row=False, sealed_rows=0)
    assert empty.ok and empty.entries == 0


def test_check_chain_unsealed_rows_before_any_chain_are_legacy() -> None:
    legacy = [
        StoredEntry(i, FIELDS[2], None, "u", "x", "t", "1", None, None, "", "") for i in (1, 2)
    ]
    report = check_chain(legacy, None, has_head_row=False, sealed_rows=0)
    assert report.status == "not_sealed" and report.legacy_unsealed == 2 and not report.problems


def test_check_chain_names_the_first_problem_in_id_order() -> None:
    entries = _chain(6)
    del entries[2]  # #3 deleted: #4 no longer follows #2
    entries[3] = replace(entries[3], action="refund")  # #5 edited
    report = check_chain(entries, _head(_chain(6)), has_head_row=True, sealed_rows=5)
    assert [p.entry_id for p in report.problems] == [4, 5]
    assert "deleted" in report.problems[0].message
    assert "does not match its seal" in report.problems[1].message


def test_no_app_code_updates_or_deletes_audit_entries() -> None:
    """SEC-3: the log cannot be changed from the app. The only UPDATE is the one-time sealing
    of legacy rows in the audit service itself."""
    pattern = re.compile(
        r"(UPDATE\s+audit_entries|DELETE\s+FROM\s+audit_entries|"
        r"(update|delete)\(\s*AuditEntry\b|AuditEntry\.__table__\.(update|delete))",
        re.IGNORECASE,
    )
    offenders = []
    for path in APP.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(APP)}: {match.group(0)}")
    assert offenders == ["services/audit.py: UPDATE audit_entries"]
