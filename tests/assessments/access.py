"""Expected status of the assessment routes for each role (see tests/test_access_matrix.py). HR
clerks compute, review and issue within their scope, admins approve schemes, officers see their
own issued results and appeal them, the inspector has no part. IDOR probes in test_views.py."""

import functools

from flask import current_app

from hrapp.assessments import services
from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db
from tests.assessments.helpers import FULL, default_scheme, result, workload

STAFF = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 403, "officer": 403, "anonymous": 302}
STAFF_REDIRECT = {**STAFF, "admin": 302, "hr_clerk": 302, "street_hr": 302}
READERS = {**STAFF, "officer": 200}
ADMIN_REDIRECT = {**STAFF_REDIRECT, "hr_clerk": 403, "street_hr": 403}
OFFICER_REDIRECT = {**STAFF, "admin": 403, "hr_clerk": 403, "street_hr": 403, "officer": 302}
PUBLIC_UNKNOWN = dict.fromkeys(STAFF, 404)


def _as_test_actor(make):
    @functools.wraps(make)
    def wrapped(world):
        token = set_actor(None, "test")
        try:
            return make(world)
        finally:
            reset_actor(token)

    return wrapped


@_as_test_actor
def _issued(world):
    default_scheme()
    workload({world.officer.id: FULL})
    services.compute_period("2025-05", street_id=world.street.id)
    assessment = result(world.officer)
    services.issue(assessment, reports_dir=current_app.config["REPORTS_DIR"])
    db.session.commit()
    return {"assessment_id": assessment.id}


@_as_test_actor
def _draft(world):
    default_scheme()
    services.compute_period("2025-05", street_id=world.street.id)
    db.session.commit()
    return {"assessment_id": result(world.officer).id}


@_as_test_actor
def _appeal(world):
    ids = _issued.__wrapped__(world)
    from hrapp.assessments.models import Assessment

    record = services.appeal(db.session.get(Assessment, ids["assessment_id"]), reason="理由")
    db.session.commit()
    return {"appeal_id": record.id}


@_as_test_actor
def _draft_scheme(world):
    from datetime import date

    scheme = services.create_scheme("草案", date(2030, 1, 1))
    db.session.commit()
    return {"scheme_id": scheme.id}


@_as_test_actor
def _computed(world):
    default_scheme()
    workload({world.officer.id: FULL})
    services.compute_period("2025-05")
    db.session.commit()
    return {"period": "2025-05", "street_id": world.street.id}


ADMIN_ONLY = {**STAFF, "hr_clerk": 403, "street_hr": 403}
# An empty form is refused and shown again with its errors.
ADMIN_REFUSED = {**ADMIN_ONLY, "admin": 400}

ROUTES = {
    "assessments.index": {"params": lambda world: {}, "GET": STAFF},
    "assessments.compute": {"params": lambda world: {}, "POST": STAFF_REDIRECT},
    "assessments.issue_batch": {"params": lambda world: {}, "POST": STAFF_REDIRECT},
    # Drafts are invisible to their officer (404 like a missing record).
    "assessments.detail": {"params": _draft, "GET": {**STAFF, "officer": 404}},
    # An empty review is a valid one (no comment, no adjustment): recorded, redirected.
    "assessments.review": {"params": _draft, "POST": {**STAFF_REDIRECT, "officer": 403}},
    "assessments.issue": {"params": _draft, "POST": STAFF_REDIRECT},
    "assessments.pdf": {"params": _issued, "GET": READERS},
    # An empty appeal is refused (flashed) and redirected.
    "assessments.appeal": {"params": _issued, "POST": OFFICER_REDIRECT},
    "assessments.decide": {"params": _appeal, "POST": STAFF_REDIRECT},
    "assessments.schemes": {"params": lambda world: {}, "GET": STAFF},
    "assessments.scheme_new": {"params": lambda world: {}, "GET": ADMIN_ONLY, "POST": ADMIN_REFUSED},
    "assessments.scheme_view": {"params": _draft_scheme, "GET": STAFF},
    "assessments.scheme_edit": {"params": _draft_scheme, "GET": ADMIN_ONLY, "POST": ADMIN_REFUSED},
    # GET is the confirmation step; the POST approves (or deletes) and redirects.
    "assessments.scheme_approve": {"params": _draft_scheme, "GET": ADMIN_ONLY, "POST": ADMIN_REDIRECT},
    "assessments.scheme_delete": {"params": _draft_scheme, "GET": ADMIN_ONLY, "POST": ADMIN_REDIRECT},
    # The street summary of the street clerk's own street; the district's is outside their scope (404).
    "assessments.street_summary": {"params": _computed, "GET": STAFF},
    "assessments.district_summary": {
        "params": lambda world: {k: v for k, v in _computed(world).items() if k == "period"},
        "GET": {**STAFF, "street_hr": 404},
    },
    "assessments.verify": {"params": lambda world: {"code": "0000000000000000"}, "GET": PUBLIC_UNKNOWN},
}
