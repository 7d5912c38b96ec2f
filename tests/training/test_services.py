"""Training services (no HTTP): session attendance upserts and removals, the hire-date check and
the bulk attendance roster."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hrapp.errors import DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.training import services
from hrapp.training.models import Attendance
from tests.certification.helpers import ladder
from tests.training.helpers import course, session


@pytest.fixture(autouse=True)
def english_messages():
    """These tests match refusal messages by their English text; the default locale is zh_CN."""
    with force_locale("en"):
        yield


D = dt.date


def test_session_attendance_is_upserted_and_unticked_rows_removed(world):
    ladder()
    training = session(course("safety", 8, is_exam=True, pass_score=60), D(2025, 5, 1))
    entries = {world.officer.id: {"hours": 8, "exam_score": 55}, world.colleague.id: {"hours": 6, "exam_score": 80}}
    assert services.record_session_attendance(training, entries, acting=world.street_hr) == (2, 0, 0, 0)
    passed = dict(db.session.execute(sa.select(Attendance.officer_id, Attendance.passed)).all())
    assert passed == {world.officer.id: False, world.colleague.id: True}
    entries = {world.officer.id: {"hours": 8, "exam_score": 55}, world.colleague.id: None}
    with pytest.raises(services.RemovalNotConfirmed) as refused:
        services.record_session_attendance(training, entries, acting=world.street_hr)
    assert refused.value.officers == [world.colleague]
    assert services.record_session_attendance(
        training, entries, acting=world.street_hr, remove={world.colleague.id}
    ) == (0, 0, 1, 1)
    with pytest.raises(DomainError, match="100"):
        services.record_session_attendance(
            training, {world.officer.id: {"hours": 8, "exam_score": 120}}, acting=world.hr
        )
    with pytest.raises(PermissionDenied):
        services.record_session_attendance(training, {world.stranger.id: {"hours": 8}}, acting=world.street_hr)


def test_attendance_before_the_officers_hire_date_is_refused(world):
    training = session(course(), world.officer.hire_date - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="hired on 2018-03-01, after this session"):
        services.record_session_attendance(training, {world.officer.id: {"hours": 8}}, acting=world.hr)
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_the_bulk_attendance_roster_lists_only_officers_hired_by_the_session_date(world):
    from hrapp.training import queries

    world.colleague.hire_date = dt.date(2020, 1, 1)
    db.session.flush()
    names = {
        o.name for o in queries.roster(world.hr, dt.date(2019, 6, 1), street_id=world.street.id, community_id=None)
    }
    assert world.officer.name in names
    assert world.colleague.name not in names


# --- a new officer starts at probation ------------------------------------------------------
