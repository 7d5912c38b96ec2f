"""The migration history builds exactly the schema the models describe, on SQLite and PostgreSQL.

When a domain adds models without a migration this fails, by design: regenerate the migration.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from hrapp import create_app
from hrapp.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@contextlib.contextmanager
def logging_preserved():
    """migrations/env.py calls logging.config.fileConfig, which disables every existing logger;
    put them back so later tests' log capture still works."""
    manager = logging.Logger.manager
    loggers = [logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    saved = {logger: (logger.disabled, logger.level, list(logger.handlers)) for logger in loggers}
    root = logging.getLogger()
    root_saved = (root.level, list(root.handlers))
    try:
        yield
    finally:
        for logger, (disabled, level, handlers) in saved.items():
            logger.disabled, logger.level, logger.handlers = disabled, level, handlers
        root.level, root.handlers = root_saved


def schema_diff_after_upgrade(url: str, tmp_path: Path) -> list:
    migrated = create_app(
        {"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path / "instance")}
    )
    with migrated.app_context():
        try:
            with logging_preserved():
                flask_migrate.upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                return compare_metadata(context, db.metadata)
        finally:
            db.session.remove()
            db.engine.dispose()


def describe(diff: list) -> list[str]:
    """One short line per difference (the raw diff prints whole Table objects)."""
    lines = []
    for item in diff:
        entries = item if isinstance(item, list) else [item]
        for entry in entries:
            kind, *rest = entry
            names = [getattr(part, "name", None) or (part if isinstance(part, str) else "") for part in rest]
            lines.append(" ".join([kind, *[str(name) for name in names if name]]))
    return lines


def test_the_migration_history_has_exactly_one_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}; merge them"


def test_upgrade_on_empty_sqlite_gives_the_models_schema(tmp_path):
    diff = schema_diff_after_upgrade(f"sqlite:///{tmp_path / 'migrated.sqlite'}", tmp_path)
    differences = describe(diff)
    assert not differences, "migrations and models differ:\n" + "\n".join(differences)


def test_upgrade_on_empty_postgresql_gives_the_models_schema(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL URL")
    server_url = sa.make_url(url)
    name = f"{server_url.database}_migrations"
    server = sa.create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            diff = schema_diff_after_upgrade(
                server_url.set(database=name).render_as_string(hide_password=False), tmp_path
            )
        finally:
            with server.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        server.dispose()
    differences = describe(diff)
    assert not differences, "migrations and models differ:\n" + "\n".join(differences)
