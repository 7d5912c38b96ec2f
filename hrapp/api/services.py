"""API tokens: issue (the secret shown once, its SHA-256 kept), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from hrapp.api.models import ApiToken
from hrapp.core.db import utcnow
from hrapp.errors import DomainError, NotFound
from hrapp.extensions import db
from hrapp.workload.models import SourceSystem


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(name: str, source_system_id: int, acting) -> tuple[ApiToken, str]:
    """A new token for one source system; returns it with its secret (never stored)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A value is required."), field="name")
    system = db.session.get(SourceSystem, source_system_id)
    if system is None or not system.active:
        raise DomainError(_("Choose an active source system."), field="source_system_id")
    secret = "hra_" + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:80],
        token_hash=_digest(secret),
        prefix=secret[:12],
        source_system_id=system.id,
        created_by_id=getattr(acting, "id", None),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token_id: int, acting) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("The page or record you asked for does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def authenticate(secret: str | None) -> ApiToken | None:
    """The active token with this secret, its last use recorded (flushed); None otherwise."""
    if not secret:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.source_system.active:
        return None
    token.last_used_at = utcnow()
    db.session.flush()
    return token


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
