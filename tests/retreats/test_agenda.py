"""Building a retreat's agenda: adding, changing and removing sessions, and copying last retreat's agenda."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.events.conftest import audit_actions
from tests.retreats.conftest import TZ, at, on_day, person_in, places, session_for, session_row, waiting
from tests.support import database_state, fetch
from wellness.dates import as_local
from wellness.errors import NotAllowed, ValidationFailed
from wellness.events.models import Event
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.retreats import services
from wellness.retreats.models import Facilitator, RetreatSession, SessionSignup
from wellness.retreats.services import Guest


def stored_agenda(app, event_id: int) -> list[RetreatSession]:
    """The retreat's sessions as stored, in time order, with their facilitators loaded."""
    with app.app_context():
        sessions = list(
            db.session.scalars(
                select(RetreatSession)
                .where(RetreatSession.event_id == event_id)
                .order_by(RetreatSession.starts_at)
            )
        )
        for session in sessions:
            _ = [lead.person for lead in session.facilitators]
        db.session.expunge_all()
        db.session.remove()
    return sessions


def leads(session: RetreatSession) -> list[tuple]:
    """(person id, name, title, affiliation, display name) of each facilitator, in order."""
    return [
        (lead.person_id, lead.name, lead.title, lead.affiliation, lead.display_name)
        for lead in session.facilitators
    ]


def promoted_notices(app) -> list[int]:
    return fetch(app, select(Notice.person_id).where(Notice.kind == "promoted").order_by(Notice.id))


# --- adding sessions ---------------------------------------------------------------------------------


def test_adding_a_session_stores_its_details_and_facilitators_in_order(app, retreat, faculty, make_session):
    added = make_session(
        retreat,
        title="  Narrative medicine ",
        format="reflection",
        starts_at=on_day(retreat, 10),
        ends_at=on_day(retreat, 11, 30),
        room=" Birch room ",
        description="Bring a notebook.",
        capacity=12,
        programs=("primary_care", "categorical"),
        levels=(3, 1),
        faculty_emails=(" Fay.Culty@Example.org",),
        guests=(Guest("Dr. Rita Charon", "Professor of Medicine", "Columbia University"),),
    )

    [stored] = stored_agenda(app, retreat.id)
    assert stored.id == added.id
    assert (stored.title, stored.format, stored.room, stored.description) == (
        "Narrative medicine",
        "reflection",
        "Birch room",
        "Bring a notebook.",
    )
    assert (stored.starts_at, stored.ends_at) == (on_day(retreat, 10), on_day(retreat, 11, 30))
    assert (stored.capacity, stored.has_waitlist, stored.revision) == (12, True, 1)
    assert (stored.program_keys, stored.levels) == (["categorical", "primary_care"], [1, 3])
    assert leads(stored) == [
        (faculty.id, "", "", "", "Fay Culty"),
        (None, "Dr. Rita Charon", "Professor of Medicine", "Columbia University", "Dr. Rita Charon"),
    ]
    assert audit_actions(app, retreat.id)[-1] == "session.created"


@pytest.mark.parametrize("capacity", [None, 1, 500])
def test_a_session_may_fill_the_whole_retreat_and_take_any_seat_limit_in_range(
    app, retreat, make_session, capacity
):
    make_session(retreat, starts_at=retreat.starts_at, ends_at=retreat.ends_at, capacity=capacity)

    [stored] = stored_agenda(app, retreat.id)
    assert stored.capacity == capacity


BAD_DETAILS = [
    pytest.param({"title": "   "}, "title", "Give the session a title", id="blank title"),
    pytest.param({"title": "x" * 201}, "title", "200 characters or fewer", id="long title"),
    pytest.param({"format": "lecture"}, "format", "Choose a format", id="unknown format"),
    pytest.param({"start": (10, 0), "end": (10, 0)}, "end_time", "end after it starts", id="no length"),
    pytest.param({"start": (11, 0), "end": (10, 0)}, "end_time", "end after it starts", id="ends first"),
    pytest.param({"start": (8, 30), "end": (10, 0)}, "start_time", "within the retreat", id="before it"),
    pytest.param({"start": (16, 30), "end": (17, 30)}, "start_time", "within the retreat", id="after it"),
    pytest.param({"capacity": 0}, "capacity", "between 1 and 500", id="no seats"),
    pytest.param({"capacity": 501}, "capacity", "between 1 and 500", id="too many seats"),
    pytest.param({"programs": ("nursing",)}, "programs", "programs and levels", id="unknown program"),
    pytest.param({"levels": (0,)}, "programs", "programs and levels", id="level 0"),
    pytest.param({"levels": (5,)}, "programs", "programs and levels", id="level 5"),
    pytest.param({"guests": (Guest("  ", "Chaplain"),)}, "guests", "needs a name", id="nameless guest"),
    pytest.param(
        {"faculty_emails": ("nobody@example.org",)}, "faculty", "nobody@example.org", id="unknown faculty"
    ),
]


