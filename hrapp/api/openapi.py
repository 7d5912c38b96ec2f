"""The OpenAPI 3 document, generated from the pydantic schemas the views validate with."""

from __future__ import annotations

from pydantic.json_schema import models_json_schema

from hrapp.api.schemas import MAX_BATCH, BatchResult, CaseBatch, ErrorBody


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


def openapi_document() -> dict:
    _, schemas = models_json_schema(
        [(CaseBatch, "validation"), (BatchResult, "serialization"), (ErrorBody, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "hrapp API",
            "version": "1.0.0",
            "description": "Cases from the dispatch platform (统一分拨平台). Authenticate with "
            "`Authorization: Bearer <token>`; a token belongs to one source system.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/cases": {
                "post": {
                    "operationId": "upsertCases",
                    "summary": f"Create or update up to {MAX_BATCH} cases (idempotent, answered per item)",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseBatch"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "Each item's outcome: created, updated, unchanged or rejected with reasons.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResult"}}},
                        },
                        "400": _error("The body cannot be read."),
                        "401": _error("Missing, unknown or revoked token."),
                        "413": _error("The body is too large."),
                        "422": _error("The body does not match the schema."),
                        "429": _error("Too many requests."),
                    },
                }
            }
        },
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
