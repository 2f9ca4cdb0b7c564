"""The migrations build, from an empty database, exactly the schema the models describe.

Runs on a fresh SQLite file and, when TEST_DATABASE_URL is set, on a fresh PostgreSQL database.
"""

import logging
import os
import warnings
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from tests.support import fresh_postgres_database
from wellness import create_app
from wellness.config import TestConfig
from wellness.extensions import db
from wellness.people.models import Role
from wellness.people.programs import ROLE_NAMES

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
# migrations/env.py is Flask-Migrate's stock file, which still calls the deprecated get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@contextmanager
def logging_untouched():
    """Alembic's env.py calls logging.config.fileConfig, which disables every logger it does not
    name; put each one back afterwards so later tests still see the application's log records."""
    loggers = [logging.root] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [
        (logger, logger.disabled, logger.level, list(logger.handlers), logger.propagate) for logger in loggers
    ]
    try:
        yield
    finally:
        for logger, disabled, level, handlers, propagate in saved:
            logger.disabled, logger.level, logger.handlers, logger.propagate = (
                disabled,
                level,
                handlers,
                propagate,
            )


@pytest.fixture(params=BACKENDS)
def empty_app(request, tmp_path):
    """An application on a brand-new, empty database (no create_all)."""

    @contextmanager
    def database():
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        else:
            with fresh_postgres_database(POSTGRES_URL, "wellness_migr") as url:
                yield url

    with database() as url:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Config)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def upgrade(app, revision: str = "head") -> None:
    with app.app_context(), logging_untouched():
        flask_migrate.upgrade(directory=MIGRATIONS, revision=revision)


def downgrade(app, revision: str) -> None:
    with app.app_context(), logging_untouched():
        flask_migrate.downgrade(directory=MIGRATIONS, revision=revision)


def differences(app) -> list:
    """What autogenerate would write to bring the database in line with the models."""
    with app.app_context(), db.engine.connect() as connection:
        options = dict(app.extensions["migrate"].configure_args)
        context = MigrationContext.configure(connection, opts=options)
        with warnings.catch_warnings():
            # Expression indexes such as lower(name) are skipped by compare; checked separately below.
            warnings.filterwarnings("ignore", message=".*expression-based index.*")
            warnings.filterwarnings("ignore", message=".*[Ss]kipp.*index.*")
            return compare_metadata(context, db.metadata)


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_migrations_have_a_single_head():
    heads = ScriptDirectory(MIGRATIONS).get_heads()
    assert len(heads) == 1, heads


def test_upgrading_an_empty_database_to_head_matches_the_models(empty_app):
    upgrade(empty_app)

    assert differences(empty_app) == []
    assert table_names(empty_app) == {table.name for table in db.metadata.sorted_tables} | {"alembic_version"}
    with empty_app.app_context():
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.remove()
    assert version == ScriptDirectory(MIGRATIONS).get_current_head()


def test_upgrade_seeds_the_four_roles(empty_app):
    upgrade(empty_app)
    with empty_app.app_context():
        names = set(db.session.scalars(select(Role.name)))
        db.session.remove()
    assert names == set(ROLE_NAMES) == {"resident", "faculty", "coordinator", "admin"}


@pytest.mark.parametrize("table", ["fields", "firms", "clinic_sites"])
def test_names_are_unique_ignoring_case_after_upgrade(empty_app, table):
    upgrade(empty_app)
    now = {"created_at": datetime.now(UTC)} if table == "fields" else {}
    columns = ", ".join(["name", *now])
    values = ", ".join([":name", *(f":{key}" for key in now)])
    insert = text(f"INSERT INTO {table} ({columns}) VALUES ({values})")
    with empty_app.app_context():
        db.session.execute(insert, {"name": "Cardiology", **now})
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(insert, {"name": "cardiology", **now})
        db.session.rollback()
        db.session.remove()


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds_it(empty_app):
    upgrade(empty_app)

    downgrade(empty_app, "base")
    assert table_names(empty_app) <= {"alembic_version"}

    upgrade(empty_app)
    assert differences(empty_app) == []
    with empty_app.app_context():
        assert db.session.scalar(select(Role.name).where(Role.name == "admin")) == "admin"
        db.session.remove()
