"""Expected status of the cross-cutting routes for each role (see tests/test_access_matrix.py)."""

ROUTES = {
    "health.healthz": {
        "params": lambda world: {},
        "GET": {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 200, "anonymous": 200},
    },
}
