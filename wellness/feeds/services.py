"""Building feeds from the calendar spine and answering polls cheaply.

A feed's body depends only on the calendar versions of its scopes, on the day (the window
slides and cancelled items expire at midnight) and on the feed settings. Together they make the
feed's build key. A poll reads the versions (one query) and the cached build key and ETag (one
more); when the key still matches, the cached body or a 304 is the answer and nothing is built.
Versions are read before any item, so a body can be older than its key claims only by being
rebuilt on the next poll, never served stale.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ..calendar import PublicScope, Window, items_for, public_items
from ..calendar.versions import ALL_PEOPLE, PUBLIC, person_scope, stamp_of
from ..dates import program_today, utcnow
from ..extensions import db
from ..people.models import Person
from ..people.programs import PROGRAMS
from .ical import FeedInfo, render_calendar
from .models import FeedCache

FEED_FORMAT = 1  # raise when the renderer's output changes, so cached bodies are rebuilt


@dataclass(frozen=True)
class FeedAnswer:
    """What a poll gets: the body is None when the caller only needs the validators (a 304)."""

    etag: str
    last_modified: datetime
    body: bytes | None


def _tz() -> str:
    return current_app.config["WELLNESS_TIMEZONE"]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(_tz())).astimezone(UTC)


def feed_window(today: date) -> Window:
    """From FEED_PAST_DAYS before today to FEED_FUTURE_DAYS after, as of today's midnight.

    "As of midnight" rather than now keeps the body the same all day.
    """
    config = current_app.config
    return Window(
        start=_midnight(today - timedelta(days=config["FEED_PAST_DAYS"])),
        end=_midnight(today + timedelta(days=config["FEED_FUTURE_DAYS"] + 1)),
        as_of=_midnight(today),
    )


def uid_domain() -> str:
    """The server name item UIDs end in: CALENDAR_UID_DOMAIN, else the host of SERVER_NAME or BASE_URL."""
    config = current_app.config
    if config.get("CALENDAR_UID_DOMAIN"):
        return config["CALENDAR_UID_DOMAIN"]
    server = config.get("SERVER_NAME") or urlsplit(config["BASE_URL"]).netloc
    return server.split(":")[0] or "wellness"


def feed_info(name: str, description: str, window: Window) -> FeedInfo:
    tz_name = _tz()
    return FeedInfo(
        name=name,
        description=description,
        uid_domain=uid_domain(),
        tz_name=tz_name,
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        first_day=window.start.astimezone(ZoneInfo(tz_name)).date(),
        last_day=window.end.astimezone(ZoneInfo(tz_name)).date(),
        prodid=f"-//{current_app.config['WELLNESS_PROGRAM_NAME']}//wellness//EN",
    )


def _settings_key() -> str:
    """A short digest of the settings a body is built from, so changing one rebuilds every feed.

    Without it a cached body would outlive a change of UID domain, base URL, program name, time
    zone or window until the next change to its items or the next day.
    """
    config = current_app.config
    settings = (
        FEED_FORMAT,
        uid_domain(),
        config["BASE_URL"],
        config["WELLNESS_PROGRAM_NAME"],
        _tz(),
        config["FEED_PAST_DAYS"],
        config["FEED_FUTURE_DAYS"],
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:12]


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:40]


def _store(key: str, build_key: str, etag: str, body: bytes) -> None:
    table = FeedCache.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    row = {"key": key, "build_key": build_key, "etag": etag, "body": body, "built_at": utcnow()}
    statement = insert(table).values(row)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={name: statement.excluded[name] for name in row if name != "key"},
        )
    )


def answer_poll(key: str, scopes: tuple[str, ...], build, wants) -> FeedAnswer:
    """Answer a poll of feed `key` whose items live in `scopes`.

    `build(window)` makes the body; `wants(etag)` says whether the client already holds that
    version (If-None-Match), in which case the body is not read. Last-Modified is the latest
    change to the scopes or today's midnight, whichever is later, so it never moves backwards.
    A rebuilt body is written to the cache in the request's transaction; the caller commits.
    """
    today = program_today(_tz())
    stamp = stamp_of(db.session, scopes)
    build_key = f"{stamp.key}@{today.isoformat()}#{_settings_key()}"
    last_modified = max(filter(None, (stamp.changed_at, _midnight(today))))
    cached = db.session.execute(
        select(FeedCache.build_key, FeedCache.etag).where(FeedCache.key == key)
    ).first()
    if cached is not None and cached.build_key == build_key:
        if wants(cached.etag):
            return FeedAnswer(cached.etag, last_modified, None)
        body = db.session.scalar(
            select(FeedCache.body).where(FeedCache.key == key, FeedCache.build_key == build_key)
        )
        if body is not None:
            return FeedAnswer(cached.etag, last_modified, body)
    body = build(feed_window(today))
    etag = etag_of(body)
    try:
        with db.session.begin_nested():
            _store(key, build_key, etag, body)
    except OperationalError:
        # SQLite refuses a read transaction's first write once another writer has committed since
        # it began. The cache is only a cache: this body is still right, and the next poll stores it.
        pass
    # A new version need not change this feed (another person's answer, a new day): the client
    # that already holds the rebuilt body gets a 304 all the same.
    return FeedAnswer(etag, last_modified, None if wants(etag) else body)


def personal_feed(person_id: int, wants) -> FeedAnswer:
    """Answer a poll of a person's own feed (the caller has checked the token)."""

    def build(window: Window) -> bytes:
        person = db.session.get(Person, person_id)
        info = feed_info(
            f"Wellness: {person.name}",
            f"Everything {current_app.config['WELLNESS_PROGRAM_NAME']} wellness has on {person.name}'s calendar.",
            window,
        )
        return render_calendar(info, items_for(person_id, window))

    return answer_poll(person_scope(person_id), (person_scope(person_id), ALL_PEOPLE), build, wants)


@dataclass(frozen=True)
class PublicFeed:
    key: str
    name: str
    scope: PublicScope


def public_feeds(kinds) -> list[PublicFeed]:
    """Every public feed: all events, then one per event kind, then one per program."""
    feeds = [PublicFeed("all", "All events", PublicScope())]
    feeds += [PublicFeed(f"kind:{kind.slug}", kind.name, PublicScope(kind=kind.slug)) for kind in kinds]
    feeds += [
        PublicFeed(f"program:{program.key}", f"{program.label} program", PublicScope(program=program.key))
        for program in PROGRAMS.values()
    ]
    return feeds


def public_feed(feed: PublicFeed, wants) -> FeedAnswer:
    """Answer a poll of a public feed. Only items marked public reach it (see calendar.public_items)."""

    def build(window: Window) -> bytes:
        program = current_app.config["WELLNESS_PROGRAM_NAME"]
        info = feed_info(f"Wellness: {feed.name}", f"{feed.name} from {program} wellness.", window)
        return render_calendar(info, public_items(feed.scope, window))

    return answer_poll(f"public:{feed.key}", (PUBLIC, ALL_PEOPLE), build, wants)
