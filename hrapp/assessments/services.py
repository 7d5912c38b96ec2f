"""State changes of assessments: schemes (draft → approved, locked), the computation of a period,
review (comment, adjustment with a reason), issue (PDF archived), appeal and its decision.
Services flush, never commit."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.assessments import scoring, sources
from hrapp.assessments.models import Assessment, AssessmentAppeal, AssessmentScheme
from hrapp.core.audit import current_actor
from hrapp.core.db import utcnow
from hrapp.errors import Conflict, DomainError
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting

_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """'2026-10' (month), '2026-Q4' (quarter) or '2026' (year) → (period, first day, last day)."""
    match = _PERIOD.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise DomainError(_("Enter a period as 2026-10 (month), 2026-Q4 (quarter) or 2026 (year)."), field="period")
    year = int(match.group(1))
    if match.group(2):
        first = last = int(match.group(2))
    elif match.group(3):
        last = int(match.group(3)) * 3
        first = last - 2
    else:
        first, last = 1, 12
    end = dt.date(year, last, calendar.monthrange(year, last)[1])
    return match.group(0), dt.date(year, first, 1), end


def period_kind(period: str) -> str:
    return "month" if len(period) == 7 and "Q" not in period else ("quarter" if "Q" in period else "year")


# --- schemes -----------------------------------------------------------------------------------


class SchemeInvalid(DomainError):
    """A definition the rules refuse: every problem, each with its place in the definition (the
    scheme editor puts each next to its field) and its message in the reader's language."""

    def __init__(self, problems: list[scoring.Problem]):
        self.problems = [(problem.path, _(problem.message, **problem.params)) for problem in problems]
        super().__init__(self.problems[0][1] if self.problems else _("The rules are not valid."))


def check_definition(definition: dict) -> None:
    """Refuse a definition `scoring.validate_definition` finds fault with (the one check)."""
    problems = scoring.validate_definition(definition, sources.INDICATOR_MEASURES, sources.finding_codes())
    if problems:
        raise SchemeInvalid(problems)


def _scheme_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError(_("Enter a name of at most 80 characters."), field="name")
    return name


def create_scheme(name: str, effective_from: dt.date, definition: dict | None = None) -> AssessmentScheme:
    definition = copy.deepcopy(definition or scoring.DEFAULT_DEFINITION)
    check_definition(definition)
    version = (db.session.scalar(sa.select(sa.func.max(AssessmentScheme.version))) or 0) + 1
    scheme = AssessmentScheme(
        version=version,
        name=_scheme_name(name),
        effective_from=effective_from,
        definition=definition,
        status="draft",
    )
    db.session.add(scheme)
    db.session.flush()
    return scheme


def current_approved() -> AssessmentScheme | None:
    """The approved scheme in force today, else the latest approved one."""
    from hrapp.core.db import today

    return db.session.scalar(
        sa.select(AssessmentScheme)
        .where(AssessmentScheme.status == "approved")
        .order_by((AssessmentScheme.effective_from <= today()).desc(), AssessmentScheme.effective_from.desc())
        .order_by(AssessmentScheme.version.desc())
        .limit(1)
    )


def new_draft(name: str, effective_from: dt.date) -> AssessmentScheme:
    """A draft copying the rules of the current approved scheme (the default rules if none)."""
    base = current_approved()
    definition = copy.deepcopy(base.definition) if base is not None else None
    if definition is not None:
        # Schemes approved before the annual formula existed carry none: the draft starts from the default.
        definition.setdefault("annual", dict(scoring.DEFAULT_DEFINITION["annual"]))
    return create_scheme(name, effective_from, definition)


def update_scheme(
    scheme: AssessmentScheme, definition: dict, *, name: str | None = None, effective_from: dt.date | None = None
) -> None:
    if scheme.status != "draft":
        raise Conflict(_("An approved scheme is locked; create a new version."))
    check_definition(definition)
    if name is not None:
        scheme.name = _scheme_name(name)
    if effective_from is not None:
        scheme.effective_from = effective_from
    scheme.definition = copy.deepcopy(definition)
    db.session.flush()


def approve_scheme(scheme: AssessmentScheme) -> None:
    if scheme.status != "draft":
        raise Conflict(_("This scheme is already approved."))
    check_definition(scheme.definition)
    scheme.status = "approved"
    scheme.approved_at = utcnow()
    scheme.approved_by = current_actor()[1]
    db.session.flush()


def delete_scheme(scheme: AssessmentScheme) -> None:
    """Only a draft goes, and only while nothing was computed under it."""
    if scheme.status != "draft":
        raise Conflict(_("An approved scheme is locked; create a new version."))
    used = db.session.scalar(sa.select(Assessment.id).where(Assessment.scheme_id == scheme.id).limit(1))
    if used is not None:
        raise Conflict(_("Results were computed under this scheme; it cannot be deleted."))
    db.session.delete(scheme)
    db.session.flush()


