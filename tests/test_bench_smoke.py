"""The benchmarks cannot rot: the scale-data generator builds a small database, deterministically,
and a benchmark module runs against it and returns figures beside their floors."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from bench import data
from bench.results import Figure

ON = dt.date(2026, 6, 15)


def _counts(url: str) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            for table in ("officers", "grids", "postings", "cases", "work_records", "integrity_checks", "assessments")
        }
        counts["digest"] = connection.exec_driver_sql(
            "SELECT sum(handler_id), count(DISTINCT status), min(reported_at), max(deadline_at) FROM cases"
        ).one()
        counts["tiers"] = connection.exec_driver_sql("SELECT count(*), sum(step) FROM tier_records").one()
    engine.dispose()
    return counts


@pytest.fixture()
def bench_out(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "OUT", tmp_path)
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("BENCH_PROFILE", "tiny")
    return tmp_path


def test_generator_builds_the_profile_deterministically(bench_out):
    from bench.generate import PROFILES

    profile = PROFILES["tiny"]
    # The cached file: built once under bench/out by profile, seed and schema, then reused.
    first = data.build_database("tiny", seed=5, on=ON)
    assert first.endswith(f"tiny-5-{data.schema_fingerprint()}.sqlite")
    assert data.build_database("tiny", seed=5, on=ON) == first
    assert not list(bench_out.glob("*.building*"))
    second = data.build_database("tiny", seed=5, on=ON, url=f"sqlite:///{bench_out / 'again.sqlite'}")
    counts = _counts(first)
    assert counts["officers"] == profile.officers and counts["grids"] == profile.grids
    assert counts["postings"] >= profile.officers
    assert counts["cases"] == profile.cases
    # A year of working days (about 250, less one in 25 away) for every officer.
    assert 200 * profile.officers < counts["work_records"] < 260 * profile.officers
    assert counts["integrity_checks"] >= profile.checks * 0.7
    assert counts["assessments"] > 0
    assert counts == _counts(second)  # same seed and date, same rows


def test_a_list_page_benchmark_returns_figures_beside_their_floor(bench_out, monkeypatch):
    from bench import bench_directory

    monkeypatch.setattr(bench_directory, "REPEAT", 3)
    data.build_database("tiny")
    figures = [item for item in bench_directory.run() if isinstance(item, Figure)]
    pages = [figure for figure in figures if figure.unit == "ms"]
    assert len(pages) == 12  # six scenarios, median and p95
    assert all(figure.value > 0 and figure.floor and figure.floor > 0 and figure.ratio for figure in pages)
    statements = next(figure for figure in figures if figure.unit == "statements")
    assert statements.ok, statements.detail
    assert {"name", "value", "floor", "ratio", "ok", "target"} <= set(pages[0].as_dict())
