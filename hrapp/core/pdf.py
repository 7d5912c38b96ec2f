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

from reportlab.graphics.charts.barcharts import VerticalBarChart  # noqa: E402
from reportlab.graphics.charts.legends import Legend  # noqa: E402
from reportlab.graphics.charts.linecharts import HorizontalLineChart  # noqa: E402
from reportlab.graphics.shapes import Drawing, String  # noqa: E402
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
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

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


def _geometry(values: Sequence) -> list:
    # Chart geometry only: bar heights are positions on the page, not money (figures are printed
    # from the Decimal values in the table).
    return [float(v) if v is not None else None for v in values]


def _chart_frame(width: float, height: float, title: str, font: Font) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = font.name  # else the renderer starts in (non-embedded) Helvetica
    if title:
        drawing.add(String(width / 2, height - 12, title, fontName=font.name, fontSize=10, textAnchor="middle"))
    return drawing


def _legend(drawing: Drawing, series: Sequence[tuple[str, Sequence]], font: Font, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font.name, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 80
    legend.dxTextSpace = 4
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _values) in enumerate(series)]
    drawing.add(legend)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    font: Font,
    width: float = 170 * mm,
    height: float = 75 * mm,
    title: str = "",
) -> Drawing:
    """Grouped vertical bars: one group per category, one bar per series (name, values)."""
    drawing = _chart_frame(width, height, title, font)
    chart = VerticalBarChart()
    chart.x, chart.y = 45, 38
    chart.width, chart.height = width - 60, height - 80
    chart.data = [_geometry(values) for _name, values in series]
    chart.categoryAxis.categoryNames = [str(c) for c in categories]
    chart.categoryAxis.labels.fontName = font.name
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(categories) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 6 else "n"
    chart.valueAxis.labels.fontName = font.name
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: f"{v / 10000:,.0f}万" if abs(v) >= 10000 else f"{v:,.0f}"
    chart.barSpacing = 1
    chart.groupSpacing = 6
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    _legend(drawing, series, font, width - 80 * len(series), height - 20)
    return drawing


