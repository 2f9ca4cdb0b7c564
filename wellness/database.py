"""Database engine behaviour shared by every domain: SQLite pragmas and locked write transactions."""

from datetime import UTC

from flask import request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from .extensions import db

IMMEDIATE = "wellness_begin_immediate"
FLUSHED = "wellness_flushed"


def one_of(column: str, values) -> str:
    """A CHECK constraint's text: `column` holds one of `values` (plain words, never user input)."""
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


def configure_engine(engine: Engine) -> None:
    """Give SQLite WAL mode, foreign keys, a busy timeout and explicit BEGIN control.

    pysqlite's own transaction handling cannot begin IMMEDIATE, so it is switched off and the
    BEGIN is emitted here; `begin_immediate()` asks for the IMMEDIATE form.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context):
    session.info[FLUSHED] = True  # flushed writes are no longer in session.new or session.dirty


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:
        session.info.pop(FLUSHED, None)


def begin_immediate() -> None:
    """Start this request's write transaction holding the database write lock (SQLite only).

    Call it before reading the availability of a limited resource. On SQLite a transaction that
    has only read so far is ended (nothing is lost) and a new one begins IMMEDIATE, so the later
    re-read sees the latest committed state and the write cannot fail with "database is locked".
    On PostgreSQL it does nothing: services lock the rows they take with SELECT ... FOR UPDATE.

    When the transaction already holds the lock (every form post does, see
    `lock_writes_for_posts`) it does nothing. Raises RuntimeError when the session already holds
    writes, flushed or not, outside such a transaction.
    """
    session = db.session()  # the scoped_session proxy has no in_transaction()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().get_execution_options().get(IMMEDIATE):
            return
        if session.new or session.dirty or session.deleted or session.info.get(FLUSHED):
            raise RuntimeError("begin_immediate() must run before the request writes anything")
        session.rollback()
    session.connection(execution_options={IMMEDIATE: True})


def lock_writes_for_posts() -> None:
    """Before each request that may write, take SQLite's write lock (a before_request hook).

    A SQLite transaction that reads and then writes fails at once with "database is locked" when
    another worker wrote in between; the busy timeout does not apply to that upgrade. Taking the
    lock first makes writers queue instead. GET and HEAD requests never write, so they do not queue.
    """
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        begin_immediate()


class UtcDateTime(TypeDecorator):
    """A timezone-aware moment, stored in UTC and always read back aware.

    SQLite keeps no offset and returns naive values; this gives both databases the same behaviour,
    so code can compare stored moments with utcnow() without checking which database it runs on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


MAX_PAGE = 100_000  # a larger page number would overflow the database's OFFSET


def paginate(query, page: int, per_page: int):
    """A page of `query`; out-of-range page numbers give an empty page, never an error."""
    return db.paginate(query, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)
