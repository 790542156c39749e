"""Receipt preview and printing (RPT-1): the receipt drawn with QPainter, printed through the OS
printer dialog (QtPrintSupport), counted and archived as PDF by the receipt service.

The preview and the printed page are drawn by the same ``paint_receipt`` from the service's
``ReceiptData`` (the PDF archive copy is rendered by reportlab in the service): this works on
every desk PC without a PDF rasteriser (QtPdf is not part of PySide6-Essentials) and offscreen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSettings, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.capitals import amount_in_capitals
from app.domain.money import format_fen
from app.reports.labels import REPRINT_MARK
from app.reports.labels import channel_name as printed_channel_name
from app.services.receipts import PrintedReceipt
from app.ui.guard import alive
from app.ui.messages import describe
from app.ui.pages.base import PageContext

if TYPE_CHECKING:  # the reportlab module is loaded by the service when it is needed
    from app.reports.receipts import ReceiptData

# The receipt is a Chinese document whatever the UI language (as the archived PDF is): its
# wording is the reports' label table's, not the UI's.
THERMAL80, A5, DOT241 = "thermal80", "a5", "dot241"
PAPER_MM: dict[str, tuple[float, float]] = {
    THERMAL80: (80.0, 160.0),
    A5: (210.0, 148.0),
    DOT241: (241.0, 140.0),
}
_TIME = "%Y-%m-%d %H:%M"


def receipt_rows(data: ReceiptData) -> list[tuple[str, str, str]]:
    """The receipt's lines as (style, label, value); style is title, header, mark, rule, row,
    amount, small or footer."""
    rows: list[tuple[str, str, str]] = [
        ("title", data.site_name, ""),
        ("header", data.header, ""),
    ]
    if data.reprint:
        rows.append(("mark", REPRINT_MARK, ""))
    rows += [
        ("rule", "", ""),
        ("row", "凭条号", data.receipt_no),
        ("row", "交易时间", data.booked_at.strftime(_TIME)),
        ("row", "房间", f"{data.room_code} {data.room_name}"),
        ("row", "户名", data.tenant_name),
        ("row", "账户", data.account_no),
        ("row", "支付方式", printed_channel_name(data.channel)),
        ("rule", "", ""),
        ("amount", "充值金额", format_fen(data.amount_fen)),
        ("row", "大写", amount_in_capitals(data.amount_fen)),
        ("rule", "", ""),
        ("row", "现金余额", format_fen(data.cash_after_fen)),
        ("row", "补助余额", format_fen(data.subsidy_after_fen)),
        ("row", "账户余额", format_fen(data.balance_after_fen)),
        ("row", "收款员", data.operator_name),
    ]
    if data.reference:
        rows.append(("row", "交易单号", data.reference))
    if data.reprint:
        when = data.printed_at.strftime(_TIME) if data.printed_at else ""
        rows.append(("small", f"{REPRINT_MARK}时间 {when}（第 {data.print_no} 次打印）", ""))
    rows += [("rule", "", ""), ("footer", "请核对金额，妥善保管本凭条", "")]
    return rows


def paint_receipt(painter: QPainter, rect: QRectF, data: ReceiptData) -> float:
    """Draw the receipt at the top of ``rect`` (font sizes follow its width); returns the
    height used."""
    unit = rect.width() / 24.0  # body text: ~24 characters across
    y = rect.top()
    painter.setPen(QPen(QColor("black")))

    def font(scale: float, bold: bool = False) -> QFont:
        f = QFont(painter.font())
        f.setPixelSize(max(1, round(unit * scale)))
        f.setBold(bold)
        return f

    label_w = unit * 5.2
    for style, text, value in receipt_rows(data):
        if style == "rule":
            pen = QPen(QColor("black"))
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setWidthF(max(1.0, unit / 12))
            painter.setPen(pen)
            y += unit * 0.4
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(QPen(QColor("black")))
            y += unit * 0.4
            continue
        scale, bold = {
            "title": (1.4, True),
            "header": (1.2, False),
            "mark": (1.4, True),
            "amount": (1.3, True),
            "small": (0.85, False),
            "footer": (0.85, False),
        }.get(style, (1.0, False))
        f = font(scale, bold)
        painter.setFont(f)
        line_h = QFontMetricsF(f).height() * 1.25
        if style in ("title", "header", "footer", "mark", "small"):
            box = QRectF(rect.left(), y, rect.width(), line_h)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            needed = painter.boundingRect(box, flags, text).height()
            box.setHeight(max(line_h, needed))
            if style == "mark":
                w = QFontMetricsF(f).horizontalAdvance(text) + unit * 1.2
                frame = QRectF(rect.center().x() - w / 2, y, w, line_h)
                pen = QPen(QColor("black"))
                pen.setWidthF(max(1.0, unit / 8))
                painter.setPen(pen)
                painter.drawRect(frame)
                painter.setPen(QPen(QColor("black")))
            painter.drawText(box, flags, text)
            y += box.height()
            continue
        value_box = QRectF(rect.left() + label_w, y, rect.width() - label_w, line_h)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        wrap = flags | Qt.TextFlag.TextWordWrap
        height = max(line_h, painter.boundingRect(value_box, wrap, value).height())
        painter.setFont(font(1.0))  # labels in body type, values (the amount) larger
        painter.drawText(QRectF(rect.left(), y, label_w, height), flags, text)
        painter.setFont(f)
        painter.drawText(QRectF(value_box.left(), y, value_box.width(), height), wrap, value)
        y += height
    return y - rect.top()


def receipt_image(data: ReceiptData, width_px: int = 420) -> QImage:
    """The receipt as an image for the preview (white paper with a margin)."""
    margin = width_px * 0.06
    tall = QImage(width_px, width_px * 3, QImage.Format.Format_RGB32)
    tall.fill(QColor("white"))
    painter = QPainter(tall)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    used = paint_receipt(painter, QRectF(margin, margin, width_px - 2 * margin, width_px * 3), data)
    painter.end()
    return tall.copy(0, 0, width_px, int(used + 2 * margin))


def print_receipt_on(printer: QPrinter, data: ReceiptData) -> None:
    """Draw the receipt on the printer's first page (at most 100 mm wide, centred)."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        width = min(float(page.width()), 100 / 25.4 * printer.resolution())
        left = (page.width() - width) / 2
        paint_receipt(painter, QRectF(left, 0, width, float(page.height())), data)
    finally:
        painter.end()