def scheme_for(day: dt.date) -> AssessmentScheme:
    """The approved scheme in force on `day`: the latest effective_from on or before it."""
    scheme = db.session.scalar(
        sa.select(AssessmentScheme)
        .where(AssessmentScheme.status == "approved", AssessmentScheme.effective_from <= day)
        .order_by(AssessmentScheme.effective_from.desc(), AssessmentScheme.version.desc())
        .limit(1)
    )
    if scheme is None:
        raise DomainError(_("No approved assessment scheme is in force for this period."))
    return scheme


def ensure_default_scheme(effective_from: dt.date = dt.date(2020, 1, 1)) -> AssessmentScheme:
    """The district's default scheme (DOMAIN.md), approved, when there is none yet."""
    existing = db.session.scalar(sa.select(AssessmentScheme).order_by(AssessmentScheme.version).limit(1))
    if existing is not None:
        return existing
    scheme = create_scheme("默认考核方案", effective_from)
    approve_scheme(scheme)
    return scheme


# --- computation -------------------------------------------------------------------------------


def compute_period(period_text: str, street_id: int | None = None) -> dict:
    """Compute (or recompute) drafts for every active officer of the street (or the district) for
    the period. Officers whose result is reviewed or issued are left alone. Inputs are read in a
    fixed number of set-based statements; the 优秀 cap applies to the cohort computed together."""
    period, start, end = parse_period(period_text)
    scheme = scheme_for(start)
    definition = scheme.definition
    months = scoring.months_in(start, end)

    officers_q = sa.select(Officer.id, Officer.street_id).where(Officer.status == "active")
    if street_id is not None:
        officers_q = officers_q.where(Officer.street_id == street_id)
    officers = dict(db.session.execute(officers_q).all())
    settled = set(
        db.session.scalars(
            sa.select(Assessment.officer_id).where(Assessment.period == period, Assessment.status != "draft")
        )
    )
    ids = [officer_id for officer_id in officers if officer_id not in settled]
    drafts = {
        a.officer_id: a
        for a in db.session.scalars(
            sa.select(Assessment).where(Assessment.period == period, Assessment.status == "draft")
        )
        if a.officer_id in officers
    }
    grids = dict(
        db.session.execute(
            sa.select(Posting.officer_id, Posting.grid_id).where(
                Posting.valid_on(end), Posting.is_primary.is_(True), Posting.officer_id.in_(ids)
            )
        ).all()
    )
    measures = sources.workload_measures(start, end, ids)
    findings = sources.integrity_findings(start, end, ids)
    hours = sources.training_hours(start, end, ids)
    tiers = sources.tiers_on(end, ids)

    results = {}
    new_rows: list[dict] = []
    now = utcnow()  # one timestamp for the batch (the clock is read once, not per row)
    for officer_id in ids:
        results[officer_id] = scoring.assess(
            definition, measures.get(officer_id, {}), findings.get(officer_id, []), months
        )
    if period_kind(period) == "year":
        monthly = _monthly_scores(start.year, ids)
        for officer_id, result in results.items():
            result.score = scoring.annual_score(definition, result.score, monthly.get(officer_id, []))
            result.grade = scoring.regrade(definition, result.score, result.veto_reason)
    capped = scoring.apply_excellent_cap(
        definition, [(officer_id, r.score, r.grade) for officer_id, r in results.items()]
    )
    for officer_id, result in results.items():
        tier_code, yearly = tiers.get(officer_id, ("", Decimal(0)))
        values = {
            "scheme_id": scheme.id,
            "period_start": start,
            "period_end": end,
            "street_id": officers[officer_id],
            "grid_id": grids.get(officer_id),
            "tier_code": tier_code or "",
            "lines": result.lines,
            "computed_score": result.score,
            "adjustment": Decimal(0),
            "adjustment_reason": "",
            "score": result.score,
            "grade": 3 if officer_id in capped else result.grade,
            "veto_reason": result.veto_reason,
            "capped": officer_id in capped,
            "training_hours": hours.get(officer_id, Decimal(0)),
            "training_required": (yearly * months / 12).quantize(Decimal("0.1")),
        }
        draft = drafts.get(officer_id)
        if draft is None:
            new_rows.append(
                {
                    "officer_id": officer_id,
                    "period": period,
                    "version": 1,
                    "status": "draft",
                    "created_at": now,
                    "updated_at": now,
                    **values,
                }  # fmt: skip
            )
        else:
            for key, value in values.items():
                setattr(draft, key, value)
    if new_rows:
        # New drafts go in as one bulk statement: machine-computed working data, recomputed at will;
        # the audit trail records what people do to them (review, issue, appeal).
        db.session.execute(sa.insert(Assessment.__table__), new_rows)  # Core: one executemany, no RETURNING
    db.session.flush()
    return {"period": period, "computed": len(results), "skipped": len(settled & set(officers)),
            "capped": len(capped), "workload_source": sources.workload_source_registered()}  # fmt: skip


