"""Expected status of the officer routes for each role (see tests/test_access_matrix.py).
Officers use /me, never /officers/…; other officers' ids are probed in tests/officers/test_idor.py."""

import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.officers.models import Posting

READERS = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 403, "anonymous": 302}
STAFF = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 403, "officer": 403, "anonymous": 302}
# Actions that redirect back to the profile, flashing the form's errors.
STAFF_REDIRECT = {**STAFF, "admin": 302, "hr_clerk": 302, "street_hr": 302}


def _officer(world):
    return {"officer_id": world.officer.id}


def _open_posting(world):
    posting_id = db.session.scalar(sa.select(Posting.id).where(Posting.officer_id == world.officer.id))
    return {"posting_id": posting_id}


ROUTES = {
    "officers.directory": {"params": lambda world: {}, "GET": READERS},
    "officers.occupancy": {"params": lambda world: {}, "GET": READERS},
    "officers.profile": {"params": _officer, "GET": READERS},
    "officers.new": {"params": lambda world: {}, "GET": STAFF, "POST": STAFF},
    # An empty POST re-renders the form with "required" errors (200) and saves nothing.
    "officers.edit": {"params": _officer, "GET": STAFF, "POST": STAFF},
    "officers.history": {"params": _officer, "GET": STAFF},
    "officers.reveal_id": {"params": _officer, "POST": STAFF},
    # An empty POST re-renders the form with "required" errors and changes nothing.
    "officers.correct_id": {"params": _officer, "GET": STAFF, "POST": STAFF},
    "officers.deactivate": {"params": _officer, "POST": STAFF_REDIRECT},
    "officers.add_posting": {"params": _officer, "POST": STAFF_REDIRECT},
    "officers.end_posting": {"params": _open_posting, "POST": STAFF_REDIRECT},
    "officers.export": {"params": lambda world: {"fmt": "xlsx"}, "GET": STAFF},
    "officers.export_for_editing": {"params": lambda world: {"fmt": "csv"}, "GET": STAFF},
    "officers.import_template": {"params": lambda world: {"fmt": "csv"}, "GET": STAFF},
    "officers.import_officers": {"params": lambda world: {}, "GET": STAFF, "POST": STAFF},
}
