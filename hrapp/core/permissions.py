"""The one home of access rules.

Role checks guard routes (`role_required`); scoped queries decide which officers' records a user may
see. Every list or lookup of officers and their records applies `officer_scope(user, Officer)`:
an officer sees only themself, a street HR clerk only their street, an admin everyone, an inspector
everyone read-only (they must be able to name the target of a check).
"""

from __future__ import annotations

import enum
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user


class Role(enum.StrEnum):
    ADMIN = "admin"
    HR_CLERK = "hr_clerk"
    INSPECTOR = "inspector"
    OFFICER = "officer"


ALL_ROLES = tuple(Role)
STAFF = (Role.ADMIN, Role.HR_CLERK)
READ_OFFICERS = (Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR)


def role_required(*roles: Role):
    """Route guard: anonymous users go to the login page, users of another role get 403.

    The allowed roles are kept on the view (`view.allowed_roles`) so the route × role test can tell a
    guarded route from one that forgot its guard.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from hrapp.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def public(view):
    """Mark a route as deliberately open to anonymous users (login, health check, verification)."""
    view.allowed_roles = None
    return view


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.role in roles)


def officer_scope(user, officer_model):
    """SQL condition limiting `officer_model` rows to those `user` may see."""
    if not user or not user.is_authenticated:
        return sa.false()
    if user.role in (Role.ADMIN, Role.INSPECTOR):
        return sa.true()
    if user.role == Role.HR_CLERK:
        return sa.true() if user.street_id is None else officer_model.street_id == user.street_id
    if user.role == Role.OFFICER and user.officer_id is not None:
        return officer_model.id == user.officer_id
    return sa.false()


def street_scope(user, street_id_column):
    """SQL condition limiting street-keyed rows (grids, funding…) to the user's street, if scoped."""
    if has_role(user, Role.HR_CLERK) and user.street_id is not None:
        return street_id_column == user.street_id
    if has_role(user, Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR):
        return sa.true()
    return sa.false()


def can_edit_officer(user, officer) -> bool:
    """Admins edit everyone; HR clerks edit officers of their street (or all if unscoped)."""
    if has_role(user, Role.ADMIN):
        return True
    if has_role(user, Role.HR_CLERK):
        return user.street_id is None or officer.street_id == user.street_id
    return False


def can_edit_street(user, street_id: int | None) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.HR_CLERK) and (user.street_id is None or user.street_id == street_id)


def can_reveal_id_number(user, officer) -> bool:
    """Unmasked ID numbers: the officer themself and the HR staff who manage them (each read is logged)."""
    if has_role(user, Role.OFFICER):
        return user.officer_id == officer.id
    return can_edit_officer(user, officer)


def id_reveal_scope(user, officer_model):
    """SQL form of `can_reveal_id_number`: the officers whose full ID number `user` may learn
    (a search on a full number is one way to learn it, so it is limited to these and logged)."""
    if has_role(user, Role.OFFICER):
        return officer_model.id == user.officer_id if user.officer_id is not None else sa.false()
    if has_role(user, Role.ADMIN):
        return sa.true()
    if has_role(user, Role.HR_CLERK):
        return sa.true() if user.street_id is None else officer_model.street_id == user.street_id
    return sa.false()


# --- integrity compartment ---------------------------------------------------------------------
# Plans, draws and open checks are the inspectors' secret: only inspectors and administrators see
# them. Closed results reach HR clerks (within their street) and the officer concerned. Anything
# outside a user's compartment answers exactly as a record that does not exist.

INTEGRITY_STAFF = (Role.ADMIN, Role.INSPECTOR)


def can_see_open_checks(user) -> bool:
    """Plans, draws, drafts and submitted checks: inspectors and administrators only."""
    return has_role(user, *INTEGRITY_STAFF)


def can_read_integrity_log(user) -> bool:
    """Who read which integrity record: administrators only."""
    return has_role(user, Role.ADMIN)


def integrity_check_scope(user, status_column, street_column, concerns_officer):
    """SQL condition limiting checks to those `user` may see: every check for inspectors and
    administrators; closed checks of their street (all streets if unscoped) for HR clerks; closed
    checks that concern them (`concerns_officer(officer_id)`: target or responsible) for an officer."""
    if can_see_open_checks(user):
        return sa.true()
    closed = status_column == "closed"
    if has_role(user, Role.HR_CLERK):
        return closed if user.street_id is None else sa.and_(closed, street_column == user.street_id)
    if has_role(user, Role.OFFICER) and user.officer_id is not None:
        return sa.and_(closed, concerns_officer(user.officer_id))
    return sa.false()


def can_appeal_check(user, officer_ids: set[int]) -> bool:
    """An appeal is filed by the officer concerned (target or responsible) of a closed check."""
    return has_role(user, Role.OFFICER) and user.officer_id is not None and user.officer_id in officer_ids
