"""Reading PDFs back as a person would: text via poppler's pdftotext, fonts via pdffonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: scripts/setup.sh installs poppler-utils"
    return path


def pdf_text(pdf: bytes | Path, tmp: Path) -> str:
    """The text of a PDF (layout kept), with runs of spaces squeezed to one."""
    src = _as_file(pdf, tmp)
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(src), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"[ \t]+", " ", out)


def pdf_fonts(pdf: bytes | Path, tmp: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font the PDF uses."""
    src = _as_file(pdf, tmp)
    out = subprocess.run(
        [_tool("pdffonts"), str(src)], capture_output=True, check=True, text=True
    ).stdout
    fonts = []
    for line in out.splitlines()[2:]:
        cols = line.split()
        # name type... encoding emb sub uni object ID: "emb" is the 5th column from the end
        fonts.append((cols[0], cols[-5] == "yes"))
    return fonts


@dataclass(frozen=True)
class PageWords:
    width: float
    height: float
    words: list[tuple[str, float, float, float, float]]  # text, xmin, ymin, xmax, ymax


def pdf_words(pdf: bytes | Path, tmp: Path) -> list[PageWords]:
    """Every word with its box, per page (pdftotext -bbox)."""
    src = _as_file(pdf, tmp)
    html = subprocess.run(
        [_tool("pdftotext"), "-bbox", "-enc", "UTF-8", str(src), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    body = html[html.index("<doc>") : html.index("</doc>") + len("</doc>")]
    pages = []
    for page in ElementTree.fromstring(body):
        words = [
            (
                w.text or "",
                float(w.get("xMin", 0)),
                float(w.get("yMin", 0)),
                float(w.get("xMax", 0)),
                float(w.get("yMax", 0)),
            )
            for w in page
        ]
        pages.append(PageWords(float(page.get("width", 0)), float(page.get("height", 0)), words))
    return pages


def _as_file(pdf: bytes | Path, tmp: Path) -> Path:
    if isinstance(pdf, Path):
        return pdf
    tmp.mkdir(parents=True, exist_ok=True)
    n = len(list(tmp.glob("pdf-*.pdf")))
    path = tmp / f"pdf-{n}.pdf"
    path.write_bytes(pdf)
    return path
