"""Feed fixtures: personal feed addresses, polling with validators, and reading feeds with two parsers.

The event fixtures (make_event, make_group, answer, coordinator) come from tests/events/conftest.py;
feeds are checked by ical_check.parse_both (line rules, both parsers) and read into Entry rows.
Changes are made through the services in an application context of their own (`change`), as a
request would, and each is committed before the next poll.
"""

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from ical.calendar import Calendar as IcalCalendar
from icalendar import Calendar
from werkzeug.http import parse_date

from tests.events.conftest import (  # noqa: F401 - fixtures and helpers shared by this package
    TZ,
    answer,
    at,
    coordinator,
    in_days,
    make_event,
    make_group,
    program_today,
)
from tests.feeds.ical_check import parse_both
from wellness.events import services
from wellness.events.models import Event
from wellness.extensions import db
from wellness.feeds.tokens import issue_feed_token
from wellness.people.models import Person

TOKEN_PATH = re.compile(r"/calendar/([A-Za-z0-9_-]+)\.ics")


# --- reading feeds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One VEVENT as both parsers read it: times as UTC moments, or dates for whole days."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    status: str
    sequence: int
    categories: tuple[str, ...]
    location: str
    description: str


def _moment(value):
    """A date stays a date; a date-time becomes an aware UTC moment."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


def _with_icalendar(calendar: Calendar) -> dict[str, Entry]:
    found = {}
    for vevent in calendar.walk("VEVENT"):
        categories = vevent.get("CATEGORIES")
        names = tuple(str(name) for name in categories.cats) if categories is not None else ()
        found[str(vevent["UID"])] = Entry(
            uid=str(vevent["UID"]),
            summary=str(vevent["SUMMARY"]),
            start=_moment(vevent.decoded("DTSTART")),
            end=_moment(vevent.decoded("DTEND")),
            status=str(vevent.get("STATUS", "")).lower(),
            sequence=int(vevent.get("SEQUENCE", 0)),
            categories=names,
            location=str(vevent.get("LOCATION", "")),
            description=str(vevent.get("DESCRIPTION", "")),
        )
    return found


def _with_ical(calendar: IcalCalendar) -> dict[str, Entry]:
    return {
        event.uid: Entry(
            uid=event.uid,
            summary=event.summary or "",
            start=_moment(event.dtstart),
            end=_moment(event.dtend),
            status=str(event.status.value).lower() if event.status else "",
            sequence=event.sequence or 0,
            categories=tuple(event.categories),
            location=event.location or "",
            description=event.description or "",
        )
        for event in calendar.events
    }


def read_feed(body: bytes) -> dict[str, Entry]:
    """The feed's events by UID after ical_check's checks, read by icalendar and by ical alike."""
    with_icalendar, with_ical = parse_both(body)
    first, second = _with_icalendar(with_icalendar), _with_ical(with_ical)
    assert first == second, f"the parsers disagree:\nicalendar: {first}\nical: {second}"
    return first


# --- changing things as requests do -----------------------------------------------------------


@contextmanager
def change(app):
    """A session in an application context of its own; committed at the end, as a request would."""
    with app.app_context():
        try:
            yield db.session
            db.session.commit()
        finally:
            db.session.remove()


def edit_event(app, actor, event_id: int, **details) -> None:
    """update_event with some details changed (EventData fields), as a coordinator's edit form does."""
    with change(app) as session:
        event = session.get(Event, event_id)
        services.update_event(
            session.get(Person, actor.id), event, replace(services.event_data(event), **details)
        )


def uid_of(event) -> str:
    return f"event-{event.id}@"


def entry_for(entries: dict[str, Entry], event) -> Entry | None:
    """The feed entry of an event, whatever the UID domain."""
    matches = [entry for uid, entry in entries.items() if uid.startswith(uid_of(event))]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


# --- personal feeds -------------------------------------------------------------------------------


@pytest.fixture
def feed_url(app):
    """Issue a feed address for `person` through issue_feed_token; returns its path."""

    def issue(person) -> str:
        with change(app) as session:
            token = issue_feed_token(session.get(Person, person.id), session.get(Person, person.id))
        return f"/calendar/{token}.ics"

    return issue


@pytest.fixture
def poll(app):
    """GET (or HEAD) a feed from a client with no cookies, optionally with If-None-Match.

    Every calendar it receives goes through ical_check and both parsers.
    """
    client = app.test_client()

    def get(path: str, etag: str | None = None, *, method: str = "GET", headers: dict | None = None):
        headers = dict(headers or {})
        if etag is not None:
            headers["If-None-Match"] = etag
        response = client.open(path, method=method, headers=headers)
        if response.status_code == 200 and response.mimetype == "text/calendar" and method == "GET":
            read_feed(response.data)
        return response

    return get


@dataclass
class Subscription:
    """A calendar app subscribed to one feed: it keeps the last ETag and body and polls with them."""

    client: FlaskClient
    path: str
    etag: str | None = None
    body: bytes = b""
    last_modified: list[datetime] = field(default_factory=list)

    def fetch(self):
        headers = {"If-None-Match": self.etag} if self.etag else {}
        response = self.client.get(self.path, headers=headers)
        assert response.status_code in (200, 304), response.status_code
        assert response.headers["ETag"], "no ETag"
        if response.status_code == 200:  # a 304 carries the validators, not the metadata
            self.last_modified.append(parse_date(response.headers["Last-Modified"]))
            self.body = response.data
            read_feed(self.body)
        self.etag = response.headers["ETag"]
        return response

    def changed(self) -> dict[str, Entry]:
        """Poll, expecting a new version; returns its events."""
        before = self.etag
        response = self.fetch()
        assert response.status_code == 200, "the feed did not change"
        assert response.headers["ETag"] != before
        return read_feed(response.data)

    def unchanged(self) -> None:
        """Poll, expecting the version the subscriber already holds."""
        before = self.etag
        response = self.fetch()
        assert response.status_code == 304, "the feed changed"
        assert response.data == b""
        assert response.headers["ETag"] == before

    def entries(self) -> dict[str, Entry]:
        return read_feed(self.body)


@pytest.fixture
def subscribe(app, feed_url) -> Callable[..., Subscription]:
    """subscribe(person) -> a Subscription to their personal feed, polled once.

    subscribe(path="/calendars/all.ics") subscribes to a public feed instead.
    """

    def make(person=None, *, path: str | None = None) -> Subscription:
        subscription = Subscription(app.test_client(), path or feed_url(person))
        response = subscription.fetch()
        assert response.status_code == 200
        return subscription

    return make


@pytest.fixture
def resident(make_person):
    return make_person("resident", first_name="Pat", last_name="Subscriber", email="pat@example.org")
