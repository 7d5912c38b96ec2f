import pytest
from flask_babel import force_locale

from hrapp.assessments import sources
from hrapp.certification import rules
from hrapp.integrity import queries


@pytest.fixture(autouse=True)
def no_workload_source():
    """Each test registers its own workload figures; none is registered otherwise. Afterwards the
    application's own registration (the workload domain's measures) is put back."""
    from hrapp.assessments import workload_source

    sources.register_workload_measures_source(None)
    rules.register_integrity_findings_source(queries.findings_source)
    yield
    workload_source.register()


@pytest.fixture(autouse=True)
def english_messages():
    with force_locale("en"):
        yield


@pytest.fixture
def reports_dir(app):
    return app.config["REPORTS_DIR"]
