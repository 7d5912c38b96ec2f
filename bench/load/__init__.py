"""The load test: gunicorn with 2 workers on loopback, 32 locust users for 60 s (HR directory
searches and profiles, officers' own pages, API case batches) while a case import runs in the
background. `python -m bench.load --database sqlite|postgresql`; `run()` returns `Figure`s."""

from __future__ import annotations


def run(database: str = "sqlite", **options):
    from bench.load.runner import run as run_load

    return run_load(database, **options)