@pytest.mark.parametrize(("details", "field", "message"), BAD_DETAILS)
def test_adding_a_session_refuses_bad_details_and_changes_nothing(
    app, retreat, make_session, details, field, message
):
    details = dict(details)
    if "start" in details:
        details["starts_at"] = on_day(retreat, *details.pop("start"))
        details["ends_at"] = on_day(retreat, *details.pop("end"))
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=message) as refused:
        make_session(retreat, **details)

    assert refused.value.field == field
    assert database_state(app) == before


def test_a_deactivated_faculty_member_cannot_lead_a_session(app, retreat, make_person, make_session):
    gone = make_person("faculty", email="gone@example.org", is_active=False)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="No active account has the address gone@example.org"):
        make_session(retreat, faculty_emails=(gone.email,))

    assert database_state(app) == before


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_only_coordinators_build_an_agenda(app, retreat, make_person, make_session, role):
    someone = make_person(role)
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only coordinators build retreat agendas"):
        make_session(retreat, actor=someone)

    assert database_state(app) == before


def test_an_admin_may_build_an_agenda(app, retreat, make_person, make_session):
    make_session(retreat, actor=make_person("admin"), title="Opening circle")

    assert [session.title for session in stored_agenda(app, retreat.id)] == ["Opening circle"]


def test_only_retreats_have_an_agenda(app, make_event, make_session):
    dinner = make_event(title="Team dinner", kind="social")
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Only retreats have an agenda"):
        make_session(dinner)

    assert database_state(app) == before


# --- changing sessions -------------------------------------------------------------------------------


def test_raising_a_sessions_seats_promotes_the_front_of_its_waitlist(
    app, retreat, goers, make_session, sign_up, update_session
):
    session = make_session(retreat, title="Suturing lab", format="skills", capacity=1)
    ada, ben, cy, dan = goers(4)
    for person in (ada, ben, cy, dan):
        sign_up(session, person)

    update_session(session, capacity=3)

    assert places(app, session.id) == {ada.id, ben.id, cy.id}
    assert waiting(app, session.id) == [dan.id]
    assert promoted_notices(app) == [ben.id, cy.id]
    assert audit_actions(app, retreat.id)[-3:] == ["session.promoted", "session.promoted", "session.updated"]


def test_removing_a_sessions_seat_limit_promotes_everyone_waiting(
    app, retreat, goers, make_session, sign_up, update_session
):
    session = make_session(retreat, capacity=1)
    people = goers(3)
    for person in people:
        sign_up(session, person)

    update_session(session, capacity=None)

    assert places(app, session.id) == {person.id for person in people}
    assert waiting(app, session.id) == []


def test_lowering_a_sessions_seats_keeps_everyone_and_promotes_only_below_the_new_limit(
    app, retreat, goers, make_session, sign_up, leave_session, update_session
):
    session = make_session(retreat, capacity=3)
    ada, ben, cy, dan = goers(4)
    for person in (ada, ben, cy, dan):
        sign_up(session, person)

    update_session(session, capacity=1)
    assert places(app, session.id) == {ada.id, ben.id, cy.id}
    assert waiting(app, session.id) == [dan.id]

    leave_session(session, ada)
    leave_session(session, ben)
    assert (places(app, session.id), waiting(app, session.id)) == ({cy.id}, [dan.id])

    leave_session(session, cy)
    assert (places(app, session.id), waiting(app, session.id)) == ({dan.id}, [])


@pytest.mark.parametrize(
    ("changes", "bumped"),
    [
        pytest.param({"title": "Narrative medicine II"}, True, id="title"),
        pytest.param({"start": (13, 0), "end": (14, 0)}, True, id="time"),
        pytest.param({"start": (10, 0), "end": (11, 30)}, True, id="end only"),
        pytest.param({"room": "Cedar room"}, True, id="room"),
        pytest.param({"description": "Bring a pen."}, False, id="description"),
        pytest.param({"capacity": 8}, False, id="seats"),
        pytest.param({"format": "round_table"}, False, id="format"),
        pytest.param({"guests": (Guest("Dr. Jo Lee"),)}, False, id="facilitators"),
    ],
)
def test_changing_title_time_or_room_raises_the_sessions_revision(
    app, retreat, make_session, update_session, changes, bumped
):
    session = make_session(
        retreat,
        title="Narrative medicine",
        starts_at=on_day(retreat, 10),
        ends_at=on_day(retreat, 11),
        room="Birch room",
        capacity=10,
    )
    changes = dict(changes)
    if "start" in changes:
        changes["starts_at"] = on_day(retreat, *changes.pop("start"))
        changes["ends_at"] = on_day(retreat, *changes.pop("end"))

    update_session(session, **changes)

    stored = session_row(app, session.id)
    assert stored.revision == (2 if bumped else 1)
    for name, value in changes.items():
        if name != "guests":
            assert getattr(stored, name) == value


