"""The demo's year of events: deterministic, every kind, seat rules kept, and a story for the demo resident."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, selectinload

from tests.demo.conftest import empty_database
from tests.support import restore_rows
from wellness.dates import as_local, local_date, local_to_utc, program_today
from wellness.demo.seed import seed_demo
from wellness.events.attendance import no_show_counts
from wellness.events.audience import in_audience
from wellness.events.models import STANDARD_KINDS, Event, Group, Rsvp, group_members
from wellness.events.seats import waitlist_positions
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.people.models import Person

DEMO_DAY = date(2026, 11, 21)
# The start, middle and end of an academic year: the story must hold whatever the date.
DEMO_DAYS = (date(2026, 7, 2), DEMO_DAY, date(2027, 6, 28))
TZ = "America/New_York"
DEMO_RESIDENT = "resident@example.org"


@pytest.fixture
def load_demo(app):
    """Load the demo into the (emptied) test database and commit: load_demo(today=..., seed=...)."""

    def load(today: date = DEMO_DAY, seed: int = 2026) -> None:
        with app.app_context():
            seed_demo(seed, today)
            db.session.commit()
            db.session.remove()

    return load


@dataclass
class DemoYear:
    """What one demo build wrote, loaded and detached, so read-only tests share a single build."""

    events: list[Event]  # in start order, with kind, groups and organisers loaded
    answers: dict[int, list[Rsvp]]  # by event id, in arrival order
    positions: dict[int, dict[int, int]]  # by event id: waitlisted RSVP id -> position (the service's)
    people: dict[int, Person]
    groups: list[Group]  # with their members
    groups_of: dict[int, set[int]]  # person id -> ids of their groups
    notices: int

    @property
    def contents(self) -> dict:
        """Events, groups and RSVPs keyed by what people see (titles, times, e-mails), not by row ids."""
        email = {person.id: person.email for person in self.people.values()}
        events = {
            event.id: (
                event.title, event.kind.slug, event.starts_at, event.ends_at, event.is_all_day, event.status,
                event.location, event.description, event.capacity, event.has_waitlist, event.max_guests,
                event.is_for_everyone, event.audience_programs, event.audience_levels,
                tuple(group.name for group in event.groups), tuple(sorted(p.email for p in event.organisers)),
                event.revision, event.created_at, event.updated_at, event.published_at, event.cancelled_at,
            )
            for event in self.events
        }  # fmt: skip
        rsvps = [
            (events[rsvp.event_id][:3], email[rsvp.person_id], rsvp.response, rsvp.guests, rsvp.requested_at,
             rsvp.responded_at, rsvp.checked_in_at, email.get(rsvp.checked_in_by_id))
            for answers in self.answers.values()
            for rsvp in answers
        ]  # fmt: skip
        return {
            "events": sorted(events.values()),
            "groups": sorted(
                (g.name, g.description, tuple(sorted(p.email for p in g.members))) for g in self.groups
            ),
            "rsvps": sorted(rsvps),
        }


def read_demo(app) -> DemoYear:
    with app.app_context():
        events = list(
            db.session.scalars(
                select(Event)
                .options(selectinload(Event.groups), selectinload(Event.organisers))
                .order_by(Event.starts_at, Event.id)
            )
        )
        answers = defaultdict(list)
        for rsvp in db.session.scalars(
            select(Rsvp).options(lazyload(Rsvp.person)).order_by(Rsvp.requested_at, Rsvp.id)
        ):
            answers[rsvp.event_id].append(rsvp)
        waiting = {
            rsvp.event_id for rsvps in answers.values() for rsvp in rsvps if rsvp.response == "waitlisted"
        }
        groups_of = defaultdict(set)
        for group_id, person_id in db.session.execute(
            select(group_members.c.group_id, group_members.c.person_id)
        ):
            groups_of[person_id].add(group_id)
        year = DemoYear(
            events=events,
            answers=answers,
            positions={
                event.id: waitlist_positions(event.id) if event.id in waiting else {} for event in events
            },
            people={person.id: person for person in db.session.scalars(select(Person))},
            groups=list(db.session.scalars(select(Group).options(selectinload(Group.members)))),
            groups_of=groups_of,
            notices=db.session.scalar(
                select(func.count()).select_from(Notice).where(Notice.kind != "cover_released")
            ),  # the SGIM conflict to resolve is the one cause of notices
        )
        db.session.expunge_all()
        db.session.remove()
    return year


@pytest.fixture(scope="module")
def demo_year(_app, demo_builds):
    """demo_year(today): the demo built for that date with the default seed, read once per module.

    Each read puts the demo's rows in the database, reads them and empties the database again, so
    it never leaves rows behind for a test that expects an empty database.
    """
    built: dict[date, DemoYear] = {}

    def year(today: date = DEMO_DAY) -> DemoYear:
        if today not in built:
            restore_rows(_app, demo_builds(2026, today))
            built[today] = read_demo(_app)
            empty_database(_app)
        return built[today]

    return year


def start_of(day: date) -> datetime:
    return local_to_utc(day, time(0), TZ)


def going(rsvps: list[Rsvp]) -> list[Rsvp]:
    return [rsvp for rsvp in rsvps if rsvp.response == "going"]


def test_the_same_seed_and_date_build_the_same_events_groups_and_rsvps(app, load_demo, demo_year):
    expected = demo_year(DEMO_DAY).contents

    load_demo(DEMO_DAY)

    assert read_demo(app).contents == expected


def test_another_seed_builds_other_answers(app, load_demo, demo_year):
    load_demo(DEMO_DAY, seed=7)

    assert read_demo(app).contents["rsvps"] != demo_year(DEMO_DAY).contents["rsvps"]


def test_the_year_has_events_of_every_standard_kind(demo_year):
    events = demo_year(DEMO_DAY).events

    assert {event.kind.slug for event in events} == {slug for slug, _, _ in STANDARD_KINDS}
    assert (
        100 <= len(events) <= 180
    )  # shelter meals are outreach projects and skills sessions retreat sessions


def test_events_keep_sensible_local_hours(demo_year):
    for event in demo_year(DEMO_DAY).events:
        start, end = as_local(event.starts_at, TZ), as_local(event.ends_at, TZ)
        if event.is_all_day:
            assert start.time() == end.time() == time(0) and end > start, event.title
        else:
            assert 7 <= start.hour <= 19 and end.date() == start.date() and end.hour <= 23, event.title


@pytest.mark.parametrize("today", DEMO_DAYS, ids=str)
def test_no_event_is_over_capacity_and_people_wait_only_when_their_party_does_not_fit(demo_year, today):
    year = demo_year(today)

    full_upcoming_with_waitlist = 0
    for event in year.events:
        rsvps = year.answers[event.id]
        taken = sum(rsvp.seats for rsvp in going(rsvps))
        waiting = [rsvp for rsvp in rsvps if rsvp.response == "waitlisted"]
        assert event.capacity is None or taken <= event.capacity, event.title
        assert all(rsvp.guests <= event.max_guests for rsvp in going(rsvps)), event.title
        if waiting:
            assert event.has_waitlist and event.capacity is not None, event.title
            assert all(rsvp.seats > event.capacity - taken for rsvp in waiting), event.title
            assert [year.positions[event.id][rsvp.id] for rsvp in waiting] == list(range(1, len(waiting) + 1))
            assert len({rsvp.requested_at for rsvp in waiting}) == len(waiting), "positions hang on id ties"
            full_upcoming_with_waitlist += taken == event.capacity and event.starts_at > start_of(today)
    assert full_upcoming_with_waitlist >= 3


@pytest.mark.parametrize("today", DEMO_DAYS, ids=str)
def test_past_events_have_check_ins_and_no_shows_and_nothing_else_is_checked_in(demo_year, today):
    year = demo_year(today)

    with_check_ins = no_shows = 0
    for event in year.events:
        rsvps = year.answers[event.id]
        ended = event.ends_at <= start_of(today + timedelta(days=1)) and event.status == "published"
        for rsvp in rsvps:
            if rsvp.checked_in_at is not None:
                assert ended and rsvp.response == "going", (event.title, rsvp.response)
                assert event.starts_at - timedelta(hours=1) <= rsvp.checked_in_at < event.ends_at
        if any(rsvp.checked_in_at for rsvp in rsvps):
            with_check_ins += 1
            no_shows += sum(1 for rsvp in going(rsvps) if rsvp.checked_in_at is None)
    assert with_check_ins >= 2
    assert no_shows >= 1


@pytest.mark.parametrize("today", DEMO_DAYS, ids=str)
def test_demo_resident_goes_to_full_upcoming_events_and_waits_for_another(demo_year, today):
    year = demo_year(today)
    me = next(person for person in year.people.values() if person.email == DEMO_RESIDENT)
    upcoming = [event for event in year.events if event.starts_at > start_of(today + timedelta(days=1))]

    def my_answer(event) -> Rsvp | None:
        return next((rsvp for rsvp in year.answers[event.id] if rsvp.person_id == me.id), None)

    def is_full(event) -> bool:
        taken = sum(rsvp.seats for rsvp in going(year.answers[event.id]))
        return bool(year.positions[event.id]) and taken == event.capacity

    mine = {event.id: (event, my_answer(event)) for event in upcoming if my_answer(event)}
    waiting_at = [
        year.positions[event.id][rsvp.id] for event, rsvp in mine.values() if rsvp.response == "waitlisted"
    ]
    full_going = [
        (event, rsvp) for event, rsvp in mine.values() if rsvp.response == "going" and is_full(event)
    ]
    assert waiting_at and waiting_at[0] >= 1
    assert len(full_going) >= 2
    assert any(
        rsvp.guests and "Resident parents" in [g.name for g in event.groups] for event, rsvp in full_going
    )


def test_everyone_who_answered_is_in_the_event_audience(demo_year):
    year = demo_year(DEMO_DAY)

    outside = [
        (event.title, year.people[rsvp.person_id].email)
        for event in year.events
        for rsvp in year.answers[event.id]
        if not in_audience(
            event,
            year.people[rsvp.person_id],
            year.groups_of[rsvp.person_id],
            local_date(event.starts_at, TZ),
        )
    ]

    assert outside == []
    assert sum(not event.is_for_everyone for event in year.events) >= 20  # so the check means something


def test_demo_has_drafts_and_cancellations_and_sends_no_notices(demo_year):
    year = demo_year(DEMO_DAY)
    drafts = [event for event in year.events if event.status == "draft"]
    cancelled = [event for event in year.events if event.status == "cancelled"]

    assert len(drafts) >= 2 and len(cancelled) >= 2
    assert all(event.published_at is None and not year.answers[event.id] for event in drafts)
    assert all(not rsvp.checked_in_at for event in cancelled for rsvp in year.answers[event.id])
    assert year.notices == 0


@pytest.mark.parametrize(
    ("email", "expected_title"),
    [
        (DEMO_RESIDENT, "Mentoring dinner: building a career in primary care"),  # waiting for a place
        ("coordinator@example.org", "Wellness fair"),  # a draft only staff see
    ],
)
def test_event_list_and_month_calendar_render_with_the_demo_loaded(
    app, demo, client, login_as, email, expected_title
):
    demo(program_today(TZ))  # the pages read the real clock
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == email))
        event = db.session.scalar(select(Event).where(Event.title == expected_title))
        month = local_date(event.starts_at, TZ).strftime("%Y-%m")
        db.session.expunge_all()
        db.session.remove()
    login_as(person)

    listing = client.get("/events")
    calendar = client.get(f"/events/calendar?month={month}")

    assert listing.status_code == 200 and expected_title in listing.get_data(as_text=True)
    assert calendar.status_code == 200 and expected_title in calendar.get_data(as_text=True)


def test_no_shows_page_lists_people_with_the_demo_loaded(app, demo, client, login_as):
    demo(program_today(TZ))  # the report reads the real clock
    with app.app_context():
        coordinator = db.session.scalar(select(Person).where(Person.email == "coordinator@example.org"))
        db.session.expunge(coordinator)
        db.session.remove()
    login_as(coordinator)

    page = client.get("/events/no-shows")

    with app.app_context():
        first = no_show_counts()[0][0]
    assert page.status_code == 200 and str(escape(first.last_name)) in page.get_data(as_text=True)
