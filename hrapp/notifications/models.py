from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column

from hrapp.core.db import utcnow
from hrapp.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.String(300))  # an msgid, marked with N_ where it is written
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    key: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.UniqueConstraint("user_id", "key"),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    @property
    def text(self) -> str:
        """The message in the reader's language. A `label` parameter is itself an msgid (the name
        of a kind of work, a record type) and is translated too; other parameters are data."""
        params = dict(self.params or {})
        if isinstance(params.get("label"), str):
            params["label"] = gettext(params["label"])
        try:
            return gettext(self.message, **params)
        except (KeyError, ValueError, TypeError):
            return gettext(self.message)