def _monthly_scores(year: int, officer_ids: list[int]) -> dict[int, list[Decimal]]:
    """Each officer's current monthly scores of the year (the latest version of each month, any
    status but superseded), for the annual formula; one statement."""
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    rows = db.session.execute(
        sa.select(Assessment.officer_id, Assessment.score).where(
            Assessment.period.in_(months), Assessment.status != "superseded"
        )
    )
    wanted = set(officer_ids)
    scores: dict[int, list[Decimal]] = {}
    for officer_id, score in rows:
        if officer_id in wanted:
            scores.setdefault(officer_id, []).append(Decimal(score))
    return scores


# --- lifecycle ---------------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise DomainError(_("Enter a number."), field=field) from None
    if not number.is_finite() or abs(number) > 100:
        raise DomainError(_("Enter a number between -100 and 100."), field=field)
    return number.quantize(scoring.TWO)


def review(assessment: Assessment, *, comment: str, adjustment=0, reason: str = "") -> None:
    """HR's review of a draft: a comment, and optionally an adjustment of the score — only with a
    reason, recorded next to the computed score (the score stays within 0..100)."""
    if assessment.status not in ("draft", "reviewed"):
        raise Conflict(_("An issued assessment is locked; it changes only through an appeal."))
    adjustment = _decimal(adjustment, "adjustment")
    reason = (reason or "").strip()
    if adjustment and not reason:
        raise DomainError(_("Give the reason for the adjustment."), field="reason")
    assessment.adjustment = adjustment
    assessment.adjustment_reason = reason if adjustment else ""
    assessment.score = min(Decimal(100), max(Decimal(0), assessment.computed_score + adjustment))
    grade = scoring.regrade(assessment.scheme.definition, assessment.score, assessment.veto_reason)
    assessment.grade = 3 if (grade == 4 and assessment.capped) else grade
    assessment.review_comment = (comment or "").strip()[:500]
    assessment.reviewed_by = current_actor()[1]
    assessment.reviewed_at = utcnow()
    assessment.status = "reviewed"
    db.session.flush()


def issue(assessment: Assessment, *, reports_dir: str, font_path: str | None = None) -> None:
    """Lock the result and archive its PDF (with hash and verification code). An annual result
    also becomes the officer's annual result for the promotion rules."""
    from hrapp.assessments import issuing

    if assessment.status not in ("draft", "reviewed"):
        raise Conflict(_("This assessment is already issued."))
    if not issuing.issue_one(assessment, reports_dir=reports_dir, font_path=font_path):
        raise Conflict(_("This assessment changed while it was being issued; try again."))


def appeal(assessment: Assessment, *, reason: str) -> AssessmentAppeal:
    if assessment.status != "issued":
        raise Conflict(_("Only an issued assessment can be appealed."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the appeal."), field="reason")
    pending = db.session.scalar(
        sa.select(AssessmentAppeal.id).where(
            AssessmentAppeal.assessment_id == assessment.id, AssessmentAppeal.status == "pending"
        )
    )
    if pending is not None:
        raise Conflict(_("An appeal against this assessment is already pending."))
    record = AssessmentAppeal(assessment_id=assessment.id, reason=reason[:500], status="pending")
    db.session.add(record)
    db.session.flush()
    return record


def decide_appeal(
    record: AssessmentAppeal, *, outcome: str, decision: str, adjustment=0, reports_dir: str, font_path=None
) -> Assessment | None:
    """维持 (upheld) closes the appeal; 变更 (changed) issues version n+1 with the adjusted score
    and marks the appealed one superseded (its document then verifies as superseded)."""
    if record.status != "pending":
        raise Conflict(_("This appeal is already decided."))
    decision = (decision or "").strip()
    if not decision:
        raise DomainError(_("Give the reasons for the decision."), field="decision")
    if outcome not in ("upheld", "changed"):
        raise DomainError(_("Choose an outcome."), field="outcome")
    record.status, record.decision = outcome, decision[:500]
    record.decided_by, record.decided_at = current_actor()[1], utcnow()
    old = db.session.get(Assessment, record.assessment_id)
    if outcome == "upheld":
        db.session.flush()
        return None
    adjustment = _decimal(adjustment, "adjustment")
    if not adjustment:
        raise DomainError(_("A changed result needs an adjustment of the score."), field="adjustment")
    copied = {
        column: getattr(old, column)
        for column in ("officer_id", "period", "period_start", "period_end", "scheme_id", "street_id", "grid_id",
                       "tier_code", "lines", "computed_score", "veto_reason", "capped", "training_hours",
                       "training_required", "review_comment", "reviewed_by", "reviewed_at")
    }  # fmt: skip
    new = Assessment(**copied, version=old.version + 1, status="reviewed", supersedes_id=old.id)
    total = old.adjustment + adjustment
    new.adjustment = total
    new.adjustment_reason = f"{old.adjustment_reason}；申诉变更：{decision}".lstrip("；")[:300]
    new.score = min(Decimal(100), max(Decimal(0), old.computed_score + total))
    new.grade = scoring.regrade(old.scheme.definition, new.score, old.veto_reason)
    old.status = "superseded"
    db.session.add(new)
    db.session.flush()
    record.result_id = new.id
    issue(new, reports_dir=reports_dir, font_path=font_path)
    return new
