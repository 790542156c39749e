"""The room grid of the overview: one small coloured tile per room, grouped by building and floor.

All tiles are painted by one widget (640 rooms would be 640 child widgets otherwise); a click or
a hover finds the tile under the mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.services.overview import RoomState, RoomTile

# state → (fill, text colour)
STATE_COLORS: dict[str, tuple[str, str]] = {
    RoomState.NORMAL: ("#43a047", "#ffffff"),
    RoomState.WARNING: ("#fdd835", "#212121"),
    RoomState.URGENT: ("#fb8c00", "#ffffff"),
    RoomState.ARREARS: ("#e53935", "#ffffff"),
    RoomState.CUT: ("#6a1b9a", "#ffffff"),
    RoomState.OFFLINE: ("#78909c", "#ffffff"),
    RoomState.NOT_OPENED: ("#eeeeee", "#757575"),
}

TILE_W, TILE_H, GAP, LABEL_W, ROW_GAP = 62, 24, 4, 120, 6


@dataclass(frozen=True)
class _Placed:
    rect: QRect
    tile: RoomTile


class RoomGridWidget(QWidget):
    """Set the tiles with ``set_tiles``; ``tile_clicked`` carries the clicked room's tile."""

    tile_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RoomGrid")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._tiles: list[RoomTile] = []
        self._placed: list[_Placed] = []
        self._labels: list[tuple[QRect, str]] = []
        self._height = TILE_H
        self.selected_room_id: int | None = None
        self.tooltip_for: Callable[[RoomTile], str] = lambda tile: tile.room_code

    # -- data --------------------------------------------------------------------------------

    def set_tiles(self, tiles: Sequence[RoomTile]) -> None:
        self._tiles = list(tiles)
        if self.selected_room_id not in {t.room_id for t in self._tiles}:
            self.selected_room_id = None
        self._layout(self.width())
        self.updateGeometry()
        self.update()

    def tiles(self) -> list[RoomTile]:
        return list(self._tiles)

    def tile_rect(self, room_code: str) -> QRect | None:
        for p in self._placed:
            if p.tile.room_code == room_code:
                return QRect(p.rect)
        return None

    def tile_at(self, pos: QPoint) -> RoomTile | None:
        for p in self._placed:
            if p.rect.contains(pos):
                return p.tile
        return None

    # -- layout ------------------------------------------------------------------------------

    def _layout(self, width: int) -> None:
        """Rows per building floor: the floor's label on the left, its rooms wrapping right."""
        self._placed = []
        self._labels = []
        per_row = max(1, (max(width, LABEL_W + TILE_W) - LABEL_W) // (TILE_W + GAP))
        y = 0
        i = 0
        tiles = self._tiles
        while i < len(tiles):
            key = (tiles[i].building_id, tiles[i].floor_id)
            j = i
            while j < len(tiles) and (tiles[j].building_id, tiles[j].floor_id) == key:
                j += 1
            group = tiles[i:j]
            label = self.tr("{0} · F{1}").format(group[0].building_name, group[0].floor_number)
            self._labels.append((QRect(0, y, LABEL_W - GAP, TILE_H), label))
            for n, tile in enumerate(group):
                row, col = divmod(n, per_row)
                rect = QRect(
                    LABEL_W + col * (TILE_W + GAP), y + row * (TILE_H + GAP), TILE_W, TILE_H
                )
                self._placed.append(_Placed(rect, tile))
            rows = (len(group) + per_row - 1) // per_row
            y += rows * (TILE_H + GAP) - GAP + ROW_GAP
            i = j
        self._height = max(TILE_H, y)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        saved = (self._placed, self._labels, self._height)
        self._layout(width)
        height = self._height
        self._placed, self._labels, self._height = saved
        return height

    def sizeHint(self) -> QSize:
        return QSize(LABEL_W + 6 * (TILE_W + GAP), self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(LABEL_W + TILE_W, TILE_H)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout(self.width())
        if self.minimumHeight() != self._height:
            self.setMinimumHeight(self._height)

    # -- painting and mouse --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        metrics = QFontMetrics(self.font())
        painter.setPen(self.palette().windowText().color())
        for rect, label in self._labels:
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter), text)
        for p in self._placed:
            fill, ink = STATE_COLORS.get(p.tile.state, ("#ffffff", "#000000"))
            painter.fillRect(p.rect, QColor(fill))
            if p.tile.room_id == self.selected_room_id:
                painter.setPen(QPen(QColor("#1565c0"), 3))
                painter.drawRect(p.rect.adjusted(1, 1, -2, -2))
            elif p.tile.state == RoomState.NOT_OPENED:
                painter.setPen(QPen(QColor("#bdbdbd"), 1))
                painter.drawRect(p.rect.adjusted(0, 0, -1, -1))
            painter.setPen(QColor(ink))
            code = metrics.elidedText(p.tile.room_code, Qt.TextElideMode.ElideMiddle, TILE_W - 4)
            painter.drawText(p.rect, int(Qt.AlignmentFlag.AlignCenter), code)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        tile = self.tile_at(event.position().toPoint())
        if tile is not None and event.button() == Qt.MouseButton.LeftButton:
            self.selected_room_id = tile.room_id
            self.update()
            self.tile_clicked.emit(tile)
        super().mousePressEvent(event)

    def event(self, e: object) -> bool:
        if isinstance(e, QHelpEvent):
            tile = self.tile_at(e.pos())
            if tile is not None:
                QToolTip.showText(e.globalPos(), self.tooltip_for(tile), self)
            else:
                QToolTip.hideText()
            return True
        return bool(super().event(e))  # type: ignore[arg-type]
