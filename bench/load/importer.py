"""The background case import of a load run, as the web starts it: a queued `workload.import_cases`
run over a kept upload, executed to its end as the worker does (`execute_run`: batches, one
transaction each, progress committed per batch). `python -m bench.load.importer FILE` prints a
JSON line: seconds, status, rows."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path


def main(path: str) -> int:
    from hrapp import create_app
    from hrapp.extensions import db
    from hrapp.tasks import services as tasks
    from hrapp.tasks.models import TaskRun
    from hrapp.workload.importing import default_source_system_id
    from hrapp.workload.tasks import IMPORT_CASES, upload_dir

    app = create_app()
    with app.app_context():
        name = f"load-{time.time_ns()}{Path(path).suffix}"
        shutil.copyfile(path, upload_dir() / name)
        params = {"upload": name, "filename": Path(path).name, "source_system_id": default_source_system_id(db.session)}
        run = tasks.start(IMPORT_CASES, params, acting=None)
        db.session.commit()
        started = time.perf_counter()
        tasks.execute_run(run.id)
        seconds = time.perf_counter() - started
        db.session.expire_all()
        run = db.session.get(TaskRun, run.id)
        print(json.dumps({"seconds": seconds, "status": run.status, "result": run.result, "error": run.error}))
        return 0 if run.status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
