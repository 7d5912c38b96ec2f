"""Expected status of the training routes for each role (see tests/test_access_matrix.py). They
keep their /certification URLs; officers see their training on /me, never here."""

import datetime as dt

from hrapp.extensions import db
from tests.certification.access import DISTRICT_HR, READERS, STAFF, STAFF_REDIRECT, _as_test_actor
from tests.training import helpers


@_as_test_actor
def _course(world):
    return {"course_id": helpers.course().id}


@_as_test_actor
def _session(world):
    training = helpers.session(helpers.course(), dt.date(2025, 5, 1))
    db.session.commit()
    return {"session_id": training.id}


ROUTES = {
    "training.courses": {"params": lambda world: {}, "GET": READERS},
    "training.course_new": {"params": lambda world: {}, "GET": DISTRICT_HR, "POST": DISTRICT_HR},
    "training.course_edit": {"params": _course, "GET": DISTRICT_HR, "POST": DISTRICT_HR},
    "training.sessions": {"params": lambda world: {}, "GET": READERS},
    "training.session_new": {"params": lambda world: {}, "GET": STAFF, "POST": STAFF},
    "training.session_detail": {"params": _session, "GET": READERS},
    "training.session_attendance": {"params": _session, "GET": STAFF, "POST": STAFF_REDIRECT},
    "training.attendance_import": {"params": _session, "GET": STAFF, "POST": STAFF},
    "training.attendance_template": {"params": lambda world: {"fmt": "csv"}, "GET": STAFF},
    "training.expiring": {"params": lambda world: {}, "GET": STAFF},
}