def test_changing_a_session_refuses_bad_details_and_non_coordinators(
    app, retreat, make_person, make_session, update_session
):
    session = make_session(retreat)
    resident = make_person("resident")
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="within the retreat"):
        update_session(session, ends_at=retreat.ends_at + timedelta(minutes=30))
    with pytest.raises(NotAllowed):
        update_session(session, actor=resident, title="Mine now")

    assert database_state(app) == before


# --- removing sessions -------------------------------------------------------------------------------


def test_removing_a_session_deletes_its_sign_ups_and_facilitators_only(
    app, retreat, goers, faculty, make_session, sign_up, remove_session
):
    removed = make_session(
        retreat, capacity=1, faculty_emails=(faculty.email,), guests=(Guest("Dr. Jo Lee"),)
    )
    kept = make_session(retreat, starts_at=on_day(retreat, 14), faculty_emails=(faculty.email,))
    ada, ben = goers(2)
    for person in (ada, ben):
        sign_up(removed, person)
    sign_up(kept, ada)

    assert remove_session(removed) == 2

    assert session_row(app, removed.id) is None
    assert fetch(app, select(SessionSignup.session_id).distinct()) == [kept.id]
    assert fetch(app, select(Facilitator.session_id)) == [kept.id]
    assert places(app, kept.id) == {ada.id}
    assert audit_actions(app, retreat.id)[-1] == "session.deleted"


def test_only_coordinators_remove_sessions(app, retreat, make_person, make_session, remove_session):
    session = make_session(retreat)
    resident = make_person("resident")
    before = database_state(app)

    with pytest.raises(NotAllowed):
        remove_session(session, actor=resident)

    assert database_state(app) == before


# --- copying last retreat's agenda ---------------------------------------------------------------


@pytest.fixture
def copy_agenda(app, coordinator):
    """copy_agenda(source, target) as the coordinator (or `actor`), committed; returns the copies' ids."""

    def copy(source, target, *, actor=None) -> list[int]:
        with session_for(app) as (session, _detach):
            copies = services.copy_agenda(
                person_in(session, actor or coordinator),
                session.get(Event, source.id),
                session.get(Event, target.id),
            )
            session.commit()
            return [copy.id for copy in copies]

    return copy


@pytest.fixture
def autumn_retreat(make_retreat, faculty, make_session, residents, answer, sign_up):
    """A two-day retreat in October (daylight time) with two sessions, one with sign-ups."""
    retreat = make_retreat(
        title="Autumn retreat", starts_at=at(date(2026, 10, 17), 9), ends_at=at(date(2026, 10, 18), 17)
    )
    opening = make_session(
        retreat,
        title="Opening circle",
        format="round_table",
        starts_at=on_day(retreat, 9, 30),
        ends_at=on_day(retreat, 10, 30),
        room="Great hall",
        description="Introductions.",
        capacity=1,
        has_waitlist=False,
        programs=("primary_care",),
        levels=(1, 2),
        faculty_emails=(faculty.email,),
        guests=(Guest("Dr. Rita Charon", "Professor of Medicine", "Columbia University"),),
    )
    make_session(
        retreat,
        title="Sunday reflection",
        format="reflection",
        starts_at=on_day(retreat, 9, day=1),
        ends_at=on_day(retreat, 10, day=1),
    )
    early = at(date(2026, 10, 1), 12)
    [resident] = residents(1, program="primary_care", training_start_year=2025)
    answer(retreat, resident, "going", now=early)
    assert sign_up(opening, resident, now=early).status == "going"
    return retreat


