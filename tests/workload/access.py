"""Expected status of the workload and API routes for each role (see tests/test_access_matrix.py).
Other officers' ids and grids of another street are probed in tests/workload/test_views.py."""

READERS = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 403, "anonymous": 302}
# The case import spans every street: admins and district HR clerks only.
IMPORTERS = {"admin": 200, "hr_clerk": 200, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}
ADMIN = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}
ADMIN_REDIRECT = {**ADMIN, "admin": 302}
OFFICER_ONLY = {"admin": 403, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 200, "anonymous": 302}
# Token-authenticated JSON: no session role opens it; everyone without a token gets 401.
API_TOKEN = dict.fromkeys(("admin", "hr_clerk", "street_hr", "inspector", "officer", "anonymous"), 401)
PUBLIC = dict.fromkeys(("admin", "hr_clerk", "street_hr", "inspector", "officer", "anonymous"), 200)


def _forget_audit_user() -> None:
    # The audit listener asked for current_user while the URL was built (an anonymous request
    # context); the matrix's client shares this app context, so drop the cached answer.
    from flask import g

    g.pop("_login_user", None)


def _defaults():
    from tests.workload.helpers import with_defaults

    with_defaults()
    _forget_audit_user()


def _token(world):
    from hrapp.api import services
    from hrapp.extensions import db
    from tests.workload.helpers import with_defaults

    token, _secret = services.issue_token("t", with_defaults(), world.admin)
    db.session.flush()
    _forget_audit_user()
    return {"token_id": token.id}


def _import(world):
    _defaults()
    return {}


ROUTES = {
    "workload.dashboard": {"params": lambda world: {}, "GET": READERS},
    "workload.balance": {"params": lambda world: {}, "GET": READERS},
    "workload.grid": {"params": lambda world: {"grid_id": world.grid.id}, "GET": READERS},
    "workload.officer": {"params": lambda world: {"officer_id": world.officer.id}, "GET": READERS},
    "workload.me": {"params": lambda world: {}, "GET": OFFICER_ONLY},
    "workload.import_cases": {"params": _import, "GET": IMPORTERS, "POST": IMPORTERS},
    "workload.import_template": {"params": lambda world: {"fmt": "csv"}, "GET": IMPORTERS},
    "api.post_cases": {"params": lambda world: {}, "POST": API_TOKEN},
    "api.openapi": {"params": lambda world: {}, "GET": PUBLIC},
    "api_admin.tokens": {"params": lambda world: _defaults() or {}, "GET": ADMIN, "POST": ADMIN},
    "api_admin.revoke": {"params": _token, "POST": ADMIN_REDIRECT},
}
