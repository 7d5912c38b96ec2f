"""`python -m bench.load --database sqlite|postgresql [--users 32] [--seconds 60]`: one load run,
its figures printed; the exit status is 1 when a target is missed."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.load.runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--import-rows", type=int, default=200_000, help="rows per background import file")
    parser.add_argument("--no-import", action="store_true", help="without the background import (for comparison)")
    parser.add_argument("--import-nice", type=int, default=0, help="CPU niceness of the background import")
    parser.add_argument("--pg-url", help="PostgreSQL URL (default BENCH_LOAD_PG_URL, else the hrapp_load database)")
    parser.add_argument("--json", type=Path, help="also write the raw result here")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.json and RESULTS.md")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    figures = run(
        options.database,
        users=options.users,
        seconds=options.seconds,
        import_rows=options.import_rows,
        background_import=not options.no_import,
        import_nice=options.import_nice,
        pg_url=options.pg_url,
        keep=options.json,
    )
    for figure in figures:
        print(figure.line())
    if not options.no_write:
        _record(options.database, figures, time.perf_counter() - started)
    return 0 if all(figure.ok for figure in figures) else 1


def _record(database: str, figures: list, seconds: float) -> None:
    """The run's figures join bench/results.json and RESULTS.md as the module `load_<database>`,
    beside the other benchmarks' (whatever profile those were taken at)."""
    import contextlib
    import datetime as dt
    import json

    from bench.__main__ import RESULTS_JSON, commit, machine, write_results

    previous = {}
    if RESULTS_JSON.exists():
        with contextlib.suppress(ValueError):
            previous = json.loads(RESULTS_JSON.read_text())
    profile = previous.get("profile", "city")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = {
        "figures": [figure.as_dict() for figure in figures],
        "notes": [f"gunicorn with 2 workers over the district demo data; {database}"],
        "ok": all(figure.ok for figure in figures),
        "seconds": round(seconds, 1),
        "date": now,
    }
    info = {"date": now, "commit": commit(), "machine": machine(), "data": previous.get("data", "")}
    write_results(profile, {f"load_{database}": result}, info)


if __name__ == "__main__":
    sys.exit(main())
