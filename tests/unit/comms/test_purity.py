"""The codecs stay pure: no I/O, clocks, threads or GUI/database imports (ARCHITECTURE.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.comms.protocols as protocols_pkg

FORBIDDEN = {
    "asyncio",
    "socket",
    "serial",
    "time",
    "threading",
    "logging.handlers",
    "select",
    "PySide6",
    "sqlalchemy",
}
PROTOCOL_FILES = sorted(Path(protocols_pkg.__file__).parent.glob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names.update(a.value for a in node.args if isinstance(a, ast.Constant))
    return names


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def test_there_are_protocol_modules() -> None:
    names = {p.name for p in PROTOCOL_FILES}
    assert {"base.py", "dlt645.py", "dlt645_1997.py", "cjt188.py", "modbus.py"} <= names


@pytest.mark.parametrize("path", PROTOCOL_FILES, ids=lambda p: p.name)
def test_no_io_imports(path: Path) -> None:
    bad = sorted(n for n in _imported_modules(path) if _forbidden(n))
    assert bad == [], f"{path.name} imports {bad}"


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import asyncio\nfrom time import monotonic\nfrom PySide6 import QtCore\n")
    assert {n for n in _imported_modules(sample) if _forbidden(n)} == {
        "asyncio",
        "time",
        "time.monotonic",
        "PySide6",
        "PySide6.QtCore",
    }


def test_no_float_literals_or_calls_in_codecs() -> None:
    for path in PROTOCOL_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), path.name
            assert not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "float"), (
                path.name
            )
