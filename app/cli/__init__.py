"""Command-line front end: one argparse tree, each command group in its own module.

A command module exposes ``register(subparsers)``; it adds its sub-parser(s) and sets
``func=handler`` where ``handler(args) -> int`` returns the process exit status. Handlers print
results to stdout and one clear line per failure to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from app import __version__

# Command group modules, in the order ``--help`` lists them. A missing module is skipped so that a
# partially installed tree still starts (every listed module ships with the product).
COMMAND_MODULES = (
    "app.cli.db",
    "app.cli.ledger",
    "app.cli.audit",
    "app.cli.backup",
    "app.cli.demo",
    "app.cli.desktop",
    "app.cli.account",
    "app.cli.report",
    "app.cli.payments",
    "app.cli.frame",
    "app.cli.meter",
    "app.cli.bus",
    "app.cli.simulate",
    "app.cli.notify",
    "app.cli.collector",
    "app.cli.site",
)


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="水电统一收费监管平台 — run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if args.command is None:
        parser.print_help()
        return 0
    try:
        result: int = args.func(args)
        return result
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
