"""Scheduled integrity work and its notifications: once per period, and never telling an officer
of a check that is not closed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.extensions import db
from hrapp.integrity import followup, jobs
from hrapp.integrity.models import Draw
from hrapp.notifications.models import Notification
from tests.integrity import helpers


def _notices(kind: str) -> list[tuple[int, str]]:
    with force_locale("zh_CN"):
        return sorted(
            (n.user_id, n.text) for n in db.session.scalars(sa.select(Notification).where(Notification.kind == kind))
        )


def test_rectification_reminders_reach_the_owner_only_once_the_check_is_closed(app, world, monkeypatch):
    monkeypatch.setattr(jobs, "today", lambda: dt.date(2025, 6, 10))
    open_check = helpers.submitted_check(world)
    followup.create_rectification(
        open_check,
        {"notice_no": "ZG-OPEN", "owner_officer_id": world.officer.id, "deadline": dt.date(2025, 6, 12)},
        world.inspector,
    )
    closed = helpers.closed_check(world, started=dt.datetime(2025, 5, 20, 1, 0))
    followup.create_rectification(
        closed,
        {"notice_no": "ZG-SHUT", "owner_officer_id": world.officer.id, "deadline": dt.date(2025, 6, 12)},
        world.inspector,
    )
    db.session.commit()

    jobs.rectification_deadlines(app)
    db.session.commit()
    again = jobs.rectification_deadlines(app)

    told = _notices("rectification")
    assert [user for user, _text in told] == [world.officer_user.id]
    assert "ZG-SHUT" in told[0][1] and "ZG-OPEN" not in " ".join(text for _u, text in told)
    assert again["notifications"] == 0


def test_an_overdue_notice_is_marked_and_told_to_inspectors(app, world, monkeypatch):
    monkeypatch.setattr(jobs, "today", lambda: dt.date(2025, 7, 1))
    check = helpers.submitted_check(world)
    followup.create_rectification(
        check,
        {"notice_no": "ZG-LATE", "owner_officer_id": world.officer.id, "deadline": dt.date(2025, 6, 20)},
        world.inspector,
    )
    db.session.commit()

    result = jobs.rectification_deadlines(app)

    assert result["overdue"] == 1
    told = _notices("rectification")
    inspectors = sorted(ci.user_id for ci in check.inspectors)
    assert [user for user, _text in told] == inspectors  # the open check stays hidden from the owner
    assert "ZG-LATE" in told[0][1] and "逾期" in told[0][1]


def test_the_monthly_draw_runs_once_per_month_and_tells_inspectors(app, world, monkeypatch):
    monkeypatch.setattr(jobs, "today", lambda: dt.date(2025, 6, 25))

    first = jobs.monthly_draw(app)
    db.session.commit()
    second = jobs.monthly_draw(app)

    draws = db.session.scalars(sa.select(Draw)).all()
    assert (
        len(draws) == 1 and draws[0].period_start == dt.date(2025, 7, 1) and draws[0].period_end == dt.date(2025, 7, 31)
    )
    assert first["drawn"] == len(draws[0].picks) > 0 and second == {"drawn": 0}
    assert [user for user, _text in _notices("draw")] == [world.inspector.id]


def test_a_decided_appeal_is_told_to_the_appellant(world):
    check = helpers.closed_check(world)
    appeal = followup.file_appeal(check, "不服", world.officer_user)
    followup.decide_appeal(appeal, {"outcome": "upheld", "decision_note": "经复核"}, world.inspector)

    told = _notices("appeal")
    assert [user for user, _text in told] == [world.officer_user.id]
    assert check.number in told[0][1] and "维持" in told[0][1]
