"""Training pages: courses, sessions, attendance (bulk and import), expiring certificates. They
keep their /certification URLs (the section users know); endpoints are `training.*`.

404 means the record does not exist or lies outside the user's scope (no existence leak); 403
means the user may see it but not do this to it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hrapp.core import importing
from hrapp.core.db import paginate_rows, today
from hrapp.core.forms import commit_or_refuse, select_choices
from hrapp.core.import_page import import_page, spreadsheet_response
from hrapp.core.permissions import READ_OFFICERS, STAFF, Role, has_role, role_required
from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.officers import queries as officer_queries
from hrapp.training import hooks, queries, services
from hrapp.training.forms import BulkAttendanceForm, CourseForm, SessionForm
from hrapp.training.importing import attendance_import_spec
from hrapp.training.models import COURSE_CATEGORIES, Course, TrainingSession

bp = Blueprint("training", __name__, url_prefix="/certification")


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")


def _can_manage_courses() -> bool:
    return has_role(current_user, Role.ADMIN) or (
        has_role(current_user, Role.HR_CLERK) and current_user.street_id is None
    )


@bp.route("/courses")
@role_required(*READ_OFFICERS)
def courses():
    q = (request.args.get("q") or "").strip()
    category = request.args.get("category") if request.args.get("category") in COURSE_CATEGORIES else ""
    page = db.paginate(queries.courses(q, category), per_page=_page_size(), error_out=False, max_per_page=None)
    return render_template(
        "training/courses.html",
        page=page,
        q=q,
        category=category,
        categories=COURSE_CATEGORIES,
        can_manage=_can_manage_courses(),
        mandatory=hooks.course_tiers(course.id for course in page.items),
    )


def _course_form(course: Course | None) -> CourseForm:
    form = CourseForm(obj=course)
    form.mandatory_tier_ids.choices = select_choices(hooks.course_tier_choices())
    if request.method == "GET" and course is not None:
        form.mandatory_tier_ids.data = [
            tier_id for tier_id, _label in hooks.course_tiers([course.id]).get(course.id, [])
        ]
    return form


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*STAFF)
def course_new():
    if not _can_manage_courses():
        abort(403)
    return _save_course(None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def course_edit(course_id: int):
    course = db.get_or_404(Course, course_id)
    if not _can_manage_courses():
        abort(403)
    return _save_course(course)


def _save_course(course: Course | None):
    form = _course_form(course)
    if form.validate_on_submit():
        ok, saved = commit_or_refuse(form, lambda: services.save_course(course, form.values(), acting=current_user))
        if ok:
            flash(_("Course %(code)s saved.", code=saved.code), "success")
            return redirect(url_for("training.courses"))
    return render_template("training/course_form.html", form=form, course=course)


@bp.route("/sessions")
@role_required(*READ_OFFICERS)
def sessions():
    q = (request.args.get("q") or "").strip()
    course_id = request.args.get("course_id", type=int)
    page = paginate_rows(queries.sessions(q, course_id), page=request.args.get("page", type=int), per_page=_page_size())
    return render_template("training/sessions.html", page=page, q=q, course_id=course_id)


@bp.route("/sessions/new", methods=["GET", "POST"])
@role_required(*STAFF)
def session_new():
    form = SessionForm()
    form.course_id.choices = select_choices(
        (course.id, f"{course.code} {course.title}")
        for course in db.session.scalars(sa.select(Course).where(Course.active.is_(True)).order_by(Course.code))
    )
    if request.method == "GET":
        form.course_id.data = request.args.get("course_id", type=int)
        form.held_on.data = today()
    if form.validate_on_submit():
        values = {field: getattr(form, field).data for field in ("course_id", "code", "held_on", "place", "trainer")}
        values["capacity"] = form.capacity.data
        ok, training = commit_or_refuse(form, lambda: services.create_session(values, acting=current_user))
        if ok:
            flash(_("Session %(code)s created.", code=training.code), "success")
            return redirect(url_for("training.session_detail", session_id=training.id))
    return render_template("training/session_form.html", form=form)


@bp.route("/sessions/<int:session_id>")
@role_required(*READ_OFFICERS)
def session_detail(session_id: int):
    training = db.get_or_404(TrainingSession, session_id)
    page = paginate_rows(
        queries.session_attendance(current_user, training.id),
        page=request.args.get("page", type=int),
        per_page=_page_size(),
    )
    return render_template(
        "training/session_detail.html",
        training=training,
        page=page,
        can_record=has_role(current_user, Role.ADMIN, Role.HR_CLERK),
    )


def _decimal_arg(text: str | None):
    import decimal

    if text is None or not text.strip():
        return None
    try:
        value = decimal.Decimal(text.strip())
    except decimal.InvalidOperation:
        raise ValueError(text) from None
    # Only what no column can hold is refused here; the service names range errors (negative hours,
    # a score over 100) for each officer.
    if not value.is_finite() or not -9999 <= value <= 9999:
        raise ValueError(text)
    return value


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@role_required(*STAFF)
def session_attendance(session_id: int):
    """The whole session on one page: a row per officer of the chosen street or community. A
    refused save shows every problem, each naming its officer, over what the clerk typed; records
    of unticked officers are removed only once the clerk confirms them by name."""
    training = db.get_or_404(TrainingSession, session_id)
    form = BulkAttendanceForm()
    street_id = request.values.get("street_id", type=int)
    if current_user.street_id:
        street_id = current_user.street_id
    community_id = request.values.get("community_id", type=int)
    officers = queries.roster(current_user, training.held_on, street_id=street_id, community_id=community_id)
    typed: dict[int, dict] | None = None
    problems: dict[int | None, list[str]] = {}
    removals: list = []
    if request.method == "POST":
        if not form.validate_on_submit():
            _flash_form_errors(form)
            return redirect(url_for("training.session_attendance", session_id=training.id))
        typed, entries = _typed_attendance(training, officers, problems)
        unreadable = bool(problems)
        remove = set(request.form.getlist("remove", type=int))
        try:
            # Run even when a number did not read, so that the rules report everything else too.
            created, updated, unchanged, removed = services.record_session_attendance(
                training, entries, acting=current_user, remove=remove
            )
            if unreadable:
                raise _NothingSaved
        except _NothingSaved:
            db.session.rollback()
        except services.AttendanceRefused as error:
            db.session.rollback()
            for officer_id, _field, message in error.problems:
                problems.setdefault(officer_id, []).append(message)
        except services.RemovalNotConfirmed as error:
            db.session.rollback()
            removals = error.officers
        except DomainError as error:
            db.session.rollback()
            problems.setdefault(None, []).append(error.message)
        else:
            db.session.commit()
            flash(
                _(
                    "Attendance saved: %(created)d added, %(updated)d changed, %(unchanged)d unchanged, "
                    "%(removed)d removed.",
                    created=created,
                    updated=updated,
                    unchanged=unchanged,
                    removed=removed,
                ),
                "success",
            )
            return redirect(
                url_for(
                    "training.session_attendance",
                    session_id=training.id,
                    street_id=street_id,
                    community_id=community_id,
                )
            )
    existing = {
        attendance.officer_id: attendance
        for attendance, _officer in db.session.execute(queries.session_attendance(current_user, training.id)).all()
    }
    return render_template(
        "training/session_attendance.html",
        training=training,
        form=form,
        officers=officers,
        existing=existing,
        typed=typed,
        problems=problems,
        removals=removals,
        street_id=street_id,
        community_id=community_id,
        streets=officer_queries.street_choices(current_user),
        communities=officer_queries.community_choices(current_user, street_id) if street_id else [],
    )


class _NothingSaved(Exception):
    """Every entry passed the rules, but a number the clerk typed did not read."""


def _typed_attendance(training, officers, problems: dict) -> tuple[dict[int, dict], dict[int, dict | None]]:
    """What the clerk typed (kept to show again) and the entries it makes; a number that does not
    read is a problem of that officer, named."""
    typed: dict[int, dict] = {}
    entries: dict[int, dict | None] = {}
    for officer in officers:
        row = {
            "present": bool(request.form.get(f"present-{officer.id}")),
            "hours": request.form.get(f"hours-{officer.id}", ""),
            "score": request.form.get(f"score-{officer.id}", ""),
        }
        typed[officer.id] = row
        if not row["present"]:
            entries[officer.id] = None
            continue
        values = {}
        for key, label in (("hours", _("Hours")), ("score", _("Exam score"))):
            try:
                values[key] = _decimal_arg(row[key])
            except ValueError:
                problems.setdefault(officer.id, []).append(
                    _(
                        "%(officer)s: %(problem)s",
                        officer=f"{officer.employee_no} {officer.name}",
                        problem=_("%(column)s is not a number: %(value)s", column=label, value=row[key]),
                    )
                )
                values[key] = None
        entries[officer.id] = {
            "hours": values["hours"] if values["hours"] is not None else training.course.hours,
            "exam_score": values["score"],
        }
    return typed, entries


@bp.route("/attendance-template.<fmt>")
@role_required(*STAFF)
def attendance_template(fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    spec = attendance_import_spec(None, current_user)
    return spreadsheet_response(importing.template(spec, fmt), fmt, f"attendance-template.{fmt}")


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@role_required(*STAFF)
def attendance_import(session_id: int):
    training = db.get_or_404(TrainingSession, session_id)
    return import_page(
        attendance_import_spec(training, current_user),
        key=f"attendance:{training.id}",
        done_url=url_for("training.session_detail", session_id=training.id),
        expired_url=url_for("training.attendance_import", session_id=training.id),
        render=lambda form, report, token: render_template(
            "training/attendance_import.html", training=training, form=form, report=report, token=token
        ),
    )


@bp.route("/certificates/expiring")
@role_required(*STAFF)
def expiring():
    days = min(max(request.args.get("days", 90, type=int) or 90, 1), 730)
    page = paginate_rows(
        queries.expiring_certificates(current_user, today(), days),
        page=request.args.get("page", type=int),
        per_page=_page_size(),
    )
    return render_template("training/expiring.html", page=page, days=days)
