"""`python -m bench [--profile city] [module …]`: run the benchmark modules (bench/bench_*.py).

Each module's `run()` returns `Figure`s (bench/results.py) and plain strings (printed as notes; a
string starting with FAIL fails the run). The figures are printed as a table and written to
bench/results.json and bench/RESULTS.md with the machine, the date and the commit. A run of some
modules replaces those modules' entries and keeps the others'.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench.results import Figure

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"


def _output(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _postgresql_version() -> str:
    for name in ("BENCH_DATABASE_URL", "BENCH_PG_URL", "DATABASE_URL", "TEST_DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            try:
                import sqlalchemy as sa

                engine = sa.create_engine(url)
                with engine.connect() as connection:
                    version = connection.exec_driver_sql("SHOW server_version").scalar()
                engine.dispose()
                return f"PostgreSQL {version}"
            except Exception:  # noqa: BLE001 (a version line is not worth failing the run)
                pass
    return _output("psql", "--version") or _output("postgres", "--version") or "not found"


def machine() -> dict:
    cpu = ""
    memory_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgresql_version(),
        "load_average_at_start": [round(value, 2) for value in load] if load else None,
    }


def commit() -> str:
    if os.environ.get("BENCH_COMMIT"):  # a run from an exported copy of the tree names its commit
        return os.environ["BENCH_COMMIT"]
    sha = _output("git", "rev-parse", "--short", "HEAD")
    dirty = _output("git", "status", "--porcelain", "--untracked-files=no")
    return f"{sha}{' (modified)' if dirty else ''}" if sha else "unknown"


def _cell(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def table(figures: list[dict]) -> list[str]:
    """Markdown rows of figures (as dicts from Figure.as_dict)."""
    rows = [
        "| figure | value | floor | ratio | target | ok |",
        "|---|---:|---:|---:|---|---|",
    ]
    for figure in figures:
        ratio = f"×{figure['ratio']:.2f}" if figure.get("ratio") else ""
        name = figure["name"] + (f" — {figure['detail']}" if figure.get("detail") else "")
        rows.append(
            f"| {name} | {_cell(figure['value'], figure['unit'])} | {_cell(figure.get('floor'), figure['unit'])} "
            f"| {ratio} | {figure.get('target', '')} | {'ok' if figure['ok'] else '**FAIL**'} |"
        )
    return rows


def run_module(name: str) -> dict:
    print(f"== {name}", flush=True)
    started = time.perf_counter()
    figures, notes, failed = [], [], False
    try:
        module = importlib.import_module(f"bench.{name}")
        for item in module.run():
            if isinstance(item, Figure):
                figures.append(item.as_dict())
                failed = failed or not item.ok
                print(f"  {item.line()}", flush=True)
            else:
                notes.append(str(item))
                failed = failed or str(item).startswith("FAIL")
                print(f"  {item}", flush=True)
    except Exception:  # noqa: BLE001 (one broken module must not hide the others' figures)
        notes.append("FAIL " + traceback.format_exc().strip().splitlines()[-1])
        traceback.print_exc()
        failed = True
    return {
        "figures": figures,
        "notes": notes,
        "ok": not failed,
        "seconds": round(time.perf_counter() - started, 1),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def write_results(profile: str, results: dict[str, dict], info: dict) -> None:
    previous = {}
    if RESULTS_JSON.exists():
        try:
            previous = json.loads(RESULTS_JSON.read_text())
        except ValueError:
            previous = {}
    modules = previous.get("modules", {}) if previous.get("profile") == profile else {}
    modules.update(results)
    document = {**info, "profile": profile, "modules": dict(sorted(modules.items()))}
    RESULTS_JSON.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")

    m = info["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python -m bench --profile {profile}`) on {info['date']} at commit "
        f"`{info['commit']}`. Each figure stands beside its floor: the same work done bare (the page's own "
        "SQL statements replayed on the raw connection, the bare SQL aggregate…) measured in the same run on "
        "the same data; the ratio is figure ÷ floor.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['os']}",
        f"- Python {m['python']}, SQLite {m['sqlite']}, {m['postgresql']}",
        f"- Load average when the run started: {m['load_average_at_start']} (the machine is shared: figures "
        "taken while other work ran are noisier; ratios are measured side by side and hold better)",
        f"- Data: the `{profile}` profile of bench/generate.py" + (f" — {info['data']}" if info.get("data") else ""),
        "",
    ]
    for name, result in document["modules"].items():
        lines += [f"## {name}", "", f"{result['date']}, {result['seconds']} s, {'ok' if result['ok'] else 'FAIL'}", ""]
        if result["figures"]:
            lines += table(result["figures"]) + [""]
        lines += [f"- {note}" for note in result["notes"]]
        if result["notes"]:
            lines.append("")
    RESULTS_MD.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default=os.environ.get("BENCH_PROFILE", "city"))
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.json and RESULTS.md")
    parser.add_argument("modules", nargs="*", help="bench_directory or directory … (default: every module)")
    args = parser.parse_args(argv)
    os.environ["BENCH_PROFILE"] = args.profile

    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    selected = [name if name.startswith("bench_") else f"bench_{name}" for name in args.modules]
    unknown = [name for name in selected if name not in names]
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (have {', '.join(names)})")
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "machine": machine(),
    }

    from bench.data import build_database, build_seconds

    started = time.perf_counter()
    build_database(args.profile)
    built = build_seconds(args.profile)
    info["data"] = f"ready in {time.perf_counter() - started:.0f} s" + (
        f"; generated in {built:.0f} s (once per schema, then cached)" if built else ""
    )
    results = {name: run_module(name) for name in names if not selected or name in selected}

    figures = [figure for result in results.values() for figure in result["figures"]]
    print()
    print("\n".join(table(figures)))
    if not args.no_write:
        write_results(args.profile, results, info)
        print(f"\nwrote {RESULTS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")
    return 0 if all(result["ok"] for result in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
