"""Shared PDF building blocks: the embedded font and its fallbacks, page numbers, tables, charts."""

import io
from decimal import Decimal

import pypdf

from hrapp.core import pdf


def _read(body: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(body))


def _fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Base font name → embedded?"""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_a_document_embeds_the_chinese_font_and_numbers_its_pages():
    font = pdf.register_font()
    rows = [(f"第{n}街道", Decimal(n) * Decimal("1234.56")) for n in range(1, 80)]
    body = pdf.build_document(
        [
            pdf.table(["街道", "金额"], rows, font=font, numeric=(1,)),
            pdf.bar_chart(["甲", "乙"], [("核拨", [1, 2])], font=font),
        ],
        font=font,
        template=pdf.PageTemplate(
            header_left="网格员人事管理", footer="生成于今天", page_label="第 {page} 页，共 {pages} 页"
        ),
    )
    reader = _read(body)
    text = [page.extract_text() for page in reader.pages]

    assert font.embedded
    assert len(reader.pages) >= 2
    pages = len(reader.pages)
    assert f"第 1 页，共 {pages} 页" in text[0]
    assert f"第 {pages} 页，共 {pages} 页" in text[-1]
    assert "网格员人事管理" in text[0] and "第79街道" in "".join(text)
    assert "97,530.24" in "".join(text)  # 79 × 1234.56, printed from the Decimal
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts  # every font embedded: no Helvetica reference


def test_the_configured_font_path_comes_first_then_debian_then_the_cid_fallback(tmp_path, monkeypatch):
    configured = pdf.register_font(str(pdf.DEBIAN_FONTS[0]))
    assert configured.embedded
    missing = pdf.register_font(str(tmp_path / "nothing.ttf"))
    assert missing.embedded  # falls through to the Debian package
    monkeypatch.setattr(pdf, "DEBIAN_FONTS", (tmp_path / "absent.ttc",))
    fallback = pdf.register_font(str(tmp_path / "nothing-either.ttf"))
    assert fallback.name == pdf.CID_FALLBACK and not fallback.embedded
    body = pdf.build_document(
        [pdf.line_chart(["2011", "2016"], [("标准", [30400, 50400])], font=fallback)],
        font=fallback,
        template=pdf.PageTemplate(header_left="标题"),
    )
    assert _read(body).pages
