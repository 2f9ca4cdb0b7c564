"""Helpers for checking what requests wrote to the database.

Each helper opens an application context of its own and closes it before returning. A test must
not hold an application context open while it makes requests: the request would reuse it, and with
it the signed-in person Flask-Login cached in `g` during an earlier request.
"""

from sqlalchemy import func, inspect, select

from wellness.extensions import db


def database_state(app) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: equal states mean nothing was written."""
    with app.app_context():
        state = {
            table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return state


def row_counts(app, *models) -> tuple[int, ...]:
    with app.app_context():
        counts = tuple(db.session.scalar(select(func.count()).select_from(model)) for model in models)
        db.session.remove()
    return counts


def fetch(app, query):
    """The result rows of a select(), as plain values or ORM objects detached from any session."""
    with app.app_context():
        rows = list(db.session.scalars(query))
        for row in rows:
            if inspect(row, raiseerr=False) is not None:
                db.session.expunge(row)
        db.session.remove()
    return rows
