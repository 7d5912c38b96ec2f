"""Charts for PDF documents: bar and line charts as ReportLab drawings, and `Chart`, a flowable
that draws its series straight on the page (a certificate issued twenty thousand times cannot
afford the graphics widgets' cost). Split from core/pdf.py, which re-exports them."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from hrapp.core.pdf import PALETTE, Font


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
