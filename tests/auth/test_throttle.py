"""The login throttle: guessing gets slower and slower for the guessing client, the owner keeps
logging in, refusals give nothing away, and administrators see the accounts under attack."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from hrapp.auth import services, throttle
from hrapp.auth.models import LoginAttempt
from hrapp.auth.throttle import LoginPolicy
from hrapp.core.db import utcnow
from hrapp.extensions import db
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
REFUSAL = "Login failed. Check your username and password"


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(services, "utcnow", frozen)
    return frozen


def browser_at(app, address: str) -> IsolatedClient:
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
    return client


def log_in(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302


def comparable(page: str) -> str:
    """The page without its CSRF tokens, which carry the second they were made in."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)


def guess(client, username, times: int) -> None:
    for attempt in range(times):
        assert not logged_in(log_in(client, username, f"guess-{attempt}"))


# --- through the login form ---------------------------------------------------------------------


def test_five_wrong_passwords_do_not_lock_the_owner_out(app, world, clock):
    attacker = browser_at(app, ATTACKER)
    guess(attacker, "admin", 6)
    assert not logged_in(log_in(attacker, "admin")), "the guessing client is throttled, right password or not"
    assert logged_in(log_in(browser_at(app, OWNER), "admin")), "the administrator logs in from their own address"


def test_a_known_browser_logs_in_even_from_the_attackers_address(app, world, clock):
    owner = browser_at(app, ATTACKER)  # the same office, behind one NAT address
    assert logged_in(log_in(owner, "hr"))
    owner.post("/logout")
    guess(browser_at(app, ATTACKER), "hr", 6)
    assert logged_in(log_in(owner, "hr")), "the device cookie of a past login sets the owner apart"


def test_unknown_wrong_and_throttled_get_the_same_answer(app, world, clock):
    attacker = browser_at(app, ATTACKER)
    wrong = log_in(attacker, "hr", "wrong-password")
    unknown = log_in(attacker, "nobody", "wrong-password")
    guess(attacker, "hr", 6)
    throttled_right = log_in(attacker, "hr")
    throttled_wrong = log_in(attacker, "hr", "wrong-password")
    answers = {
        (response.status_code, comparable(response.get_data(as_text=True).replace("nobody", "hr")))
        for response in (wrong, unknown, throttled_right, throttled_wrong)
    }
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 200 and REFUSAL in body


def test_the_throttle_waits_grow_and_then_let_the_client_try_again(app, world, clock):
    attacker = browser_at(app, ATTACKER)
    guess(attacker, "hr", 5)
    assert not logged_in(log_in(attacker, "hr")), "the first pause"
    clock.advance(16)
    guess(attacker, "hr", 1)  # the sixth failure doubles the pause to 30 s
    clock.advance(16)
    assert not logged_in(log_in(attacker, "hr"))
    clock.advance(15)
    assert logged_in(log_in(attacker, "hr"))


def test_the_argon2_check_runs_for_unknown_wrong_and_throttled(app, world, clock, monkeypatch):
    checked = []
    verify = services._verify
    monkeypatch.setattr(
        services, "_verify", lambda hashed, password: checked.append(password) or verify(hashed, password)
    )
    attacker = browser_at(app, ATTACKER)
    guess(attacker, "hr", 5)
    log_in(attacker, "nobody", "unknown-user")
    log_in(attacker, "hr", "while-throttled")
    assert checked[-2:] == ["unknown-user", "while-throttled"]
    assert len(checked) == 7


def test_many_addresses_cannot_guess_without_limit(app, world, clock):
    policy_limit = app.config["LOGIN_ACCOUNT_FAILURES_PER_HOUR"]
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            LoginAttempt(at=now, username="hr", client=f"10.0.{n // 250}.{n % 250}", outcome="failure")
            for n in range(policy_limit)
        )
        db.session.commit()
    assert not logged_in(log_in(browser_at(app, OWNER), "hr")), "a new browser waits out the hour"
    clock.advance(3601)
    assert logged_in(log_in(browser_at(app, OWNER), "hr"))


def test_attempts_are_recorded_with_their_client(app, world, clock):
    guess(browser_at(app, ATTACKER), "hr", 1)
    log_in(browser_at(app, OWNER), "hr")
    rows = db.session.execute(sa.select(LoginAttempt.username, LoginAttempt.client, LoginAttempt.outcome)).all()
    assert sorted(rows) == sorted([("hr", ATTACKER, "failure"), ("hr", OWNER, "success")])


