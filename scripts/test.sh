#!/usr/bin/env bash
# Sets everything up and runs every check: ruff, import-linter, mypy, pytest (incl. PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# The PostgreSQL tests run when TEST_DATABASE_URL is set (CI sets it; so does this script when a
# local server at 127.0.0.1:5432 answers or can be started).
if [ -z "${TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 && [ -d /etc/postgresql ]; then
    echo "test: starting the local PostgreSQL server"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
  fi
fi
echo "test: TEST_DATABASE_URL=${TEST_DATABASE_URL:-(unset: PostgreSQL tests will be skipped)}"

export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check app tests bench main.py
echo "== ruff format"; .venv/bin/ruff format --check app tests bench main.py
echo "== import-linter"; .venv/bin/lint-imports
echo "== mypy"; .venv/bin/mypy app
echo "== pytest"; .venv/bin/pytest -q -p no:cacheprovider "$@"
