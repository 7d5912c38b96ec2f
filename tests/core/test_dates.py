import datetime as dt

import pytest

from hrapp.core.dates import add_months, add_years

D = dt.date


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2020, 2, 29), 1, D(2021, 2, 28)),
        (D(2020, 2, 29), 4, D(2024, 2, 29)),
        (D(2020, 2, 29), -1, D(2019, 2, 28)),
        (D(2024, 2, 29), -4, D(2020, 2, 29)),
        (D(2021, 3, 1), 4, D(2025, 3, 1)),
        (D(2025, 3, 1), -4, D(2021, 3, 1)),
        (D(2023, 2, 28), 1, D(2024, 2, 28)),
        (D(2023, 12, 31), 0, D(2023, 12, 31)),
    ],
)
def test_add_years_keeps_the_calendar_day_and_turns_29_february_into_28(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 3, 31), -12, D(2024, 3, 31)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
    ],
)
def test_add_months_ends_on_the_last_day_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_is_twelve_months_on_every_day_of_a_leap_cycle():
    day = D(2023, 1, 1)
    while day < D(2025, 1, 1):
        for years in (-5, -1, 1, 4, 6):
            assert add_years(day, years) == add_months(day, 12 * years)
        day += dt.timedelta(days=1)
