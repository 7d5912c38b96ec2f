"""Expected status of the pay and funding routes for each role (see tests/test_access_matrix.py).
HR clerks see pay and funding in their scope, admins approve and close, officers see only their
own pay, the inspector sees none of it. Other officers' ids are probed in tests/pay/test_views.py."""

import datetime as dt
import functools

from hrapp.core.audit import reset_actor, set_actor
from hrapp.extensions import db
from tests.pay import helpers

STAFF = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 403, "officer": 403, "anonymous": 302}
ADMIN = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}
ADMIN_REDIRECT = {**ADMIN, "admin": 302}
DISTRICT_REDIRECT = {**ADMIN_REDIRECT, "hr_clerk": 302}
OWN_PAY = {**STAFF, "officer": 200}


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
def _draft_scale(world):
    scale = helpers.scale(dt.date(2030, 1, 1), {}, default="3000.00", status="draft")
    db.session.commit()
    return {"scale_id": scale.id}


@_as_test_actor
def _draft_rules(world):
    rules = helpers.no_allowances(dt.date(2030, 1, 1))
    rules.status = "draft"
    db.session.commit()
    return {"rules_id": rules.id}


ROUTES = {
    "pay.roster": {"params": lambda world: {}, "GET": STAFF},
    "pay.roster_export": {"params": lambda world: {}, "GET": STAFF},
    # An empty form names no month: flashed, nothing closed.
    "pay.close_month": {"params": lambda world: {}, "POST": ADMIN_REDIRECT},
    "pay.officer_pay": {"params": lambda world: {"officer_id": world.officer.id}, "GET": OWN_PAY},
    "pay.scales": {"params": lambda world: {}, "GET": STAFF},
    "pay.scale_detail": {"params": _draft_scale, "GET": STAFF},
    "pay.scale_new": {"params": lambda world: {}, "GET": ADMIN, "POST": ADMIN},
    # An empty body is filled from the stored draft (WTForms treats empty formdata as none): saved unchanged.
    "pay.scale_edit": {"params": _draft_scale, "GET": ADMIN, "POST": ADMIN_REDIRECT},
    # Without a document number the approval is refused (flashed) and the page redirects.
    "pay.scale_approve": {"params": _draft_scale, "POST": ADMIN_REDIRECT},
    "pay.scale_delete": {"params": _draft_scale, "POST": ADMIN_REDIRECT},
    "pay.rules": {"params": lambda world: {}, "GET": STAFF},
    "pay.rules_new": {"params": lambda world: {}, "GET": ADMIN, "POST": ADMIN},
    "pay.rules_edit": {"params": _draft_rules, "GET": ADMIN, "POST": ADMIN},
    "pay.rules_approve": {"params": _draft_rules, "POST": ADMIN_REDIRECT},
    "pay.what_if": {"params": lambda world: {}, "GET": STAFF},
    "pay.funding": {"params": lambda world: {}, "GET": STAFF},
    "pay.standard_save": {"params": lambda world: {}, "POST": DISTRICT_REDIRECT},
    "pay.funding_year": {"params": lambda world: {"year": 2026}, "GET": STAFF},
    "pay.allocations_save": {"params": lambda world: {"year": 2026}, "POST": DISTRICT_REDIRECT},
    "pay.funding_xlsx": {"params": lambda world: {"year": 2026}, "GET": STAFF},
    "pay.funding_pdf": {"params": lambda world: {"year": 2026}, "GET": STAFF},
}
