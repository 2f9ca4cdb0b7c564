"""Every change that alters a person's calendar moves their feed's ETag, and the next poll shows it."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.feeds.conftest import TZ, at, change, edit_event, entry_for, in_days, program_today
from tests.support import fetch
from wellness.events import services
from wellness.events.groups import save_kind
from wellness.events.models import Event, EventKind, Rsvp
from wellness.people.models import Person


def local_midnight(day) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(TZ)).astimezone(UTC)


@pytest.fixture
def others(make_person):
    """Two more residents, Ada and Ben, to fill places and waitlists."""
    return make_person("resident", first_name="Ada"), make_person("resident", first_name="Ben")


# --- the person's own answers ---------------------------------------------------------------------


def test_answering_going_adds_the_event_as_confirmed(make_event, answer, resident, subscribe):
    event = make_event(title="Trivia night")
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event) is None
    answer(event, resident, "going")
    entry = entry_for(subscription.changed(), event)
    assert (entry.summary, entry.status) == ("Trivia night", "confirmed")


def test_answering_maybe_shows_a_tentative_maybe(make_event, answer, resident, subscribe):
    event = make_event(title="Trivia night")
    answer(event, resident, "going")
    subscription = subscribe(resident)
    answer(event, resident, "maybe")
    entry = entry_for(subscription.changed(), event)
    assert (entry.summary, entry.status) == ("Maybe: Trivia night", "tentative")


def test_answering_not_going_removes_the_event(make_event, answer, resident, subscribe):
    event, kept = make_event(title="Trivia night"), make_event(title="Book club")
    answer(event, resident, "going")
    answer(kept, resident, "going")
    subscription = subscribe(resident)
    answer(event, resident, "not_going")
    entries = subscription.changed()
    assert entry_for(entries, event) is None
    assert entry_for(entries, kept) is not None


def test_joining_the_waitlist_shows_the_position(make_event, answer, resident, others, subscribe):
    event = make_event(title="Cooking class", capacity=1)
    answer(event, others[0])
    subscription = subscribe(resident)
    answer(event, resident, "going")
    entry = entry_for(subscription.changed(), event)
    assert (entry.summary, entry.status) == ("Waitlist #1: Cooking class", "tentative")


def test_promotion_after_someone_declines_confirms_the_event(make_event, answer, resident, others, subscribe):
    event = make_event(title="Cooking class", capacity=1)
    answer(event, others[0])
    answer(event, resident)
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event).summary == "Waitlist #1: Cooking class"
    answer(event, others[0], "not_going")
    entry = entry_for(subscription.changed(), event)
    assert (entry.summary, entry.status) == ("Cooking class", "confirmed")
    assert entry.description == "You are going."


def test_waitlist_position_moves_up_when_the_person_ahead_leaves(
    app, make_event, answer, resident, others, subscribe
):
    ada, ben = others
    event = make_event(title="Cooking class", capacity=1)
    answer(event, ada)
    answer(event, ben)  # waitlist #1
    mine = answer(event, resident)  # waitlist #2
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event).summary == "Waitlist #2: Cooking class"
    [before] = fetch(app, select(Rsvp).where(Rsvp.id == mine.rsvp_id))

    answer(event, ben, "not_going")
    entry = entry_for(subscription.changed(), event)
    assert (entry.summary, entry.status) == ("Waitlist #1: Cooking class", "tentative")
    [after] = fetch(app, select(Rsvp).where(Rsvp.id == mine.rsvp_id))
    assert (after.response, after.responded_at, after.requested_at) == (
        before.response,
        before.responded_at,
        before.requested_at,
    )


def test_changing_guests_updates_the_description(make_event, answer, resident, subscribe):
    event = make_event(title="Family picnic", allows_guests=True, max_guests=3)
    answer(event, resident, "going")
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event).description == "You are going."
    answer(event, resident, "going", guests=2)
    assert entry_for(subscription.changed(), event).description == "You are going with 2 guests."
    answer(event, resident, "going", guests=1)
    assert entry_for(subscription.changed(), event).description == "You are going with 1 guest."


def test_coordinator_answering_for_the_person_adds_the_event(
    make_event, answer, resident, coordinator, subscribe
):
    event = make_event(title="Grand rounds dinner")
    subscription = subscribe(resident)
    answer(event, resident, "going", actor=coordinator)
    assert entry_for(subscription.changed(), event).summary == "Grand rounds dinner"
    answer(event, resident, "maybe", actor=coordinator)
    assert entry_for(subscription.changed(), event).summary == "Maybe: Grand rounds dinner"


# --- changes to the event ---------------------------------------------------------------------


EDITS = {
    "title": (lambda: {"title": "Renamed dinner"}, lambda entry: entry.summary == "Renamed dinner"),
    "time": (
        lambda: {"starts_at": in_days(9, 12), "ends_at": in_days(9, 14)},
        lambda entry: (entry.start, entry.end) == (in_days(9, 12), in_days(9, 14)),
    ),
    "location": (lambda: {"location": "The roof garden"}, lambda entry: entry.location == "The roof garden"),
    "description": (
        lambda: {"description": "Bring a dish to share."},
        lambda entry: entry.description.startswith("Bring a dish to share."),
    ),
}


@pytest.mark.parametrize("detail", EDITS)
def test_editing_the_event_shows_on_the_next_poll(
    app, make_event, answer, resident, coordinator, subscribe, detail
):
    details, shows = EDITS[detail]
    event = make_event(title="Team dinner", location="The lodge", description="")
    answer(event, resident)
    subscription = subscribe(resident)
    before = entry_for(subscription.entries(), event)
    assert not shows(before)
    edit_event(app, coordinator, event.id, **details())
    after = entry_for(subscription.changed(), event)
    assert shows(after)
    assert after.uid == before.uid
    if detail != "description":
        assert after.sequence > before.sequence


def test_cancelling_marks_the_event_cancelled(app, make_event, answer, resident, coordinator, subscribe):
    event = make_event(title="Team dinner")
    answer(event, resident)
    subscription = subscribe(resident)
    before = entry_for(subscription.entries(), event)
    with change(app) as session:
        services.cancel_event(session.get(Person, coordinator.id), session.get(Event, event.id))
    after = entry_for(subscription.changed(), event)
    assert (after.summary, after.status) == ("Cancelled: Team dinner", "cancelled")
    assert after.sequence > before.sequence
    assert b"STATUS:CANCELLED\r\n" in subscription.body


def test_renaming_the_kind_changes_the_category(app, make_event, answer, resident, coordinator, subscribe):
    event = make_event(kind="social")
    answer(event, resident)
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event).categories == ("Social",)
    with change(app) as session:
        kind = session.scalar(select(EventKind).where(EventKind.slug == "social"))
        save_kind(session.get(Person, coordinator.id), kind, "Socials and mixers", kind.colour)
    assert entry_for(subscription.changed(), event).categories == ("Socials and mixers",)


def test_being_added_and_removed_as_organiser(app, make_event, resident, coordinator, subscribe):
    event = make_event(title="Mentoring lunch")
    subscription = subscribe(resident)
    edit_event(app, coordinator, event.id, organiser_emails=(coordinator.email, resident.email))
    entry = entry_for(subscription.changed(), event)
    assert (entry.summary, entry.status, entry.description) == (
        "Mentoring lunch",
        "confirmed",
        "You are an organiser.",
    )
    edit_event(app, coordinator, event.id, organiser_emails=(coordinator.email,))
    assert entry_for(subscription.changed(), event) is None


def test_an_organiser_who_answers_not_going_loses_the_event_from_their_calendar(
    make_event, answer, resident, coordinator, subscribe
):
    event = make_event(title="Mentoring lunch", organiser_emails=(coordinator.email, resident.email))
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event).status == "confirmed"
    answer(event, resident, "not_going")
    assert entry_for(subscription.changed(), event) is None


def test_publishing_a_draft_the_person_organises_adds_it(app, make_event, resident, coordinator, subscribe):
    draft = make_event(
        title="Secret planning", status="draft", organiser_emails=(coordinator.email, resident.email)
    )
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), draft) is None
    with change(app) as session:
        services.publish_event(session.get(Person, coordinator.id), session.get(Event, draft.id))
    assert entry_for(subscription.changed(), draft).summary == "Secret planning"


# --- changes that do not concern the person -----------------------------------------------------


def test_another_persons_answer_elsewhere_leaves_the_feed_alone(
    make_event, answer, resident, others, subscribe
):
    mine, theirs = make_event(title="Mine"), make_event(title="Theirs")
    answer(mine, resident)
    subscription = subscribe(resident)
    answer(theirs, others[0])
    subscription.unchanged()
    answer(mine, others[1], "maybe")  # beside me at my event: my entry does not change
    subscription.unchanged()
    answer(mine, resident, "maybe")  # and the feed still notices my own change
    subscription.changed()


def test_editing_an_unrelated_event_leaves_the_feed_alone(
    app, make_event, answer, resident, coordinator, subscribe
):
    mine, other = make_event(title="Mine"), make_event(title="Other")
    answer(mine, resident)
    subscription = subscribe(resident)
    edit_event(app, coordinator, other.id, title="Other, renamed")
    subscription.unchanged()


# --- Last-Modified ----------------------------------------------------------------------------------


def test_last_modified_never_moves_backwards_as_items_come_and_go(
    app, make_event, answer, resident, coordinator, subscribe
):
    early, later = make_event(title="Early"), make_event(title="Later", starts_at=in_days(20))
    subscription = subscribe(resident)
    answer(early, resident)
    subscription.changed()
    # Answered "as of" a moment well after the other changes: the newest item on the feed.
    answer(later, resident, now=later.starts_at - timedelta(hours=1))
    subscription.changed()
    answer(early, resident, "maybe")
    subscription.changed()
    answer(later, resident, "not_going", now=later.starts_at - timedelta(minutes=30))
    assert entry_for(subscription.changed(), later) is None
    edit_event(app, coordinator, early.id, title="Early, renamed")
    subscription.changed()
    moments = subscription.last_modified
    assert len(moments) == 6
    assert moments == sorted(moments)


def test_last_modified_never_moves_backwards_across_a_day_change(
    make_event, answer, resident, feed_url, poll, monkeypatch
):
    event = make_event(title="Book club")
    answer(event, resident)
    path = feed_url(resident)
    today = program_today()

    def last_modified():
        from werkzeug.http import parse_date

        response = poll(path)
        assert response.status_code == 200
        return parse_date(response.headers["Last-Modified"])

    first = last_modified()
    monkeypatch.setattr("wellness.feeds.services.program_today", lambda _tz: today + timedelta(days=1))
    next_day = last_modified()
    assert next_day == local_midnight(today + timedelta(days=1))
    answer(event, resident, "not_going")  # changed now, before the (pretended) midnight
    after_change = last_modified()
    assert first <= next_day <= after_change


# --- cancelled events and the passing days ----------------------------------------------------------


def test_cancelled_event_stays_thirty_days_after_the_cancellation(
    app, make_event, answer, resident, coordinator, subscribe, monkeypatch
):
    event = make_event(title="Team dinner", starts_at=in_days(7))
    answer(event, resident)
    today = program_today()
    with change(app) as session:
        services.cancel_event(session.get(Person, coordinator.id), session.get(Event, event.id))
    with change(app) as session:
        session.get(Event, event.id).cancelled_at = at(today, 12)  # noon today
    subscription = subscribe(resident)
    assert entry_for(subscription.entries(), event).status == "cancelled"

    monkeypatch.setattr("wellness.feeds.services.program_today", lambda _tz: today + timedelta(days=30))
    subscription.fetch()
    assert entry_for(subscription.entries(), event).status == "cancelled"

    monkeypatch.setattr("wellness.feeds.services.program_today", lambda _tz: today + timedelta(days=31))
    assert entry_for(subscription.changed(), event) is None


def test_a_new_version_with_the_same_body_still_gives_304(make_event, answer, resident, others, subscribe):
    ada, ben = others
    event = make_event(title="Cooking class", capacity=1)
    answer(event, ada)
    answer(event, resident)  # waitlist #1
    subscription = subscribe(resident)
    # Anyone's answer may move the people waiting, so it raises their versions; here nobody moved.
    answer(event, ben, "maybe")
    subscription.unchanged()
    assert entry_for(subscription.entries(), event).summary == "Waitlist #1: Cooking class"
