"""Matplotlib inside Qt (RPT-4) with the shipped CJK font, so Chinese axis labels render."""

from __future__ import annotations

import logging

import matplotlib
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.config import cjk_font_path

logger = logging.getLogger(__name__)

_font_family: str | None = None
_configured = False


def cjk_font_family() -> str | None:
    """Register the product's CJK font with matplotlib once; its family name (or None)."""
    global _font_family, _configured
    if _configured:
        return _font_family
    _configured = True
    path = cjk_font_path()
    if path is None:
        logger.warning("no CJK font for charts: Chinese labels may show as boxes")
        return None
    try:
        from matplotlib import font_manager

        font_manager.fontManager.addfont(str(path))
        _font_family = font_manager.FontProperties(fname=str(path)).get_name()
    except Exception:  # a damaged font file must not stop the page from opening
        logger.exception("cannot load CJK font %s for charts", path)
        return None
    matplotlib.rcParams["font.sans-serif"] = [
        _font_family,
        *matplotlib.rcParams["font.sans-serif"],
    ]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font lacks U+2212
    return _font_family


class ChartWidget(FigureCanvasQTAgg):
    """A matplotlib figure as a Qt widget; draw on ``self.figure`` then call ``draw_idle``."""

    def __init__(self, parent: QWidget | None = None, *, width_in: float = 5, height_in: float = 3):
        cjk_font_family()
        figure = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
        super().__init__(figure)  # type: ignore[no-untyped-call]
        if parent is not None:
            self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)
