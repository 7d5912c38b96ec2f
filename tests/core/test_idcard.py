import datetime as dt

import pytest

from hrapp.core import idcard


def test_a_known_valid_number_parses_with_birth_date_and_sex():
    # 11010519491231002X is the GB 11643 worked example: born 1949-12-31, female.
    parsed = idcard.parse("11010519491231002x")
    assert parsed.value == "11010519491231002X"
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491231002", "18 characters"),
        ("1101051949123100XX", "17 digits"),
        ("110105194902300025", "birth date"),
        ("110105212001010020", "birth date"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(raw, reason):
    with pytest.raises(idcard.InvalidIdNumber, match=reason):
        idcard.parse(raw, today=dt.date(2026, 11, 28))


def test_make_builds_numbers_that_validate_and_encode_sex():
    male = idcard.make("440304", dt.date(1990, 5, 17), 123)
    female = idcard.make("440304", dt.date(1990, 5, 17), 124)
    assert idcard.parse(male).sex == "M"
    assert idcard.parse(female).sex == "F"


def test_mask_keeps_area_prefix_and_last_four():
    assert idcard.mask("11010519491231002X") == "1101**********002X"
    assert idcard.mask("") == ""
