"""The load mix, for `locust --headless` (started by `python -m bench.load`).

HR staff search the officer directory and open profiles; officers open their own pages; the
dispatch platform posts case batches to the API. Users are locust's FastHttpUser (geventhttpclient),
lighter on the shared CPU than the requests-based one. Each web user logs in once (argon2 is costly
on purpose) and keeps its session; the measured LOAD_SECONDS start when every user is logged in.
LOAD_PLAN names the JSON file `bench.load.prepare.plan` wrote; every request's name, time and
outcome is written to LOAD_SAMPLES for exact percentiles.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser as HttpUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_SAMPLES: list[tuple[str, str, float, int, str, float]] = []  # phase, name, ms, status, error, start
_officers = itertools.count()
_tokens = itertools.count()


_ready = [0]  # users done with on_start (logged in)
_window: dict[str, float] = {}  # the measured window: starts once every user is logged in


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    phase = "measured" if "start" in _window and "end" not in _window else "ramp"
    error = repr(exception) if exception else ""
    _SAMPLES.append((phase, name, response_time, status, error, round(time.time() - response_time / 1000, 3)))


@events.spawning_complete.add_listener
def _measure(user_count, **kwargs):
    """Start the measured LOAD_SECONDS when every user has logged in, then stop the run."""
    import gevent

    environment = kwargs.get("environment") or _environment[0]

    def window():
        deadline = time.monotonic() + 120
        while _ready[0] < user_count and time.monotonic() < deadline:
            gevent.sleep(0.2)
        _window["start"] = time.time()
        gevent.sleep(float(os.environ.get("LOAD_SECONDS", "60")))
        _window["end"] = time.time()
        environment.runner.quit()

    gevent.spawn(window)


_environment: list = []


@events.init.add_listener
def _keep(environment, **kwargs):
    _environment.append(environment)


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8") as handle:
        json.dump({"window": _window, "samples": _SAMPLES}, handle)


def _login(user: HttpUser, username: str) -> None:
    page = user.client.get("/login", name="login form")
    match = CSRF.search(page.text or "")
    data = {"username": username, "password": PLAN["password"]}
    if match:
        data["csrf_token"] = match.group(1)
    with user.client.post(
        "/login",
        data=urlencode(data),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        name="login",
        allow_redirects=False,
        catch_response=True,
    ) as answer:
        if answer.status_code != 302:
            answer.failure(f"login as {username}: HTTP {answer.status_code}")
    _ready[0] += 1


class _Web(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)

    def get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")


class HrClerk(_Web):
    """The district HR clerk (or the administrator): directory searches and officer profiles."""

    weight = 4

    def on_start(self) -> None:
        _login(self, random.choice(PLAN["hr_users"]))

    @task(3)
    def search(self) -> None:
        term = random.choice(PLAN["search_terms"])
        page = random.choice(["", "&page=2"])
        self.get(f"/officers/?q={term}{page}", "directory search")

    @task(1)
    def browse(self) -> None:
        self.get(f"/officers/?page={random.randint(1, 30)}", "directory page")

    @task(3)
    def profile(self) -> None:
        self.get(f"/officers/{random.choice(PLAN['officer_ids'])}", "officer profile")


class Officer(_Web):
    """A grid officer on their own pages."""

    weight = 3

    def on_start(self) -> None:
        users = PLAN["officer_users"]
        username, self.officer_id = users[next(_officers) % len(users)]
        _login(self, username)

    @task(2)
    def home(self) -> None:
        self.get("/", "me: home")

    @task(2)
    def profile(self) -> None:
        self.get("/me", "me: profile")

    @task(2)
    def workload(self) -> None:
        self.get("/workload/me", "me: workload")

    @task(1)
    def pay(self) -> None:
        self.get(f"/pay/officers/{self.officer_id}", "me: pay")


class Platform(HttpUser):
    """The dispatch platform: batches of new and changed cases, one token per client."""

    weight = 1
    wait_time = between(1, 2)

    def on_start(self) -> None:
        number = next(_tokens)
        self.token = PLAN["tokens"][number % len(PLAN["tokens"])]
        self.prefix = f"API{number:02d}-"
        self.sent: list[list[dict]] = []
        self.counter = 0
        _ready[0] += 1

    @task
    def post_batch(self) -> None:
        if self.sent and random.random() < 0.3:
            batch = random.choice(self.sent)  # the platform sends cases again as they change
        else:
            size = random.randint(20, 100)
            batch = []
            for item in random.sample(PLAN["api_items"], size):
                self.counter += 1
                batch.append({**item, "external_id": f"{self.prefix}{self.counter:07d}"})
            self.sent.append(batch)
        with self.client.post(
            "/api/v1/cases",
            json={"cases": batch},
            headers={"Authorization": f"Bearer {self.token}"},
            name="api: case batch",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}: {answer.text[:200]}")
            elif answer.json().get("rejected"):
                answer.failure(f"{answer.json()['rejected']} items rejected")
