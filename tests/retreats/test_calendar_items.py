"""Retreat sessions on calendars, read through the real feed routes: personal feeds and the retreat kind's feed."""

from datetime import timedelta

import pytest

from tests.feeds import conftest as feed_fixtures
from tests.feeds.conftest import Entry, read_feed
from tests.retreats.conftest import on_day, retreat_day
from wellness.retreats.services import Guest

# The feeds package's fixtures: feed addresses, polls and subscriptions through the real routes.
feed_url = feed_fixtures.feed_url
poll = feed_fixtures.poll
subscribe = feed_fixtures.subscribe

RETREAT_FEED = "/calendars/kind/retreat.ics"


def session_entry(entries: dict[str, Entry], session) -> Entry | None:
    """The feed entry of a retreat session, whatever the UID domain."""
    matches = [entry for uid, entry in entries.items() if uid.startswith(f"retreat-session-{session.id}@")]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


def session_entries(entries: dict[str, Entry]) -> dict[str, Entry]:
    """The retreat-session entries of a feed, by summary."""
    return {entry.summary: entry for uid, entry in entries.items() if uid.startswith("retreat-session-")}


@pytest.fixture
def resident(make_person):
    return make_person("resident", first_name="Pat", last_name="Subscriber", email="pat@example.org")


@pytest.fixture
def other(make_person):
    return make_person("resident", first_name="Quentin", last_name="Elsewhere", email="quentin@example.org")


@pytest.fixture
def workshop(retreat, faculty, make_session):
    return make_session(
        retreat,
        title="Narrative medicine",
        format="workshop",
        starts_at=on_day(retreat, 10),
        ends_at=on_day(retreat, 11, 30),
        room="Birch room",
        description="Bring a notebook.",
        capacity=1,
        faculty_emails=(faculty.email,),
        guests=(Guest("Dr. Rita Charon", "Professor of Medicine", "Columbia University"),),
    )


# --- personal feeds ---------------------------------------------------------------------------------


def test_a_session_with_a_place_is_confirmed_on_the_persons_feed_at_its_times(
    retreat, workshop, resident, answer, sign_up, subscribe
):
    answer(retreat, resident, "going")
    subscription = subscribe(resident)
    assert session_entry(subscription.entries(), workshop) is None

    sign_up(workshop, resident)

    entry = session_entry(subscription.changed(), workshop)
    assert (entry.summary, entry.status) == ("Narrative medicine", "confirmed")
    assert (entry.start, entry.end) == (on_day(retreat, 10), on_day(retreat, 11, 30))
    assert entry.location == "Birch room, Lakeside Lodge"
    assert entry.categories == ("Retreat",)
    assert entry.description.startswith("Workshop at Spring retreat")
    assert "Led by Fay Culty, Dr. Rita Charon" in entry.description
    assert "Bring a notebook." in entry.description
    assert "You have a place." in entry.description


def test_a_waitlisted_session_is_tentative_with_its_position(
    retreat, workshop, resident, other, answer, sign_up, subscribe
):
    for person in (other, resident):
        answer(retreat, person, "going")
        sign_up(workshop, person)

    entry = session_entry(subscribe(resident).entries(), workshop)

    assert (entry.summary, entry.status) == ("Waitlist #1: Narrative medicine", "tentative")
    assert "waitlist at position 1" in entry.description


def test_a_promotion_turns_the_waitlisted_session_into_a_confirmed_one(
    retreat, workshop, resident, other, answer, sign_up, leave_session, subscribe
):
    for person in (other, resident):
        answer(retreat, person, "going")
        sign_up(workshop, person)
    subscription = subscribe(resident)

    leave_session(workshop, other)

    entry = session_entry(subscription.changed(), workshop)
    assert (entry.summary, entry.status) == ("Narrative medicine", "confirmed")


def test_leaving_a_session_moves_the_etag_and_takes_it_off_the_feed(
    retreat, workshop, resident, answer, sign_up, leave_session, subscribe
):
    answer(retreat, resident, "going")
    sign_up(workshop, resident)
    subscription = subscribe(resident)
    assert session_entry(subscription.entries(), workshop) is not None

    leave_session(workshop, resident)

    assert session_entry(subscription.changed(), workshop) is None
    subscription.unchanged()


def test_leaving_the_retreat_takes_its_sessions_off_the_feed(
    retreat, workshop, make_session, resident, answer, sign_up, subscribe
):
    talk = make_session(retreat, title="Keynote", format="talk", starts_at=on_day(retreat, 14))
    answer(retreat, resident, "going")
    sign_up(workshop, resident)
    sign_up(talk, resident)
    subscription = subscribe(resident)
    assert set(session_entries(subscription.entries())) == {"Narrative medicine", "Keynote"}

    answer(retreat, resident, "not_going")

    assert session_entries(subscription.changed()) == {}


def test_the_next_in_line_sees_their_position_move_up(
    retreat, workshop, resident, other, make_person, answer, sign_up, leave_session, subscribe
):
    first = make_person("resident")
    for person in (first, other, resident):
        answer(retreat, person, "going")
        sign_up(workshop, person)
    subscription = subscribe(resident)
    assert session_entry(subscription.entries(), workshop).summary == "Waitlist #2: Narrative medicine"

    leave_session(workshop, other)

    assert session_entry(subscription.changed(), workshop).summary == "Waitlist #1: Narrative medicine"


