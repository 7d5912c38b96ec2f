"""Expected status of the auth routes for each role (see tests/test_access_matrix.py)."""

LOGGED_IN_REDIRECTED = {"admin": 302, "hr_clerk": 302, "street_hr": 302, "inspector": 302, "officer": 302}
ANY_USER = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 200, "anonymous": 302}
ADMIN_ONLY = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}

ROUTES = {
    "auth.login": {
        "params": lambda world: {},
        "GET": {**LOGGED_IN_REDIRECTED, "anonymous": 200},
        "POST": {**LOGGED_IN_REDIRECTED, "anonymous": 200},  # an empty form is shown again
    },
    "auth.logout": {
        "params": lambda world: {},
        "POST": {**LOGGED_IN_REDIRECTED, "anonymous": 302},
    },
    "auth.set_language": {
        "params": lambda world: {"code": "en"},
        "POST": {**LOGGED_IN_REDIRECTED, "anonymous": 302},
    },
    "auth.change_password": {
        "params": lambda world: {},
        "GET": ANY_USER,
        "POST": ANY_USER,
    },
    "auth.users": {"params": lambda world: {}, "GET": ADMIN_ONLY},
    "auth.user_new": {"params": lambda world: {}, "GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "auth.user_edit": {
        "params": lambda world: {"user_id": world.hr.id},
        "GET": ADMIN_ONLY,
        "POST": ADMIN_ONLY,
    },
    "auth.user_reset_password": {
        "params": lambda world: {"user_id": world.hr.id},
        "POST": {**ADMIN_ONLY, "admin": 302},  # back to the user page with the form's errors flashed
    },
    "auth.login_attempts": {"params": lambda world: {}, "GET": ADMIN_ONLY},
    "auth.audit": {"params": lambda world: {}, "GET": ADMIN_ONLY},
}
