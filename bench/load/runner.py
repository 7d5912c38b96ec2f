"""One load run: gunicorn (2 workers) on a free loopback port over a prepared database, a case
import repeating in the background, locust headless for the measured time; then the figures."""

from __future__ import annotations

import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.load import prepare
from bench.results import Figure

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
P99_LIMIT_MS = 300
LOGIN = ("login", "login form")  # once per user, argon2 on purpose: reported, not in the p99 target
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/hrapp_load"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start-up; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


class ImportLoop(threading.Thread):
    """The web's background case import (`bench.load.importer`), file after file, until stopped;
    the one in flight finishes."""

    def __init__(self, files: list[str], env: dict, log: Path, nice: int = 0):
        super().__init__(daemon=True)
        self.files, self.env, self.log, self.nice = files, env, log, nice
        self.stopping = threading.Event()
        self.runs: list[dict] = []

    def run(self) -> None:
        number = 0
        with open(self.log, "a", encoding="utf-8") as log:
            while not self.stopping.is_set():
                path = self.files[number % len(self.files)]
                number += 1
                started = time.perf_counter()
                cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                done = subprocess.run(
                    ["nice", "-n", str(self.nice), sys.executable, "-m", "bench.load.importer", path],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
                log.write(done.stdout)
                last = (done.stdout.strip().splitlines() or [""])[-1]
                try:
                    outcome = json.loads(last)
                except ValueError:
                    outcome = {"error": last}
                self.runs.append(
                    {"file": Path(path).name, "seconds": time.perf_counter() - started, "rc": done.returncode,
                     "cpu_seconds": cpu, **outcome}
                )  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live children, from /proc (0 if gone)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    for number in pids:
        try:
            fields = Path(f"/proc/{number}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / tick, sum(values) / tick


class LockWatch(threading.Thread):
    """PostgreSQL: every half second, the sessions of the database waiting on a lock (the most at
    once, and what they ran); SQLite keeps no such view (its waits show as slow writes)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stopping = threading.Event()
        self.most = 0
        self.samples = 0
        self.waiting: dict[str, int] = {}

    def run(self) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        query = sa.text(
            "SELECT left(query, 120) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            while not self.stopping.wait(0.5):
                rows = connection.execute(query).scalars().all()
                self.samples += 1
                self.most = max(self.most, len(rows))
                for text in rows:
                    self.waiting[text] = self.waiting.get(text, 0) + 1
        engine.dispose()


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def summarise(samples: list, seconds: float, window: dict | None = None) -> dict:
    """Per request name and in all (logins apart): requests, failures, req/s, p50/p95/p99 over the
    measured window; logins (made while the users arrive, before the window) over the whole run.
    Failures are counted over the whole run."""
    names: dict[str, list] = {}
    ramp_failures: dict[str, int] = {}
    start, end = (window or {}).get("start"), (window or {}).get("end")
    for phase, name, elapsed, status, error, *started in samples:
        if started and start and end:
            # A request that started while the users were still logging in queued behind the logins:
            # the window counts the requests sent within it.
            phase = "measured" if start <= started[0] < end else "ramp"
        if phase == "measured" or name in LOGIN:
            names.setdefault(name, []).append((elapsed, status, error))
        elif error:
            ramp_failures[name] = ramp_failures.get(name, 0) + 1
    rows = {}
    for name, entries in sorted(names.items()):
        times = [entry[0] for entry in entries]
        failures = [entry for entry in entries if entry[2]]
        rows[name] = {
            "requests": len(entries),
            "failures": len(failures) + ramp_failures.get(name, 0),
            "statuses": sorted({entry[1] for entry in failures}),
            "first_error": failures[0][2][:300] if failures else "",
            "rps": len(entries) / seconds,
            "p50": _percentile(times, 0.50),
            "p95": _percentile(times, 0.95),
            "p99": _percentile(times, 0.99),
            "max": max(times),
        }
    measured = [entry[0] for name, entries in names.items() if name not in LOGIN for entry in entries]
    rows["all but login"] = {
        "requests": len(measured),
        "failures": sum(row["failures"] for name, row in rows.items() if name not in LOGIN)
        + sum(count for name, count in ramp_failures.items() if name not in rows),
        "rps": len(measured) / seconds,
        "p50": _percentile(measured, 0.50),
        "p95": _percentile(measured, 0.95),
        "p99": _percentile(measured, 0.99),
        "max": max(measured, default=0.0),
    }
    return rows


def run(database: str = "sqlite", *, users: int = 32, seconds: int = 60, import_rows: int = 200_000,
        import_files: int = 2, background_import: bool = True, import_nice: int = 0, pg_url: str | None = None,
        keep: Path | None = None) -> list[Figure]:  # fmt: skip
    """One run; `database` is sqlite or postgresql (BENCH_LOAD_PG_URL, else the hrapp_load database)."""
    if database == "sqlite":
        url = prepare.sqlite_database()
    elif database == "postgresql":
        url = prepare.postgresql_database(pg_url or os.environ.get("BENCH_LOAD_PG_URL") or DEFAULT_PG)
    else:
        raise ValueError(f"unknown database {database!r}: sqlite or postgresql")
    plan = prepare.plan(url, import_rows, import_files)
    work = Path(tempfile.mkdtemp(prefix=f"hrapp-load-{database}-"))
    (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    port = _free_port()
    env = {
        **os.environ,
        "HRAPP_CONFIG": "development",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "HRAPP_INSTANCE_DIR": str(work / "instance"),
        "FLASK_APP": "hrapp:create_app",
        # 32 people log in within seconds from one loopback address: the per-address login limit
        # would answer 429 to the simulated office; wrong passwords stay throttled per account.
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "PYTHONUNBUFFERED": "1",
    }
    server_log = work / "gunicorn.log"
    with open(server_log, "w", encoding="utf-8") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60",
             "hrapp:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    importer = ImportLoop(plan["import_files"], env, work / "import.log", import_nice)
    locks = LockWatch(url) if database == "postgresql" else None
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        if background_import:
            importer.start()
        if locks:
            locks.start()
        time.sleep(2)  # the import is reading its file when the users arrive
        server_cpu, machine = _cpu_seconds(server.pid), _machine_busy()
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
             "-r", str(max(1, users // 8)), "-t", f"{seconds + 180}s", "--host", f"http://127.0.0.1:{port}",
             "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "LOAD_PLAN": str(work / "plan.json"), "LOAD_SAMPLES": str(work / "samples.json"),
                 "LOAD_SECONDS": str(seconds)},
            capture_output=True, text=True,
        )  # fmt: skip
        (work / "locust.log").write_text(locust.stdout + locust.stderr, encoding="utf-8")
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        busy, total = (after - before for after, before in zip(_machine_busy(), machine, strict=True))
        importer.stopping.set()
        if background_import:
            importer.join(timeout=300)
    finally:
        importer.stopping.set()
        if locks:
            locks.stopping.set()
            locks.join(timeout=5)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    recorded = json.loads((work / "samples.json").read_text(encoding="utf-8"))
    window = recorded["window"]
    measured = window.get("end", 0) - window.get("start", 0)
    rows = summarise(recorded["samples"], measured or seconds, window)
    server_text = server_log.read_text(encoding="utf-8", errors="replace")
    import_log = work / "import.log"
    import_text = import_log.read_text(encoding="utf-8", errors="replace") if import_log.exists() else ""
    result = {
        "database": database,
        "users": users,
        "background_import": background_import,
        "import_nice": import_nice,
        "seconds": round(measured, 1),
        "requests": rows,
        "imports": importer.runs,
        "cpu": {
            "cores": os.cpu_count(),
            "machine_busy_share": busy / total if total else None,
            "server_cpu_seconds": server_cpu,
            "requests": len(recorded["samples"]),
            "import_cpu_seconds": sum(run.get("cpu_seconds", 0) for run in importer.runs),
            "import_wall_seconds": sum(run["seconds"] for run in importer.runs),
            "wall_seconds": total / (os.cpu_count() or 1),
        },
        "lock_waits": None
        if locks is None
        else {"most_at_once": locks.most, "samples": locks.samples, "statements": locks.waiting},
        "server_tracebacks": server_text.count("Traceback"),
        "database_locked": server_text.count("database is locked") + import_text.count("database is locked"),
        "work": str(work),
    }
    (work / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if keep:
        keep.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return figures(result)


def _lock_note(waits: dict | None) -> str:
    if waits is None:
        return ""
    return f", sessions waiting on a lock: at most {waits['most_at_once']} at once"


def _cpu_note(cpu: dict | None) -> str:
    if not cpu or not cpu.get("wall_seconds"):
        return ""
    wall = cpu["wall_seconds"]
    return (
        f"machine {cpu['machine_busy_share']:.0%} busy over {cpu['cores']} cores; gunicorn "
        f"{cpu['server_cpu_seconds'] / wall:.2f} cores, import "
        f"{cpu['import_cpu_seconds'] / (cpu['import_wall_seconds'] or 1):.2f} cores"
    )


def figures(result: dict) -> list[Figure]:
    database = result["database"]
    rows = result["requests"]
    overall = rows["all but login"]
    imports = result["imports"]
    failed_imports = [run for run in imports if run["rc"] != 0]
    errors = overall["failures"] + sum(rows[name]["failures"] for name in LOGIN if name in rows)
    errors += result["server_tracebacks"] + len(failed_imports)
    out = [
        Figure(
            f"load {database}: errors", errors, "errors", limit=1,
            detail=f"{result['users']} users, {result['seconds']} s; HTTP failures {overall['failures']}, "
            f"server tracebacks {result['server_tracebacks']}, 'database is locked' {result['database_locked']}, "
            f"failed imports {len(failed_imports)}{_lock_note(result.get('lock_waits'))}",
        ),
        Figure(
            f"load {database}: p99, all requests but login", overall["p99"], "ms", limit=P99_LIMIT_MS,
            detail=f"{overall['requests']} requests, {overall['rps']:.1f} req/s, p50 {overall['p50']:.0f} ms, "
            f"p95 {overall['p95']:.0f} ms, max {overall['max']:.0f} ms; {_cpu_note(result.get('cpu'))}",
        ),
    ]  # fmt: skip
    for name, row in rows.items():
        if name == "all but login":
            continue
        out.append(
            Figure(
                f"load {database}: {name} p99", row["p99"], "ms", limit=None if name in LOGIN else P99_LIMIT_MS,
                detail=f"{row['requests']} requests ({row['rps']:.1f}/s), {row['failures']} failed, "
                f"p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms",
            )
        )  # fmt: skip
    cpu = result.get("cpu") or {}
    if cpu.get("requests"):
        cost = cpu["server_cpu_seconds"] * 1000 / cpu["requests"]
        out.append(
            Figure(
                f"load {database}: gunicorn CPU per request", cost, "ms",
                detail=f"{cpu['requests']} requests, logins included; at this cost 2 idle cores serve "
                f"~{2000 / cost:.0f} requests/s, this run got {cpu['server_cpu_seconds'] / cpu['wall_seconds']:.2f} "
                f"cores for the server (machine {cpu['machine_busy_share']:.0%} busy)",
            )
        )  # fmt: skip
    done = [run for run in imports if run["rc"] == 0]
    out.append(
        Figure(
            f"load {database}: background case imports", len(done), "imports",
            detail="; ".join(f"{run['file']} {run['seconds']:.0f} s rc {run['rc']}" for run in imports),
        )
    )  # fmt: skip
    return out
