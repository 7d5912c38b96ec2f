"""Expected status of the organisation routes for each role (see tests/test_access_matrix.py).
Scoping (a street HR clerk and another street) is probed in tests/org/test_org_views.py."""

READERS = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 403, "anonymous": 302}
STAFF = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 403, "officer": 403, "anonymous": 302}
ADMIN_ONLY = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}
# An edit form POSTed with an empty body is filled from the stored record (WTForms treats empty
# formdata as none), so it saves nothing new and redirects.
STAFF_SAVED = {**STAFF, "admin": 302, "hr_clerk": 302, "street_hr": 302}

ROUTES = {
    "org.tree": {"params": lambda world: {}, "GET": READERS},
    "org.street": {"params": lambda world: {"street_id": world.street.id}, "GET": READERS},
    "org.community": {"params": lambda world: {"community_id": world.community.id}, "GET": READERS},
    "org.street_form": {
        "params": lambda world: {"street_id": world.street.id},
        "GET": ADMIN_ONLY,
        "POST": {**ADMIN_ONLY, "admin": 302},
    },
    "org.community_form": {
        "params": lambda world: {"community_id": world.community.id},
        "GET": STAFF,
        "POST": STAFF_SAVED,
    },
    "org.grid_form": {"params": lambda world: {"grid_id": world.grid.id}, "GET": STAFF, "POST": STAFF_SAVED},
}
