#!/usr/bin/env bash
# Sets everything up and opens the desktop app on the demo site: an embedded SQLite database and
# simulated gateways on loopback, live. Extra arguments go to `main.py demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "run-demo: no display found; running on a virtual screen (Xvfb)"
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python main.py demo "$@"
fi
exec .venv/bin/python main.py demo "$@"
