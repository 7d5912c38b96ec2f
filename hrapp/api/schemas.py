"""Request and response schemas of the API (pydantic v2); the OpenAPI document is generated from
these same classes, so the description cannot drift from what the API accepts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 1000
# Printable text only: control characters have no place in a code (and PostgreSQL text cannot hold NUL).
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")]
Status = Literal["reported", "accepted", "dispatched", "handled", "closed", "rejected", "merged", "rework"]


class CaseIn(BaseModel):
    """One case as the dispatch platform knows it. Times without an offset are Shanghai time."""

    model_config = ConfigDict(extra="forbid")

    external_id: Code = Field(description="The platform's case number, unique within its source system.")
    category: Code = Field(description="Second-level category code, e.g. 01-01.")
    source: Code = Field(description="Case source code: patrol, report, snapshot, assigned, hotline.")
    grid: Code = Field(description="Grid code.")
    reporter: Code | None = Field(None, description="Employee number of the reporting officer.")
    handler: Code | None = Field(None, description="Employee number of the handling officer.")
    status: Status
    reported_at: dt.datetime
    accepted_at: dt.datetime | None = None
    dispatched_at: dt.datetime | None = None
    handled_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    rejected_at: dt.datetime | None = None
    merged_at: dt.datetime | None = None
    reworked_at: dt.datetime | None = None
    reopened_at: dt.datetime | None = None
    rework_count: int | None = Field(None, ge=0, le=100)
    deadline_at: dt.datetime | None = Field(None, description="The platform's deadline; computed when absent.")
    supervision: Literal["none", "yellow", "red"] | None = None
    rating: Literal["satisfied", "average", "unsatisfied"] | None = None


class CaseBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cases: list[CaseIn] = Field(min_length=1, max_length=MAX_BATCH)


class ItemError(BaseModel):
    field: str
    message: str


class ItemResult(BaseModel):
    index: int = Field(description="Position of the item in the batch, from 0.")
    external_id: str
    outcome: Literal["created", "updated", "unchanged", "rejected"]
    errors: list[ItemError] = []


class BatchResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int
    items: list[ItemResult]


class ErrorDetail(BaseModel):
    status: int
    message: str
    details: list[dict] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
