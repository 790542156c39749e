"""Entry point: the desktop app (no arguments) or a CLI command."""

from app.bootstrap import main

if __name__ == "__main__":
    raise SystemExit(main())
