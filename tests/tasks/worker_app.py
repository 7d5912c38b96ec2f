"""Worker entry point for the tests: the application's worker plus the tests' task kind."""

from hrapp.tasks.worker import celery, flask_app  # noqa: F401
from tests.tasks import sample_tasks  # noqa: F401
