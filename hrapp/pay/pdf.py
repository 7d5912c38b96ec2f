"""The annual funding report as a PDF: pure function, data in, bytes out (no Flask). The caller
passes the figures (a `queries.FundingReport`) and the translated labels."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from hrapp.core import pdf


@dataclasses.dataclass(frozen=True)
class FundingLabels:
    title: str
    issuer: str
    generated: str
    page: str
    standard_line: str
    headers: tuple[str, ...]
    total: str
    chart_title: str
    allocation: str
    actual: str
    notes: tuple[str, ...] = ()


def funding_report(report, labels: FundingLabels, *, font_path: str | None = None) -> bytes:
    font = pdf.register_font(font_path)
    style = pdf.styles(font)
    rows = [
        (
            row.street,
            row.headcount if row.headcount is not None else "—",
            row.allocation,
            row.actual,
            row.variance,
            f"{row.used_percent} %" if row.used_percent is not None else "—",
        )
        for row in report.rows
    ]
    used = (
        f"{(report.total_actual / report.total_allocation * 100).quantize(Decimal('0.1'))} %"
        if report.total_allocation
        else "—"
    )
    rows.append(
        (
            labels.total,
            report.total_headcount,
            report.total_allocation,
            report.total_actual,
            report.total_variance,
            used,
        )
    )
    flowables = [
        Paragraph(labels.title, style["title"]),
        Paragraph(labels.standard_line, style["subtitle"]),
        pdf.spacer(4),
        pdf.table(
            labels.headers,
            rows,
            font=font,
            numeric=(1, 2, 3, 4, 5),
            total_rows=1,
            col_widths=(38 * mm, 22 * mm, 32 * mm, 32 * mm, 30 * mm, 22 * mm),
        ),
        pdf.spacer(6),
        pdf.bar_chart(
            [row.street for row in report.rows],
            [
                (labels.allocation, [row.allocation or Decimal(0) for row in report.rows]),
                (labels.actual, [row.actual for row in report.rows]),
            ],
            font=font,
            title=labels.chart_title,
        ),
    ]
    flowables += [Paragraph(note, style["small"]) for note in labels.notes]
    template = pdf.PageTemplate(
        header_left=labels.issuer, header_right=labels.title, footer=labels.generated, page_label=labels.page
    )
    return pdf.build_document(flowables, font=font, template=template, title=labels.title)
