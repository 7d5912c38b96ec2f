"""Language and time display: zh_CN first, English second; times stored in UTC, shown in Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import has_request_context, request, session
from flask_login import current_user

LANGUAGES = ("zh_CN", "en")
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
DISPLAY_TZ = ZoneInfo("Asia/Shanghai")


def select_locale() -> str:
    """The user's saved preference, then the session's choice, then Accept-Language, then zh_CN.
    Outside a request (CLI commands, jobs, services under test) messages are in zh_CN."""
    if not has_request_context():
        return LANGUAGES[0]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone(DISPLAY_TZ).strftime(fmt)


def N_(message: str) -> str:  # noqa: N802  (the gettext marker name extraction looks for)
    """Marks a message for extraction; it is translated where it is shown, in the reader's language."""
    return message


def translated(labels: dict) -> dict:
    """A label map (code → lazy label) translated once into the reader's language: a list page
    looks labels up per row, and each lazy label would otherwise run gettext again."""
    return {code: str(label) for code, label in labels.items()}


def label_msgid(label) -> str:
    """The msgid behind a lazy_gettext label, to store and translate later for another reader."""
    args = getattr(label, "_args", None)
    return str(args[0]) if args else str(label)
