"""CJK font for reportlab: the shipped WenQuanYi Micro Hei (embedded), else STSong-Light.

The built-in CID font ``STSong-Light`` is not embedded in the PDF: a PC without Chinese fonts
shows an empty receipt. So the TrueType collection shipped in ``resources/fonts/`` is registered
and embedded (as a subset); the CID font is only the last resort when that file is missing.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from app.config import cjk_font_path

logger = logging.getLogger(__name__)

EMBEDDED_FONT = "WQYMicroHei"
FALLBACK_FONT = "STSong-Light"

_lock = threading.Lock()
_by_path: dict[Path | None, str] = {}


def cjk_font(path: Path | None = None) -> str:
    """Register the CJK font once and return its reportlab name.

    ``path`` names a TrueType collection (subfont 0 is used); without it the product's shipped
    font is looked up. When no usable file is found the CID font ``STSong-Light`` is returned.
    """
    if path is None:
        path = cjk_font_path()
    with _lock:
        if path in _by_path:
            return _by_path[path]
        name = FALLBACK_FONT
        if path is not None and path.is_file():
            loaded = sum(1 for n in _by_path.values() if n != FALLBACK_FONT)
            candidate = EMBEDDED_FONT if not loaded else f"{EMBEDDED_FONT}-{loaded}"
            try:
                pdfmetrics.registerFont(TTFont(candidate, str(path), subfontIndex=0))
                name = candidate
            except Exception:  # a damaged or unsupported font file: keep the receipt printable
                logger.exception("cannot load CJK font %s; using %s", path, FALLBACK_FONT)
        else:
            logger.warning("CJK font %s not found; using %s (not embedded)", path, FALLBACK_FONT)
        if name == FALLBACK_FONT and FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
        _by_path[path] = name
        return name
