"""Refresh resources/i18n/shuidian_<lang>.ts from the UI sources and build the .qm files.

The translations themselves live in small JSON files, one per UI area, under
resources/i18n/<lang>/*.json as {context: {English source: translation}}: several people can add
pages without editing one big XML file. This script

1. runs pyside6-lupdate over app/ui (every self.tr / translate / QT_TRANSLATE_NOOP string),
2. fills every message of the .ts from the JSON files (marks it finished), and
3. runs pyside6-lrelease to build the .qm the application loads.

`--check` reports sources without a translation (and JSON entries no source uses) and exits 1
if there are any; the tests run it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("zh_CN",)


def load_table(lang: str) -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for path in sorted((I18N / lang).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for context, messages in data.items():
            for source, translation in messages.items():
                key = (context, source)
                if key in table and table[key] != translation:
                    raise SystemExit(f"{path.name}: {context!r} {source!r} translated twice")
                table[key] = translation
    return table


def run_lupdate(ts: Path) -> None:
    """A fresh .ts from the sources (the translations come from the JSON files, so nothing of
    the old file is kept; a merge conflict in it does not matter)."""
    ts.unlink(missing_ok=True)
    sources = sorted(str(p) for p in (ROOT / "app" / "ui").rglob("*.py"))
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-silent", "-ts", str(ts)],
        check=True,
    )


def fill(ts: Path, table: dict[tuple[str, str], str]) -> tuple[list[str], set[tuple[str, str]]]:
    tree = ET.parse(ts)
    missing: list[str] = []
    used: set[tuple[str, str]] = set()
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            key = (name, source)
            if key in table:
                used.add(key)
                translation.text = table[key]
                translation.attrib.pop("type", None)
            else:
                missing.append(f"{name}: {source}")
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing, used


def main() -> int:
    parser = argparse.ArgumentParser(description="refresh the .ts/.qm translation files")
    parser.add_argument("--check", action="store_true", help="only report gaps; write nothing")
    args = parser.parse_args()
    problems = 0
    for lang in LANGUAGES:
        table = load_table(lang)
        ts = I18N / f"shuidian_{lang}.ts"
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / ts.name
                run_lupdate(target)
                missing, used = fill(target, table)
        else:
            run_lupdate(ts)
            missing, used = fill(ts, table)
            subprocess.run(
                [
                    str(BIN / "pyside6-lrelease"),
                    "-silent",
                    str(ts),
                    "-qm",
                    str(ts.with_suffix(".qm")),
                ],
                check=True,
            )
        unused = sorted(set(table) - used)
        for line in missing:
            print(f"{lang}: no translation for {line}")
        for context, source in unused:
            print(f"{lang}: translation not used by any source: {context}: {source}")
        problems += len(missing) + len(unused)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
