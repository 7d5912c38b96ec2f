"""Expected status of the certification routes for each role (see tests/test_access_matrix.py).
Officers see their tier, training and eligibility on /me (the profile panel), never here; other
officers' ids are probed in tests/certification/test_views.py. Training routes: tests/training/access.py."""

import functools

from hrapp.core.audit import reset_actor, set_actor
from tests.certification import helpers

STAFF = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 403, "officer": 403, "anonymous": 302}
READERS = {**STAFF, "inspector": 200}
ADMIN = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}
# District reference data (the course catalogue): administrators and unscoped HR clerks.
DISTRICT_HR = {**STAFF, "street_hr": 403}
# Actions that redirect after an empty form (flashing its errors, or saving the unchanged record).
STAFF_REDIRECT = {**STAFF, "admin": 302, "hr_clerk": 302, "street_hr": 302}
ADMIN_REDIRECT = {**ADMIN, "admin": 302}


def _as_test_actor(make):
    """Params run inside a test request context that shares `g` with the test client: an audited
    flush there would ask flask_login for current_user and cache the anonymous user for the
    requests that follow. Naming the actor explicitly keeps current_user untouched."""

    @functools.wraps(make)
    def wrapped(world):
        token = set_actor(None, "test")
        try:
            return make(world)
        finally:
            reset_actor(token)

    return wrapped


def _officer(world):
    return {"officer_id": world.officer.id}


@_as_test_actor
def _case(world):
    return {"case_id": helpers.submitted_case(world).id}


@_as_test_actor
def _tier(world):
    return {"tier_id": helpers.ladder()["junior"].id}


ROUTES = {
    "certification.candidates": {"params": lambda world: {}, "GET": STAFF},
    "certification.officer_tiers": {"params": _officer, "GET": STAFF, "POST": STAFF},
    "certification.officer_results": {"params": _officer, "GET": STAFF, "POST": STAFF},
    "certification.cases": {"params": lambda world: {}, "GET": STAFF},
    "certification.case_new": {"params": _officer, "GET": STAFF, "POST": STAFF},
    "certification.case_detail": {"params": _case, "GET": STAFF},
    # An empty body is filled from the stored case (WTForms treats empty formdata as none): saved unchanged.
    "certification.case_edit": {"params": _case, "GET": STAFF, "POST": STAFF_REDIRECT},
    "certification.case_decide": {"params": _case, "POST": ADMIN_REDIRECT},
    "certification.case_reverse": {"params": _case, "GET": STAFF, "POST": STAFF},
    "certification.rule_sets": {"params": lambda world: {}, "GET": STAFF},
    "certification.rule_defaults": {"params": lambda world: {}, "POST": ADMIN_REDIRECT},
    "certification.rule_new": {"params": _tier, "GET": ADMIN, "POST": ADMIN},
    "certification.tier_edit": {"params": _tier, "GET": ADMIN, "POST": ADMIN},
    "certification.annual_steps": {"params": lambda world: {}, "GET": ADMIN},
    "certification.annual_steps_apply": {"params": lambda world: {}, "POST": ADMIN_REDIRECT},
    "certification.completion": {"params": lambda world: {}, "GET": STAFF},
}
