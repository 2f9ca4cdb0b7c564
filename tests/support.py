"""Helpers for checking what requests wrote to the database.

Each helper opens an application context of its own and closes it before returning. A test must
not hold an application context open while it makes requests: the request would reuse it, and with
it the signed-in person Flask-Login cached in `g` during an earlier request.
"""

import html
import os
import re
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from tests.serving import create_scratch_database
from wellness.extensions import db
from wellness.notifications.models import Notice

CACHES = {"feed_cache"}  # rebuilt on demand: a GET may fill them without changing anything


def database_state(app) -> dict[str, list[tuple]]:
    """Every row of every table but the caches, in a stable order: equal states mean nothing was written.

    The rows are read through the driver, as stored: the ORM's type handling made each call several
    times slower, and a write shows in the stored values as well.
    """
    with app.app_context():
        cursor = db.session.connection().connection.cursor()
        state = {}
        for table in db.metadata.sorted_tables:
            if table.name not in CACHES:
                cursor.execute(f'SELECT * FROM "{table.name}"')
                state[table.name] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
        cursor.close()
        db.session.remove()
    return state


def empty_tables(session) -> None:
    """Delete every row of every table in the session's transaction (the caller commits).

    DELETE is much faster than TRUNCATE on the small tables a test leaves behind. The statements go
    straight to the driver (to PostgreSQL as one block, one round trip): through the ORM, emptying
    the tables took longer than many a test.
    """
    names = [table.name for table in reversed(db.metadata.sorted_tables)]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "DO $$ BEGIN " + " ".join(f'DELETE FROM "{n}";' for n in names) + " END $$"
        )
        return
    cursor = connection.connection.cursor()
    for name in names:
        cursor.execute(f'DELETE FROM "{name}"')
    cursor.close()


def table_rows(app) -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order, for restore_rows to put back."""
    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            result = db.session.execute(select(table).order_by(*table.primary_key))
            rows[table.name] = [dict(row) for row in result.mappings()]
        db.session.remove()
    return rows


def restore_rows(app, rows: dict[str, list[dict]]) -> None:
    """Make the database hold exactly `rows` (from table_rows), ids and all, in one transaction.

    Fixtures build a set of records once through the services, save them with table_rows, and put
    them back before each test: the test sees the same rows it would if it had built them itself.
    Sequences are left alone: they are past every saved id, as the rows were made in this database.
    """
    with app.app_context():
        empty_tables(db.session)
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                db.session.execute(table.insert(), rows[table.name])
        db.session.commit()
        db.session.remove()


def row_counts(app, *models) -> tuple[int, ...]:
    with app.app_context():
        counts = tuple(db.session.scalar(select(func.count()).select_from(model)) for model in models)
        db.session.remove()
    return counts


def notices(app, kind: str | None = None) -> list[tuple[int, str, str]]:
    """(person id, subject, body) of every notice, optionally of one kind, in writing order."""
    query = select(Notice).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return [(notice.person_id, notice.subject, notice.body) for notice in fetch(app, query)]


def fetch(app, query):
    """The result rows of a select(), as plain values or ORM objects detached from any session."""
    with app.app_context():
        rows = list(db.session.scalars(query))
        for row in rows:
            if inspect(row, raiseerr=False) is not None:
                db.session.expunge(row)
        db.session.remove()
    return rows


@contextmanager
def fresh_postgres_database(base_url: str, prefix: str):
    """Create a database of its own on the server named by `base_url`, yield its URL, then drop it.

    An unreachable server skips the test, or fails it when REQUIRE_POSTGRES=1.
    """
    try:
        url, drop = create_scratch_database(base_url, prefix)
    except Exception as error:
        where = make_url(base_url).render_as_string(hide_password=True)
        message = f"PostgreSQL at {where} is not reachable: {error}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    try:
        yield url
    finally:
        drop()


# --- reading pages ------------------------------------------------------------------------------


def text_of(page: str) -> str:
    """A page's visible text with its markup removed and spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def alerts(page: str) -> list[str]:
    """The flashed messages a page shows."""
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
        for body in re.findall(
            r'<div class="alert alert-\w+ alert-dismissible[^"]*"[^>]*>(.*?)<button', page, re.S
        )
    ]


def field_errors(page: str, field_id: str) -> list[str]:
    """The error messages a form shows under the control (or fieldset) with this id."""
    start = re.search(rf'<(\w+)[^>]*\bid="{field_id}"', page)
    assert start, f"no element with id {field_id}"
    rest = page[start.end() :]
    end = rest.find("</fieldset>") if start.group(1) == "fieldset" else None
    if end is None:
        following = re.search(r"<(input|select|textarea|fieldset)\b", rest)
        end = following.start() if following else len(rest)
    return [
        " ".join(html.unescape(message).split())
        for message in re.findall(r'class="invalid-feedback[^"]*">(.*?)</div>', rest[:end], re.S)
    ]


@contextmanager
def readings_while(app, read):
    """Call `read()` (in an app context of its own) over and over while the block runs; yields the readings.

    Concurrency tests use it to watch a count (seats, places, slots) never pass its limit mid-rush.
    """
    readings: list = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            with app.app_context():
                readings.append(read())
                db.session.remove()
            done.wait(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield readings
    finally:
        done.set()
        watcher.join(30)
