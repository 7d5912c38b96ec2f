"""Notifications: created once per key, shown to their owner only, translated for the reader; the
reminder jobs tell the right people once."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hrapp.certification.jobs import training_hours_reminders
from hrapp.extensions import db
from hrapp.notifications.models import Notification
from hrapp.notifications.services import notify, unread_count
from hrapp.officers.jobs import contract_end_reminders
from hrapp.training.jobs import certificate_reminders
from tests.certification import helpers


def _recipients(kind: str) -> set[str]:
    from hrapp.auth.models import User

    return set(
        db.session.scalars(
            sa.select(User.username)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.kind == kind)
        )
    )


def test_notify_stores_a_keyed_notification_once_per_user(world):
    assert notify([world.hr.id, world.admin.id], kind="x", message="Hello", key="k1") == 2
    assert notify([world.hr.id, world.admin.id], kind="x", message="Hello", key="k1") == 0
    assert notify([world.hr.id], kind="x", message="Hello") == 1
    assert notify([world.hr.id], kind="x", message="Hello") == 1  # unkeyed: not deduplicated
    db.session.commit()
    assert unread_count(world.hr) == 3


def test_contract_reminders_reach_the_officer_and_hr_of_their_street_once(world, app, monkeypatch):
    monkeypatch.setattr("hrapp.officers.jobs.today", lambda: dt.date(2026, 11, 30))
    world.officer.contract_end = dt.date(2027, 1, 15)  # within 60 days
    world.stranger.contract_end = dt.date(2027, 6, 30)  # not yet
    db.session.commit()

    first = contract_end_reminders(app)
    db.session.commit()
    again = contract_end_reminders(app)

    assert first == {"officers": 1, "notifications": 3}
    assert again == {"officers": 1, "notifications": 0}
    assert _recipients("contract") == {"hr", "street_hr", "officer"}


def test_hr_of_another_street_is_not_told(world, app, monkeypatch):
    monkeypatch.setattr("hrapp.officers.jobs.today", lambda: dt.date(2026, 11, 30))
    world.stranger.contract_end = dt.date(2027, 1, 10)
    db.session.commit()

    contract_end_reminders(app)

    assert _recipients("contract") == {"hr"}  # district-wide HR; street_hr manages another street


def test_certificate_reminders_name_the_certificate_once(world, app, monkeypatch):
    monkeypatch.setattr("hrapp.core.db.today", lambda: dt.date(2026, 11, 30))
    course = helpers.course()
    session = helpers.session(course, dt.date(2024, 12, 1))
    attendance = helpers.attend(world.officer, session, hours=8, expires=dt.date(2027, 1, 20))
    helpers.attend(world.colleague, session, hours=8, expires=dt.date(2028, 1, 20))  # not yet
    db.session.commit()

    assert certificate_reminders(app)["notifications"] == 3
    db.session.commit()
    assert certificate_reminders(app)["notifications"] == 0
    notice = db.session.scalar(sa.select(Notification).where(Notification.kind == "certificate").limit(1))
    assert attendance.certificate_no in notice.text and "2027-01-20" in notice.text


def test_training_reminders_list_officers_below_their_hours(world, app, monkeypatch):
    monkeypatch.setattr("hrapp.core.db.today", lambda: dt.date(2026, 9, 1))
    helpers.history(world.officer, ("junior", dt.date(2020, 1, 1)))
    helpers.history(world.colleague, ("junior", dt.date(2020, 1, 1)))
    course = helpers.course(hours=40)
    helpers.attend(world.colleague, helpers.session(course, dt.date(2026, 3, 1)), hours=40)
    db.session.commit()

    result = training_hours_reminders(app)

    assert result["officers"] == 1
    notice = db.session.scalar(sa.select(Notification).where(Notification.kind == "training").limit(1))
    assert world.officer.name in notice.text and "0" in notice.text and "40" in notice.text


def test_the_list_shows_only_the_users_own_notifications_in_their_language(world, as_role):
    notify(
        [world.officer_user.id],
        kind="x",
        message="The contract of %(name)s ends on %(date)s.",
        params={"name": "张三", "date": "2027-01-15"},
        link="/me",
        key="mine",
    )
    notify(
        [world.hr.id],
        kind="x",
        message="The contract of %(name)s ends on %(date)s.",
        params={"name": "王五", "date": "2027-02-01"},
        key="theirs",
    )
    db.session.commit()

    page = as_role("officer").get("/notifications").get_data(as_text=True)

    assert "张三" in page and "王五" not in page
    assert "2027-01-15" in page and "合同" in page  # shown in Chinese


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, as_role):
    notify([world.officer_user.id], kind="x", message="Hello", link="/me", key="open")
    db.session.commit()
    notice_id = db.session.scalar(sa.select(Notification.id))
    client = as_role("officer")

    response = client.post(f"/notifications/{notice_id}/open")

    assert response.status_code == 302 and response.headers["Location"] == "/me"
    db.session.expire_all()
    assert db.session.get(Notification, notice_id).read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/notifications").get_data(as_text=True)


def test_a_stored_outside_link_is_not_followed(world, as_role):
    notify([world.officer_user.id], kind="x", message="Hello", link="//evil.example/", key="evil")
    db.session.commit()
    notice_id = db.session.scalar(sa.select(Notification.id))

    response = as_role("officer").post(f"/notifications/{notice_id}/open")

    assert response.headers["Location"] == "/notifications"


def test_the_unread_count_shows_in_the_navigation(world, as_role):
    notify([world.hr.id], kind="x", message="Hello", key="a")
    notify([world.hr.id], kind="x", message="Hello", key="b")
    db.session.commit()

    page = as_role("hr_clerk").get("/notifications").get_data(as_text=True)

    assert 'data-testid="unread-count">2<' in page
    as_role("hr_clerk").post("/notifications/read-all")
    assert 'data-testid="unread-count"' not in as_role("hr_clerk").get("/notifications").get_data(as_text=True)
