"""Shared fixtures: one app and schema per run, emptied between tests; helpers that read as user
actions (`login_as`). Set TEST_DATABASE_URL to run the same suite on PostgreSQL."""

from __future__ import annotations

import contextlib
import contextvars

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import event

from hrapp import create_app
from hrapp.extensions import db
from tests import factories


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "CONFIG": "testing",
            "INSTANCE_DIR": str(tmp_path_factory.mktemp("instance")),
            "REPORTS_DIR": str(tmp_path_factory.mktemp("reports")),
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            # Ids restart at 1 as after TRUNCATE … RESTART IDENTITY, which costs ~150 ms a test
            # (a file operation per table) where these DELETEs of a few rows take ~10 ms.
            resets = [
                f"setval(pg_get_serial_sequence('\"{table.name}\"', '{table.autoincrement_column.name}'), 1, false)"
                for table in db.metadata.sorted_tables
                if table.autoincrement_column is not None
            ]
            if resets:
                connection.execute(sa.text(f"SELECT {', '.join(resets)}"))


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context over empty tables."""
    with app.app_context():
        _empty_tables()
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def login_as(client, user, password: str = factories.PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, f"login as {user.username} failed"
    return client


@pytest.fixture
def world():
    """A small district: two streets, grids, officers and a user of each role (HR scoped and not)."""
    return factories.build_world()


@contextlib.contextmanager
def count_queries():
    """Count SQL statements executed inside the block (for N+1 guards)."""
    statements: list[str] = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)


@pytest.fixture
def query_counter():
    return count_queries


ROLES = ("admin", "hr_clerk", "street_hr", "inspector", "officer", "anonymous")


def sign_in(client, user):
    """Log `user` in without the login form: what a successful login leaves in the session.
    Argon2 makes a real login cost ~0.1 s; the route × role matrix would spend minutes on it.
    Login itself is tested through the form (tests/auth)."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = client.application.login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
    return client


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a server would: the request gets its
    own `g` (current_user, locale) and its own database session, so it sees committed data only and
    a test can drive several users in turn. (The plain `client` shares the test's app context: a
    second request would reuse the first one's current_user.) Commit before requesting."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def client_as(app, world, role: str, isolated: bool = False):
    """A fresh test client signed in as `role` of the world ('anonymous': not signed in)."""
    client = IsolatedClient(app, app.response_class, use_cookies=True) if isolated else app.test_client()
    if role != "anonymous":
        sign_in(client, world.user(role))
    return client


@pytest.fixture
def as_role(app, world):
    """as_role('street_hr') -> an IsolatedClient signed in as that user of the world."""
    return lambda role: client_as(app, world, role, isolated=True)


@pytest.fixture
def side_app(tmp_path):
    """side_app(**settings) -> a second application on its own SQLite file, schema created, for
    settings the shared app must not have (CSRF on, rate limits on). Disposed after the test."""
    made = []

    def make(**overrides):
        made.append(_side_app(tmp_path / f"side{len(made)}", **overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _side_app(tmp_path, **overrides):
    tmp_path.mkdir(parents=True, exist_ok=True)
    settings = {
        "CONFIG": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'side.sqlite'}",
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "REPORTS_DIR": str(tmp_path / "reports"),
        **overrides,
    }
    other = create_app(settings)
    with other.app_context():
        db.create_all()
    return other
