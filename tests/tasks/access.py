"""Expected status of the background-work routes for each role (see tests/test_access_matrix.py).
A run is visible to whoever started it and to administrators; to anyone else it does not exist."""

from hrapp.extensions import db
from hrapp.tasks.models import TaskRun

EVERYONE = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 200, "anonymous": 302}
STARTER_AND_ADMIN = {
    "admin": 200,
    "hr_clerk": 200,
    "street_hr": 404,
    "inspector": 404,
    "officer": 404,
    "anonymous": 302,
}
ADMIN = {"admin": 200, "hr_clerk": 403, "street_hr": 403, "inspector": 403, "officer": 403, "anonymous": 302}
ADMIN_REDIRECT = {**ADMIN, "admin": 302}


def _run_of_hr(world):
    run = TaskRun(kind="jobs.run", params={"name": "certification.annual_steps"}, created_by_id=world.hr.id)
    db.session.add(run)
    db.session.flush()
    return {"run_id": run.id}


ROUTES = {
    "tasks.runs": {"params": lambda world: {}, "GET": EVERYONE},
    "tasks.run": {"params": _run_of_hr, "GET": STARTER_AND_ADMIN},
    "tasks.progress": {"params": _run_of_hr, "GET": STARTER_AND_ADMIN},
    "tasks.jobs": {"params": lambda world: {}, "GET": ADMIN},
    "tasks.run_job_now": {"params": lambda world: {"name": "officers.contract_end_reminders"}, "POST": ADMIN_REDIRECT},
}
