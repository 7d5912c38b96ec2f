"""Every user-facing message has a Chinese translation, and pages speak the visitor's language.

This fails whenever someone adds a message without translating it: run `make messages`, fill the
msgstr in hrapp/translations/zh/LC_MESSAGES/messages.po, then `make translations`.
(The catalogue directory is `zh`, not `zh_CN`: Babel parses zh_CN as zh_Hans_CN, whose gettext
fallback is `zh`.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.conftest import IsolatedClient

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "hrapp" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# The keywords of `make messages`; N_ marks core messages translated where they are shown.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}


def source_messages() -> dict[str | tuple, str]:
    """msgid (a tuple for plural forms) -> where it was first found."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if "/." in f"/{filename}" or "__pycache__" in filename:
            continue
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        key = tuple(part for part in message if part) if isinstance(message, tuple) else message
        key = key[0] if isinstance(key, tuple) and len(key) == 1 else key
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def test_sources_have_messages():
    assert len(source_messages()) > 100


def test_every_message_has_a_chinese_translation():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    missing = []
    for msgid, where in sorted(source_messages().items(), key=lambda item: item[1]):
        entry = catalogue.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        strings = entry.string if entry is not None else ""
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if entry is None or entry.fuzzy or not translated:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} messages without a Chinese translation:\n" + "\n".join(missing)


@pytest.fixture
def browser(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


def test_pages_are_chinese_by_default(browser):
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录" in page and "用户名" in page
    assert "Log in" not in page


def test_pages_are_english_when_the_browser_asks(browser):
    page = browser.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page and "Username" in page
    assert "登录" not in page


def test_the_language_switch_sticks_for_the_session(browser):
    browser.post("/language/en")
    assert "Username" in browser.get("/login").get_data(as_text=True)
    browser.post("/language/zh_CN")
    assert "用户名" in browser.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
