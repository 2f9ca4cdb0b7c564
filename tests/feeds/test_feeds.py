"""The personal feed over HTTP: what it lists, its headers, conditional requests, UIDs and window."""

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import event as sqlalchemy_event
from werkzeug.http import parse_date

from tests.feeds.conftest import TZ, at, edit_event, entry_for, in_days, program_today
from wellness.extensions import db

ZONE = ZoneInfo(TZ)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZONE).astimezone(UTC)


# --- what is on a person's feed -------------------------------------------------------------------


def test_personal_feed_lists_answers_and_organised_events_with_their_status(
    make_event, answer, make_person, coordinator, resident, subscribe
):
    other = make_person("resident", first_name="Quentin", last_name="Elsewhere")
    going = make_event(title="Going dinner")
    maybe = make_event(title="Maybe hike", starts_at=in_days(8))
    full = make_event(title="Full retreat", capacity=1, starts_at=in_days(9))
    declined = make_event(title="Declined talk", starts_at=in_days(10))
    organised = make_event(
        title="Organised walk", starts_at=in_days(11), organiser_emails=(coordinator.email, resident.email)
    )
    draft = make_event(
        title="Draft party", status="draft", organiser_emails=(coordinator.email, resident.email)
    )
    theirs = make_event(title="Their concert", starts_at=in_days(12))
    answer(going, resident)
    answer(maybe, resident, "maybe")
    answer(full, other)
    answer(full, resident)
    answer(declined, resident, "going")
    answer(declined, resident, "not_going")
    answer(going, other)
    answer(theirs, other)

    entries = subscribe(resident).entries()
    shown = {
        event.title: entry_for(entries, event)
        for event in (going, maybe, full, declined, organised, draft, theirs)
        if entry_for(entries, event)
    }
    assert {title: (entry.summary, entry.status) for title, entry in shown.items()} == {
        "Going dinner": ("Going dinner", "confirmed"),
        "Maybe hike": ("Maybe: Maybe hike", "tentative"),
        "Full retreat": ("Waitlist #1: Full retreat", "tentative"),
        "Organised walk": ("Organised walk", "confirmed"),
    }
    assert len(entries) == 4
    assert shown["Going dinner"].description == "You are going."
    assert shown["Organised walk"].description == "You are an organiser."
    assert "waitlist at position 1" in shown["Full retreat"].description


def test_feed_shows_nothing_of_other_peoples_answers(make_event, answer, make_person, resident, subscribe):
    other = make_person("resident", first_name="Quentin", last_name="Elsewhere", email="quentin@example.org")
    shared = make_event(title="Shared dinner", capacity=1)
    answer(shared, other)
    answer(shared, resident)  # waitlisted behind Quentin
    subscription = subscribe(resident)
    for secret in (b"Quentin", b"Elsewhere", b"quentin@example.org"):
        assert secret not in subscription.body
    theirs = subscribe(other)
    assert b"Subscriber" not in theirs.body and b"pat@example.org" not in theirs.body
    assert entry_for(theirs.entries(), shared).summary == "Shared dinner"


def test_feed_gives_each_going_event_at_its_instants_in_both_parsers(
    make_event, answer, resident, subscribe, coordinator
):
    early = make_event(title="Breakfast", starts_at=at(program_today() + timedelta(days=3), 7, 15))
    late = make_event(
        title="Late shift social",
        starts_at=at(program_today() + timedelta(days=4), 22, 30),
        ends_at=at(program_today() + timedelta(days=5), 1, 45),
    )
    fold_start = _second_pass_of_repeated_hour()
    repeated = make_event(title="Night owl", starts_at=fold_start, ends_at=fold_start + timedelta(minutes=45))
    for event in (early, late, repeated):
        answer(event, resident, actor=coordinator)
    entries = subscribe(resident).entries()
    for event in (early, late, repeated):
        entry = entry_for(entries, event)
        assert (entry.start, entry.end) == (event.starts_at, event.ends_at), event.title


def _second_pass_of_repeated_hour() -> datetime:
    """1:15 AM standard time on the next autumn change in New York, as a UTC moment."""
    day = program_today() + timedelta(days=1)
    while True:
        if (
            datetime.combine(day, time(0), tzinfo=ZONE).dst()
            and not datetime.combine(day, time(23), tzinfo=ZONE).dst()
        ):
            return datetime.combine(day, time(1, 15), tzinfo=ZONE).replace(fold=1).astimezone(UTC)
        day += timedelta(days=1)


def test_all_day_event_over_several_days_ends_on_the_day_after(make_event, answer, resident, subscribe):
    first = program_today() + timedelta(days=20)
    block = make_event(
        title="Retreat weekend",
        kind="retreat",
        is_all_day=True,
        starts_at=local_midnight(first),
        ends_at=local_midnight(first + timedelta(days=3)),  # the midnight after the third day
    )
    answer(block, resident)
    subscription = subscribe(resident)
    entry = entry_for(subscription.entries(), block)
    assert (entry.start, entry.end) == (first, first + timedelta(days=3))
    assert f"DTEND;VALUE=DATE:{first + timedelta(days=3):%Y%m%d}".encode() in subscription.body


# --- headers and conditional requests -----------------------------------------------------------


