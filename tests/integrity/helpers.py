"""Building blocks for integrity tests: plans and checks in each state, through the services."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from flask import current_app

from hrapp.extensions import db
from hrapp.integrity import services
from hrapp.integrity.models import CheckPlan
from tests import factories

_numbers = itertools.count(1)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 100


def plan(inspector, name: str = "2025年第二季度明察暗访") -> CheckPlan:
    return services.create_plan(
        {
            "name": name,
            "period_start": dt.date(2025, 4, 1),
            "period_end": dt.date(2025, 6, 30),
            "mode": "unannounced",
            "scope_kind": "streets",
            "scope": "甲街道",
            "lead_unit": "区纪委",
        },
        inspector,
    )


def second_inspector():
    return factories.UserFactory(username=f"inspector{next(_numbers)}", role="inspector")


def draft_check(world, target=None, partner=None, started=dt.datetime(2025, 5, 6, 1, 30), **values):
    """A draft under a new plan, on `target` (default: the world's officer), by the world's
    inspector and a partner who have both declared no conflict of interest."""
    partner = partner or second_inspector()
    target = target or world.officer
    check = services.create_check(
        plan(world.inspector),
        {
            "target_type": "officer",
            "target_officer_id": target.id,
            "place": "便民服务窗口",
            "started_at": started,
            "ended_at": started + dt.timedelta(minutes=40),
            "method": "observation",
            "inspector_ids": [world.inspector.id, partner.id],
            "declare_no_conflict": True,
            "result_code": values.pop("result_code", "R2"),
            "outside_draw_reason": values.pop("outside_draw_reason", "群众举报线索"),
            "notes": "窗口暗访",
            **values,
        },
        world.inspector,
    )
    services.declare_no_conflict(check, partner)
    return check


def finding(check, world, code: str = "F01", severity: int | None = None, responsible=None, **values):
    return services.add_finding(
        check,
        {"code": code, "severity": severity, "responsible_ids": [o.id for o in (responsible or [])], **values},
        world.inspector,
    )


def submitted_check(world, target=None, code: str = "F01", severity: int | None = None, **values):
    check = draft_check(world, target=target, **values)
    if check.result_code != "R0":
        finding(check, world, code=code, severity=severity)
    services.submit_check(check, world.inspector)
    return check


def closed_check(world, target=None, code: str = "F01", severity: int | None = None, **values):
    check = submitted_check(world, target=target, code=code, severity=severity, **values)
    services.close_check(check, world.inspector)
    db.session.flush()
    return check


def evidence_dir():
    from pathlib import Path

    return Path(current_app.config.get("EVIDENCE_DIR") or Path(current_app.config["INSTANCE_DIR"]) / "evidence")


def upload(check, world, data: bytes = JPEG, name: str = "photo.jpg"):
    return services.add_evidence(
        check, io.BytesIO(data), name, world.inspector, evidence_dir(), current_app.config["EVIDENCE_MAX_BYTES"]
    )
