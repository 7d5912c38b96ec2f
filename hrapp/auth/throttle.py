"""Login throttling: slow down password guessing without locking the owner out.

Every attempt is recorded in `login_attempts` by username as typed and client. The policy:

* Per account and client: the first `free_failures` wrong passwords cost nothing; after that the
  client must wait `backoff_seconds`, doubled with each further failure, at most
  `backoff_max_seconds`, counted since that client's last success on the account (24 hours back
  at most). A client is the browser's device cookie when it carries one from a past successful
  login to this account, otherwise its IP address. So a guesser slows only itself: the owner
  still logs in from another client, and from their usual browser even when the guesser shares
  the office's IP address.
* Per account, against guessing from many addresses: once `account_failures_per_hour` wrong
  passwords came from clients without a device cookie of the account within the last hour, such
  clients are refused for that account until the hour's count falls; browsers with the account's
  device cookie are not affected.
* Only wrong passwords count; a refused attempt does not extend the wait (it tried nothing).

Unknown usernames go through the same counting, so the throttle reveals nothing about which
accounts exist. Spraying one password over many accounts from one address is left to the per-IP
rate limit of the login form (LOGIN_RATE_LIMIT).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from hrapp.auth.models import LoginAttempt
from hrapp.extensions import db

HISTORY = dt.timedelta(hours=24)
ACCOUNT_WINDOW = dt.timedelta(hours=1)
SUCCESS, FAILURE, REFUSED = "success", "failure", "refused"


@dataclasses.dataclass(frozen=True)
class LoginPolicy:
    free_failures: int = 5
    backoff_seconds: int = 15
    backoff_max_seconds: int = 900
    account_failures_per_hour: int = 50

    @classmethod
    def from_config(cls, config) -> LoginPolicy:
        return cls(
            free_failures=config["LOGIN_FREE_FAILURES"],
            backoff_seconds=config["LOGIN_BACKOFF_SECONDS"],
            backoff_max_seconds=config["LOGIN_BACKOFF_MAX_SECONDS"],
            account_failures_per_hour=config["LOGIN_ACCOUNT_FAILURES_PER_HOUR"],
        )

    def wait_after(self, failures: int) -> dt.timedelta:
        """The pause a client owes after `failures` wrong passwords in a row."""
        if failures < self.free_failures:
            return dt.timedelta(0)
        doublings = min(failures - self.free_failures, 32)
        return dt.timedelta(seconds=min(self.backoff_seconds * 2**doublings, self.backoff_max_seconds))


def _client_condition(client: str, device: str | None):
    if device:
        return LoginAttempt.device == device
    return sa.and_(LoginAttempt.client == client, LoginAttempt.device.is_(None))


def is_throttled(username: str, *, client: str, device: str | None, policy: LoginPolicy, now: dt.datetime) -> bool:
    """Whether this client must not try a password on `username` now (see the module docstring)."""
    mine = sa.and_(LoginAttempt.username == username, _client_condition(client, device))
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(
            mine, LoginAttempt.outcome == SUCCESS, LoginAttempt.at > now - HISTORY
        )
    )
    since = max(filter(None, (last_success, now - HISTORY)))
    failures, last_failure = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.at)).where(
            mine, LoginAttempt.outcome == FAILURE, LoginAttempt.at > since
        )
    ).one()
    if failures and now < last_failure + policy.wait_after(failures):
        return True
    if device:
        return False
    from_strangers = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginAttempt.username == username,
            LoginAttempt.device.is_(None),
            LoginAttempt.outcome == FAILURE,
            LoginAttempt.at > now - ACCOUNT_WINDOW,
        )
    )
    return from_strangers >= policy.account_failures_per_hour


def record(username: str, *, client: str, device: str | None, outcome: str, now: dt.datetime) -> None:
    db.session.add(LoginAttempt(at=now, username=username, client=client, device=device, outcome=outcome))
    db.session.flush()


def attacked_accounts(*, since: dt.datetime, limit: int = 100) -> list:
    """Usernames with wrong passwords since `since`, most failures first: rows of (username,
    exists, failures, refused, successes, clients, last_at)."""
    from hrapp.auth.models import User

    failed = sa.func.sum(sa.case((LoginAttempt.outcome == FAILURE, 1), else_=0))
    stmt = (
        sa.select(
            LoginAttempt.username,
            sa.func.max(User.id).is_not(None).label("exists"),
            failed.label("failures"),
            sa.func.sum(sa.case((LoginAttempt.outcome == REFUSED, 1), else_=0)).label("refused"),
            sa.func.sum(sa.case((LoginAttempt.outcome == SUCCESS, 1), else_=0)).label("successes"),
            sa.func.count(sa.distinct(LoginAttempt.client)).label("clients"),
            sa.func.max(LoginAttempt.at).label("last_at"),
        )
        .outerjoin(User, User.username == LoginAttempt.username)
        .where(LoginAttempt.at > since)
        .group_by(LoginAttempt.username)
        .having(failed > 0)
        .order_by(failed.desc(), sa.func.max(LoginAttempt.at).desc())
        .limit(limit)
    )
    return db.session.execute(stmt).all()


def attempts_on(username: str, *, since: dt.datetime, limit: int = 200) -> list[LoginAttempt]:
    stmt = (
        sa.select(LoginAttempt)
        .where(LoginAttempt.username == username, LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def forget_before(moment: dt.datetime) -> int:
    """Delete attempts older than `moment`; returns how many."""
    return db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < moment)).rowcount
