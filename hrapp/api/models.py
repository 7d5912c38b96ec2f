from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrapp.core.audit import Audited, list_page
from hrapp.core.db import utcnow
from hrapp.extensions import db


class ApiToken(Audited, db.Model):
    """A bearer token for one source system. Only the SHA-256 of the secret is kept: the secret is
    shown once, when issued. A revoked token stays (who had access when) but no longer opens."""

    __tablename__ = "api_tokens"
    __audit_exclude__ = frozenset({"token_hash", "last_used_at"})
    __audit_label__ = _l("API token")
    __audit_title__ = "name"
    __audit_link__ = list_page("api_admin.tokens")
    __audit_fields__ = {
        "name": _l("Token name"),
        "prefix": _l("Prefix"),
        "source_system_id": _l("Source system"),
        "created_by_id": _l("Issued by"),
        "revoked_at": _l("Revoked at"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # first characters, to tell tokens apart
    source_system_id: Mapped[int] = mapped_column(sa.ForeignKey("source_systems.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    source_system = relationship("SourceSystem", lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None
