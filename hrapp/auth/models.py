from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from hrapp.auth.forms import ROLE_LABELS
from hrapp.core.audit import Audited, record_page
from hrapp.core.db import TimestampMixin, utcnow
from hrapp.core.i18n import LANGUAGE_NAMES
from hrapp.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, Audited, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash", "session_token", "last_login_at", "updated_at"})
    __audit_label__ = _l("User account")
    __audit_title__ = "label"
    __audit_link__ = record_page("auth.user_edit", "user_id")
    __audit_choices__ = {"role": ROLE_LABELS, "locale": LANGUAGE_NAMES}
    __audit_fields__ = {
        "username": _l("Username"),
        "display_name": _l("Display name"),
        "role": _l("Role"),
        "street_id": _l("Street"),
        "officer_id": _l("Officer"),
        "locale": _l("Language"),
        "active": _l("Active"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Part of the login id that sessions and remember-me cookies carry: replacing it ends them all.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    role: Mapped[str] = mapped_column(sa.String(20))
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id"))
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), unique=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[dt.datetime | None]

    street = db.relationship("Street", lazy="joined")

    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'hr_clerk', 'inspector', 'officer')", name="role"),)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: '<id>:<session token>'."""
        if not self.session_token:
            self.session_token = new_session_token()
        return f"{self.id}:{self.session_token}"


class LoginAttempt(db.Model):
    """One login attempt by username as typed (known or not) and client. Feeds the throttle and the
    administrator's page of attacked accounts. `device` is set when the browser showed a device
    cookie of a past successful login to that account."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    client: Mapped[str] = mapped_column(sa.String(64))
    device: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(10))

    __table_args__ = (
        sa.CheckConstraint("outcome IN ('success', 'failure', 'refused')", name="outcome"),
        sa.Index("ix_login_attempts_username_at", "username", "at"),
    )
