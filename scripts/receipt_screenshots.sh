#!/usr/bin/env bash
# Regenerate docs/screenshots/receipt-*.png from the demo site (a copy; the demo file is untouched):
#   bash scripts/receipt_screenshots.sh [DEMO_DB]      (default: builds /tmp/receipt-demo.db)
# thermal80: an original; a5: the same receipt printed again (补打); dot241: another original.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
demo=${1:-/tmp/receipt-demo.db}
[ -f "$demo" ] || $PY main.py demo-db "$demo" --days 40 >/dev/null
cp "$demo" "$work/demo.db"
url="sqlite:///$work/demo.db"
# the last two cash receipts taken at the desk (they have an operator); printed as if new
mapfile -t picks < <($PY - "$work/demo.db" <<'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute(
    "SELECT id, year, number FROM receipts WHERE channel = 'cash' AND operator_id IS NOT NULL "
    "ORDER BY id DESC LIMIT 2"
).fetchall()
c.executemany("UPDATE receipts SET print_count = 0 WHERE id = ?", [(r[0],) for r in rows])
c.commit()
for _id, year, number in rows:
    print(f"{year}-{number:06d}")
PYEOF
)
export SHUIDIAN_DATA_DIR="$work/data"
# the demo database has operators: the CLI prints as the demo administrator
export SHUIDIAN_OPERATOR=admin SHUIDIAN_PASSWORD=admin123
$PY main.py report receipt "${picks[0]}" --layout thermal80 --out "$work/receipt-thermal80.pdf" --url "$url"
$PY main.py report receipt "${picks[0]}" --layout a5 --out "$work/receipt-a5.pdf" --url "$url"
$PY main.py report receipt "${picks[1]}" --layout dot241 --out "$work/receipt-dot241.pdf" --url "$url"
for layout in thermal80 a5 dot241; do
  pdftoppm -png -r 100 -singlefile "$work/receipt-$layout.pdf" "docs/screenshots/receipt-$layout"
done
ls -l docs/screenshots/receipt-*.png
