"""One timed case import in its own process (so its peak memory can be read by the parent):
`python -m bench.workload_import DATABASE_URL FILE` prints a JSON line of the figures."""

from __future__ import annotations

import json
import resource
import sys
import time


def main(url: str, path: str) -> None:
    from hrapp import create_app
    from hrapp.core.audit import reset_actor, set_actor
    from hrapp.core.staged_import import run_staged_import
    from hrapp.extensions import db
    from hrapp.workload.importing import case_import_spec, default_source_system_id

    app = create_app({"CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        token = set_actor(None, "bench")
        started = time.perf_counter()
        with open(path, "rb") as stream:
            report = run_staged_import(
                case_import_spec(default_source_system_id(db.session), db.session), stream, path, dry_run=False
            )
        db.session.commit()
        seconds = time.perf_counter() - started
        reset_actor(token)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": report.total,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": report.rejected,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
