"""Keeping calendar versions current: every flush that changes a watched row raises the versions it touches.

Providers declare the models their items come from (registry.Watch). After each flush the
changed objects of those models are handed to the watchers, and the versions of the scopes they
name are raised in the same transaction, so a committed change and its new version appear
together and a feed can never be served from a cache older than its items.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from sqlalchemy import case, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..dates import utcnow
from .models import CalendarVersion
from .registry import CHANGE_LISTENERS, EVERYONE, watches

PUBLIC = "public"
ALL_PEOPLE = "everyone"
CHANGED_PEOPLE = "wellness_calendar_changed_people"
MAX_LISTENER_ROUNDS = 4  # listeners that change calendars themselves settle within a round or two


def person_scope(person_id: int) -> str:
    return f"person:{person_id}"


def touch(session: Session, scopes: Iterable[str], now: datetime | None = None) -> None:
    """Raise the version of each scope (creating it at 1) and move its changed_at to now.

    Scopes are written in sorted order so concurrent transactions take row locks in one order.
    """
    scopes = sorted(set(scopes))
    if not scopes:
        return
    now = now or utcnow()
    table = CalendarVersion.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values([{"scope": scope, "version": 1, "changed_at": now} for scope in scopes])
    later = case(
        (statement.excluded.changed_at > table.c.changed_at, statement.excluded.changed_at),
        else_=table.c.changed_at,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.scope], set_={"version": table.c.version + 1, "changed_at": later}
        )
    )


@dataclass(frozen=True)
class Stamp:
    """The versions of a set of scopes: `key` changes whenever any of them does."""

    key: str
    changed_at: datetime | None


def stamp_from(versions: dict[str, tuple[int, datetime]], scopes: tuple[str, ...]) -> Stamp:
    """The stamp of `scopes` given their (version, changed_at) rows; unknown scopes count as 0."""
    key = ".".join(str(versions.get(scope, (0, None))[0]) for scope in scopes)
    moments = [versions[scope][1] for scope in scopes if scope in versions]
    return Stamp(key, max(moments) if moments else None)


def stamp_of(session: Session, scopes: tuple[str, ...]) -> Stamp:
    """Read the scopes' versions in one query."""
    rows = session.execute(
        select(CalendarVersion.scope, CalendarVersion.version, CalendarVersion.changed_at).where(
            CalendarVersion.scope.in_(scopes)
        )
    )
    return stamp_from({scope: (version, changed_at) for scope, version, changed_at in rows}, scopes)


def _changed_objects(session: Session, watched) -> dict[type, list]:
    changed: dict[type, list] = {}
    for obj in chain(session.new, session.dirty, session.deleted):
        model = type(obj)
        if model not in watched:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        changed.setdefault(model, []).append(obj)
    return changed


@event.listens_for(Session, "after_flush")
def _raise_versions(session: Session, _context) -> None:
    watched = watches()
    changed = _changed_objects(session, watched)
    if not changed:
        return
    scopes: set[str] = set()
    with session.no_autoflush:
        for model, objects in changed.items():
            for watch in watched[model]:
                people = watch.people(session, objects)
                if people is EVERYONE:
                    scopes.add(ALL_PEOPLE)
                else:
                    scopes.update(person_scope(person_id) for person_id in people)
                    session.info.setdefault(CHANGED_PEOPLE, set()).update(people)
                if watch.public:
                    scopes.add(PUBLIC)
        touch(session, scopes)


@event.listens_for(Session, "before_commit")
def _tell_listeners(session: Session) -> None:
    """Hand the people whose calendars this transaction changed to each change listener, before it commits.

    A listener may change calendars itself (releasing a cover that now clashes); the people that touches
    are handed on in another round, so every listener sees a settled state.
    """
    for _ in range(MAX_LISTENER_ROUNDS):
        session.flush()
        people = session.info.pop(CHANGED_PEOPLE, None)
        if not people:
            return
        for listener in CHANGE_LISTENERS:
            listener(session, frozenset(people))


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED_PEOPLE, None)  # rolled back: nothing to hand on
