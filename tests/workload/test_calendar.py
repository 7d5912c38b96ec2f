"""Deadlines in working hours and working days across a public holiday and a make-up workday."""

import datetime as dt

import pytest

from hrapp.workload.calendar import WorkingCalendar

# 2026: Spring Festival holidays Mon 16 – Fri 20 and Mon 23 February; Saturday 14 and Saturday 28
# February are make-up workdays.
EXCEPTIONS = {dt.date(2026, 2, day): "holiday" for day in (16, 17, 18, 19, 20, 23)}
EXCEPTIONS.update({dt.date(2026, 2, 14): "workday", dt.date(2026, 2, 28): "workday"})


@pytest.fixture
def calendar():
    return WorkingCalendar(EXCEPTIONS, dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def at(day, hour=10, minute=0):
    return dt.datetime(2026, 2, day, hour, minute)


def test_a_make_up_saturday_is_a_working_day_and_a_weekday_holiday_is_not(calendar):
    assert calendar.is_working_day(dt.date(2026, 2, 14))
    assert not calendar.is_working_day(dt.date(2026, 2, 16))
    assert not calendar.is_working_day(dt.date(2026, 2, 21))  # an ordinary Saturday
    assert calendar.is_working_day(dt.date(2026, 2, 13))


def test_working_days_skip_the_holiday_week(calendar):
    # Friday 13th + 1 working day: Saturday 14th (make-up); + 2: Tuesday 24th (16–23 are off).
    assert calendar.deadline(at(13), 1, "days") == at(14, 17)
    assert calendar.deadline(at(13), 2, "days") == at(24, 17)
    # Reported on a holiday: counted from the last working day before it (Saturday 14th).
    assert calendar.deadline(at(18), 1, "days") == at(24, 17)


def test_working_hours_continue_on_the_make_up_saturday(calendar):
    # Friday 13th 15:00 + 4 working hours: 2 hours on Friday, then 09:00 + 2 h on Saturday 14th.
    assert calendar.deadline(at(13, 15), 4, "hours") == at(14, 11)
    # Saturday 14th 16:00 + 3 h: 1 h that day, then Tuesday 24th 09:00 + 2 h.
    assert calendar.deadline(at(14, 16), 3, "hours") == at(24, 11)


def test_working_hours_from_outside_opening_hours(calendar):
    # Before opening: counting starts at 09:00 the same day.
    assert calendar.deadline(at(12, 7), 2, "hours") == at(12, 11)
    # After closing: the next working day (Friday 13th) at 09:00.
    assert calendar.deadline(at(12, 18), 8, "hours") == at(13, 17)
    # A limit ending exactly at closing time stays on that day.
    assert calendar.deadline(at(12, 9), 8, "hours") == at(12, 17)
    # During a holiday: from the next working day (Tuesday 24th).
    assert calendar.deadline(at(20, 10), 1, "hours") == at(24, 10)


def test_deadline_in_utc_converts_from_shanghai_time(calendar):
    reported_utc = dt.datetime(2026, 2, 13, 7, 0)  # 15:00 in Shanghai
    assert calendar.deadline_utc(reported_utc, 4, "hours") == dt.datetime(2026, 2, 14, 3, 0)
    assert calendar.deadline_utc(reported_utc, None, None) is None
