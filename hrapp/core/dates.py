"""Calendar arithmetic on dates: whole months and years, as contracts and tenure rules count them.

The rule for a day the target month lacks: the result is that month's last day. So 31 January plus
one month is 28 February (29 in a leap year), and 29 February plus one year is 28 February; going
back works the same way (29 February 2024 minus one year is 28 February 2023). Negative amounts
count backwards.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative); past the month's end, its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (earlier if negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