def test_feed_is_a_private_calendar_with_strong_etag_and_last_modified(
    make_event, answer, resident, feed_url, poll
):
    answer(make_event(), resident)
    response = poll(feed_url(resident))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cache_control = [part.strip() for part in response.headers["Cache-Control"].split(",")]
    assert "private" in cache_control and "public" not in cache_control
    assert response.headers["Referrer-Policy"] == "no-referrer"
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[^"]+"', etag), etag  # strong: no W/
    last_modified = parse_date(response.headers["Last-Modified"])
    assert local_midnight(program_today()) <= last_modified <= datetime.now(UTC)
    assert "Set-Cookie" not in response.headers
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")


def test_matching_etag_gets_an_empty_304_and_a_stale_one_the_feed(
    make_event, answer, resident, feed_url, poll
):
    event = make_event()
    path = feed_url(resident)
    stale = poll(path).headers["ETag"]
    answer(event, resident)
    current = poll(path)
    assert current.headers["ETag"] != stale

    again = poll(path, current.headers["ETag"])
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == current.headers["ETag"]
    assert again.headers["Cache-Control"] == current.headers["Cache-Control"]

    weak = poll(path, "W/" + current.headers["ETag"])
    assert weak.status_code == 304
    listed = poll(path, f'"other", {current.headers["ETag"]}')
    assert listed.status_code == 304

    old = poll(path, stale)
    assert old.status_code == 200
    assert old.data == current.data
    assert old.headers["ETag"] == current.headers["ETag"]


def test_head_answers_like_get_without_a_body(make_event, answer, resident, feed_url, poll):
    answer(make_event(), resident)
    path = feed_url(resident)
    head = poll(path, method="HEAD")
    get = poll(path)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


class Statements:
    """The SQL the application runs while the block is open."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.seen: list[str] = []

    def _record(self, _connection, _cursor, statement, *_rest):
        self.seen.append(statement)

    def __enter__(self):
        sqlalchemy_event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc):
        sqlalchemy_event.remove(self.engine, "before_cursor_execute", self._record)

    def queries(self) -> list[str]:
        """The statements other than transaction control (SQLite's explicit BEGIN)."""
        control = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
        return [statement for statement in self.seen if not control.match(statement)]

    def reading(self, *tables: str) -> list[str]:
        pattern = re.compile(r"\b(" + "|".join(tables) + r")\b", re.IGNORECASE)
        return [statement for statement in self.seen if pattern.search(statement)]


def test_304_reads_no_events_or_answers(app, make_event, answer, resident, feed_url, poll):
    path = feed_url(resident)
    etag = poll(path).headers["ETag"]
    answer(make_event(), resident)
    with Statements(app) as rebuilt:
        fresh = poll(path, etag)
    assert fresh.status_code == 200
    assert rebuilt.reading("events", "rsvps"), "the listener saw the feed being built"

    with Statements(app) as conditional:
        response = poll(path, fresh.headers["ETag"])
    assert response.status_code == 304
    assert conditional.reading("events", "rsvps") == []
    assert len(conditional.queries()) <= 3, conditional.seen


def test_unconditional_poll_of_an_unchanged_feed_is_served_from_the_cache(
    app, make_event, answer, resident, feed_url, poll
):
    answer(make_event(), resident)
    path = feed_url(resident)
    first = poll(path)
    with Statements(app) as cached:
        second = poll(path)
    assert second.status_code == 200
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert cached.reading("events", "rsvps") == []


# --- UIDs -----------------------------------------------------------------------------------------


def test_uids_stay_the_same_across_polls_and_edits(app, make_event, answer, coordinator, resident, subscribe):
    event = make_event(title="Journal club")
    answer(event, resident)
    domain = urlsplit(app.config["BASE_URL"]).hostname
    subscription = subscribe(resident)
    assert list(subscription.entries()) == [f"event-{event.id}@{domain}"]

    edit_event(
        app,
        coordinator,
        event.id,
        title="Journal club (moved)",
        starts_at=in_days(9),
        ends_at=in_days(9) + timedelta(hours=1),
    )
    entries = subscription.changed()
    assert list(entries) == [f"event-{event.id}@{domain}"]
    assert entries[f"event-{event.id}@{domain}"].summary == "Journal club (moved)"


def test_uid_domain_follows_the_setting(app, make_event, answer, resident, subscribe, monkeypatch):
    event = make_event()
    answer(event, resident)
    subscription = subscribe(resident)
    assert list(subscription.entries()) == [f"event-{event.id}@127.0.0.1"]
    monkeypatch.setitem(app.config, "CALENDAR_UID_DOMAIN", "wellness.example.org")
    assert list(subscription.changed()) == [f"event-{event.id}@wellness.example.org"]


# --- the window -----------------------------------------------------------------------------------


def test_feed_covers_past_and_future_days_from_the_settings(
    app, make_event, answer, coordinator, resident, subscribe
):
    past, future = app.config["FEED_PAST_DAYS"], app.config["FEED_FUTURE_DAYS"]
    today = program_today()
    events = {
        "oldest kept": make_event(starts_at=at(today - timedelta(days=past), 18)),
        "too old": make_event(starts_at=at(today - timedelta(days=past + 1), 18)),
        "furthest kept": make_event(starts_at=at(today + timedelta(days=future), 18)),
        "too far": make_event(starts_at=at(today + timedelta(days=future + 1), 18)),
    }
    for event in events.values():
        answer(event, resident, actor=coordinator)  # a coordinator may answer for past events
    entries = subscribe(resident).entries()
    shown = {name for name, event in events.items() if entry_for(entries, event)}
    assert shown == {"oldest kept", "furthest kept"}
