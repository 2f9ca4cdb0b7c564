"""Public feeds, the calendars page, one event's .ics and the add-to-calendar links on an event page."""

import html
import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.feeds.conftest import TZ, change, edit_event, entry_for, in_days, program_today, read_feed
from tests.support import fetch, row_counts
from wellness.events import services
from wellness.events.groups import save_group, save_kind
from wellness.events.models import Event, EventKind, Group
from wellness.feeds.models import FeedCache
from wellness.people.models import Person
from wellness.people.programs import PROGRAMS


def public_paths(app) -> list[str]:
    """Every public feed: all events, each kind in the database, each program."""
    kinds = [kind.slug for kind in fetch(app, select(EventKind))]
    return (
        ["/calendars/all.ics"]
        + [f"/calendars/kind/{slug}.ics" for slug in kinds]
        + [f"/calendars/program/{key}.ics" for key in PROGRAMS]
    )


def feed(poll, path: str):
    response = poll(path)
    assert response.status_code == 200, (path, response.status_code)
    return read_feed(response.data)


# --- the calendars page ---------------------------------------------------------------------------


def test_calendars_page_links_every_public_feed_by_webcal_and_https(app, client, coordinator, poll):
    with change(app) as session:
        save_kind(session.get(Person, coordinator.id), None, "Journal club", "blue")
    response = client.get("/calendars")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    paths = public_paths(app)
    assert "/calendars/kind/journal-club.ics" in paths
    assert len(paths) == 1 + 9 + len(PROGRAMS)
    for path in paths:
        assert f'value="http://localhost{path}"' in page, path  # the address Copy puts on the clipboard
        assert f'href="webcal://localhost{path}"' in page, path
        head = poll(path, method="HEAD")
        assert head.status_code == 200, path
    names = [kind.name for kind in fetch(app, select(EventKind))] + [p.label for p in PROGRAMS.values()]
    for name in ["All events", *names]:
        assert html.escape(name) in page, name


@pytest.mark.parametrize("path", ["/calendars/kind/no-such-kind.ics", "/calendars/program/surgery.ics"])
def test_unknown_kind_or_program_is_not_found(app, poll, path):
    assert poll(path).status_code == 404
    assert row_counts(app, FeedCache) == (0,)  # nothing is built or cached for it


