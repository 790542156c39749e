"""The background-work helper: results on the GUI thread, and whatever the work or its callbacks
hold (often a widget) released on the GUI thread, never on the worker (that crashed Qt)."""

from __future__ import annotations

import gc
import threading
from typing import Any, ClassVar

from pytestqt.qtbot import QtBot

from app.ui.application import create_application
from app.ui.tasks import TaskRunner


class _Tracked:
    """Records the thread that released it."""

    released_on: ClassVar[list[str]] = []

    def __del__(self) -> None:
        _Tracked.released_on.append(threading.current_thread().name)


def test_results_and_releases_happen_on_the_gui_thread(qtbot: QtBot) -> None:
    create_application()
    tasks = TaskRunner()
    _Tracked.released_on.clear()
    seen: list[tuple[str, Any]] = []
    try:
        for fail in (False, True):
            held_by_work, held_by_callback = _Tracked(), _Tracked()

            def work(obj: _Tracked = held_by_work, fail: bool = fail) -> str:
                if fail:
                    raise ValueError(f"no {obj}")
                return "done"

            tasks.run_op(
                work,
                lambda r, o=held_by_callback: seen.append((threading.current_thread().name, r)),
                lambda e, o=held_by_callback: seen.append((threading.current_thread().name, e)),
            )
            del held_by_work, held_by_callback, work
        qtbot.waitUntil(lambda: len(seen) == 2 and tasks.pending == 0, timeout=10_000)
        gc.collect()
        main = threading.main_thread().name
        assert seen[0] == (main, "done")
        assert seen[1][0] == main and isinstance(seen[1][1], ValueError)
        assert _Tracked.released_on == [main] * 4
    finally:
        tasks.shutdown()