def setup_printer(printer: QPrinter, layout: str) -> None:
    w, h = PAPER_MM.get(layout, PAPER_MM[THERMAL80])
    size = QPageSize(
        QSizeF(w, h), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.ExactMatch
    )
    margins = QMarginsF(4, 4, 4, 4) if layout == THERMAL80 else QMarginsF(12, 10, 12, 10)
    printer.setPageLayout(
        QPageLayout(size, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)
    )


def choose_printer_with_dialog(printer: QPrinter, parent: QWidget) -> bool:
    """The OS printer dialog; tests replace ``ReceiptDialog.choose_printer``."""
    dialog = QPrintDialog(printer, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


class ReceiptDialog(QDialog):
    """Preview of one receipt with a 打印 button (the default: Enter prints)."""

    printed = Signal(object)  # PrintedReceipt

    choose_printer: Callable[[QPrinter, QWidget], bool] = staticmethod(choose_printer_with_dialog)

    def __init__(self, ctx: PageContext, receipt_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReceiptDialog")
        self.ctx = ctx
        self.receipt_no = receipt_no
        self.data: ReceiptData | None = None
        self.last_printed: PrintedReceipt | None = None
        self.setWindowTitle(self.tr("Receipt {0}").format(receipt_no))
        self.layout_combo = QComboBox()
        for code, name in (
            (THERMAL80, self.tr("80 mm thermal roll")),
            (A5, self.tr("A5 sheet")),
            (DOT241, self.tr("241 mm continuous (dot-matrix)")),
        ):
            self.layout_combo.addItem(name, code)
        saved = QSettings().value("receipt/layout", THERMAL80)
        self.layout_combo.setCurrentIndex(max(0, self.layout_combo.findData(saved)))
        self.preview_label = QLabel(self.tr("Loading…"))
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.preview_label)
        scroll.setWidgetResizable(True)
        scroll.setMinimumSize(470, 520)
        scroll.setStyleSheet("QScrollArea { background: #e0e0e0; }")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.print_button = QPushButton(self.tr("Print (Enter)"))
        self.print_button.setDefault(True)
        self.print_button.setAutoDefault(True)
        self.print_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Paper:")))
        top.addWidget(self.layout_combo, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.layout_combo.currentIndexChanged.connect(self._on_layout_combo_changed)
        self._load()

    def _run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """``ctx.tasks.run_op`` with the results dropped once this widget is gone."""
        self.ctx.tasks.run_op(fn, alive(self, on_done), alive(self, on_error))

    @property
    def layout_code(self) -> str:
        return str(self.layout_combo.currentData())

    def _load(self) -> None:
        receipts, actor, no = self.ctx.services.receipts, self.ctx.actor, self.receipt_no
        self._run(
            lambda: receipts.receipt_data(actor, receipt_no=no), self._on_loaded, self._on_failed
        )

    def _on_loaded(self, data: ReceiptData) -> None:
        self.data = data
        self.preview_label.setPixmap(QPixmap.fromImage(receipt_image(data)))
        self.print_button.setEnabled(True)
        self.print_button.setFocus()

    def _on_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(self.data is not None)
        self.status_label.setText(describe(exc))
        self.status_label.setStyleSheet("color: #c62828")

    def _on_layout_combo_changed(self, _index: int) -> None:
        QSettings().setValue("receipt/layout", self.layout_code)

    def _on_print_button_clicked(self) -> None:
        if self.data is None or not self.print_button.isEnabled():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, self.layout_code)
        if not type(self).choose_printer(printer, self):
            return
        self.print_button.setEnabled(False)
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("Printing…"))
        receipts, actor, no, layout = (
            self.ctx.services.receipts,
            self.ctx.actor,
            self.receipt_no,
            self.layout_code,
        )
        self._run(
            lambda: receipts.print_receipt(actor, layout, receipt_no=no),
            lambda result: self._on_counted(printer, result),
            self._on_failed,
        )

    def _on_counted(self, printer: QPrinter, result: PrintedReceipt) -> None:
        assert self.data is not None
        data = dataclasses.replace(self.data, print_no=result.print_no)
        try:
            print_receipt_on(printer, data)
        except OSError:
            self.status_label.setText(self.tr("The printer could not be started."))
            self.status_label.setStyleSheet("color: #c62828")
            self.print_button.setEnabled(True)
            return
        self.last_printed = result
        self.printed.emit(result)
        self.accept()
