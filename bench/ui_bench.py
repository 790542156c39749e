"""UI benchmark: the rooms page and the monitoring page with 20,000 rooms/points, in one process.

For each page: the time to fetch its rows through the service alone, and the time from
``refresh()`` until the rows are in the table and the page has been painted (fetch + building
the model + the first paint), with the ratio of the two (target ≤ 1.5). Then the search box:
typing a room code one key at a time, the time from the keystroke until the table shows the
filtered rows and has been repainted (the frame that ``processEvents`` runs; the bench checks
that each keystroke repainted the table), per keystroke (target < 16 ms, one frame at 60 Hz); with
the GUI thread's CPU time per keystroke beside it (what the keystroke costs when the machine is
shared: wall-clock time then includes waiting for a core) and the load average.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_bench.py [--rooms 20000] [--repeat 3]

The site (not timed): N rooms, each with a tenant, an account and one metered point (95 %
electricity, 5 % water), written in bulk into a fresh SQLite database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ui-bench-")  # no saved layouts
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.settlement_bench import build_site


def _wait(app: object, done: Callable[[], bool], timeout: float = 120.0) -> None:
    from PySide6.QtWidgets import QApplication

    qapp = QApplication.instance()
    assert qapp is not None
    deadline = time.perf_counter() + timeout
    while not done():
        qapp.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the page did not finish loading")
        time.sleep(0.0005)


def _load() -> str:
    """The 1-minute load average (how many runnable processes shared the cores)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def _paint_counter_class() -> type:
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        """Counts the paint events of the widget it filters."""

        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    return PaintCounter


def _PaintCounter() -> Any:
    return _paint_counter_class()()


def _paint(widget: object) -> None:
    """Paint the page now, as the next frame would (offscreen: into a pixmap)."""
    widget.grab()  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rooms", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from app.services import Services
    from app.services.context import Actor
    from app.services.unit_of_work import Database
    from app.ui.application import create_application, install_translation
    from app.ui.pages.base import PageContext
    from app.ui.pages.monitoring import MonitoringPage
    from app.ui.pages.rooms import RoomsPage
    from app.ui.tasks import TaskRunner

    tmp = Path(tempfile.mkdtemp())
    db = Database(f"sqlite:///{tmp / 'ui-bench.db'}")
    db.upgrade()
    started = time.perf_counter()
    build_site(db, args.rooms)
    print(
        f"site: {args.rooms} rooms, accounts and points built in "
        f"{time.perf_counter() - started:.1f} s (not timed); {os.cpu_count()} CPUs, "
        f"load average {_load()}"
    )
    app = create_application()
    install_translation(app, "zh_CN")
    services = Services(db)
    actor = Actor.system("bench")
    tasks = TaskRunner()
    ctx = PageContext(services, actor, tasks, "bench")
    results: list[tuple[str, float]] = []

    def fetch_rooms() -> object:
        return services.accounts.list_accounts(actor)

    def fetch_points() -> object:
        return services.monitoring.points(actor, "electricity")

    try:
        for name, make, fetch, loaded, code in (
            (
                "rooms page",
                lambda: RoomsPage(ctx),
                fetch_rooms,
                lambda p: p.model.rowCount() > 0,
                "B07-0123",
            ),
            (
                "monitoring page",
                lambda: MonitoringPage(ctx, "electricity"),
                fetch_points,
                lambda p: p.model.rowCount() > 0 and not p._loading,
                "B07-0123",
            ),
        ):
            fetches, shows = [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                rows = fetch()
                fetches.append(time.perf_counter() - t)
                n_rows = len(rows)  # type: ignore[arg-type]
                page = make()
                page.resize(1280, 760)
                page.show()
                QApplication.processEvents()
                t = time.perf_counter()
                page.refresh()
                _wait(app, lambda p=page, ok=loaded: ok(p))
                _paint(page)
                shows.append(time.perf_counter() - t)
                page.close()
                page.deleteLater()
                QApplication.processEvents()
            fetch_s, show_s = statistics.median(fetches), statistics.median(shows)
            print(
                f"{name}: {n_rows} rows; service fetch {fetch_s * 1000:.0f} ms, shown and painted "
                f"{show_s * 1000:.0f} ms, ratio {show_s / fetch_s:.2f} (target ≤ 1.5)"
            )
            results.append((name, show_s / fetch_s))

            # the search box, one key at a time
            page = make()
            page.resize(1280, 760)
            page.show()
            page.refresh()
            _wait(app, lambda p=page, ok=loaded: ok(p))
            _paint(page)
            per_key: list[float] = []
            cpu_per_key: list[float] = []
            typed = [code[:i] for i in range(1, len(code) + 1)]
            typed += [code[:i] for i in range(len(code) - 1, -1, -1)]  # and back (backspace)
            # processEvents() runs the frame: the filter, then the table's repaint into the
            # window's backing store (counted: a keystroke that did not repaint the table
            # would not be a measured frame)
            paints = _PaintCounter()
            page.table.viewport().installEventFilter(paints)
            for text in typed:
                paints.count = 0
                c = time.thread_time()
                t = time.perf_counter()
                page.search_edit.setText(text)
                QApplication.processEvents()
                per_key.append(time.perf_counter() - t)
                cpu_per_key.append(time.thread_time() - c)
                if paints.count == 0:
                    raise RuntimeError(f"typing {text!r} did not repaint the table")
            page.table.viewport().removeEventFilter(paints)
            worst, median = max(per_key), statistics.median(per_key)
            print(
                f"{name} search: {len(per_key)} keystrokes typing and erasing {code!r}: median "
                f"{median * 1000:.1f} ms, worst {worst * 1000:.1f} ms per keystroke "
                f"(target < 16 ms)"
            )
            print(
                f"  GUI thread CPU per keystroke: median "
                f"{statistics.median(cpu_per_key) * 1000:.1f} ms, worst "
                f"{max(cpu_per_key) * 1000:.1f} ms; load average {_load()}"
            )
            page.close()
            page.deleteLater()
            QApplication.processEvents()
    finally:
        tasks.shutdown()
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