def test_public_feed_is_a_public_calendar_with_validators(poll):
    response = poll("/calendars/all.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cache_control = [part.strip() for part in response.headers["Cache-Control"].split(",")]
    assert "public" in cache_control and "private" not in cache_control
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert re.fullmatch(r'"[^"]+"', response.headers["ETag"])
    assert "Last-Modified" in response.headers
    assert "Set-Cookie" not in response.headers


# --- what the public feeds hold -------------------------------------------------------------------


def test_public_feed_has_published_and_recently_cancelled_events_and_no_drafts(make_event, poll):
    published = make_event(title="Open mic")
    draft = make_event(title="Surprise party", status="draft")
    cancelled = make_event(title="Rained out", status="cancelled")
    entries = feed(poll, "/calendars/all.ics")
    assert entry_for(entries, published).summary == "Open mic"
    assert entry_for(entries, published).status == "confirmed"
    assert entry_for(entries, draft) is None
    assert (entry_for(entries, cancelled).summary, entry_for(entries, cancelled).status) == (
        "Cancelled: Rained out",
        "cancelled",
    )
    assert b"Surprise party" not in poll("/calendars/all.ics").data


def test_kind_feed_has_only_that_kind(make_event, poll):
    retreat, social = make_event(kind="retreat"), make_event(kind="social")
    retreats = feed(poll, "/calendars/kind/retreat.ics")
    socials = feed(poll, "/calendars/kind/social.ics")
    assert (entry_for(retreats, retreat) is not None, entry_for(retreats, social) is not None) == (
        True,
        False,
    )
    assert (entry_for(socials, social) is not None, entry_for(socials, retreat) is not None) == (True, False)
    assert feed(poll, "/calendars/kind/education.ics") == {}


def test_program_feed_has_events_for_that_program_and_for_everyone(make_event, make_group, poll):
    primary = make_event(title="Primary care lunch", programs=("primary_care",))
    everyone = make_event(title="Holiday party")
    grouped = make_event(title="Parents' breakfast", group_ids=(make_group("Parents").id,))
    in_primary = feed(poll, "/calendars/program/primary_care.ics")
    in_categorical = feed(poll, "/calendars/program/categorical.ics")
    assert entry_for(in_primary, primary) is not None
    assert entry_for(in_categorical, primary) is None
    for key in PROGRAMS:
        entries = feed(poll, f"/calendars/program/{key}.ics")
        assert entry_for(entries, everyone) is not None, key
        assert entry_for(entries, grouped) is None, key
    everything = feed(poll, "/calendars/all.ics")
    assert all(entry_for(everything, event) for event in (primary, everyone, grouped))
    assert entry_for(in_primary, primary).description == "For: Primary care residents"


def test_public_feeds_hold_nothing_personal(
    app, make_event, make_person, make_group, answer, coordinator, poll
):
    zebulon = make_person(
        "resident", first_name="Zebulon", last_name="Quixote", email="zebulon.q@example.org"
    )
    ursula = make_person("faculty", first_name="Ursula", last_name="Vexley", email="ursula.v@example.org")
    waiting = make_person(
        "resident", first_name="Wilhelmina", last_name="Drabble", email="w.drabble@example.org"
    )
    maybe = make_person("resident", first_name="Marisol", last_name="Fenwick", email="marisol.f@example.org")
    group = make_group("Night float", members=[zebulon, maybe])
    full = make_event(
        title="Small dinner",
        capacity=2,
        organiser_emails=(ursula.email,),
        allows_guests=True,
        max_guests=1,
    )
    grouped = make_event(title="Night float breakfast", group_ids=(group.id,), kind="wellness")
    organised = make_event(
        title="Faculty talk", organiser_emails=(ursula.email, coordinator.email), kind="education"
    )
    answer(full, zebulon, guests=1)
    answer(full, waiting)
    answer(grouped, maybe, "maybe")
    answer(organised, zebulon, actor=coordinator)
    with change(app) as session:  # a cancelled event with answers stays in the public feeds too
        services.cancel_event(session.get(Person, coordinator.id), session.get(Event, organised.id))

    personal = [
        "Zebulon", "Quixote", "zebulon.q@example.org",
        "Ursula", "Vexley", "ursula.v@example.org",
        "Wilhelmina", "Drabble", "w.drabble@example.org",
        "Marisol", "Fenwick", "marisol.f@example.org",
        coordinator.first_name, coordinator.last_name, coordinator.email,
        "You are going", "You are on the waitlist", "You answered maybe", "You are an organiser",
        "Waitlist #", "Maybe:", "guest",
    ]  # fmt: skip
    for path in public_paths(app):
        body = poll(path).get_data(as_text=True)
        unfolded = body.replace("\r\n ", "")
        assert not [word for word in personal if word.lower() in unfolded.lower()], path
        entries = read_feed(body.encode())
        assert all(entry.status in ("confirmed", "cancelled") for entry in entries.values()), path
        assert unfolded.count("CLASS:PUBLIC") == len(entries), path
    everything = read_feed(poll("/calendars/all.ics").data)
    assert all(entry_for(everything, event) for event in (full, grouped, organised))


# --- freshness of public feeds --------------------------------------------------------------------


def test_public_feed_moves_on_an_event_edit_and_not_on_an_answer(
    app, make_event, answer, resident, coordinator, subscribe
):
    event = make_event(title="Open mic")
    subscription = subscribe(path="/calendars/all.ics")
    answer(event, resident)
    subscription.unchanged()
    edit_event(app, coordinator, event.id, title="Open mic night")
    assert entry_for(subscription.changed(), event).summary == "Open mic night"


def test_public_feed_moves_on_a_kind_rename(app, make_event, coordinator, subscribe):
    event = make_event(kind="social")
    subscription = subscribe(path="/calendars/kind/social.ics")
    with change(app) as session:
        kind = session.scalar(select(EventKind).where(EventKind.slug == "social"))
        save_kind(session.get(Person, coordinator.id), kind, "Get-togethers", kind.colour)
    assert entry_for(subscription.changed(), event).categories == ("Get-togethers",)


def test_public_feeds_name_no_group_and_stay_put_when_a_group_is_renamed(
    app, make_event, make_group, coordinator, subscribe
):
    group = make_group("Residents on leave")
    event = make_event(title="Breakfast", group_ids=(group.id,))
    mixed = make_event(title="Clinic lunch", group_ids=(group.id,), programs=("primary_care",))
    subscription = subscribe(path="/calendars/all.ics")
    entries = subscription.entries()
    assert entry_for(entries, event).description == "For: Members of invited groups"
    assert entry_for(entries, mixed).description == "For: Primary care residents; members of invited groups"
    with change(app) as session:
        save_group(session.get(Person, coordinator.id), session.get(Group, group.id), "Night float team", "")
    subscription.unchanged()


def test_public_feed_moves_when_a_draft_is_published(app, make_event, coordinator, subscribe):
    draft = make_event(title="Spring formal", status="draft")
    subscription = subscribe(path="/calendars/all.ics")
    assert entry_for(subscription.entries(), draft) is None
    with change(app) as session:
        services.publish_event(session.get(Person, coordinator.id), session.get(Event, draft.id))
    assert entry_for(subscription.changed(), draft).summary == "Spring formal"


# --- one event's .ics -----------------------------------------------------------------------------


def test_one_events_ics_is_an_attachment_with_just_that_event(client, login_as, make_event, make_person):
    event = make_event(title="Wellness walk", location="Riverside park", kind="wellness")
    make_event(title="Another event")
    login_as(make_person("resident"))
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    entries = read_feed(response.data)
    assert list(entries) == [f"event-{event.id}@127.0.0.1"]
    entry = entries[f"event-{event.id}@127.0.0.1"]
    assert (entry.summary, entry.location, entry.start, entry.end) == (
        "Wellness walk",
        "Riverside park",
        event.starts_at,
        event.ends_at,
    )
    assert entry.categories == ("Wellness",)


def test_one_events_ics_is_not_found_for_a_draft_the_person_cannot_see(
    client, login_as, make_event, make_person
):
    draft = make_event(title="Surprise party", status="draft")
    login_as(make_person("resident"))
    response = client.get(f"/events/{draft.id}/calendar.ics")
    assert response.status_code == 404
    assert b"Surprise party" not in response.data


def test_one_events_ics_needs_sign_in(client, make_event):
    event = make_event()
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- add-to-calendar links on the event page ------------------------------------------------------


def _link(page: str, testid: str) -> str | None:
    match = re.search(rf'<a [^>]*href="([^"]*)"[^>]*data-testid="{testid}"', page)
    return html.unescape(match.group(1)) if match else None


def test_event_page_links_to_google_calendar_and_the_ics(client, login_as, make_event, make_person):
    event = make_event(title="Wellness walk", location="Riverside park")
    login_as(make_person("resident"))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert _link(page, "event-ics") == f"/events/{event.id}/calendar.ics"
    google = urlsplit(_link(page, "event-google"))
    assert (google.scheme, google.netloc, google.path) == ("https", "calendar.google.com", "/calendar/render")
    query = {key: values[0] for key, values in parse_qs(google.query).items()}
    start, end = (
        moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for moment in (event.starts_at, event.ends_at)
    )
    assert query["action"] == "TEMPLATE"
    assert query["text"] == "Wellness walk"
    assert query["dates"] == f"{start}/{end}"
    assert query["location"] == "Riverside park"
    assert query["ctz"] == TZ
    assert query["details"].endswith(f"http://localhost/events/{event.id}")
    assert _link(page, "event-outlook").startswith("https://outlook.office.com/calendar/")


def test_event_page_google_link_for_whole_days_ends_the_day_after(client, login_as, make_event, make_person):
    first = program_today() + timedelta(days=15)
    zone = ZoneInfo(TZ)
    block = make_event(
        title="Retreat",
        kind="retreat",
        is_all_day=True,
        starts_at=datetime.combine(first, time(), tzinfo=zone).astimezone(UTC),
        ends_at=datetime.combine(first + timedelta(days=2), time(), tzinfo=zone).astimezone(UTC),
    )
    login_as(make_person("resident"))
    page = client.get(f"/events/{block.id}").get_data(as_text=True)
    query = parse_qs(urlsplit(_link(page, "event-google")).query)
    assert query["dates"] == [f"{first:%Y%m%d}/{first + timedelta(days=2):%Y%m%d}"]


def test_cancelled_event_page_has_no_add_to_calendar_links(client, login_as, make_event, make_person):
    event = make_event(title="Rained out", status="cancelled")
    login_as(make_person("resident"))
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Rained out" in page
    assert _link(page, "event-google") is None and _link(page, "event-ics") is None
    assert "calendar.google.com" not in page


def test_published_event_in_the_future_is_in_the_public_feed_at_its_instants(make_event, poll):
    event = make_event(starts_at=in_days(30, 9))
    entry = entry_for(feed(poll, "/calendars/all.ics"), event)
    assert (entry.start, entry.end) == (event.starts_at, event.ends_at)
