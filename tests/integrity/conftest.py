import pytest
from flask_babel import force_locale

from hrapp.certification import rules
from hrapp.integrity import queries


@pytest.fixture(autouse=True)
def integrity_findings_source():
    """The integrity domain registers its findings source when the app is built; tests elsewhere
    replace it with their own and unregister it afterwards, so put it back for these tests."""
    rules.register_integrity_findings_source(queries.findings_source)
    yield


@pytest.fixture(autouse=True)
def english_messages():
    """Service tests match refusal messages by their English text; the default locale is zh_CN."""
    with force_locale("en"):
        yield
