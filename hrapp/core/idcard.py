"""Chinese resident ID numbers (居民身份证号), GB 11643-1999.

18 characters: 6-digit area code, 8-digit birth date, 3-digit sequence (odd = male, even = female)
and a check character computed with ISO 7064 MOD 11-2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# ASCII only: `\d` would also match fullwidth and other scripts' digits, and int() reads them,
# so "４４０３…" would pass as a second spelling of a registered number.
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)


def N_(message: str) -> str:  # noqa: N802  (the gettext marker name extraction looks for)
    """Marks a message for extraction; it is translated where it is shown (core has no locale)."""
    return message


class InvalidIdNumber(ValueError):
    """The message names what is wrong; it is a msgid the caller translates."""


@dataclasses.dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """The one spelling an ID number is stored, compared and searched in: NFKC (fullwidth digits
    and letters become ASCII), no spaces, upper-case X. Other scripts' digits stay as they are
    and fail the shape check."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def parse(raw: str, today: dt.date | None = None) -> IdNumber:
    """Validate an ID number and return it with its birth date and sex; raise InvalidIdNumber."""
    value = normalise(raw)
    if len(value) != 18:
        raise InvalidIdNumber(N_("ID number must have 18 characters."))
    if not _SHAPE.match(value):
        raise InvalidIdNumber(N_("ID number must be 17 digits followed by a digit or X."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber(N_("ID number contains an impossible birth date.")) from None
    if birth.year < 1900 or birth > (today or dt.date.today()):
        raise InvalidIdNumber(N_("ID number contains an impossible birth date."))
    if check_character(value[:17]) != value[17]:
        raise InvalidIdNumber(N_("ID number check digit is wrong."))
    sex = "M" if int(value[16]) % 2 else "F"
    return IdNumber(value=value, birth_date=birth, sex=sex)


def mask(value: str | None) -> str:
    """Show the area prefix and the last four characters only: 4403**********1234."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def make(area: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests); sequence's parity gives the sex."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
