"""Outreach on calendars, read through the real feed routes: volunteers' shifts and approved projects in public feeds."""

from datetime import timedelta

import pytest

from tests.feeds import conftest as feed_fixtures
from tests.feeds.conftest import Entry
from tests.feeds.ical_check import unfold
from tests.outreach.conftest import ADDRESS, PARTNER, on

# The feeds package's fixtures: feed addresses, polls and subscriptions through the real routes.
feed_url = feed_fixtures.feed_url
poll = feed_fixtures.poll
subscribe = feed_fixtures.subscribe

PUBLIC_FEEDS = ("/calendars/all.ics", "/calendars/kind/outreach.ics", "/calendars/program/categorical.ics")


def shift_entry(entries: dict[str, Entry], shift) -> Entry | None:
    """The feed entry of a shift, whatever the UID domain."""
    matches = [entry for uid, entry in entries.items() if uid.startswith(f"outreach-shift-{shift.id}@")]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


def project_entry(entries: dict[str, Entry], project) -> Entry | None:
    matches = [entry for uid, entry in entries.items() if uid.startswith(f"outreach-project-{project.id}@")]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


@pytest.fixture
def ada(make_person):
    return make_person("resident", first_name="Ada", last_name="Volunteerson", email="ada.v@example.org")


@pytest.fixture
def ben(make_person):
    return make_person("resident", first_name="Ben", last_name="Swapworth", email="ben.s@example.org")


@pytest.fixture
def soup_night(make_project):
    return make_project(title="Soup night", description="Cooking and serving a hot supper.")


@pytest.fixture
def prep(soup_night, make_shift):
    return make_shift(soup_night, role="Prep", starts_at=on(soup_night, 16), ends_at=on(soup_night, 17, 30))


# --- personal feeds -------------------------------------------------------------------------------


def test_a_volunteers_shift_is_on_their_feed_with_the_project_and_the_partners_address(
    prep, soup_night, ada, ben, volunteer, subscribe
):
    mine, theirs = subscribe(ada), subscribe(ben)
    assert shift_entry(mine.entries(), prep) is None

    volunteer(prep, ada)

    entry = shift_entry(mine.changed(), prep)
    assert (entry.summary, entry.status) == ("Soup night: Prep", "confirmed")
    assert (entry.start, entry.end) == (on(soup_night, 16), on(soup_night, 17, 30))
    assert entry.location == f"{PARTNER}, {ADDRESS}"
    assert entry.categories == ("Community outreach",)
    assert "Cooking and serving a hot supper." in entry.description
    assert "You have a slot." in entry.description
    theirs.unchanged()
    assert shift_entry(theirs.entries(), prep) is None


def test_offering_a_slot_keeps_the_shift_on_the_feed_and_says_so(prep, ada, volunteer, offer, subscribe):
    volunteer(prep, ada)
    subscription = subscribe(ada)

    offer(prep, ada)

    entry = shift_entry(subscription.changed(), prep)
    assert entry.status == "confirmed"
    assert "You offered this slot; it is yours until someone takes it." in entry.description


def test_dropping_a_shift_takes_it_off_the_feed_and_moves_the_etag(prep, ada, volunteer, drop, subscribe):
    volunteer(prep, ada)
    subscription = subscribe(ada)
    assert shift_entry(subscription.entries(), prep) is not None

    drop(prep, ada)

    assert shift_entry(subscription.changed(), prep) is None
    subscription.unchanged()


def test_a_swap_moves_the_shift_from_the_givers_feed_to_the_takers(
    prep, ada, ben, volunteer, offer, take, subscribe
):
    volunteer(prep, ada)
    offered = offer(prep, ada)
    givers, takers = subscribe(ada), subscribe(ben)
    assert shift_entry(givers.entries(), prep) is not None
    assert shift_entry(takers.entries(), prep) is None

    take(prep, ben, offered.id)

    assert shift_entry(givers.changed(), prep) is None
    entry = shift_entry(takers.changed(), prep)
    assert entry.summary == "Soup night: Prep"
    assert "You have a slot." in entry.description


def test_renaming_a_project_changes_its_volunteers_shifts(
    prep, soup_night, ada, ben, volunteer, update_project, subscribe
):
    volunteer(prep, ada)
    mine, theirs = subscribe(ada), subscribe(ben)

    update_project(soup_night, title="Soup and bread night")

    assert shift_entry(mine.changed(), prep).summary == "Soup and bread night: Prep"
    theirs.unchanged()


# --- public feeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_FEEDS)
def test_an_approved_project_is_a_whole_day_item_in_the_public_feeds(
    organiser, propose, approve, subscribe, path
):
    project = propose(organiser, title="Coat drive", kind="drive", description="Coats in good repair.")
    subscription = subscribe(path=path)
    assert project_entry(subscription.entries(), project) is None

    approve(project)

    entry = project_entry(subscription.changed(), project)
    assert (entry.summary, entry.status) == ("Outreach: Coat drive", "confirmed")
    # Whole days: DTEND is the day after the last one (exclusive), as RFC 5545 has it.
    assert (entry.start, entry.end) == (project.starts_on, project.ends_on + timedelta(days=1))
    assert entry.location == f"{PARTNER}, {ADDRESS}"
    assert entry.categories == ("Community outreach",)
    assert entry.description == "Drive\n\nCoats in good repair."


def test_a_project_is_not_in_another_kinds_feed(make_project, subscribe):
    project = make_project()

    assert project_entry(subscribe(path="/calendars/kind/social.ics").entries(), project) is None


@pytest.mark.parametrize("decision", [None, "declined"])
def test_a_proposed_or_declined_project_is_in_no_public_feed(organiser, propose, decide, poll, decision):
    project = propose(organiser)
    if decision:
        decide(project, False, "Not this term.")

    for path in PUBLIC_FEEDS:
        response = poll(path)
        assert response.status_code == 200
        assert project_entry(feed_fixtures.read_feed(response.data), project) is None


def test_new_dates_move_the_project_in_the_public_feed(make_project, update_project, subscribe):
    project = make_project()
    subscription = subscribe(path="/calendars/kind/outreach.ics")

    update_project(project, ends_on=project.ends_on + timedelta(days=4))

    entry = project_entry(subscription.changed(), project)
    assert (entry.start, entry.end) == (project.starts_on, project.ends_on + timedelta(days=5))


def test_public_feeds_name_no_volunteers_or_organisers(
    prep, soup_night, organiser, ada, ben, volunteer, offer, take, poll
):
    volunteer(prep, ada)
    take(prep, ben, offer(prep, ada).id)
    volunteer(prep, ada)

    for path in PUBLIC_FEEDS:
        response = poll(path)
        body = "\n".join(unfold(response.data))
        assert project_entry(feed_fixtures.read_feed(response.data), soup_night) is not None
        assert shift_entry(feed_fixtures.read_feed(response.data), prep) is None
        for person in (ada, ben, organiser):
            for told in (person.first_name, person.last_name, person.email):
                assert told not in body, (path, told)
