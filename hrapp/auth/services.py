"""Account rules: password hashing (argon2), throttled login, ending sessions, role consistency."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from hrapp.auth import throttle
from hrapp.auth.models import User, new_session_token
from hrapp.auth.throttle import LoginPolicy
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


def _refused() -> LoginRefused:
    # One answer for an unknown name, a wrong password and a throttled client: no account oracle.
    return LoginRefused(
        _("Login failed. Check your username and password; after several failures, wait a few minutes.")
    )


def authenticate(
    username: str, password: str, *, client: str, device: tuple[int, str] | None, policy: LoginPolicy
) -> User:
    """Return the user or raise LoginRefused, recording the attempt for the throttle
    (auth/throttle.py). `device` is (user id, nonce) from the browser's device cookie, trusted only
    for that user. The password is always verified, known user or not and throttled or not, so
    every refusal takes as long."""
    username = (username or "").strip()[:64]
    now = utcnow()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    trusted_device = device[1] if user is not None and device and device[0] == user.id else None
    throttled = throttle.is_throttled(username, client=client, device=trusted_device, policy=policy, now=now)
    correct = _verify(user.password_hash if user else _DUMMY_HASH, password or "") and user is not None
    if throttled or not correct:
        outcome = throttle.REFUSED if throttled else throttle.FAILURE
        throttle.record(username, client=client, device=trusted_device, outcome=outcome, now=now)
        raise _refused()
    if not user.active:
        throttle.record(username, client=client, device=trusted_device, outcome=throttle.REFUSED, now=now)
        raise LoginRefused(_("This account is disabled."))
    throttle.record(username, client=client, device=trusted_device, outcome=throttle.SUCCESS, now=now)
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of `user`: they carry the old session token."""
    user.session_token = new_session_token()
    db.session.flush()


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
    if not active:
        end_sessions(user)
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
    """A new password ends the user's sessions everywhere (a stolen cookie dies with the old one)."""
    user.password_hash = hash_password(password)
    end_sessions(user)


def change_own_password(user: User, current: str, new: str) -> None:
    if not _verify(user.password_hash, current or ""):
        raise DomainError(_("The current password is wrong."), field="current_password")
    set_password(user, new)


def set_locale(user: User, locale: str) -> None:
    if locale not in LANGUAGES:
        raise DomainError(_("Unsupported language."))
    user.locale = locale
    db.session.flush()
