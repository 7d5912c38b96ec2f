"""Entry point of a worker process: `celery -A hrapp.tasks.worker worker`.

Configured from the same environment as the web workers (HRAPP_CONFIG, DATABASE_URL,
CELERY_BROKER_URL); any number of workers on any number of machines may consume the same broker.
"""

from hrapp import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