def line_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    font: Font,
    width: float = 170 * mm,
    height: float = 65 * mm,
    title: str = "",
) -> Drawing:
    """Lines over ordered categories (years, months), one per series, with markers."""
    from reportlab.graphics.widgets.markers import makeMarker

    drawing = _chart_frame(width, height, title, font)
    chart = HorizontalLineChart()
    chart.x, chart.y = 45, 30
    chart.width, chart.height = width - 60, height - 70
    chart.data = [_geometry(values) for _name, values in series]
    chart.categoryAxis.categoryNames = [str(c) for c in categories]
    chart.categoryAxis.labels.fontName = font.name
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font.name
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    for index in range(len(series)):
        chart.lines[index].strokeColor = PALETTE[index % len(PALETTE)]
        chart.lines[index].strokeWidth = 1.5
        chart.lines[index].symbol = makeMarker("FilledCircle")
        chart.lines[index].symbol.fillColor = PALETTE[index % len(PALETTE)]
        chart.lines[index].symbol.size = 4
    drawing.add(chart)
    _legend(drawing, series, font, width - 80 * len(series), height - 20)
    return drawing


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round axis ticks (steps of 1, 2, 2.5 or 5 × 10^n) covering [low, high]."""
    import math

    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


class Chart(Flowable):
    """A small chart drawn straight on the canvas (no graphics widget tree, so a tenth of the time
    of ReportLab's chart widgets): bars and lines over ordered categories such as months, on a
    left axis, and a line on a right axis from 0 to `right_max` (a rate). A None value draws
    nothing (a bar of nothing, a gap in a line)."""

    def __init__(
        self,
        categories: Sequence[str],
        *,
        font: Font,
        width: float,
        height: float,
        title: str = "",
        bars: tuple[str, Sequence] | None = None,
        lines: Sequence[tuple[str, Sequence]] = (),
        right_line: tuple[str, Sequence] | None = None,
        right_max: float = 100,
        right_format: str = "{:.0f}%",
    ):
        super().__init__()
        self.categories = [str(c) for c in categories]
        self.font, self.width, self.height, self.title = font, width, height, title
        self.bars, self.lines, self.right_line = bars, list(lines), right_line
        self.right_max, self.right_format = right_max, right_format

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def _left_scale(self) -> list[float]:
        values = [float(v) for _n, vs in ([self.bars] if self.bars else []) + self.lines for v in vs if v is not None]
        if not values:
            return [0, 1]
        low, high = min(values), max(values)
        if self.bars or low >= 0 and low < (high - low):
            low = min(0.0, low)
        else:
            low -= (high - low) * 0.1 or 1
        return nice_ticks(low, high)

    def draw(self):
        canvas, font = self.canv, self.font.name
        series = ([self.bars[0]] if self.bars else []) + [name for name, _v in self.lines]
        series += [self.right_line[0]] if self.right_line else []
        x0, x1 = 28.0, self.width - (30.0 if self.right_line else 8.0)
        y0, y1 = 16.0, self.height - 30.0
        ticks = self._left_scale()
        low, high = ticks[0], ticks[-1]
        band = (x1 - x0) / max(1, len(self.categories))
        left_y = lambda v: y0 + (float(v) - low) / (high - low) * (y1 - y0)  # noqa: E731
        right_y = lambda v: y0 + float(v) / self.right_max * (y1 - y0)  # noqa: E731
        canvas.saveState()
        if self.title:
            canvas.setFont(font, 9)
            canvas.drawCentredString(self.width / 2, self.height - 10, self.title)
        # Legend: a swatch and a name per series, right-aligned under the title.
        canvas.setFont(font, 7)
        x = self.width - 4
        for index in reversed(range(len(series))):
            name = series[index]
            x -= canvas.stringWidth(name, font, 7)
            canvas.setFillColor(colors.HexColor("#333333"))
            canvas.drawString(x, self.height - 23, name)
            x -= 10
            canvas.setFillColor(PALETTE[index % len(PALETTE)])
            canvas.rect(x, self.height - 24, 7, 7, stroke=0, fill=1)
            x -= 10
        # Grid and axes.
        canvas.setLineWidth(0.3)
        canvas.setStrokeColor(colors.HexColor("#d0d5dc"))
        canvas.setFillColor(colors.HexColor("#333333"))
        for tick in ticks:
            y = left_y(tick)
            canvas.line(x0, y, x1, y)
            canvas.drawRightString(x0 - 3, y - 2.5, f"{tick:,.0f}" if high - low >= 4 else f"{tick:g}")
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.5)
        canvas.line(x0, y0, x0, y1)
        canvas.line(x0, y0, x1, y0)
        if self.right_line:
            canvas.line(x1, y0, x1, y1)
            for step in range(5):
                value = self.right_max * step / 4
                canvas.drawString(x1 + 3, right_y(value) - 2.5, self.right_format.format(value))
        for index, name in enumerate(self.categories):
            canvas.drawCentredString(x0 + band * (index + 0.5), y0 - 9, name)
        # Bars, then lines with their markers.
        if self.bars:
            canvas.setFillColor(PALETTE[0])
            for index, value in enumerate(self.bars[1]):
                if value is not None:
                    top = left_y(max(float(value), low))
                    canvas.rect(
                        x0 + band * (index + 0.2),
                        left_y(max(low, 0)),
                        band * 0.6,
                        top - left_y(max(low, 0)),
                        stroke=0,
                        fill=1,
                    )
        drawn = [(values, left_y) for _name, values in self.lines]
        drawn += [(self.right_line[1], right_y)] if self.right_line else []
        for offset, (values, scale) in enumerate(drawn, start=1 if self.bars else 0):
            color = PALETTE[offset % len(PALETTE)]
            canvas.setStrokeColor(color)
            canvas.setFillColor(color)
            canvas.setLineWidth(1.4)
            points = [
                (x0 + band * (index + 0.5), scale(value)) if value is not None else None
                for index, value in enumerate(values)
            ]
            path, pen_down = canvas.beginPath(), False
            for point in points:
                if point is None:
                    pen_down = False
                elif pen_down:
                    path.lineTo(*point)
                else:
                    path.moveTo(*point)
                    pen_down = True
            canvas.drawPath(path, stroke=1, fill=0)
            for point in points:
                if point is not None:
                    canvas.circle(point[0], point[1], 1.8, stroke=0, fill=1)
        canvas.restoreState()


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)
