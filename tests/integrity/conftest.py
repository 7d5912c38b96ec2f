import pytest

from hrapp.certification import rules
from hrapp.integrity import queries


@pytest.fixture(autouse=True)
def integrity_findings_source():
    """The integrity domain registers its findings source when the app is built; tests elsewhere
    replace it with their own and unregister it afterwards, so put it back for these tests."""
    rules.register_integrity_findings_source(queries.findings_source)
    yield
