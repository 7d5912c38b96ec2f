"""Shared PDF building blocks (ReportLab): an embedded Chinese font, an A4 page template with header,
footer and page numbers, a styled table, bar and line charts. Pure functions: data in, bytes out,
no Flask imports — a domain's builder (`pay/pdf.py`, `assessments/pdf.py`) composes them.

Font: an official document embeds its font, so a viewer without Chinese fonts still shows it. The
order: the path given (config PDF_FONT_PATH), else Debian's fonts-wqy-microhei (TrueType outlines,
which ReportLab embeds), else the CID font STSong-Light, which is not embedded and may show as
blanks in viewers without Adobe's Asian font packs — the last resort only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from reportlab import rl_config

# Set before ReportLab's graphics modules are imported: no attribute validation on chart shapes (a
# development aid, a third of a chart's time) and streams Flate-compressed only (ASCII85 on top
# makes files a quarter larger and costs time to encode).
rl_config.shapeChecking = 0
rl_config.useA85 = 0

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.lib.utils import TimeStamp  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas as pdf_canvas  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

DEBIAN_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
CID_FALLBACK = "STSong-Light"
PALETTE = [colors.HexColor(c) for c in ("#2f6fb0", "#e0a030", "#3a9a5b", "#c0504d", "#7f63b8", "#4bacc6")]


@dataclasses.dataclass(frozen=True)
class Font:
    name: str
    embedded: bool


_registered: dict[str, Font] = {}


def register_font(path: str | None = None) -> Font:
    """Register and return the document font (see the module docstring for the order)."""
    candidates = [Path(path)] if path else []
    candidates += list(DEBIAN_FONTS)
    for candidate in candidates:
        key = str(candidate)
        if key in _registered:
            return _registered[key]
        if candidate.is_file():
            name = f"HrappCJK-{len(_registered)}"
            options = {"subfontIndex": 0} if candidate.suffix.lower() == ".ttc" else {}
            pdfmetrics.registerFont(TTFont(name, key, **options))
            _registered[key] = Font(name, embedded=True)
            return _registered[key]
    if CID_FALLBACK not in _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
        _registered[CID_FALLBACK] = Font(CID_FALLBACK, embedded=False)
    return _registered[CID_FALLBACK]


def styles(font: Font) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font.name, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, alignment=TA_CENTER, textColor=colors.grey),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.grey),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
    }


@dataclasses.dataclass
class PageTemplate:
    """What every page carries: a header line (issuer and title), a footer (a note such as the
    generation time) and 'page n of N'."""

    header_left: str
    header_right: str = ""
    footer: str = ""
    page_label: str = "{page} / {pages}"
    landscape: bool = False


def _stamp(document, created: dt.datetime) -> None:
    """Date the PDF (CreationDate, ModDate and the seed of its /ID) at `created`, an aware time,
    instead of the clock: the same content and time give the same bytes wherever it is rendered."""
    offset = int((created.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    stamp = TimeStamp(invariant=1)
    stamp.t = created.timestamp()
    stamp.lt = created.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh, stamp.dmm = divmod(offset, 60)
    stamp.tzname = created.tzname() or "UTC"
    document._timeStamp = stamp
    document.signature = hashlib.md5(usedforsecurity=False)
    document.signature.update(b"a reportlab document")
    document.signature.update(ascii(stamp.t).encode())


def _numbered_canvas(font: Font, template: PageTemplate, created: dt.datetime | None = None):
    class NumberedCanvas(pdf_canvas.Canvas):
        """Draws header and footer after the last page, when the page count is known."""

        def __init__(self, *args, **kwargs):
            # Every page starts in the document font: no reference to a non-embedded base font.
            kwargs["initialFontName"] = font.name
            super().__init__(*args, **kwargs)
            if created is not None:
                _stamp(self._doc, created)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setStrokeColor(colors.HexColor("#2f6fb0"))
            self.setLineWidth(0.6)
            self.line(15 * mm, height - 14 * mm, width - 15 * mm, height - 14 * mm)
            self.line(15 * mm, 13 * mm, width - 15 * mm, 13 * mm)
            self.setFont(font.name, 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(15 * mm, height - 12 * mm, template.header_left)
            self.drawRightString(width - 15 * mm, height - 12 * mm, template.header_right)
            self.drawString(15 * mm, 9 * mm, template.footer)
            self.drawRightString(
                width - 15 * mm, 9 * mm, template.page_label.format(page=self._pageNumber, pages=total)
            )
            self.restoreState()

    return NumberedCanvas


def build_document(
    flowables: Sequence, *, font: Font, template: PageTemplate, title: str = "", created: dt.datetime | None = None
) -> bytes:
    """Lay out `flowables` on A4 pages with the template's header, footer and page numbers.
    `created` (an aware time) dates the document and makes its bytes a function of its content."""
    buffer = io.BytesIO()
    size = landscape(A4) if template.landscape else A4
    document = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=template.header_left,
    )
    document.build(list(flowables), canvasmaker=_numbered_canvas(font, template, created))
    return buffer.getvalue()


def text(value) -> str:
    """A value as table text: Decimal with thousands separators and two places, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence],
    *,
    font: Font,
    col_widths: Sequence[float] | None = None,
    numeric: Sequence[int] = (),
    total_rows: int = 0,
    formatter: Callable = text,
) -> Table:
    """A table with a shaded header row repeated on each page; `numeric` column indexes are
    right-aligned; the last `total_rows` rows are bold-ruled totals."""
    cell = styles(font)["cell"]
    header_cells = [Paragraph(str(h), cell) for h in headers]
    body = [[formatter(value) for value in row] for row in rows]
    result = Table([header_cells, *body], colWidths=col_widths, repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), font.name, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0b8c4")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1 - total_rows), [colors.white, colors.HexColor("#f7f9fc")]),
    ]
    for index in numeric:
        commands.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    if total_rows:
        commands += [
            ("LINEABOVE", (0, -total_rows), (-1, -total_rows), 1.0, colors.black),
            ("BACKGROUND", (0, -total_rows), (-1, -1), colors.HexColor("#eef2e6")),
        ]
    result.setStyle(TableStyle(commands))
    return result


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


# The charts live in their own module; callers keep using pdf.bar_chart and the rest.
from hrapp.core.pdf_charts import Chart, bar_chart, line_chart, nice_ticks  # noqa: E402, F401
