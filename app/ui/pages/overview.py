"""系统总览 (MON-1): online rates, today's top-ups and consumption, account states, open alarms,
the consumption of the last 30 days, and the room grid coloured by account state."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen
from app.services.overview import (
    BuildingRef,
    DayConsumption,
    OverviewSnapshot,
    RoomState,
    RoomTile,
)
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.alarms import local_time
from app.ui.widgets.charts import ChartWidget
from app.ui.widgets.room_grid import STATE_COLORS, RoomGridWidget

REFRESH_MS = 60_000
CHART_DAYS = 30

# the legend, in the order a person reads it
STATE_LABELS: dict[str, Any] = {
    RoomState.NORMAL: QT_TRANSLATE_NOOP("OverviewPage", "Normal"),
    RoomState.WARNING: QT_TRANSLATE_NOOP("OverviewPage", "Low balance"),
    RoomState.URGENT: QT_TRANSLATE_NOOP("OverviewPage", "Very low balance"),
    RoomState.ARREARS: QT_TRANSLATE_NOOP("OverviewPage", "In arrears"),
    RoomState.CUT: QT_TRANSLATE_NOOP("OverviewPage", "Supply cut"),
    RoomState.OFFLINE: QT_TRANSLATE_NOOP("OverviewPage", "Meter offline"),
    RoomState.NOT_OPENED: QT_TRANSLATE_NOOP("OverviewPage", "No account"),
}


def state_label(state: str) -> str:
    return QCoreApplication.translate("OverviewPage", STATE_LABELS.get(state, state))


def _quantity(value: Decimal) -> str:
    """Meter quantities with at most two decimals and thousands separators (exact Decimal)."""
    return f"{value.quantize(Decimal('0.01')):,.2f}".rstrip("0").rstrip(".")


def _rate(online: int, total: int) -> str:
    if total == 0:
        return "—"
    return f"{online * 100 // total}%" if online < total else "100%"


def _local(moment: datetime | None, tz: str | None) -> str:
    return "—" if moment is None else local_time(moment, tz)


class _Card(QFrame):
    """One figure of the overview: a title, a big value and a line of detail."""

    def __init__(self, title: str, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#{object_name} {{ background: #ffffff; border: 1px solid #dcdfe6;"
            " border-radius: 4px; }"
        )
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("color: #606266;")
        self.value_label = QLabel("—")
        self.value_label.setStyleSheet("font-size: 20px; font-weight: bold; color: #303133;")
        self.detail_label = QLabel("")
        self.detail_label.setStyleSheet("color: #909399;")
        self.detail_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)
        # every card as tall as the tallest of the row (one detail may wrap to two lines)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set(self, value: str, detail: str = "", color: str | None = None) -> None:
        self.value_label.setText(value)
        self.detail_label.setText(detail)
        style = f"font-size: 20px; font-weight: bold; color: {color or '#303133'};"
        self.value_label.setStyleSheet(style)


class OverviewPage(Page):
    """Figures refresh when the page is shown and every minute while it is."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("OverviewPage")
        self.snapshot: OverviewSnapshot | None = None
        self.days: list[DayConsumption] = []
        self._buildings: list[BuildingRef] = []

        self.gateways_card = _Card(self.tr("Gateways online"), "card_gateways")
        self.meters_card = _Card(self.tr("Meters online"), "card_meters")
        self.top_ups_card = _Card(self.tr("Top-ups today"), "card_top_ups")
        self.electricity_card = _Card(self.tr("Electricity today"), "card_electricity")
        self.water_card = _Card(self.tr("Water today"), "card_water")
        self.accounts_card = _Card(self.tr("Accounts needing attention"), "card_accounts")
        self.alarms_card = _Card(self.tr("Open alarms"), "card_alarms")
        cards = QHBoxLayout()
        cards.setSpacing(8)
        for card in (
            self.gateways_card,
            self.meters_card,
            self.top_ups_card,
            self.electricity_card,
            self.water_card,
            self.accounts_card,
            self.alarms_card,
        ):
            cards.addWidget(card)

        self.chart = ChartWidget(width_in=3.4, height_in=3.0)
        self.chart.setMinimumWidth(300)
        chart_box = QGroupBox(self.tr("Consumption, last {0} days").format(CHART_DAYS))
        QVBoxLayout(chart_box).addWidget(self.chart)

        self.building_combo = QComboBox()
        self.building_combo.setMinimumContentsLength(10)
        self.floor_combo = QComboBox()
        self.floor_combo.setMinimumContentsLength(6)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.rooms_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Building")))
        filters.addWidget(self.building_combo)
        filters.addWidget(QLabel(self.tr("Floor")))
        filters.addWidget(self.floor_combo)
        filters.addWidget(self.rooms_label, 1)
        filters.addWidget(self.refresh_button)

        self.legend_labels: dict[str, QLabel] = {}
        legend = QGridLayout()
        legend.setHorizontalSpacing(12)
        legend.setVerticalSpacing(2)
        for n, state in enumerate(STATE_LABELS):
            fill, _ink = STATE_COLORS[state]
            swatch = QLabel()
            swatch.setFixedSize(14, 14)
            swatch.setStyleSheet(f"background: {fill}; border: 1px solid #bdbdbd;")
            text = QLabel(state_label(state))
            self.legend_labels[state] = text
            cell = QHBoxLayout()
            cell.setSpacing(4)
            cell.addWidget(swatch)
            cell.addWidget(text)
            cell.addStretch(1)
            legend.addLayout(cell, n // 4, n % 4)

        self.grid = RoomGridWidget()
        self.grid.tooltip_for = self._tile_tooltip
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_label = QLabel(self.tr("Click a room to see its account."))
        self.detail_label.setObjectName("room_detail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setMinimumWidth(180)
        detail_box = QGroupBox(self.tr("Room"))
        QVBoxLayout(detail_box).addWidget(self.detail_label)
        grid_row = QHBoxLayout()
        grid_row.addWidget(scroll, 1)
        grid_row.addWidget(detail_box)

        rooms_box = QGroupBox(self.tr("Rooms"))
        rooms_layout = QVBoxLayout(rooms_box)
        rooms_layout.addLayout(filters)
        rooms_layout.addLayout(legend)
        rooms_layout.addLayout(grid_row, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(chart_box)
        splitter.addWidget(rooms_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([360, 740])

        self.status_label = QLabel()
        self.status_label.setObjectName("overview_status")
        layout = QVBoxLayout(self)
        top = QWidget()
        top.setLayout(cards)
        top.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)

        self._fill_building_combo()
        self.building_combo.currentIndexChanged.connect(self._on_building_combo_changed)
        self.floor_combo.currentIndexChanged.connect(self._on_floor_combo_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.grid.tile_clicked.connect(self._on_grid_tile_clicked)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.ctx
        overview = ctx.services.overview
        self.status_label.setText(self.tr("Loading…"))

        def load() -> tuple[OverviewSnapshot, list[DayConsumption], list[BuildingRef]]:
            return (
                overview.snapshot(ctx.actor),
                overview.daily_consumption(ctx.actor, CHART_DAYS),
                overview.buildings(ctx.actor),
            )

        ctx.tasks.run_op(load, self._on_loaded, self._on_failed)
        self.refresh_rooms()

    def refresh_rooms(self) -> None:
        ctx = self.ctx
        building_id = self.building_combo.currentData()
        floor_id = self.floor_combo.currentData()
        ctx.tasks.run_op(
            lambda: ctx.services.overview.room_states(ctx.actor, building_id, floor_id),
            self._on_rooms_loaded,
            self._on_failed,
        )

    def _on_loaded(self, result: tuple[OverviewSnapshot, list[DayConsumption], Any]) -> None:
        snap, days, buildings = result
        self.snapshot, self.days = snap, days
        if [b.id for b in buildings] != [b.id for b in self._buildings]:
            self._buildings = list(buildings)
            self._fill_building_combo()
        self._show_snapshot(snap)
        self._draw_chart(days)
        self.status_label.setText(self.tr("Updated {0}").format(_local(snap.as_of, snap.timezone)))

    def _on_rooms_loaded(self, tiles: list[RoomTile]) -> None:
        self.grid.set_tiles(tiles)
        counts = Counter(t.state for t in tiles)
        for state, label in self.legend_labels.items():
            label.setText(
                self.tr("{0} ({1})").format(state_label(state), counts.get(RoomState(state), 0))
            )
        self.rooms_label.setText(self.tr("{0} rooms").format(len(tiles)))
        selected = self.grid.selected_room_id
        for t in tiles:
            if t.room_id == selected:
                self._show_room(t)

    def _on_failed(self, exc: BaseException) -> None:
        self.status_label.setText(describe(exc))

    # -- showing -----------------------------------------------------------------------------

    def _show_snapshot(self, s: OverviewSnapshot) -> None:
        self.gateways_card.set(
            _rate(s.gateways_online, s.gateways_total),
            self.tr("{0} of {1} online").format(s.gateways_online, s.gateways_total),
            "#c0392b" if s.gateways_online < s.gateways_total else None,
        )
        self.meters_card.set(
            _rate(s.meters_online, s.meters_total),
            self.tr("{0} of {1} online").format(s.meters_online, s.meters_total),
            "#c0392b" if s.meters_online < s.meters_total else None,
        )
        self.top_ups_card.set(
            format_fen(s.top_ups_today_fen), self.tr("{0} top-ups").format(s.top_ups_today)
        )
        self.electricity_card.set(
            self.tr("{0} kWh").format(_quantity(s.electricity_kwh_today)),
            self.tr("charged {0}").format(format_fen(s.electricity_fen_today)),
        )
        self.water_card.set(
            self.tr("{0} m³").format(_quantity(s.water_m3_today)),
            self.tr("charged {0}").format(format_fen(s.water_fen_today)),
        )
        attention = s.accounts_warning + s.accounts_urgent + s.accounts_arrears + s.accounts_cut
        self.accounts_card.set(
            str(attention),
            self.tr("low {0} · very low {1} · arrears {2} · cut {3}").format(
                s.accounts_warning, s.accounts_urgent, s.accounts_arrears, s.accounts_cut
            ),
            "#c0392b" if s.accounts_arrears or s.accounts_cut else None,
        )
        self.alarms_card.set(
            str(s.alarms_open),
            self.tr("{0} not acknowledged").format(s.alarms_unacknowledged),
            "#c0392b" if s.alarms_unacknowledged else None,
        )

    def _draw_chart(self, days: list[DayConsumption]) -> None:
        fig = self.chart.figure
        fig.clear()
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(days)))
        # Decimal → float for drawing only; every figure shown as text stays exact
        kwh = [float(d.electricity_kwh) for d in days]
        m3 = [float(d.water_m3) for d in days]
        ax.bar(xs, kwh, color="#42a5f5", label=self.tr("Electricity (kWh)"))
        ax.set_ylabel(self.tr("Electricity (kWh)"))
        ax2 = ax.twinx()
        ax2.plot(xs, m3, color="#ef6c00", marker="o", markersize=3, label=self.tr("Water (m³)"))
        ax2.set_ylabel(self.tr("Water (m³)"))
        # headroom above the bars for the legend
        ax.set_ylim(0, max([*kwh, 1.0]) * 1.3)
        ax2.set_ylim(0, max([*m3, 1.0]) * 1.3)
        step = max(1, len(days) // 5)
        ticks = xs[::-1][::step][::-1]
        ax.set_xticks(ticks, [days[i].day.strftime("%m-%d") for i in ticks])
        ax.set_xlim(-0.7, len(days) - 0.3)
        ax.tick_params(labelsize=8)
        ax2.tick_params(labelsize=8)
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="upper left", fontsize=8, ncols=2, frameon=False)
        ax.grid(axis="y", alpha=0.3)
        self.chart.draw_idle()  # type: ignore[no-untyped-call]

    def _tile_tooltip(self, tile: RoomTile) -> str:
        lines = [f"{tile.room_code} {tile.room_name}", state_label(tile.state)]
        if tile.account_no is not None and tile.balance_fen is not None:
            lines.append(
                self.tr("{0} · balance {1}").format(tile.tenant_name, format_fen(tile.balance_fen))
            )
        return "\n".join(lines)

    def _show_room(self, tile: RoomTile) -> None:
        rows: list[tuple[str, str]] = [
            (self.tr("Room"), f"{tile.room_code} {tile.room_name}"),
            (
                self.tr("Building"),
                self.tr("{0} · floor {1}").format(tile.building_name, tile.floor_number),
            ),
            (self.tr("State"), state_label(tile.state)),
        ]
        if tile.account_no is None:
            rows.append((self.tr("Account"), self.tr("none (vacant)")))
        else:
            rows += [
                (self.tr("Account"), tile.account_no),
                (self.tr("Tenant"), tile.tenant_name or ""),
                (self.tr("Phone"), tile.tenant_phone or ""),
                (self.tr("Balance"), format_fen(tile.balance_fen or 0)),
                (
                    self.tr("Thresholds"),
                    self.tr("low {0} · very low {1}").format(
                        format_fen(tile.warn_threshold_fen or 0),
                        format_fen(tile.urgent_threshold_fen or 0),
                    ),
                ),
            ]
        rows += [
            (
                self.tr("Meters"),
                self.tr("{0} points · {1} offline · {2} cut").format(
                    tile.points, tile.points_offline, tile.points_cut
                ),
            ),
            (
                self.tr("Last read"),
                _local(tile.last_read_at, self.snapshot.timezone if self.snapshot else None),
            ),
        ]
        self.detail_label.setText(
            "<table>"
            + "".join(
                f"<tr><td style='color:#606266; padding-right:6px; white-space:nowrap'>{k}</td>"
                f"<td>{_html(v)}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )

    def _fill_building_combo(self) -> None:
        current = self.building_combo.currentData()
        self.building_combo.blockSignals(True)
        self.building_combo.clear()
        self.building_combo.addItem(self.tr("All buildings"), None)
        for b in self._buildings:
            self.building_combo.addItem(b.name, b.id)
        index = self.building_combo.findData(current)
        self.building_combo.setCurrentIndex(max(0, index))
        self.building_combo.blockSignals(False)
        self._fill_floor_combo()

    def _fill_floor_combo(self) -> None:
        building_id = self.building_combo.currentData()
        self.floor_combo.blockSignals(True)
        self.floor_combo.clear()
        self.floor_combo.addItem(self.tr("All floors"), None)
        for b in self._buildings:
            if b.id == building_id:
                for f in b.floors:
                    self.floor_combo.addItem(f.name, f.id)
        self.floor_combo.setEnabled(building_id is not None)
        self.floor_combo.blockSignals(False)

    # -- slots -------------------------------------------------------------------------------

    def _on_building_combo_changed(self, _index: int) -> None:
        self._fill_floor_combo()
        self.refresh_rooms()

    def _on_floor_combo_changed(self, _index: int) -> None:
        self.refresh_rooms()

    def _on_grid_tile_clicked(self, tile: RoomTile) -> None:
        self._show_room(tile)

    def _on_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
