"""/api/v1: the JSON API (token-authenticated, CSRF-exempt, rate limited) and its OpenAPI document."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from pydantic import ValidationError

from hrapp.api import services
from hrapp.api.openapi import openapi_document
from hrapp.api.schemas import BatchResult, ErrorBody, ErrorDetail, ItemError, ItemResult
from hrapp.core.permissions import public
from hrapp.extensions import csrf, db, limiter
from hrapp.workload import services as workload_services
from hrapp.workload.importing import COLUMNS

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no session cookie is used here: a bearer token authenticates each request


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _rate_key() -> str:
    # Per token when one is sent (a platform behind a NAT shares its address), else per address.
    secret = _bearer()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return "addr:" + (request.remote_addr or "")


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


def error_response(status: int, message: str, details: list[dict] | None = None):
    body = ErrorBody(error=ErrorDetail(status=status, message=message, details=details))
    return jsonify(body.model_dump(exclude_none=True)), status


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@bp.route("/cases", methods=["POST"])
@public  # no session: the bearer token is checked below
@limiter.limit(_rate_limit, key_func=_rate_key)
def post_cases():
    """Upsert a batch of cases for the token's source system; answer each item."""
    from hrapp.api.schemas import CaseBatch

    token = services.authenticate(_bearer())
    if token is None:
        db.session.rollback()
        return error_response(401, _("A valid API token is required."))
    try:
        batch = CaseBatch.model_validate_json(request.get_data(cache=False) or b"")
    except ValidationError as error:
        db.session.commit()  # the token's last use
        details = [
            {"loc": [str(part) for part in item["loc"]], "message": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)[:100]
        ]
        return error_response(422, _("The request does not match the schema."), details)
    records = [{key: _plain(value) for key, value in item.model_dump().items()} for item in batch.cases]
    report = workload_services.import_case_records(records, token.source_system_id)
    db.session.commit()
    keys = {str(column.label): column.key for column in COLUMNS}
    errors: dict[int, list[ItemError]] = {}
    for error in report.errors:
        errors.setdefault(error.row - 2, []).append(
            ItemError(field=keys.get(error.column, error.column), message=error.message)
        )
    items = [
        ItemResult(
            index=index,
            external_id=item.external_id,
            outcome="rejected" if index in errors else report.outcomes.get(index + 2, "unchanged"),
            errors=errors.get(index, []),
        )
        for index, item in enumerate(batch.cases)
    ]
    result = BatchResult(
        created=report.created, updated=report.updated, unchanged=report.unchanged, rejected=len(errors), items=items
    )
    return jsonify(result.model_dump())


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document())
