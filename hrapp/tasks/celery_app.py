"""The Celery application, bound to a Flask app the way Flask's documentation describes.

Broker: Redis in production and CI (`CELERY_BROKER_URL=redis://…`); the embedded default is
Celery's SQLAlchemy transport on a SQLite file under instance/, so `make run` needs no server.
Results are not kept by Celery: a task's progress and result live in its `TaskRun` row.
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        # A task is acknowledged when it ends, so work lost with a killed worker is delivered again;
        # TaskRun's lease keeps a redelivered task from running twice at once.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options=app.config.get("CELERY_TRANSPORT_OPTIONS", {}),
        timezone="Asia/Shanghai",
    )
    celery.set_default()
    app.extensions["celery"] = celery

    from hrapp.tasks import services

    services.bind(celery, app)
    return celery
