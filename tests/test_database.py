"""SQLite pragmas and `begin_immediate()`: read-then-write under the write lock loses no updates."""

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from wellness import create_app
from wellness.config import TestConfig
from wellness.database import begin_immediate
from wellness.extensions import db
from wellness.people.models import Firm

ROUNDS = 50


@pytest.fixture
def sqlite_app(tmp_path):
    """An application on a SQLite file of its own, whatever database the rest of the run uses."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'counter.sqlite3'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        db.session.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"))
        db.session.execute(text("INSERT INTO counter (id, value) VALUES (1, 0)"))
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _increment(
    app, start: threading.Barrier, errors: list, *, immediate: bool, pause: threading.Barrier | None
):
    """Read the counter, then write it back plus one, ROUNDS times, one transaction each."""
    with app.app_context():
        for _ in range(ROUNDS):
            start.wait()
            try:
                if immediate:
                    begin_immediate()
                value = db.session.execute(text("SELECT value FROM counter WHERE id = 1")).scalar_one()
                if pause is not None:
                    pause.wait()  # both threads have read before either writes
                else:
                    time.sleep(0.001)
                db.session.execute(
                    text("UPDATE counter SET value = :value WHERE id = 1"), {"value": value + 1}
                )
                db.session.commit()
            except OperationalError as error:
                db.session.rollback()
                errors.append(str(error.orig))
        db.session.remove()


def _run_two_threads(app, *, immediate: bool, lockstep: bool) -> tuple[int, list[str]]:
    start = threading.Barrier(2, timeout=30)
    pause = threading.Barrier(2, timeout=30) if lockstep else None
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=_increment, args=(app, start, errors), kwargs={"immediate": immediate, "pause": pause}
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    with app.app_context():
        final = db.session.execute(text("SELECT value FROM counter WHERE id = 1")).scalar_one()
        db.session.remove()
    return final, errors


def test_begin_immediate_loses_no_updates_between_two_writers(sqlite_app):
    final, errors = _run_two_threads(sqlite_app, immediate=True, lockstep=False)
    assert errors == []
    assert final == 2 * ROUNDS


def test_without_begin_immediate_a_read_then_write_fails_or_loses_the_update(sqlite_app):
    # In lockstep both transactions read the same value before either writes. SQLite will not let a
    # transaction that has read an older snapshot write, so one of each pair fails at once.
    final, errors = _run_two_threads(sqlite_app, immediate=False, lockstep=True)
    assert final == ROUNDS  # of each round's two increments, one is lost
    assert len(errors) == ROUNDS
    assert errors and all("database is locked" in error for error in errors)


def test_begin_immediate_refuses_to_drop_pending_writes(sqlite_app):
    with sqlite_app.app_context():
        db.session.add(Firm(name="Gold"))
        with pytest.raises(RuntimeError, match="before the request writes anything"):
            begin_immediate()
        db.session.rollback()
        db.session.remove()


def test_begin_immediate_refuses_to_drop_flushed_writes(sqlite_app):
    with sqlite_app.app_context():
        db.session.add(Firm(name="Gold"))
        db.session.flush()  # no longer pending, but a rollback would still lose it
        with pytest.raises(RuntimeError, match="before the request writes anything"):
            begin_immediate()
        db.session.rollback()
        db.session.remove()


def _other_writer_is_locked_out(app) -> bool:
    other = db.engine.raw_connection()
    try:
        other.execute("PRAGMA busy_timeout=0")
        other.execute("BEGIN IMMEDIATE")
    except Exception as error:  # sqlite3.OperationalError through the pool's proxy
        return "database is locked" in str(error)
    else:
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()


@pytest.mark.parametrize(("method", "locked"), [("POST", True), ("GET", False)])
def test_form_posts_hold_the_write_lock_from_the_start_and_reads_do_not(sqlite_app, method, locked):
    seen = []

    @sqlite_app.route("/probe-lock", methods=["GET", "POST"], endpoint=f"probe_{method}")
    def probe():
        db.session.execute(text("SELECT 1"))
        seen.append(_other_writer_is_locked_out(sqlite_app))
        return ""

    sqlite_app.config["WTF_CSRF_ENABLED"] = False
    sqlite_app.test_client().open("/probe-lock", method=method)

    assert seen == [locked]


def test_begin_immediate_does_nothing_when_the_transaction_already_holds_the_lock(sqlite_app):
    with sqlite_app.app_context():
        begin_immediate()
        db.session.add(Firm(name="Gold"))
        db.session.flush()
        begin_immediate()  # a service locking inside a form post: nothing is rolled back
        db.session.commit()
        assert db.session.execute(text("SELECT count(*) FROM firms")).scalar_one() == 1
        db.session.remove()


def test_begin_immediate_takes_the_write_lock_before_anything_is_written(sqlite_app):
    with sqlite_app.app_context():
        begin_immediate()
        other = db.engine.raw_connection()
        try:
            other.execute("PRAGMA busy_timeout=0")
            with pytest.raises(Exception, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
            db.session.rollback()
            db.session.remove()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        with pytest.raises(IntegrityError):
            db.session.execute(text("INSERT INTO person_roles (person_id, role_id) VALUES (999, 999)"))
            db.session.flush()
        db.session.rollback()
        db.session.remove()


def test_begin_immediate_does_nothing_on_postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("runs when TEST_DATABASE_URL names a PostgreSQL server")
        firm = Firm(name="Gold")
        db.session.add(firm)
        begin_immediate()  # on SQLite this would refuse: a write is pending
        db.session.flush()
        assert firm in db.session and firm.id is not None
        db.session.rollback()
        db.session.remove()
