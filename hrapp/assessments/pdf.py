"""The assessment certificate as a PDF, in Chinese: pure function, data in, bytes out (no Flask).
Header (district, officer, grid, tier), indicators with raw values, weights and points, a chart of
the monthly scores, training hours against the requirement, closed integrity findings, the grade
and the reviewer, and a verification code with a QR code pointing at /verify/<code>."""

from __future__ import annotations

import dataclasses

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table

from hrapp.core import pdf


@dataclasses.dataclass(frozen=True)
class AssessmentSheet:
    district: str
    street: str
    officer: str
    employee_no: str
    grid: str
    tier: str
    period: str
    version: int
    scheme: str
    lines: list[dict]
    score: str
    computed_score: str
    adjustment: str
    adjustment_reason: str
    grade: str
    veto: str
    capped: bool
    no_data: list[str]
    monthly: list[tuple[str, float]]
    training_hours: str
    training_required: str
    findings: list[dict]
    reviewer: str
    review_comment: str
    issued_at: str
    code: str
    verify_url: str


def qr_code(value: str, size: float = 26 * mm) -> Drawing:
    widget = QrCodeWidget(value)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def assessment_certificate(sheet: AssessmentSheet, *, font_path: str | None = None) -> bytes:
    font = pdf.register_font(font_path)
    style = pdf.styles(font)
    title = f"网格员绩效考核结果（{sheet.period}）"
    flowables = [
        Paragraph(title, style["title"]),
        Paragraph(f"{sheet.district} · {sheet.street} · 第 {sheet.version} 版 · {sheet.scheme}", style["subtitle"]),
        pdf.spacer(3),
        pdf.table(
            ["姓名", "工号", "网格", "职级"],
            [[sheet.officer, sheet.employee_no, sheet.grid or "—", sheet.tier or "—"]],
            font=font,
        ),
        Paragraph("考核指标", style["heading"]),
        pdf.table(
            ["指标", "原始值", "工作量指数", "折算值", "权重", "得分"],
            [
                [
                    line["name"],
                    "无数据" if line["no_data"] else line["raw"],
                    line["index"] or "—",
                    line["value"] or "—",
                    line["weight"],
                    line["points"],
                ]
                for line in sheet.lines
            ]
            + [["合计", "", "", "", "100", sheet.computed_score]],
            font=font,
            numeric=(1, 2, 3, 4, 5),
            total_rows=1,
            col_widths=(40 * mm, 28 * mm, 24 * mm, 24 * mm, 20 * mm, 22 * mm),
        ),
    ]
    if sheet.no_data:
        flowables.append(
            Paragraph("注：以下指标无工作量数据，按 0 分计：" + "、".join(sheet.no_data) + "。", style["small"])
        )
    if sheet.monthly:
        flowables += [
            pdf.spacer(3),
            pdf.line_chart(
                [month for month, _score in sheet.monthly],
                [("月度得分", [score for _month, score in sheet.monthly])],
                font=font,
                height=42 * mm,
                title="月度得分",
            ),
        ]
    flowables += [
        Paragraph(
            f"培训学时：本期完成 {sheet.training_hours} 学时，应完成 {sheet.training_required} 学时。", style["body"]
        ),
        Paragraph("廉洁检查问题（已办结）", style["heading"]),
    ]
    if sheet.findings:
        flowables.append(
            pdf.table(
                ["检查编号", "问题代码", "严重程度", "扣分", "发现日期"],
                [[f["check_number"], f["code"], f["severity"], f["deduction"], f["found_on"]] for f in sheet.findings],
                font=font,
            )
        )
    else:
        flowables.append(Paragraph("无", style["body"]))
    adjustment = f"{sheet.adjustment}（{sheet.adjustment_reason}）" if sheet.adjustment_reason else sheet.adjustment
    result = [
        ["计算得分", sheet.computed_score, "最终得分", sheet.score],
        ["复核调整", adjustment, "考核等次", sheet.grade + ("（超出优秀比例，按合格确定）" if sheet.capped else "")],
        ["复核人", sheet.reviewer or "—", "签发时间", sheet.issued_at],
        ["复核意见", sheet.review_comment or "—", "一票否决", sheet.veto or "无"],
    ]
    cell = style["cell"]
    wrapped = [[Paragraph(str(value), cell) for value in row] for row in result]
    flowables += [
        Paragraph("考核结果", style["heading"]),
        pdf.table(
            ["项目", "内容", "项目", "内容"],
            wrapped,
            font=font,
            col_widths=(24 * mm, 55 * mm, 24 * mm, 55 * mm),
            formatter=lambda value: value,
        ),
        pdf.spacer(3),
        Table(
            [[qr_code(sheet.verify_url), Paragraph(f"验证码：{sheet.code}<br/>验证地址：{sheet.verify_url}", cell)]],
            colWidths=(30 * mm, 128 * mm),
        ),
    ]
    template = pdf.PageTemplate(
        header_left=f"{sheet.district} 网格员考核",
        header_right=title,
        footer=f"验证码 {sheet.code}",
        page_label="第 {page} 页 / 共 {pages} 页",
    )
    return pdf.build_document(flowables, font=font, template=template, title=title)
