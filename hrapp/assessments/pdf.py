"""The assessment certificate as a PDF, in Chinese: pure function, data in, bytes out (no Flask, no
database), so a pool of processes can render many at once. Header (district, officer, grid, tier),
indicators with raw values, weights and points, charts of the monthly scores and of the monthly
case volume and on-time rate side by side, training hours against the requirement, closed integrity
findings, the grade and the reviewer, a verification code with a QR code pointing at
/verify/<code>, and the lines where the reviewer signs and the office stamps its seal. Dated at the
issue time: the same sheet always gives the same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

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
    # (month label, valid reports, on-time rate 0..1 or None) from January to the period's month.
    workload: list[tuple[str, int, float | None]] = dataclasses.field(default_factory=list)
    issued: dt.datetime | None = None  # aware; dates the PDF
    review_score: str = ""  # a year's result: the indicators' points, blended by the annual formula
    annual_formula: str = ""


class QrFlowable(QrCode):
    """ReportLab's QR code, its modules filled as one path (not a shape per module), under a fixed
    mask pattern: every mask is valid and read by any decoder; scoring all eight for the "best"
    one took 8 ms a document for a short URL that scans either way."""

    MASK = 2

    def draw(self):
        qr = self.qr
        if qr.version is None:
            qr.version = qr.calculate_version()
        qr.makeImpl(False, self.MASK)
        count = self.qr.getModuleCount()
        size = self.width / (count + self.qrBorder * 2.0)
        path = self.canv.beginPath()
        for r, row in enumerate(self.qr.modules):
            c = 0
            for dark, run in itertools.groupby(map(bool, row)):
                length = len(list(run))
                if dark:
                    path.rect(
                        (c + self.qrBorder) * size, self.height - (r + self.qrBorder + 1) * size, length * size, size
                    )
                c += length
        self.canv.drawPath(path, stroke=0, fill=1)


def qr_code(value: str, size: float = 26 * mm) -> QrFlowable:
    return QrFlowable(value, width=size, height=size)


def charts(sheet: AssessmentSheet, font) -> list:
    """The monthly scores and the monthly case volume with its on-time rate, side by side."""
    drawings = []
    if sheet.monthly:
        drawings.append(
            pdf.Chart(
                [month for month, _score in sheet.monthly],
                lines=[("月度得分", [score for _month, score in sheet.monthly])],
                font=font,
                width=88 * mm,
                height=44 * mm,
                title="月度得分",
            )
        )
    if any(volume for _month, volume, _rate in sheet.workload):
        drawings.append(
            pdf.Chart(
                [month for month, _volume, _rate in sheet.workload],
                bars=("有效上报（件）", [volume for _month, volume, _rate in sheet.workload]),
                right_line=("按期结案率", [None if rate is None else rate * 100 for _m, _v, rate in sheet.workload]),
                font=font,
                width=88 * mm,
                height=44 * mm,
                title="月度案件量与按期结案率",
            )
        )
    if not drawings:
        return []
    row = Table([drawings], colWidths=[90 * mm] * len(drawings), hAlign="LEFT")
    row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [pdf.spacer(2), row]


def signature_block(sheet: AssessmentSheet, style: dict) -> Table:
    """The QR code of the verification page, the line where the reviewer signs and the space where
    the issuing office stamps its seal (a round seal needs about 40 mm), each with its date line."""
    cell, small = style["cell"], style["small"]
    date_line = Paragraph("日期：________年_____月_____日", cell)
    block = Table(
        [
            [
                qr_code(sheet.verify_url, 28 * mm),
                Paragraph("复核人签字：", cell),
                Paragraph("单位盖章：", cell),
            ],
            ["", Paragraph(f"复核人：{sheet.reviewer or '—'}", small), Paragraph(sheet.district, small)],
            ["", date_line, date_line],
        ],
        colWidths=(34 * mm, 73 * mm, 73 * mm),
        rowHeights=(7 * mm, 19 * mm, 7 * mm),
    )
    block.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (0, -1)),
                ("BOX", (1, 0), (-1, -1), 0.6, colors.HexColor("#b0b8c4")),
                ("LINEBEFORE", (2, 0), (2, -1), 0.4, colors.HexColor("#b0b8c4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return block


def _figure(text: str | None, places: int) -> str:
    """A figure as printed: at most `places` decimals (a rate 0.866667 → 0.8667, an index → 0.82)."""
    if text in (None, ""):
        return "—"
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return str(text)
    if number.is_finite() and -number.as_tuple().exponent > places:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(number)


COMPACT = TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])


def _compact(table: Table) -> Table:
    """Tighter rows than the shared table, so the whole certificate fits one A4 page."""
    table.setStyle(COMPACT)
    return table


def assessment_certificate(sheet: AssessmentSheet, *, font_path: str | None = None) -> bytes:
    font = pdf.register_font(font_path)
    style = pdf.styles(font)
    title = f"网格员绩效考核结果（{sheet.period}）"
    flowables = [
        Paragraph(title, style["title"]),
        Paragraph(f"{sheet.district} · {sheet.street} · 第 {sheet.version} 版 · {sheet.scheme}", style["subtitle"]),
        pdf.spacer(3),
        _compact(
            pdf.table(
                ["姓名", "工号", "网格", "职级"],
                [[sheet.officer, sheet.employee_no, sheet.grid or "—", sheet.tier or "—"]],
                font=font,
            )
        ),
        Paragraph("考核指标", style["heading"]),
        _compact(
            pdf.table(
                ["指标", "原始值", "工作量指数", "折算值", "权重", "得分"],
                [
                    [
                        line["name"],
                        "无数据" if line["no_data"] else _figure(line["raw"], 4),
                        _figure(line["index"], 2),
                        line["value"] or "—",
                        line["weight"],
                        line["points"],
                    ]
                    for line in sheet.lines
                ]
                + [
                    [
                        "年终考评" if sheet.review_score else "合计",
                        "",
                        "",
                        "",
                        "100",
                        sheet.review_score or sheet.computed_score,
                    ]
                ],
                font=font,
                numeric=(1, 2, 3, 4, 5),
                total_rows=1,
                col_widths=(40 * mm, 28 * mm, 24 * mm, 24 * mm, 20 * mm, 22 * mm),
            )
        ),
    ]
    if sheet.annual_formula:
        flowables.append(Paragraph(sheet.annual_formula, style["body"]))
    if sheet.no_data:
        flowables.append(
            Paragraph("注：以下指标无工作量数据，按 0 分计：" + "、".join(sheet.no_data) + "。", style["small"])
        )
    flowables += charts(sheet, font)
    flowables += [
        Paragraph(
            f"培训学时：本期完成 {sheet.training_hours} 学时，应完成 {sheet.training_required} 学时。", style["body"]
        ),
        Paragraph("廉洁检查问题（已办结）", style["heading"]),
    ]
    if sheet.findings:
        flowables.append(
            _compact(
                pdf.table(
                    ["检查编号", "问题代码", "严重程度", "扣分", "发现日期"],
                    [
                        [f["check_number"], f["code"], f["severity"], f["deduction"], f["found_on"]]
                        for f in sheet.findings
                    ],
                    font=font,
                )
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
        _compact(
            pdf.table(
                ["项目", "内容", "项目", "内容"],
                wrapped,
                font=font,
                col_widths=(24 * mm, 55 * mm, 24 * mm, 55 * mm),
                formatter=lambda value: value,
            )
        ),
        pdf.spacer(3),
        KeepTogether(
            [
                signature_block(sheet, style),
                Paragraph(
                    f"验证码：{sheet.code}　验证地址：{sheet.verify_url}"
                    "（扫描二维码或访问此地址，可核验本文件的版本、状态与完整性）",
                    style["small"],
                ),
            ]
        ),
    ]
    template = pdf.PageTemplate(
        header_left=f"{sheet.district} 网格员考核",
        header_right=title,
        footer=f"验证码 {sheet.code}",
        page_label="第 {page} 页 / 共 {pages} 页",
    )
    return pdf.build_document(flowables, font=font, template=template, title=title, created=sheet.issued)


def render_many(sheets: list[AssessmentSheet], font_path: str | None = None) -> list[bytes]:
    """The certificates of many sheets: what a worker process of a batch issue runs."""
    return [assessment_certificate(sheet, font_path=font_path) for sheet in sheets]


def warm(font_path: str | None = None) -> None:
    """Load the font once when a worker process starts, not with its first document."""
    pdf.register_font(font_path)