def test_editing_a_session_moves_the_etag_of_people_signed_up_and_of_the_retreat_feed_only(
    retreat, workshop, resident, other, answer, sign_up, update_session, subscribe
):
    answer(retreat, resident, "going")
    answer(retreat, other, "going")
    sign_up(workshop, resident)
    mine, theirs, public = subscribe(resident), subscribe(other), subscribe(path=RETREAT_FEED)

    update_session(workshop, room="Cedar room", starts_at=on_day(retreat, 13), ends_at=on_day(retreat, 14))

    for subscription in (mine, public):
        entry = session_entry(subscription.changed(), workshop)
        assert (entry.start, entry.end) == (on_day(retreat, 13), on_day(retreat, 14))
        assert entry.location == "Cedar room, Lakeside Lodge"
    theirs.unchanged()


def test_editing_a_session_raises_its_sequence(
    retreat, workshop, resident, answer, sign_up, update_session, subscribe
):
    answer(retreat, resident, "going")
    sign_up(workshop, resident)
    subscription = subscribe(resident)
    before = session_entry(subscription.entries(), workshop).sequence

    update_session(workshop, title="Narrative medicine: writing")

    entry = session_entry(subscription.changed(), workshop)
    assert entry.summary == "Narrative medicine: writing"
    assert entry.sequence > before


def test_changing_a_facilitator_moves_the_feeds_of_people_signed_up(
    retreat, workshop, resident, answer, sign_up, update_session, subscribe
):
    answer(retreat, resident, "going")
    sign_up(workshop, resident)
    mine, public = subscribe(resident), subscribe(path=RETREAT_FEED)

    update_session(workshop, faculty_emails=(), guests=(Guest("Dr. Jo Lee", "Chaplain"),))

    for subscription in (mine, public):
        description = session_entry(subscription.changed(), workshop).description
        assert "Led by Dr. Jo Lee" in description and "Fay Culty" not in description


def test_removing_a_session_takes_it_off_the_feeds_of_people_signed_up(
    retreat, workshop, resident, answer, sign_up, remove_session, subscribe
):
    answer(retreat, resident, "going")
    sign_up(workshop, resident)
    mine, public = subscribe(resident), subscribe(path=RETREAT_FEED)

    remove_session(workshop)

    assert session_entry(mine.changed(), workshop) is None
    assert session_entry(public.changed(), workshop) is None


def test_cancelling_the_retreat_shows_its_sessions_as_cancelled(
    retreat, workshop, make_session, resident, other, answer, sign_up, cancel_retreat, subscribe
):
    talk = make_session(retreat, title="Keynote", format="talk", starts_at=on_day(retreat, 14))
    for person in (other, resident):
        answer(retreat, person, "going")
        sign_up(workshop, person)  # the resident waits behind the other
    sign_up(talk, resident)
    mine, public = subscribe(resident), subscribe(path=RETREAT_FEED)

    cancel_retreat(retreat)

    for subscription in (mine, public):
        shown = session_entries(subscription.changed())
        assert {summary: entry.status for summary, entry in shown.items()} == {
            "Cancelled: Narrative medicine": "cancelled",
            "Cancelled: Keynote": "cancelled",
        }


# --- the retreat kind's public feed --------------------------------------------------------------


def test_the_retreat_feed_holds_every_session_of_every_retreat_and_nobody_signed_up(
    make_retreat, retreat, workshop, make_session, resident, other, answer, sign_up, poll
):
    autumn = make_retreat(title="Autumn retreat", day=retreat_day() + timedelta(days=60))
    autumn_talk = make_session(autumn, title="Keynote", format="talk")
    make_retreat(title="Draft retreat", status="draft")
    for person in (other, resident):
        answer(retreat, person, "going")
        sign_up(workshop, person)
    answer(autumn, resident, "going")
    sign_up(autumn_talk, resident)

    response = poll(RETREAT_FEED)

    assert response.status_code == 200
    entries = read_feed(response.data)
    shown = session_entries(entries)
    assert {summary: entry.status for summary, entry in shown.items()} == {
        "Narrative medicine": "confirmed",
        "Keynote": "confirmed",
    }
    assert session_entry(entries, workshop).location == "Birch room, Lakeside Lodge"
    assert "Led by Fay Culty, Dr. Rita Charon" in session_entry(entries, workshop).description
    for secret in (b"Pat", b"Subscriber", b"pat@example.org", b"Quentin", b"Elsewhere", b"quentin@example"):
        assert secret not in response.data
    assert b"Waitlist" not in response.data and b"You have a place" not in response.data


def test_sessions_of_a_draft_retreat_are_not_in_the_retreat_feed(make_retreat, make_session, poll):
    draft = make_retreat(title="Draft retreat", status="draft")
    make_session(draft, title="Secret planning")

    assert b"Secret planning" not in poll(RETREAT_FEED).data


def test_sessions_are_only_in_the_retreat_kind_feed(retreat, workshop, poll):
    assert session_entry(read_feed(poll(RETREAT_FEED).data), workshop) is not None
    for path in ("/calendars/all.ics", "/calendars/kind/social.ics", "/calendars/program/categorical.ics"):
        response = poll(path)
        assert response.status_code == 200, path
        assert session_entry(read_feed(response.data), workshop) is None, path


def test_a_sign_up_leaves_the_retreat_feed_unchanged(retreat, workshop, resident, answer, sign_up, subscribe):
    answer(retreat, resident, "going")
    public = subscribe(path=RETREAT_FEED)

    sign_up(workshop, resident)

    public.unchanged()
