"""Composition root: parses the command line, sets up logging, runs the CLI or the desktop app."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from app.config import setup_logging

    setup_logging(verbose="-v" in args or "--verbose" in args)
    if not [a for a in args if a not in ("-v", "--verbose")]:
        from app.ui.application import run_desktop

        return run_desktop([])
    from app.cli import run

    return run(args)