def test_copying_an_agenda_keeps_each_sessions_day_and_local_time_across_a_clock_change(
    app, make_retreat, autumn_retreat, copy_agenda
):
    # Clocks go forward on Sunday 14 March 2027: Saturday is standard time, Sunday daylight time.
    spring = make_retreat(
        title="Spring retreat", starts_at=at(date(2027, 3, 13), 9), ends_at=at(date(2027, 3, 14), 17)
    )

    copied = copy_agenda(autumn_retreat, spring)

    agenda = stored_agenda(app, spring.id)
    assert [session.id for session in agenda] == copied
    assert [(session.title, session.starts_at, session.ends_at) for session in agenda] == [
        (
            "Opening circle",
            datetime(2027, 3, 13, 14, 30, tzinfo=UTC),
            datetime(2027, 3, 13, 15, 30, tzinfo=UTC),
        ),
        (
            "Sunday reflection",
            datetime(2027, 3, 14, 13, 0, tzinfo=UTC),
            datetime(2027, 3, 14, 14, 0, tzinfo=UTC),
        ),
    ]
    local_times = [as_local(session.starts_at, TZ).time() for session in agenda]
    assert local_times == [time(9, 30), time(9, 0)]


def test_copying_an_agenda_copies_details_facilitators_and_eligibility_but_no_sign_ups(
    app, make_retreat, autumn_retreat, faculty, copy_agenda
):
    spring = make_retreat(
        title="Spring retreat", starts_at=at(date(2027, 3, 13), 9), ends_at=at(date(2027, 3, 14), 17)
    )

    copy_agenda(autumn_retreat, spring)

    [source, _] = stored_agenda(app, autumn_retreat.id)
    [opening, sunday] = stored_agenda(app, spring.id)
    assert (opening.format, opening.room, opening.description) == (
        "round_table",
        "Great hall",
        "Introductions.",
    )
    assert (opening.capacity, opening.has_waitlist, opening.revision) == (1, False, 1)
    assert (opening.program_keys, opening.levels) == (["primary_care"], [1, 2])
    assert (
        leads(opening)
        == leads(source)
        == [
            (faculty.id, "", "", "", "Fay Culty"),
            (None, "Dr. Rita Charon", "Professor of Medicine", "Columbia University", "Dr. Rita Charon"),
        ]
    )
    assert (sunday.format, sunday.capacity, leads(sunday)) == ("reflection", None, [])
    assert places(app, opening.id) == set() and places(app, sunday.id) == set()
    assert len(places(app, source.id)) == 1


def test_copying_into_a_retreat_that_already_has_sessions_is_refused(
    app, make_retreat, autumn_retreat, make_session, copy_agenda
):
    spring = make_retreat(starts_at=at(date(2027, 3, 13), 9), ends_at=at(date(2027, 3, 14), 17))
    make_session(spring, title="Already planned")
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="already has sessions"):
        copy_agenda(autumn_retreat, spring)

    assert database_state(app) == before


def test_copying_into_a_shorter_retreat_is_refused_and_copies_nothing(
    app, make_retreat, autumn_retreat, copy_agenda
):
    one_day = make_retreat(starts_at=at(date(2027, 3, 13), 9), ends_at=at(date(2027, 3, 13), 17))
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="within the retreat"):
        copy_agenda(autumn_retreat, one_day)

    assert database_state(app) == before


def test_only_coordinators_copy_an_agenda(app, make_retreat, make_person, autumn_retreat, copy_agenda):
    spring = make_retreat(starts_at=at(date(2027, 3, 13), 9), ends_at=at(date(2027, 3, 14), 17))
    resident = make_person("resident")
    before = database_state(app)

    with pytest.raises(NotAllowed):
        copy_agenda(autumn_retreat, spring, actor=resident)

    assert database_state(app) == before


def test_previous_retreat_is_the_latest_earlier_retreat_with_an_agenda(
    app, make_retreat, make_event, make_session
):
    def retreat_on(day: date, *, with_agenda: bool):
        retreat = make_retreat(day=day)
        if with_agenda:
            make_session(retreat)
        return retreat

    january = retreat_on(date(2027, 1, 16), with_agenda=True)
    march = retreat_on(date(2027, 3, 20), with_agenda=True)
    retreat_on(date(2027, 5, 15), with_agenda=False)
    make_event(title="June social", kind="social", starts_at=at(date(2027, 6, 5), 18))
    july = retreat_on(date(2027, 7, 17), with_agenda=False)
    september = retreat_on(date(2027, 9, 18), with_agenda=True)

    def previous(retreat):
        with session_for(app) as (session, _detach):
            found = services.previous_retreat(session.get(Event, retreat.id))
            return found.id if found else None

    assert previous(july) == march.id
    assert previous(september) == march.id
    assert previous(march) == january.id
    assert previous(january) is None


def test_the_waitlist_cannot_be_turned_off_while_people_wait(
    app, retreat, goers, make_session, sign_up, update_session
):
    session = make_session(retreat, title="Suturing lab", capacity=1)
    ada, ben = goers(2)
    sign_up(session, ada)
    sign_up(session, ben)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="1 person is on the waitlist"):
        update_session(session, has_waitlist=False)

    assert database_state(app) == before
