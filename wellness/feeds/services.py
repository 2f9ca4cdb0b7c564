"""Building feeds from the calendar spine and answering polls cheaply.

A feed's body depends only on the calendar versions of its scopes, on the day (the window
slides and cancelled items expire at midnight) and on the feed settings. Together they make the
feed's build key. A poll reads the versions and the cached build key and ETag (one query for a
personal feed, address owner included; two for a public one); when the key still matches, a 304
or the cached body is the answer and nothing is built. Versions are read before any item, so a
body can be older than its key claims only by being rebuilt on the next poll, never served stale.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, and_, cast, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ..calendar import PublicScope, Window, items_for, public_items
from ..calendar.models import CalendarVersion
from ..calendar.versions import ALL_PEOPLE, PUBLIC, Stamp, person_scope, stamp_from, stamp_of
from ..dates import program_today, utcnow
from ..extensions import db
from ..people.models import Person
from ..people.programs import PROGRAMS
from .ical import FeedInfo, render_calendar
from .models import CalendarFeed, FeedCache
from .recent import RECENT
from .tokens import hash_token

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


@dataclass(frozen=True)
class Probe:
    """What a poll reads before deciding anything: the scopes' versions and the cached build, if any."""

    stamp: Stamp
    cached_build_key: str | None
    cached_etag: str | None


def probe(key: str, scopes: tuple[str, ...]) -> Probe:
    """Read the versions and the cache row of feed `key` (two queries)."""
    cached = db.session.execute(
        select(FeedCache.build_key, FeedCache.etag).where(FeedCache.key == key)
    ).first()
    return Probe(stamp_of(db.session, scopes), *(cached or (None, None)))


def answer_poll(key: str, found: Probe, build, wants) -> FeedAnswer:
    """Answer a poll of feed `key`, given what `probe` (or personal_probe) found.

    `build(window)` makes the body; `wants(etag)` says whether the client already holds that
    version (If-None-Match), in which case the body is not read. Last-Modified is the latest
    change to the scopes or today's midnight, whichever is later, so it never moves backwards.
    A rebuilt body is written to the cache in the request's transaction; the caller commits.
    """
    today = program_today(_tz())
    build_key = f"{found.stamp.key}@{today.isoformat()}#{_settings_key()}"
    last_modified = max(filter(None, (found.stamp.changed_at, _midnight(today))))
    if found.cached_build_key == build_key:
        etag = found.cached_etag
        if wants(etag):
            return FeedAnswer(etag, last_modified, None)
        body = RECENT.get(etag) or db.session.scalar(
            select(FeedCache.body).where(FeedCache.key == key, FeedCache.etag == etag)
        )
        if body is not None:
            RECENT.put(etag, body)
            return FeedAnswer(etag, last_modified, body)
    body = build(feed_window(today))
    etag = etag_of(body)
    try:
        with db.session.begin_nested():
            _store(key, build_key, etag, body)
    except OperationalError:
        # SQLite refuses a read transaction's first write once another writer has committed since
        # it began. The cache is only a cache: this body is still right, and the next poll stores it.
        pass
    RECENT.put(etag, body)
    # A new version need not change this feed (another person's answer, a new day): the client
    # that already holds the rebuilt body gets a 304 all the same.
    return FeedAnswer(etag, last_modified, None if wants(etag) else body)


def personal_probe(token: str) -> tuple[int, Probe] | None:
    """The owner of a feed address and what a poll of their feed needs, in one query.

    None for an unknown, replaced or revoked address and for a deactivated person. This is the
    query every poll of every subscribed calendar makes, so it joins the address's owner to what
    `probe` would read separately.
    """
    scope = literal("person:") + cast(CalendarFeed.person_id, String)
    rows = db.session.execute(
        select(
            CalendarFeed.person_id,
            CalendarVersion.scope,
            CalendarVersion.version,
            CalendarVersion.changed_at,
            FeedCache.build_key,
            FeedCache.etag,
        )
        .join(Person, and_(Person.id == CalendarFeed.person_id, Person.is_active.is_(True)))
        .outerjoin(CalendarVersion, CalendarVersion.scope.in_([scope, literal(ALL_PEOPLE)]))
        .outerjoin(FeedCache, FeedCache.key == scope)
        .where(CalendarFeed.token_hash == hash_token(token))
    ).all()
    if not rows:
        return None
    person_id = rows[0].person_id
    versions = {row.scope: (row.version, row.changed_at) for row in rows if row.scope}
    stamp = stamp_from(versions, (person_scope(person_id), ALL_PEOPLE))
    return person_id, Probe(stamp, rows[0].build_key, rows[0].etag)


def personal_feed(person_id: int, found: Probe, wants) -> FeedAnswer:
    """Answer a poll of a person's own feed, from personal_probe's findings."""

    def build(window: Window) -> bytes:
        person = db.session.get(Person, person_id)
        info = feed_info(
            f"Wellness: {person.name}",
            f"Everything {current_app.config['WELLNESS_PROGRAM_NAME']} wellness has on {person.name}'s calendar.",
            window,
        )
        return render_calendar(info, items_for(person_id, window))

    return answer_poll(person_scope(person_id), found, build, wants)


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

    key = f"public:{feed.key}"
    return answer_poll(key, probe(key, (PUBLIC, ALL_PEOPLE)), build, wants)
