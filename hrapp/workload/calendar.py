"""The working calendar and case deadlines.

A working day is Monday to Friday, unless the calendar lists it as a public holiday; a weekend day
the calendar lists as a make-up workday (调休上班) is a working day. Working hours are 09:00–17:00
Shanghai time (8 hours a day).

Deadline rules (the platform's time limits, 处置时限):
- N working days: 17:00 on the Nth working day after the day of the report (a report on a
  non-working day counts from the last working day before it, so the first day is the next one).
- N working hours: counted inside working hours from the report; a report outside working hours
  starts counting at the next opening (09:00 of the next working day, or of the same day before 9).
"""

from __future__ import annotations

import bisect
import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS = 9 * 60  # minutes after midnight, local time
CLOSES = 17 * 60
DAY_MINUTES = CLOSES - OPENS
UTC_OFFSET = dt.timedelta(hours=8)  # China keeps +08:00 all year (no daylight saving)


class WorkingCalendar:
    """Working-day arithmetic over a span of years. `exceptions` maps date -> 'holiday'|'workday'."""

    def __init__(self, exceptions: dict[dt.date, str], first: dt.date, last: dt.date):
        self.first = first
        self.last = last
        self.workdays: list[int] = []  # ordinals of working days, ascending
        day = first
        while day <= last:
            kind = exceptions.get(day)
            working = kind == "workday" or (kind != "holiday" and day.weekday() < 5)
            if working:
                self.workdays.append(day.toordinal())
            day += dt.timedelta(days=1)
        self._working = set(self.workdays)

    def is_working_day(self, day: dt.date) -> bool:
        return day.toordinal() in self._working

    def _count_until(self, ordinal: int) -> int:
        """How many working days fall on or before this day (index into self.workdays)."""
        return bisect.bisect_right(self.workdays, ordinal)

    def _workday(self, index: int) -> dt.date | None:
        """The working day of this 1-based index, or None beyond the calendar's span."""
        if index < 1 or index > len(self.workdays):
            return None
        return dt.date.fromordinal(self.workdays[index - 1])

    def deadline(self, reported_local: dt.datetime, value: int, unit: str) -> dt.datetime | None:
        """Deadline as local (Shanghai) naive time; None when it falls outside the calendar."""
        day = reported_local.date()
        if unit == "days":
            target = self._workday(self._count_until(day.toordinal()) + value)
            if target is None:
                return None
            return dt.datetime.combine(target, dt.time()) + dt.timedelta(minutes=CLOSES)
        minute = reported_local.hour * 60 + reported_local.minute
        index = self._count_until(day.toordinal())
        if self.is_working_day(day) and minute < CLOSES:
            used = max(minute, OPENS) - OPENS  # minutes of the day already gone
        else:
            index, used = index + 1, 0
        total = used + value * 60
        extra_days, remainder = divmod(total, DAY_MINUTES)
        if remainder == 0:  # ends exactly at a closing time
            extra_days, remainder = extra_days - 1, DAY_MINUTES
        target = self._workday(index + extra_days)
        if target is None:
            return None
        return dt.datetime.combine(target, dt.time()) + dt.timedelta(minutes=OPENS + remainder)

    def deadline_utc(self, reported_utc: dt.datetime, value: int | None, unit: str | None) -> dt.datetime | None:
        if not value or unit not in ("hours", "days"):
            return None
        local = self.deadline(reported_utc + UTC_OFFSET, value, unit)
        return None if local is None else local - UTC_OFFSET


def load_calendar(first: dt.date, last: dt.date) -> WorkingCalendar:
    import sqlalchemy as sa

    from hrapp.extensions import db
    from hrapp.workload.models import CalendarDay

    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.between(first, last))
    ).all()
    return WorkingCalendar(dict(rows), first, last)
