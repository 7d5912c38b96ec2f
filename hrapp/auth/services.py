"""Account rules: password hashing (argon2), lock after repeated failures, role consistency."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from hrapp.auth.models import User
from hrapp.core.db import utcnow
from hrapp.core.i18n import LANGUAGES
from hrapp.core.permissions import Role
from hrapp.errors import Conflict, DomainError
from hrapp.extensions import db

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
# Verified against when the username is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(_("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field="password")
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LoginRefused(DomainError):
    status_code = 401


def authenticate(username: str, password: str, *, max_failures: int, lock_minutes: int) -> User:
    """Return the user or raise LoginRefused. After `max_failures` wrong passwords in a row the
    account is locked for `lock_minutes`; a locked account refuses even the right password."""
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None:
        _verify(_DUMMY_HASH, password or "")
        raise LoginRefused(_("Wrong username or password."))
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        raise LoginRefused(_("This account is locked after repeated failed logins. Try again later."))
    if not _verify(user.password_hash, password or ""):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + dt.timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        db.session.flush()
        raise LoginRefused(_("Wrong username or password."))
    if not user.active:
        raise LoginRefused(_("This account is disabled."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.flush()
    return user


def _check_role_links(role: str, street_id: int | None, officer_id: int | None) -> None:
    if role not in set(Role):
        raise DomainError(_("Unknown role %(role)s.", role=role), field="role")
    if role == Role.OFFICER and officer_id is None:
        raise DomainError(_("An officer account must be linked to an officer profile."), field="officer_id")
    if role != Role.OFFICER and officer_id is not None:
        raise DomainError(_("Only officer accounts are linked to an officer profile."), field="officer_id")
    if role != Role.HR_CLERK and street_id is not None:
        raise DomainError(_("Only HR clerk accounts are scoped to a street."), field="street_id")


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    street_id: int | None = None,
    officer_id: int | None = None,
) -> User:
    username = (username or "").strip()
    if not username:
        raise DomainError(_("A username is required."), field="username")
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise Conflict(_("The username %(name)s is taken.", name=username), field="username")
    if officer_id is not None and db.session.scalar(sa.select(User.id).where(User.officer_id == officer_id)):
        raise Conflict(_("This officer already has an account."), field="officer_id")
    _check_role_links(role, street_id, officer_id)
    user = User(
        username=username,
        display_name=display_name or "",
        password_hash=hash_password(password),
        role=role,
        street_id=street_id,
        officer_id=officer_id,
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    role: str,
    display_name: str,
    street_id: int | None,
    officer_id: int | None,
    active: bool,
    acting: User,
) -> User:
    if user.id == acting.id and (not active or role != user.role):
        raise DomainError(_("You cannot disable your own account or change your own role."))
    if officer_id is not None and db.session.scalar(
        sa.select(User.id).where(User.officer_id == officer_id, User.id != user.id)
    ):
        raise Conflict(_("This officer already has an account."), field="officer_id")
    _check_role_links(role, street_id, officer_id)
    user.role, user.display_name, user.street_id, user.officer_id, user.active = (
        role,
        display_name or "",
        street_id,
        officer_id,
        active,
    )
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def change_own_password(user: User, current: str, new: str) -> None:
    if not _verify(user.password_hash, current or ""):
        raise DomainError(_("The current password is wrong."), field="current_password")
    set_password(user, new)


def set_locale(user: User, locale: str) -> None:
    if locale not in LANGUAGES:
        raise DomainError(_("Unsupported language."))
    user.locale = locale
    db.session.flush()
