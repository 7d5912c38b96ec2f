"""A street's or the district's assessment summary for a period as a PDF: pure function, data in,
bytes out (no Flask). The caller passes the figures (`summary.Summary`) and the labels in the
reader's language; indicator names are the scheme's own. Built on `core/pdf.py`: grade
distribution (table and chart), the average points of each indicator (table and chart), and the
ranking of officers (a street) or of streets (the district)."""

from __future__ import annotations

from collections.abc import Mapping

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from hrapp.assessments.summary import Summary
from hrapp.core import pdf

GRADE_ORDER = (4, 3, 2, 1)


def _share(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f} %" if total else "—"


def _legend_in_two_rows(drawing, x: float):
    """Four long series names (a grade each) do not fit one row at the chart's top right: two rows,
    and the bars lowered beneath them."""
    for item in drawing.contents:
        if isinstance(item, Legend):
            item.x, item.columnMaximum, item.deltax = x, 2, 160
        elif isinstance(item, VerticalBarChart):
            item.height -= 24
    return drawing


def summary_report(
    summary: Summary, labels: Mapping[str, str], grade_names: Mapping[int, str], *, font_path: str | None = None
) -> bytes:
    """`labels`: title, subtitle, issuer, generated, page, and the headings and column names below."""
    font = pdf.register_font(font_path)
    style = pdf.styles(font)
    names = [grade_names[grade] for grade in GRADE_ORDER]
    counts = [summary.grades.get(grade, 0) for grade in GRADE_ORDER]
    flowables = [
        Paragraph(labels["title"], style["title"]),
        Paragraph(labels["subtitle"], style["subtitle"]),
        pdf.spacer(3),
        pdf.table(
            [
                labels["officers"],
                labels["average"],
                labels["highest"],
                labels["lowest"],
                labels["vetoed"],
                labels["capped"],
            ],
            [[summary.total, summary.average, summary.highest, summary.lowest, summary.vetoed, summary.capped]],
            font=font,
            numeric=(0, 1, 2, 3, 4, 5),
        ),  # fmt: skip
    ]
    if summary.not_issued:
        flowables.append(Paragraph(labels["not_issued"], style["small"]))

    flowables += [
        Paragraph(labels["distribution"], style["heading"]),
        pdf.table(
            [labels["grade"], labels["count"], labels["share"]],
            [[name, count, _share(count, summary.total)] for name, count in zip(names, counts, strict=True)]
            + [[labels["total"], summary.total, _share(summary.total, summary.total)]],
            font=font,
            numeric=(1, 2),
            total_rows=1,
            col_widths=(60 * mm, 40 * mm, 40 * mm),
        ),
        pdf.spacer(2),
        pdf.bar_chart(names, [(labels["count"], counts)], font=font, height=55 * mm, title=labels["distribution"]),
        Paragraph(labels["indicators"], style["heading"]),
        pdf.table(
            [labels["indicator"], labels["weight"], labels["average_points"], labels["rate"], labels["no_data"]],
            [[i.name, i.weight, i.average, f"{i.rate} %", i.no_data or ""] for i in summary.indicators],
            font=font,
            numeric=(1, 2, 3, 4),
            col_widths=(55 * mm, 25 * mm, 30 * mm, 30 * mm, 30 * mm),
        ),
        pdf.spacer(2),
        pdf.bar_chart(
            [i.name for i in summary.indicators],
            [(labels["rate"], [i.rate for i in summary.indicators])],
            font=font,
            height=60 * mm,
            title=labels["rate_chart"],
        ),
    ]
    if summary.streets:
        flowables += [
            Paragraph(labels["street_ranking"], style["heading"]),
            pdf.table(
                [labels["rank"], labels["street"], labels["officers"], *names, labels["average"]],
                [
                    [s.rank, s.name, s.officers, *(s.grades.get(g, 0) for g in GRADE_ORDER), s.average]
                    for s in summary.streets
                ],
                font=font,
                numeric=(0, 2, 3, 4, 5, 6, 7),
            ),  # fmt: skip
            pdf.spacer(2),
            _legend_in_two_rows(
                pdf.bar_chart(
                    [s.name for s in summary.streets],
                    [
                        (name, [s.grades.get(grade, 0) for s in summary.streets])
                        for name, grade in zip(names, GRADE_ORDER, strict=True)
                    ],
                    font=font,
                    height=75 * mm,
                    title=labels["street_chart"],
                ),
                x=150,
            ),
        ]
    if summary.officers:
        flowables += [
            Paragraph(labels["officer_ranking"], style["heading"]),
            pdf.table(
                [
                    labels["rank"],
                    labels["officer"],
                    labels["employee_no"],
                    labels["grid"],
                    labels["score"],
                    labels["grade"],
                    labels["veto"],
                ],
                [
                    [o.rank, o.name, o.employee_no, o.grid or "—", o.score, grade_names.get(o.grade, ""), o.veto]
                    for o in summary.officers
                ],
                font=font,
                numeric=(0, 4),
                col_widths=(14 * mm, 28 * mm, 26 * mm, 38 * mm, 18 * mm, 24 * mm, 32 * mm),
            ),  # fmt: skip
        ]
    flowables += [pdf.spacer(8), Paragraph(labels["sign_off"], style["body"])]
    template = pdf.PageTemplate(
        header_left=labels["issuer"],
        header_right=labels["title"],
        footer=labels["generated"],
        page_label=labels["page"],
    )
    return pdf.build_document(flowables, font=font, template=template, title=labels["title"])
