"""``demo``: open the desktop app on the demo site (database built on first use, simulator live)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from app.cli import CliError

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="open the desktop app on the demo site with simulated meters")
    p.add_argument("--db", help="demo database file (default: demo.db in the user data directory)")
    p.add_argument("--fresh", action="store_true", help="rebuild the demo database first")
    p.add_argument(
        "--no-simulator",
        action="store_true",
        help="do not start the simulated gateways (e.g. when `simulate` runs apart)",
    )
    p.add_argument(
        "--no-collector",
        action="store_true",
        help="do not read meters / settle / cut in this process (a headless collector runs)",
    )
    p.add_argument(
        "--quit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="close the window after SECONDS (smoke tests, screenshots)",
    )
    p.add_argument("--screenshot", metavar="PNG", help="save a picture of the window, then quit")
    p.set_defaults(func=_demo)


def ensure_demo_database(path: Path, fresh: bool) -> str:
    from app.services.demo import build_demo_database
    from app.services.unit_of_work import Database

    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"building the demo site database at {path} (about half a minute) …", flush=True)
        db = Database(url)
        db.upgrade()
        build_demo_database(db, progress=lambda m: print(f"  {m}", flush=True))
        db.dispose()
    return url


def _demo(args: argparse.Namespace) -> int:
    from app.config import data_dir

    path = Path(args.db).expanduser().resolve() if args.db else data_dir() / "demo.db"
    if path.is_dir():
        raise CliError(f"{path} is a directory")
    url = ensure_demo_database(path, args.fresh)

    simulator = None
    if not args.no_simulator:
        simulator = _start_simulator()
    try:
        from app.ui.application import run_desktop

        def started() -> None:
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication

            if args.screenshot:

                def shoot() -> None:
                    from PySide6.QtWidgets import QMainWindow

                    windows = [
                        w
                        for w in QApplication.topLevelWidgets()
                        if isinstance(w, QMainWindow) and w.isVisible()
                    ]
                    if windows:
                        windows[0].grab().save(args.screenshot)
                    else:
                        logger.error("no main window to take a picture of")
                    QApplication.quit()

                QTimer.singleShot(int((args.quit_after or 3) * 1000), shoot)
            elif args.quit_after is not None:
                QTimer.singleShot(int(args.quit_after * 1000), QApplication.quit)

        from app.services.demo import DEMO_OPERATORS

        unattended = args.screenshot is not None or args.quit_after is not None
        return run_desktop(
            [],
            db_url=url,
            on_started=started,
            collector=not args.no_collector,
            demo_logins=[(login, name, pw) for login, name, _role, pw in DEMO_OPERATORS],
            auto_login=("admin", "admin123") if unattended else None,
        )
    finally:
        if simulator is not None:
            simulator.stop()


def _start_simulator() -> Any:
    try:
        from app.comms.simulator import Simulator
    except ImportError:
        logger.warning("simulator not available; the demo runs without live meters")
        return None
    from app.domain.demo_site import build_demo_site

    sim = Simulator(build_demo_site())
    sim.start()
    print("simulated gateways are listening on loopback", flush=True)
    return sim