# --- the administrator's page --------------------------------------------------------------------


def test_the_admin_page_lists_attacked_accounts(app, world, as_role, clock):
    guess(browser_at(app, ATTACKER), "admin", 3)
    guess(browser_at(app, "192.0.2.1"), "admin", 1)
    guess(browser_at(app, ATTACKER), "nobody", 2)
    assert logged_in(log_in(browser_at(app, OWNER), "hr"))

    admin = as_role("admin")
    admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = admin.get("/admin/login-attempts").get_data(as_text=True)
    table = page[page.index('data-testid="attacked-accounts"') :]
    rows = table.split("<tr>")[2:]
    assert "admin</a>" in rows[0] and "Exists" in rows[0]
    counts = re.findall(r'class="text-end">(\d+)</td>', rows[0])
    assert counts == ["4", "0", "0", "2"], "wrong passwords, refused, successes, clients"
    assert "nobody</a>" in rows[1] and "No such user" in rows[1]
    assert ">hr</a>" not in table, "an account without failures is not listed"

    detail = admin.get("/admin/login-attempts?username=admin").get_data(as_text=True)
    assert detail.count(ATTACKER) == 3 and detail.count("192.0.2.1") == 1
    assert "Wrong password" in detail


def test_the_admin_page_with_an_odd_username_is_fine(world, as_role):
    admin = as_role("admin")
    for value in ("x" * 500, "' OR 1=1 --", "<script>", "%00"):
        assert admin.get("/admin/login-attempts", query_string={"username": value}).status_code == 200


# --- the policy ------------------------------------------------------------------------------------


def test_the_wait_doubles_after_the_free_failures_and_is_capped():
    policy = LoginPolicy(free_failures=5, backoff_seconds=15, backoff_max_seconds=900)
    waits = [policy.wait_after(n).total_seconds() for n in (0, 4, 5, 6, 7, 10, 11, 1000)]
    assert waits == [0, 0, 15, 30, 60, 480, 900, 900]


def test_a_success_forgives_that_clients_failures(world):
    policy = LoginPolicy(free_failures=2, backoff_seconds=60)
    start = utcnow()
    for second, outcome in enumerate(("failure", "failure", "success", "failure")):
        throttle.record("hr", client=ATTACKER, device=None, outcome=outcome, now=start + dt.timedelta(seconds=second))
    now = start + dt.timedelta(seconds=5)
    assert not throttle.is_throttled("hr", client=ATTACKER, device=None, policy=policy, now=now)
    throttle.record("hr", client=ATTACKER, device=None, outcome="failure", now=now)
    assert throttle.is_throttled("hr", client=ATTACKER, device=None, policy=policy, now=now)
    assert not throttle.is_throttled("hr", client=OWNER, device=None, policy=policy, now=now)
    assert not throttle.is_throttled("admin", client=ATTACKER, device=None, policy=policy, now=now)


def test_refusals_do_not_extend_the_wait(world):
    policy = LoginPolicy(free_failures=1, backoff_seconds=60)
    now = utcnow()
    throttle.record("hr", client=ATTACKER, device=None, outcome="failure", now=now)
    for second in range(1, 50):
        throttle.record("hr", client=ATTACKER, device=None, outcome="refused", now=now + dt.timedelta(seconds=second))
    later = now + dt.timedelta(seconds=61)
    assert not throttle.is_throttled("hr", client=ATTACKER, device=None, policy=policy, now=later)


def test_old_attempts_are_forgotten(world):
    now = utcnow()
    throttle.record("hr", client=ATTACKER, device=None, outcome="failure", now=now - dt.timedelta(days=40))
    throttle.record("hr", client=ATTACKER, device=None, outcome="failure", now=now)
    assert throttle.forget_before(now - dt.timedelta(days=30)) == 1
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 1


def test_the_nightly_job_forgets_attempts_older_than_the_kept_days(app, world):
    from hrapp.scheduler import JOBS, run_job

    now = utcnow()
    keep = dt.timedelta(days=app.config["LOGIN_ATTEMPTS_KEEP_DAYS"])
    throttle.record("hr", client=ATTACKER, device=None, outcome="failure", now=now - keep - dt.timedelta(hours=1))
    throttle.record("hr", client=ATTACKER, device=None, outcome="failure", now=now - keep + dt.timedelta(hours=1))
    db.session.commit()
    assert "auth.forget_old_login_attempts" in JOBS
    run_job(app, "auth.forget_old_login_attempts")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 1
