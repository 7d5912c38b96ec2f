"""Promotion and demotion cases: proposal with a frozen eligibility snapshot, edit while
submitted, decision by an administrator (approval writes the tier record and is told to the
officer and the proposing clerk), reversal by a new linked case. Services flush, never commit."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.certification import rules
from hrapp.certification.models import TIER_LABELS, PromotionCase, Tier
from hrapp.certification.services.tiers import _require_admin, _require_editor, add_tier_record, tier_on
from hrapp.core.db import utcnow
from hrapp.core.i18n import N_, label_msgid
from hrapp.core.permissions import Role, has_role
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.notifications.services import notify, officer_accounts
from hrapp.officers.models import Officer

# --- promotion cases ---------------------------------------------------------------------------


def _open_case_exists(officer_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(PromotionCase.id).where(
                PromotionCase.officer_id == officer_id, PromotionCase.status == "submitted"
            )
        )
        is not None
    )


def _refuse_before_approved_change(officer_id: int, effective_on: dt.date) -> None:
    """An approved change already wrote the tier record from its (later) date: a new case must
    start after it, since it builds on the tier that change leaves the officer in."""
    pending = db.session.scalar(
        sa.select(PromotionCase)
        .where(
            PromotionCase.officer_id == officer_id,
            PromotionCase.status == "approved",
            PromotionCase.effective_on > effective_on,
        )
        .order_by(PromotionCase.effective_on.desc())
        .limit(1)
    )
    if pending is not None:
        raise Conflict(
            _(
                "An approved change to %(tier)s takes effect on %(date)s; a new case can only take effect after it.",
                tier=pending.to_tier.label,
                date=pending.effective_on.isoformat(),
            ),
            field="effective_on",
        )


def propose_case(
    officer: Officer,
    *,
    kind: str,
    to_tier: Tier,
    effective_on: dt.date,
    reason: str,
    acting,
    to_step: int = 1,
) -> PromotionCase:
    """A promotion (to the next tier) or demotion (to a lower tier), with the eligibility on the
    effective date frozen into the case. A promotion the rules do not support needs a reason."""
    if not has_role(acting, Role.ADMIN, Role.HR_CLERK):
        raise PermissionDenied(_("Only HR staff propose tier changes."))
    _require_editor(acting, officer)
    if kind not in ("promotion", "demotion"):
        raise DomainError(_("Unknown case type."), field="kind")
    if _open_case_exists(officer.id):
        raise Conflict(_("This officer already has a case awaiting a decision."))
    _refuse_before_approved_change(officer.id, effective_on)
    current = tier_on(officer.id, effective_on)
    if current is None:
        raise DomainError(
            _("The officer holds no tier on %(date)s.", date=effective_on.isoformat()), field="effective_on"
        )
    if kind == "promotion" and to_tier.ordinal != current.tier.ordinal + 1:
        raise DomainError(_("A promotion goes to the next tier, one at a time."), field="to_tier_id")
    if kind == "demotion" and to_tier.ordinal >= current.tier.ordinal:
        raise DomainError(_("A demotion goes to a lower tier."), field="to_tier_id")
    if not 1 <= to_step <= to_tier.max_step:
        raise DomainError(
            _("%(tier)s has steps 1 to %(max)d.", tier=to_tier.label, max=to_tier.max_step), field="to_step"
        )
    eligibility = rules.eligibility_of(officer.id, effective_on)
    snapshot = eligibility.snapshot() if eligibility else {}
    if kind == "promotion" and not snapshot.get("eligible") and not (reason or "").strip():
        raise DomainError(
            _("The officer does not meet every criterion on that date; give a reason for the exception."),
            field="reason",
        )
    if kind == "demotion" and not (reason or "").strip():
        raise DomainError(_("Give the reason for the demotion."), field="reason")
    case = PromotionCase(
        officer_id=officer.id,
        kind=kind,
        status="submitted",
        from_tier_id=current.tier_id,
        from_step=current.step,
        to_tier_id=to_tier.id,
        to_step=to_step,
        effective_on=effective_on,
        reason=(reason or "").strip(),
        snapshot=snapshot,
        proposed_by_id=getattr(acting, "id", None),
        proposed_at=utcnow(),
    )
    db.session.add(case)
    db.session.flush()
    return case


def update_case(case: PromotionCase, *, effective_on: dt.date, reason: str, acting) -> PromotionCase:
    """A submitted case may be corrected by HR; a decided case is locked."""
    if case.locked:
        raise Conflict(_("This case has been decided and is locked; propose a new case instead."))
    _require_editor(acting, case.officer)
    case.effective_on = effective_on
    case.reason = (reason or "").strip()
    db.session.flush()
    return case


def propose_reversal(original: PromotionCase, *, effective_on: dt.date, reason: str, acting) -> PromotionCase:
    """Undo an approved case with a new linked case back to the tier and step it left."""
    if not has_role(acting, Role.ADMIN, Role.HR_CLERK):
        raise PermissionDenied(_("Only HR staff propose tier changes."))
    _require_editor(acting, original.officer)
    if original.status != "approved":
        raise DomainError(_("Only an approved case can be reversed."))
    if original.from_tier_id is None:
        raise DomainError(_("This case has no earlier tier to return to."))
    already = db.session.scalar(
        sa.select(PromotionCase.id).where(
            PromotionCase.reverses_id == original.id, PromotionCase.status.in_(("submitted", "approved"))
        )
    )
    if already is not None:
        raise Conflict(_("This case is already reversed or a reversal awaits a decision."))
    if effective_on < original.effective_on:
        raise DomainError(_("A reversal cannot take effect before the case it reverses."), field="effective_on")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the reversal."), field="reason")
    if _open_case_exists(original.officer_id):
        raise Conflict(_("This officer already has a case awaiting a decision."))
    current = tier_on(original.officer_id, effective_on)
    case = PromotionCase(
        officer_id=original.officer_id,
        kind="reversal",
        status="submitted",
        from_tier_id=current.tier_id if current else original.to_tier_id,
        from_step=current.step if current else original.to_step,
        to_tier_id=original.from_tier_id,
        to_step=original.from_step or 1,
        effective_on=effective_on,
        reason=reason.strip(),
        snapshot={"reverses": original.id, "original": {"effective_on": original.effective_on.isoformat()}},
        proposed_by_id=getattr(acting, "id", None),
        proposed_at=utcnow(),
        reverses_id=original.id,
    )
    db.session.add(case)
    db.session.flush()
    return case


def decide_case(case: PromotionCase, *, approve: bool, comment: str, acting) -> PromotionCase:
    """Only an administrator decides. Approval writes the tier record from the effective date,
    closing the one in force; the officer's tier must still be the one the case started from."""
    _require_admin(acting, _("Only an administrator approves or rejects tier changes."))
    if case.locked:
        raise Conflict(_("This case has already been decided and is locked."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError(_("Say why the case is rejected."), field="comment")
    if approve:
        current = tier_on(case.officer_id, case.effective_on)
        if current is None or current.tier_id != case.from_tier_id:
            raise Conflict(_("The officer's tier changed since the case was proposed; reject it and propose again."))
        reason = {"promotion": "promotion", "demotion": "demotion", "reversal": "correction"}[case.kind]
        to_tier = db.session.get(Tier, case.to_tier_id)
        record = add_tier_record(
            case.officer,
            to_tier,
            step=case.to_step,
            start=case.effective_on,
            reason=reason,
            acting=acting,
            note=_("Case %(id)d", id=case.id),
        )
        case.tier_record_id = record.id
    case.status = "approved" if approve else "rejected"
    case.decided_by_id = getattr(acting, "id", None)
    case.decided_at = utcnow()
    case.decision_comment = comment
    db.session.flush()
    _tell_decision(case)
    return case


def _tell_decision(case: PromotionCase) -> None:
    """The officer and the clerk who proposed the case hear of the decision."""
    to_tier = db.session.get(Tier, case.to_tier_id)
    params = {
        "name": case.officer.name,
        "label": label_msgid(TIER_LABELS.get(to_tier.code, to_tier.code)),
        "date": case.effective_on.isoformat(),
    }
    if case.status == "approved":
        message = N_("The tier change of %(name)s to %(label)s from %(date)s was approved.")
    else:
        message = N_("The tier change of %(name)s to %(label)s was rejected.")
    key = f"case-decided:{case.id}"
    if case.proposed_by_id is not None:
        notify(
            [case.proposed_by_id],
            kind="promotion",
            message=message,
            params=params,
            link=f"/certification/cases/{case.id}",
            key=key,
        )
    notify(
        officer_accounts([case.officer_id])[case.officer_id],
        kind="promotion",
        message=message,
        params=params,
        link="/me",
        key=key,
    )
