"""The demo built once per (seed, day) and put back for each test that reads it."""

from datetime import date

import pytest

from tests.support import empty_tables, restore_rows, table_rows
from wellness.demo.seed import seed_demo
from wellness.events.groups import ensure_kinds
from wellness.extensions import db
from wellness.people.services import ensure_roles


def empty_database(app) -> None:
    with app.app_context():
        empty_tables(db.session)
        ensure_roles()
        ensure_kinds()
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def demo_builds(_app):
    """demo_builds(seed, today): the rows of the demo built through seed_demo, built once per session.

    The demo is deterministic for a seed and a day (test_demo_events checks that two builds agree),
    so tests that only read it share one build instead of seeding again.
    """
    built: dict[tuple[int, date], dict] = {}

    def rows(seed: int, today: date) -> dict:
        if (seed, today) not in built:
            empty_database(_app)
            with _app.app_context():
                seed_demo(seed, today)
                db.session.commit()
                db.session.remove()
            built[seed, today] = table_rows(_app)
        return built[seed, today]

    return rows


@pytest.fixture
def demo(app, demo_builds):
    """demo(today, seed=2026): the database holds exactly the demo built for that day, and nothing else."""

    def load(today: date, seed: int = 2026) -> None:
        restore_rows(app, demo_builds(seed, today))

    return load
