"""Migrations: the head schema equals the models, and an older database upgrades in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from app.models import Base
from app.models.db import create_db_engine
from app.models.migrate import head_revision, upgrade


def test_head_schema_matches_models(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        assert upgrade(engine) == head_revision()
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(ctx, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_from_0001_keeps_readings_and_marks_them_ok(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        upgrade(engine, "0001")
        engine.dispose()
        raw = sqlite3.connect(path)
        raw.executescript(
            "PRAGMA foreign_keys = ON;"
            "INSERT INTO gateways (id, code, name, location, transport, status, notes, created_at)"
            " VALUES (1, 'G1', 'G1', '', 'tcp', 'active', '', '2026-09-01 00:00:00');"
            "INSERT INTO buses (id, gateway_id, number, baud, parity, stop_bits, timeout_ms,"
            " retries, frame_gap_ms) VALUES (1, 1, 1, 2400, 'E', 1, 1500, 2, 50);"
            "INSERT INTO meters (id, kind, protocol, profile, address, bus_id, ct_ratio, circuits,"
            " has_relay, tou, status, installed_at, notes) VALUES (9, 'single_phase',"
            " 'dlt645-2007', 'p', '000000000001', 1, 1, 1, 1, 0, 'active',"
            " '2026-09-01 00:00:00', '');"
            "INSERT INTO measurement_points (id, code, meter_id, circuit, utility, name,"
            " keep_power, billing_hold, status) VALUES (7, 'P7', 9, 1, 'electricity', '', 0, 0,"
            " 'active');"
        )
        raw.execute(
            "INSERT INTO readings (id, point_id, meter_id, register, value, meter_time,"
            " received_at, source) VALUES (1, 7, 9, 'total', 12345600, '2026-10-01 00:00:00',"
            " '2026-10-01 00:00:00', 'auto')"
        )
        raw.commit()
        raw.close()
        assert upgrade(engine) == head_revision()
        with engine.connect() as conn:
            row = conn.execute(text("SELECT value, status FROM readings WHERE id = 1")).one()
        assert tuple(row) == (12345600, "ok")
    finally:
        engine.dispose()
