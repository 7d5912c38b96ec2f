"""Follow-up of submitted checks (state changes; flush, never commit).

- Rectification notices follow 待整改 → 整改中 → 待复核 → 复核通过/复核不通过, or 逾期 past the
  deadline; a review is decided on a re-inspection, which is a new check linked to the notice.
- Accountability actions carry a decision number and follow a submitted check.
- An appeal is filed by the officer concerned of a closed check, once while one is pending; its
  decision (维持 / 变更 / 撤销) changes findings only through an amendment.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.core.db import today, utcnow
from hrapp.core.permissions import can_appeal_check
from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.integrity.models import (
    ACTION_KINDS,
    APPEAL_OUTCOMES,
    RECTIFICATION_STATUSES,
    AccountabilityAction,
    Appeal,
    Check,
    Rectification,
)
from hrapp.integrity.services import _require_staff, amend_check
from hrapp.officers.models import Officer

RECTIFICATION_MOVES = {
    "pending": {"in_progress", "awaiting_review", "overdue"},
    "in_progress": {"awaiting_review", "overdue"},
    "awaiting_review": {"passed", "failed"},
    "failed": {"in_progress", "awaiting_review", "overdue"},
    "overdue": {"in_progress", "awaiting_review"},
    "passed": set(),
}

# --- rectification and accountability ----------------------------------------------------------


def create_rectification(check: Check, values: dict, acting) -> Rectification:
    _require_staff(acting)
    if check.status == "draft":
        raise DomainError(_("Rectification is ordered on a submitted check."))
    notice_no = (values.get("notice_no") or "").strip()
    if not notice_no:
        raise DomainError(_("Enter the notice number."), field="notice_no")
    if db.session.scalar(sa.select(Rectification.id).where(Rectification.notice_no == notice_no)):
        raise Conflict(_("Notice number %(no)s is already used.", no=notice_no), field="notice_no")
    owner_id = values.get("owner_officer_id")
    if owner_id and db.session.get(Officer, owner_id) is None:
        raise DomainError(_("Unknown officer."), field="owner_officer_id")
    if not owner_id and not (values.get("owner_unit") or "").strip():
        raise DomainError(_("Name the officer or unit that rectifies."), field="owner_unit")
    if values.get("deadline") is None:
        raise DomainError(_("Enter the deadline."), field="deadline")
    item = Rectification(
        check=check,
        notice_no=notice_no,
        owner_officer_id=owner_id or None,
        owner_unit=(values.get("owner_unit") or "").strip(),
        deadline=values["deadline"],
        status="pending",
        note=(values.get("note") or "").strip(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_rectification(item: Rectification, values: dict, acting) -> Rectification:
    _require_staff(acting)
    status = values.get("status") or item.status
    if status not in RECTIFICATION_STATUSES:
        raise DomainError(_("Unknown status."), field="status")
    if status != item.status and status not in RECTIFICATION_MOVES[item.status]:
        raise DomainError(
            _(
                "A notice that is %(old)s cannot become %(new)s.",
                old=item.status_label,
                new=RECTIFICATION_STATUSES[status],
            ),
            field="status",
        )
    reinspection_id = values.get("reinspection_check_id")
    if status in ("passed", "failed"):
        reinspection_id = reinspection_id or item.reinspection_check_id
        reinspection = db.session.get(Check, reinspection_id) if reinspection_id else None
        if reinspection is None or reinspection.status == "draft" or reinspection.id == item.check_id:
            raise DomainError(
                _("A review is decided on a re-inspection: link the submitted check that re-inspected it."),
                field="reinspection_check_id",
            )
        item.reinspection_check_id = reinspection.id
    elif reinspection_id:
        if db.session.get(Check, reinspection_id) is None or reinspection_id == item.check_id:
            raise DomainError(_("Unknown check."), field="reinspection_check_id")
        item.reinspection_check_id = reinspection_id
    if status == "passed" and item.completed_on is None:
        item.completed_on = values.get("completed_on") or today()
    item.status = status
    if values.get("note"):
        item.note = values["note"].strip()
    db.session.flush()
    return item


def mark_overdue_rectifications(on: dt.date) -> int:
    """Notices still open past their deadline become 逾期 (a daily job)."""
    items = db.session.scalars(
        sa.select(Rectification).where(
            Rectification.deadline < on, Rectification.status.in_(("pending", "in_progress", "failed"))
        )
    ).all()
    for item in items:
        item.status = "overdue"
    db.session.flush()
    return len(items)


def add_action(check: Check, values: dict, acting) -> AccountabilityAction:
    _require_staff(acting)
    if check.status == "draft":
        raise DomainError(_("Accountability follows a submitted check."))
    if values.get("kind") not in ACTION_KINDS:
        raise DomainError(_("Choose the action."), field="kind")
    if not (values.get("decision_no") or "").strip():
        raise DomainError(_("Enter the decision number."), field="decision_no")
    if not values.get("officer_id") or db.session.get(Officer, values["officer_id"]) is None:
        raise DomainError(_("Unknown officer."), field="officer_id")
    action = AccountabilityAction(
        check=check,
        officer_id=values["officer_id"],
        kind=values["kind"],
        decision_no=values["decision_no"].strip(),
        decided_on=values.get("decided_on") or today(),
        note=(values.get("note") or "").strip(),
    )
    db.session.add(action)
    db.session.flush()
    return action


# --- appeals -----------------------------------------------------------------------------------


def officers_concerned(check: Check) -> set[int]:
    ids = {officer.id for finding in check.current_findings for officer in finding.responsible}
    if check.target_officer_id:
        ids.add(check.target_officer_id)
    return ids


def file_appeal(check: Check, reason: str, acting) -> Appeal:
    """The officer concerned appeals a closed check, once while an appeal is pending."""
    if check.status != "closed" or not can_appeal_check(acting, officers_concerned(check)):
        raise PermissionDenied(_("Only the officer concerned appeals a closed result."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the grounds of your appeal."), field="reason")
    pending = db.session.scalar(
        sa.select(Appeal.id).where(
            Appeal.check_id == check.id, Appeal.officer_id == acting.officer_id, Appeal.outcome.is_(None)
        )
    )
    if pending:
        raise Conflict(_("Your appeal against this check is still being decided."), field="reason")
    appeal = Appeal(check=check, officer_id=acting.officer_id, filed_by_id=acting.id, reason=reason)
    db.session.add(appeal)
    db.session.flush()
    return appeal


def decide_appeal(appeal: Appeal, values: dict, acting) -> Appeal:
    """维持 keeps the findings; 变更 replaces the appellant's findings with the new severity and
    deduction; 撤销 withdraws them. Both changes go through an amendment."""
    _require_staff(acting)
    if appeal.outcome is not None:
        raise Conflict(_("This appeal has already been decided."))
    outcome = values.get("outcome")
    if outcome not in APPEAL_OUTCOMES:
        raise DomainError(_("Choose the outcome."), field="outcome")
    note = (values.get("decision_note") or "").strip()
    if not note:
        raise DomainError(_("Give the reasons of the decision."), field="decision_note")
    concerned = [f for f in appeal.check.current_findings if appeal.officer_id in {o.id for o in f.responsible}]
    if outcome != "upheld":
        if not concerned:
            raise DomainError(_("The appellant has no finding in force on this check."), field="outcome")
        if outcome == "revoked":
            changes = {finding.id: {"withdraw": True} for finding in concerned}
        else:
            if values.get("severity") is None and values.get("deduction") is None:
                raise DomainError(_("Give the new severity or deduction."), field="severity")
            changes = {
                finding.id: {"severity": values.get("severity"), "deduction": values.get("deduction")}
                for finding in concerned
            }
        reason = _("Appeal decided: %(outcome)s. %(note)s", outcome=APPEAL_OUTCOMES[outcome], note=note)
        appeal.amendment_id = amend_check(appeal.check, changes, reason, acting, source="appeal").id
    appeal.outcome = outcome
    appeal.decision_note = note
    appeal.decided_by_id = acting.id if acting is not None else None
    appeal.decided_at = utcnow()
    db.session.flush()
    _tell_appellant(appeal)
    return appeal


def _tell_appellant(appeal: Appeal) -> None:
    """The appellant hears the outcome (their check is closed, so its result is theirs to see)."""
    from hrapp.core.i18n import N_, label_msgid
    from hrapp.notifications.services import notify, officer_accounts

    notify(
        officer_accounts([appeal.officer_id])[appeal.officer_id],
        kind="appeal",
        message=N_("Your appeal against check %(number)s was decided: %(label)s."),
        params={"number": appeal.check.number, "label": label_msgid(APPEAL_OUTCOMES[appeal.outcome])},
        link=f"/integrity/checks/{appeal.check_id}",
        key=f"appeal-decided:{appeal.id}",
    )
