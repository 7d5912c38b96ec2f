"""`python -m bench.load --database sqlite|postgresql [--users 32] [--seconds 60]`: one load run,
its figures printed; the exit status is 1 when a target is missed."""

from __future__ import annotations

import argparse
import sys
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
    options = parser.parse_args(argv)
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
    return 0 if all(figure.ok for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
