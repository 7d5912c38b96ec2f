"""Expected status of the home and own-profile routes for each role (see tests/test_access_matrix.py)."""

OFFICER_ONLY = {"admin": 403, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 200, "anonymous": 302}

ROUTES = {
    "me.home": {
        "params": lambda world: {},
        "GET": {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 200, "anonymous": 302},
    },
    "me.profile": {"params": lambda world: {}, "GET": OFFICER_ONLY},
    # The reveal redirects to /me (a refresh must not re-post).
    "me.reveal_id": {"params": lambda world: {}, "POST": {**OFFICER_ONLY, "officer": 302}},
}
