"""Receipt PDFs read back with poppler: Chinese fields present, one page, nothing off the paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.reports.fonts import EMBEDDED_FONT, FALLBACK_FONT, cjk_font
from app.reports.receipts import ReceiptData, ReceiptLayout, render_receipt
from tests.pdf_tools import pdf_fonts, pdf_text, pdf_words

TZ = ZoneInfo("Asia/Shanghai")
DATA = ReceiptData(
    site_name="阳光商业广场物业管理处",
    header="存款凭条",
    receipt_no="2026-000123",
    booked_at=datetime(2026, 10, 5, 14, 5, tzinfo=TZ),
    building_name="A栋",
    room_code="A-1-01",
    room_name="A栋101室",
    tenant_name="王小明便利店",
    account_no="A-1-01/1",
    amount_fen=12_005,
    channel="alipay",
    cash_after_fen=15_000,
    subsidy_after_fen=2_050,
    operator_name="张收费",
)
LAYOUTS = [layout.value for layout in ReceiptLayout]


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_original_shows_every_field_in_chinese(layout: str, tmp_path: Path) -> None:
    text = pdf_text(render_receipt(DATA, layout), tmp_path)
    flat = _squeezed(text)
    for expected in (
        "阳光商业广场物业管理处",
        "存款凭条",
        "2026-000123",
        "2026-10-0514:05",
        "A-1-01",
        "A栋101室",
        "王小明便利店",
        "A-1-01/1",
        "¥120.05",
        "壹佰贰拾元零伍分",
        "支付宝",
        "现金余额",
        "¥150.00",
        "补助余额",
        "¥20.50",
        "账户余额",
        "¥170.50",
        "张收费",
    ):
        assert expected in flat, f"{expected!r} missing from the {layout} receipt:\n{text}"
    assert "补打" not in flat


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reprint_is_marked(layout: str, tmp_path: Path) -> None:
    again = replace(DATA, print_no=3, printed_at=datetime(2026, 10, 6, 9, 30, tzinfo=TZ))
    flat = _squeezed(pdf_text(render_receipt(again, layout), tmp_path))
    assert "补打" in flat
    assert "补打时间2026-10-0609:30" in flat
    assert "第3次打印" in flat
    assert "壹佰贰拾元零伍分" in flat


@pytest.mark.parametrize("layout", LAYOUTS)
def test_long_names_wrap_inside_the_paper(layout: str, tmp_path: Path) -> None:
    long = replace(
        DATA,
        site_name="阳光商业广场物业管理处（第二分公司）东区收费中心",
        tenant_name="王小明便利店连锁经营有限公司第三分店（原李记杂货）",
        room_name="A栋一层临街商铺101室至103室打通",
        reference="4200001234202610051234567890",
        amount_fen=123_456_789,
        print_no=2,
        printed_at=datetime(2026, 10, 6, 9, 30, tzinfo=TZ),
    )
    pages = pdf_words(render_receipt(long, layout), tmp_path)
    assert len(pages) == 1, "a receipt is one page"
    page = pages[0]
    assert page.words
    for word, x0, y0, x1, y1 in page.words:
        assert 0 <= x0 and x1 <= page.width and 0 <= y0 and y1 <= page.height, word
    flat = _squeezed("".join(w[0] for w in page.words))
    assert "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分" in flat
    assert "原李记杂货" in flat


def test_layouts_have_their_paper_sizes(tmp_path: Path) -> None:
    mm = 72 / 25.4
    sizes = {layout: pdf_words(render_receipt(DATA, layout), tmp_path)[0] for layout in LAYOUTS}
    assert sizes["thermal80"].width == pytest.approx(80 * mm, abs=0.5)
    assert 60 * mm < sizes["thermal80"].height < 200 * mm  # cut after the content
    assert (sizes["a5"].width, sizes["a5"].height) == (
        pytest.approx(210 * mm, abs=0.5),
        pytest.approx(148 * mm, abs=0.5),
    )
    assert sizes["dot241"].width == pytest.approx(241 * mm, abs=0.5)
    assert sizes["dot241"].height == pytest.approx(140 * mm, abs=0.5)


def test_chinese_font_is_embedded(tmp_path: Path) -> None:
    assert cjk_font() == EMBEDDED_FONT
    fonts = pdf_fonts(render_receipt(DATA, "a5"), tmp_path)
    wqy = [embedded for name, embedded in fonts if "WenQuanYiMicroHei" in name]
    assert wqy == [True]


def test_missing_font_falls_back_to_stsong(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-font.ttc"
    assert cjk_font(missing) == FALLBACK_FONT
    pdf = render_receipt(DATA, "thermal80", font_path=missing)
    # poppler without its Adobe-GB1 language pack cannot load a CID font, so read the font
    # dictionaries of the file itself
    assert b"/BaseFont /STSong-Light" in pdf
    assert b"WenQuanYi" not in pdf
