"""Expected status of the integrity routes for each role (see tests/test_access_matrix.py).

Plans, draws and open checks are the inspectors' compartment; HR clerks reach closed results (and
reports) of their street; an officer reaches their own closed results and the appeal form. Open
checks probed by other roles, and other officers' results, are tested in test_compartment.py."""

import functools

from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db
from hrapp.integrity import followup, services
from tests.integrity import helpers

STAFF = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 200, "officer": 403, "anonymous": 302}
STAFF_REDIRECT = {**STAFF, "admin": 302, "inspector": 302}
STAFF_JSON_REFUSED = {**STAFF, "admin": 400, "inspector": 400}
EVERYONE = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 200, "anonymous": 302}
READERS = {**EVERYONE, "officer": 403}
OFFICER_ONLY = {"admin": 403, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 200, "anonymous": 302}
ADMIN = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}


def _as_test_actor(make):
    @functools.wraps(make)
    def wrapped(world):
        token = set_actor(None, "test")
        try:
            result = make(world)
            db.session.commit()
            return result
        finally:
            reset_actor(token)

    return wrapped


@_as_test_actor
def _plan(world):
    return {"plan_id": helpers.plan(world.inspector).id}


@_as_test_actor
def _draft(world):
    return {"check_id": helpers.draft_check(world).id}


@_as_test_actor
def _draft_finding(world):
    check = helpers.draft_check(world)
    return {"check_id": check.id, "finding_id": helpers.finding(check, world).id}


@_as_test_actor
def _draft_evidence(world):
    check = helpers.draft_check(world)
    return {"check_id": check.id, "evidence_id": helpers.upload(check, world).id}


@_as_test_actor
def _submitted(world):
    return {"check_id": helpers.submitted_check(world).id}


@_as_test_actor
def _closed(world):
    return {"check_id": helpers.closed_check(world).id}


@_as_test_actor
def _closed_evidence(world):
    check = helpers.draft_check(world)
    helpers.finding(check, world)
    item = helpers.upload(check, world)
    services.submit_check(check, world.inspector)
    services.close_check(check, world.inspector)
    return {"evidence_id": item.id}


@_as_test_actor
def _rectification(world):
    check = helpers.submitted_check(world)
    item = followup.create_rectification(
        check,
        {"notice_no": "ZG-1", "owner_officer_id": world.officer.id, "deadline": check.started_at.date()},
        world.inspector,
    )
    return {"rectification_id": item.id}


@_as_test_actor
def _appeal(world):
    check = helpers.closed_check(world)
    return {"appeal_id": followup.file_appeal(check, "理由", world.officer_user).id}


@_as_test_actor
def _draw(world):
    from hrapp.integrity import risk

    draw = risk.run_draw(
        {
            "period_start": helpers.dt.date(2025, 5, 1),
            "period_end": helpers.dt.date(2025, 5, 31),
            "random_count": 1,
            "weighted_count": 1,
            "seed": 7,
        },
        world.inspector,
    )
    return {"draw_id": draw.id}


def _none(world):
    return {}


ROUTES = {
    "integrity.index": {"params": _none, "GET": STAFF},
    "integrity.plans": {"params": _none, "GET": STAFF},
    "integrity.plan_new": {"params": _none, "GET": STAFF, "POST": STAFF},
    "integrity.plan_detail": {"params": _plan, "GET": STAFF},
    "integrity.check_new": {"params": _plan, "GET": STAFF, "POST": STAFF},
    "integrity.checks": {"params": _none, "GET": EVERYONE},
    "integrity.check_detail": {"params": _closed, "GET": EVERYONE},
    "integrity.check_edit": {"params": _draft, "GET": STAFF, "POST": STAFF},
    "integrity.check_autosave": {"params": _draft, "POST": STAFF_JSON_REFUSED},
    "integrity.check_declare": {"params": _draft, "POST": STAFF_REDIRECT},
    "integrity.check_submit": {"params": _draft, "POST": STAFF_REDIRECT},
    "integrity.check_close": {"params": _submitted, "POST": STAFF_REDIRECT},
    "integrity.finding_add": {"params": _draft, "POST": STAFF_REDIRECT},
    "integrity.finding_remove": {"params": _draft_finding, "POST": STAFF_REDIRECT},
    "integrity.evidence_upload": {"params": _draft, "POST": STAFF_REDIRECT},
    "integrity.evidence_remove": {"params": _draft_evidence, "POST": STAFF_REDIRECT},
    "integrity.evidence_download": {"params": _closed_evidence, "GET": READERS},
    "integrity.check_amend": {"params": _submitted, "GET": STAFF, "POST": STAFF},
    "integrity.rectification_add": {"params": _submitted, "POST": STAFF_REDIRECT},
    "integrity.rectifications": {"params": _none, "GET": STAFF},
    "integrity.checklists": {"params": _none, "GET": STAFF, "POST": STAFF},
    "integrity.rectification_update": {"params": _rectification, "GET": STAFF, "POST": STAFF},
    "integrity.action_add": {"params": _submitted, "POST": STAFF_REDIRECT},
    "integrity.appeal_new": {"params": _closed, "GET": OFFICER_ONLY, "POST": OFFICER_ONLY},
    "integrity.appeals": {"params": _none, "GET": STAFF},
    "integrity.appeal_decide": {"params": _appeal, "GET": STAFF, "POST": STAFF},
    "integrity.draws": {"params": _none, "GET": STAFF},
    "integrity.draw_new": {"params": _none, "GET": STAFF, "POST": STAFF},
    "integrity.draw_detail": {"params": _draw, "GET": STAFF},
    "integrity.reports": {"params": _none, "GET": READERS},
    "integrity.reports_export": {"params": _none, "GET": READERS},
    "integrity.read_log": {"params": _none, "GET": ADMIN},
}
