"""Summary PDFs of a period: one street (its officers ranked) or the whole district (its streets
ranked), for HR within their scope. A street clerk gets their own street's only: another street,
or the district, answers 404 like a missing one. The labels follow the reader's language."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.assessments import services, summary_pdf
from hrapp.assessments.summary import Summary, period_summary
from hrapp.assessments.views import bp
from hrapp.certification.models import GRADES
from hrapp.core.db import utcnow
from hrapp.core.i18n import local_time
from hrapp.core.permissions import STAFF, role_required
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.org.models import District, Street


def _period_or_404(period: str) -> str:
    try:
        parsed = services.parse_period(period)[0]
    except DomainError:
        abort(404)
    if parsed != period:
        abort(404)
    return parsed


def _labels(summary: Summary, district: str) -> dict[str, str]:
    place = summary.street or district
    return {
        "title": _("Assessment summary %(place)s %(period)s", place=place, period=summary.period),
        "subtitle": " · ".join(filter(None, [district, summary.street, ", ".join(summary.schemes)])),
        "issuer": _("%(district)s grid officer assessment", district=district),
        "generated": _("Generated %(when)s by %(who)s", when=local_time(utcnow()), who=current_user.label),
        "page": _("Page {page} of {pages}"),
        "officers": _("Officers"),
        "average": _("Average score"),
        "highest": _("Highest"),
        "lowest": _("Lowest"),
        "vetoed": _("Vetoed"),
        "capped": _("Capped by the 优秀 quota"),
        "not_issued": _(
            "%(count)d of these results are not issued yet (computed or reviewed): the figures may still change.",
            count=summary.not_issued,
        ),
        "distribution": _("Grade distribution"),
        "grade": _("Grade"),
        "count": _("Officers"),
        "share": _("Share"),
        "total": _("Total"),
        "indicators": _("Indicator averages"),
        "indicator": _("Indicator"),
        "weight": _("Weight"),
        "average_points": _("Average points"),
        "rate": _("Score rate"),
        "no_data": _("No data"),
        "rate_chart": _("Average points as a share of the weight (%)"),
        "street_ranking": _("Streets ranked by average score"),
        "street_chart": _("Grades by street"),
        "street": _("Street"),
        "rank": _("Rank"),
        "officer_ranking": _("Officers ranked by score"),
        "officer": _("Officer"),
        "employee_no": _("Employee no."),
        "grid": _("Grid"),
        "score": _("Score"),
        "veto": _("Veto"),
        "sign_off": _("Prepared by: ____________　Checked by: ____________　Date: ____________"),
    }


def _send(summary: Summary, district_name: str, filename: str, back: dict):
    if not summary.total:
        flash(_("No results for %(period)s here yet: compute the period first.", period=summary.period), "warning")
        return redirect(url_for("assessments.index", **back))
    grade_names = {grade: str(label) for grade, label in GRADES.items()}
    body = summary_pdf.summary_report(
        summary, _labels(summary, district_name), grade_names, font_path=current_app.config.get("PDF_FONT_PATH")
    )
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _district_name(district_id: int | None = None) -> str:
    stmt = sa.select(District.name).order_by(District.id).limit(1)
    if district_id is not None:
        stmt = sa.select(District.name).where(District.id == district_id)
    return db.session.scalar(stmt) or ""


@bp.route("/assessments/<period>/streets/<int:street_id>/summary.pdf")
@role_required(*STAFF)
def street_summary(period: str, street_id: int):
    period = _period_or_404(period)
    street = db.session.get(Street, street_id)
    if street is None or (current_user.street_id is not None and current_user.street_id != street.id):
        abort(404)
    summary = period_summary(period, street.id)
    return _send(
        summary,
        _district_name(street.district_id),
        f"assessment-summary-{period}-street-{street.id}.pdf",
        {"period": period, "street_id": street.id},
    )


@bp.route("/assessments/<period>/summary.pdf")
@role_required(*STAFF)
def district_summary(period: str):
    period = _period_or_404(period)
    if current_user.street_id is not None:
        abort(404)  # a street clerk's scope holds no district-wide figures
    return _send(period_summary(period), _district_name(), f"assessment-summary-{period}.pdf", {"period": period})
