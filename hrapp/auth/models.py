from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from hrapp.auth.forms import ROLE_LABELS
from hrapp.core.audit import Audited, record_page
from hrapp.core.db import TimestampMixin
from hrapp.core.i18n import LANGUAGE_NAMES
from hrapp.extensions import db


class User(UserMixin, Audited, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash", "failed_logins", "last_login_at", "updated_at"})
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
        "locked_until": _l("Locked until"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id"))
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), unique=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    street = db.relationship("Street", lazy="joined")

    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'hr_clerk', 'inspector', 'officer')", name="role"),)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def label(self) -> str:
        return self.display_name or self.username
