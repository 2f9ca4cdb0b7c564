"""Shifts and volunteering: adding shifts, slots, clashes, dropping, swaps, attendance, extra hours, service hours."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.outreach.conftest import (
    at,
    audit_actions,
    notice_bodies,
    notices,
    on,
    program_today,
    shift_rows,
    signup_rows,
    volunteer_ids,
)
from tests.support import database_state, fetch
from wellness.dates import academic_year_of
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.outreach import shifts
from wellness.outreach.models import ExtraHours


def extra_rows(app) -> list[ExtraHours]:
    return fetch(app, select(ExtraHours).order_by(ExtraHours.id))


def hours_in(app, academic_year: int, person_ids=None) -> dict[int, tuple[int, Decimal]]:
    """service_hours as {person id: (shifts, hours)}."""
    with app.app_context():
        totals = shifts.service_hours(academic_year, person_ids)
        db.session.remove()
    return {person_id: (total.shifts, total.hours) for person_id, total in totals.items()}


# --- adding shifts --------------------------------------------------------------------------------


def test_an_organiser_adds_a_shift_to_an_approved_project(app, make_project, make_shift):
    project = make_project()

    shift = make_shift(
        project, role="  Prep  ", starts_at=on(project, 16), ends_at=on(project, 17, 30), slots=4
    )

    [stored] = shift_rows(app, project.id)
    assert (stored.id, stored.role, stored.slots) == (shift.id, "Prep", 4)
    assert (stored.starts_at, stored.ends_at, stored.hours) == (on(project, 16), on(project, 17, 30), 1.5)
    assert audit_actions(app, project.id)[-1] == "outreach.shift_added"


@pytest.mark.parametrize("decision", [None, "declined"])
def test_a_project_that_is_not_approved_takes_no_shifts(
    app, organiser, propose, decide, make_shift, decision
):
    project = propose(organiser)
    if decision:
        decide(project, False, "Not this term.")
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Shifts can be added once the project is approved"):
        make_shift(project)

    assert database_state(app) == before


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"slots": 0}, "slots", "between 1 and 200 slots"),
        ({"slots": -3}, "slots", "between 1 and 200 slots"),
        ({"slots": 201}, "slots", "between 1 and 200 slots"),
        ({"role": "   "}, "role", "Name the shift's role"),
        ({"role": "r" * 121}, "role", "Name the shift's role in up to 120 characters"),
        ({"ends_at": "start"}, "end_time", "must end after it starts"),
        ({"ends_at": -1}, "end_time", "must end after it starts"),
        ({"ends_at": 24 * 60 + 1}, "end_time", "24 hours or less"),
    ],
)
def test_a_shift_breaking_a_rule_is_refused_and_changes_nothing(
    app, make_project, make_shift, details, field, message
):
    project = make_project()
    starts_at = on(project, 16)
    if "ends_at" in details:  # minutes after the start, or the start itself
        minutes = details["ends_at"]
        details["ends_at"] = starts_at if minutes == "start" else starts_at + timedelta(minutes=minutes)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=message) as refused:
        make_shift(project, starts_at=starts_at, **details)

    assert refused.value.field == field
    assert database_state(app) == before


def test_shifts_at_the_limits_are_accepted(app, make_project, make_shift):
    project = make_project()

    make_shift(project, role="r" * 120, slots=1)
    make_shift(
        project, role="Overnight", starts_at=on(project, 8, day=1), ends_at=on(project, 8, day=2), slots=200
    )

    assert [(shift.slots, shift.hours) for shift in shift_rows(app, project.id)] == [(1, 1.5), (200, 24.0)]


@pytest.mark.parametrize(
    ("day", "hour", "minute", "length"),
    [
        (-1, 23, 0, 60),  # 23:00 the day before the first day (already the first day in UTC)
        (3, 0, 0, 60),  # midnight after the last day
        (3, 1, 0, 60),
        (2, 23, 0, 120),  # starts on the last day and runs past its midnight
    ],
)
def test_a_shift_outside_the_projects_dates_in_the_program_time_zone_is_refused(
    app, make_project, make_shift, day, hour, minute, length
):
    project = make_project()  # three days, first_day() to first_day() + 2
    starts_at = on(project, hour, minute, day=day)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="must fall within the project's dates") as refused:
        make_shift(project, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=length))

    assert refused.value.field == "day"
    assert database_state(app) == before


@pytest.mark.parametrize(
    ("day", "hour", "minute", "length"),
    [
        (0, 0, 0, 60),  # the first minute of the first day
        (2, 22, 0, 90),  # 22:00 on the last day: the next day in UTC, the last day in New York
        (2, 23, 0, 60),  # ends at the last day's midnight
    ],
)
def test_a_shift_inside_the_projects_dates_in_the_program_time_zone_is_accepted(
    app, make_project, make_shift, day, hour, minute, length
):
    project = make_project()
    starts_at = on(project, hour, minute, day=day)

    shift = make_shift(project, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=length))

    assert [stored.id for stored in shift_rows(app, project.id)] == [shift.id]


def test_only_organisers_and_coordinators_add_shifts(app, coordinator, make_person, make_project, make_shift):
    project = make_project()
    stranger = make_person("resident")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the project's organisers add shifts"):
        make_shift(project, actor=stranger)

    assert database_state(app) == before
    make_shift(project, actor=coordinator, role="Serve")
    assert [shift.role for shift in shift_rows(app, project.id)] == ["Serve"]


# --- signing up -----------------------------------------------------------------------------------


def test_a_volunteer_takes_a_free_slot(app, make_project, make_shift, residents, volunteer):
    project = make_project()
    shift = make_shift(project, slots=2)
    [ada] = residents(1)

    signup = volunteer(shift, ada)

    assert volunteer_ids(app, shift.id) == {ada.id}
    stored = signup_rows(app, shift.id)[ada.id]
    assert (stored.id, stored.offered_at, stored.attended) == (signup.id, None, None)
    assert audit_actions(app, project.id)[-1] == "outreach.signed_up"


def test_signing_up_twice_changes_nothing(app, make_project, make_shift, residents, volunteer):
    shift = make_shift(make_project(), slots=1)
    [ada] = residents(1)
    first = volunteer(shift, ada)
    before = database_state(app)

    again = volunteer(shift, ada)

    assert again.id == first.id
    assert database_state(app) == before


def test_a_full_shift_refuses_until_someone_drops(app, make_project, make_shift, residents, volunteer, drop):
    shift = make_shift(make_project(), role="Prep", slots=2)
    ada, ben, cy = residents(3)
    volunteer(shift, ada)
    volunteer(shift, ben)
    before = database_state(app)

    with pytest.raises(Conflict, match="Every slot of the Prep shift is taken"):
        volunteer(shift, cy)

    assert database_state(app) == before
    drop(shift, ada)
    volunteer(shift, cy)
    assert volunteer_ids(app, shift.id) == {ben.id, cy.id}


def test_a_shift_overlapping_another_shift_is_refused_naming_it(
    app, make_project, make_shift, residents, volunteer
):
    soup = make_project(title="Soup night")
    drive = make_project(title="Coat drive", kind="drive")
    serving = make_shift(soup, role="Serve", starts_at=on(soup, 17), ends_at=on(soup, 19))
    sorting = make_shift(drive, role="Sorting", starts_at=on(drive, 18), ends_at=on(drive, 20))
    [ada] = residents(1)
    volunteer(serving, ada)
    before = database_state(app)

    with pytest.raises(Conflict, match="The Sorting shift overlaps Soup night: Serve"):
        volunteer(sorting, ada)

    assert database_state(app) == before


def test_an_offered_slot_still_counts_as_busy(app, make_project, make_shift, residents, volunteer, offer):
    soup = make_project(title="Soup night")
    serving = make_shift(soup, role="Serve", starts_at=on(soup, 17), ends_at=on(soup, 19))
    sorting = make_shift(soup, role="Sorting", starts_at=on(soup, 18), ends_at=on(soup, 20))
    [ada] = residents(1)
    volunteer(serving, ada)
    offer(serving, ada)

    with pytest.raises(Conflict, match="overlaps Soup night: Serve"):
        volunteer(sorting, ada)


def test_a_shift_overlapping_an_event_one_is_going_to_is_refused_naming_it(
    app, make_project, make_shift, make_event, answer, residents, volunteer
):
    project = make_project()
    shift = make_shift(project, role="Prep", starts_at=on(project, 16), ends_at=on(project, 17, 30))
    lecture = make_event(title="Grand rounds social", starts_at=on(project, 17), ends_at=on(project, 19))
    ada, ben = residents(2)
    answer(lecture, ada, "going")
    answer(lecture, ben, "maybe")  # a maybe is not busy
    before = database_state(app)

    with pytest.raises(Conflict, match="The Prep shift overlaps Grand rounds social"):
        volunteer(shift, ada)

    assert database_state(app) == before
    volunteer(shift, ben)
    assert volunteer_ids(app, shift.id) == {ben.id}


def test_a_shift_overlapping_a_retreat_session_one_holds_is_refused_naming_it(
    app, make_project, make_shift, make_retreat, make_session, answer, sign_up, residents, volunteer
):
    project = make_project()
    retreat = make_retreat(title="Spring retreat", day=project.starts_on)  # 9:00 to 17:00
    workshop = make_session(
        retreat, title="Narrative medicine", starts_at=on(project, 15), ends_at=on(project, 16)
    )
    shift = make_shift(project, role="Prep", starts_at=on(project, 15, 30), ends_at=on(project, 17, 30))
    [ada] = residents(1)
    answer(retreat, ada, "going")
    sign_up(workshop, ada)
    before = database_state(app)

    # The session sits inside the retreat Ada is going to: both are named, in time order.
    with pytest.raises(Conflict, match="The Prep shift overlaps Spring retreat and Narrative medicine,"):
        volunteer(shift, ada)

    assert database_state(app) == before


def test_commitments_that_only_touch_a_shift_do_not_clash(
    app, make_project, make_shift, make_event, answer, residents, volunteer
):
    project = make_project()
    prep = make_shift(project, role="Prep", starts_at=on(project, 16), ends_at=on(project, 17, 30))
    serve = make_shift(project, role="Serve", starts_at=on(project, 17, 30), ends_at=on(project, 19))
    clean = make_shift(project, role="Clean", starts_at=on(project, 20), ends_at=on(project, 21))
    talk = make_event(title="Talk", starts_at=on(project, 19), ends_at=on(project, 20))
    [ada] = residents(1)
    answer(talk, ada, "going")

    for shift in (prep, serve, clean):
        volunteer(shift, ada)

    assert all(volunteer_ids(app, shift.id) == {ada.id} for shift in (prep, serve, clean))


@pytest.mark.parametrize("who", ["coordinator", "organiser", "another resident"])
def test_nobody_signs_someone_else_up_or_drops_them(
    app, coordinator, organiser, make_person, make_project, make_shift, residents, volunteer, drop, who
):
    shift = make_shift(make_project())
    ada, ben = residents(2)
    volunteer(shift, ben)
    actor = {"coordinator": coordinator, "organiser": organiser, "another resident": make_person("resident")}[
        who
    ]
    before = database_state(app)

    with pytest.raises(NotAllowed, match="You can only sign yourself up"):
        volunteer(shift, ada, actor=actor)
    with pytest.raises(NotAllowed, match="You can only give up your own shifts"):
        drop(shift, ben, actor=actor)

    assert database_state(app) == before


def test_a_shift_that_has_started_refuses_sign_ups_drops_offers_and_takers(
    app, make_project, make_shift, residents, volunteer, drop, offer, take
):
    shift = make_shift(make_project(), role="Prep")
    ada, ben, cy = residents(3)
    volunteer(shift, ada)
    offered = offer(shift, ada)
    before = database_state(app)
    started = shift.starts_at

    with pytest.raises(ValidationFailed, match="This shift started on"):
        volunteer(shift, ben, now=started)
    with pytest.raises(ValidationFailed, match="This shift started on"):
        drop(shift, ada, now=started)
    with pytest.raises(ValidationFailed, match="This shift started on"):
        offer(shift, ada, now=started + timedelta(minutes=5))
    with pytest.raises(ValidationFailed, match="This shift started on"):
        take(shift, cy, offered.id, now=started)

    assert database_state(app) == before
    volunteer(shift, ben, now=started - timedelta(minutes=1))
    assert volunteer_ids(app, shift.id) == {ada.id, ben.id}


# --- dropping -------------------------------------------------------------------------------------


def test_dropping_gives_the_slot_back(app, make_project, make_shift, residents, volunteer, drop):
    project = make_project()
    shift = make_shift(project, slots=1)
    ada, ben = residents(2)
    volunteer(shift, ada)

    assert drop(shift, ada) is True

    assert volunteer_ids(app, shift.id) == set()
    assert audit_actions(app, project.id)[-1] == "outreach.dropped"
    volunteer(shift, ben)
    assert volunteer_ids(app, shift.id) == {ben.id}


def test_dropping_a_slot_one_does_not_hold_changes_nothing(
    app, make_project, make_shift, residents, volunteer, drop
):
    shift = make_shift(make_project())
    ada, ben = residents(2)
    volunteer(shift, ada)
    before = database_state(app)

    assert drop(shift, ben) is False
    assert database_state(app) == before


# --- swaps ----------------------------------------------------------------------------------------


def test_a_volunteer_takes_an_offered_slot_and_both_are_told(
    app, make_project, make_shift, residents, volunteer, offer, take
):
    project = make_project(title="Soup night")
    shift = make_shift(project, role="Serve", slots=1)  # full: a swap needs no free slot
    ada, ben = residents(2)
    volunteer(shift, ada)
    told_before = notices(app)

    offered = offer(shift, ada)
    assert offered.offered_at is not None
    assert signup_rows(app, shift.id)[ada.id].offered_at is not None
    assert volunteer_ids(app, shift.id) == {ada.id}  # still Ada's until someone takes it
    taken = take(shift, ben, offered.id)

    assert volunteer_ids(app, shift.id) == {ben.id}
    assert signup_rows(app, shift.id)[ben.id].offered_at is None
    assert taken.person_id == ben.id
    assert notices(app)[len(told_before) :] == [
        (ada.id, "shift_swapped", f"{ben.name} took your shift"),
        (ben.id, "shift_swapped", "You took a shift: Soup night"),
    ]
    assert "You are no longer on it." in notice_bodies(app, ada.id, "shift_swapped")[0]
    assert (
        f"You took {ada.name}'s Serve shift for Soup night" in notice_bodies(app, ben.id, "shift_swapped")[0]
    )
    assert audit_actions(app, project.id)[-2:] == ["outreach.offered", "outreach.swapped"]


def test_a_taker_with_a_clash_is_refused_naming_it_and_the_offer_stands(
    app, make_project, make_shift, make_event, answer, residents, volunteer, offer, take
):
    project = make_project()
    shift = make_shift(project, role="Serve", starts_at=on(project, 17), ends_at=on(project, 19))
    dinner = make_event(title="Intern dinner", starts_at=on(project, 18), ends_at=on(project, 21))
    ada, ben, cy = residents(3)
    answer(dinner, ben, "going")
    volunteer(shift, ada)
    offered = offer(shift, ada)
    before = database_state(app)

    with pytest.raises(Conflict, match="The Serve shift overlaps Intern dinner"):
        take(shift, ben, offered.id)

    assert database_state(app) == before
    take(shift, cy, offered.id)
    assert volunteer_ids(app, shift.id) == {cy.id}


def test_one_cannot_take_ones_own_offered_slot(
    app, make_project, make_shift, residents, volunteer, offer, take
):
    shift = make_shift(make_project())
    [ada] = residents(1)
    volunteer(shift, ada)
    offered = offer(shift, ada)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="This is already your slot"):
        take(shift, ada, offered.id)

    assert database_state(app) == before


def test_a_slot_that_is_not_on_offer_cannot_be_taken(
    app, make_project, make_shift, residents, volunteer, offer, take
):
    project = make_project()
    shift = make_shift(project, role="Prep")
    other_shift = make_shift(project, role="Serve", starts_at=on(project, 18))
    ada, ben, cy = residents(3)
    kept = volunteer(shift, ada)
    volunteer(other_shift, cy)
    elsewhere = offer(other_shift, cy)
    before = database_state(app)

    for offer_id in (kept.id, elsewhere.id, elsewhere.id + kept.id + 1000):
        with pytest.raises(ValidationFailed, match="That slot is no longer on offer"):
            take(shift, ben, offer_id)

    assert database_state(app) == before


def test_a_taken_offer_cannot_be_taken_again(
    app, make_project, make_shift, residents, volunteer, offer, take
):
    shift = make_shift(make_project())
    ada, ben, cy = residents(3)
    volunteer(shift, ada)
    offered = offer(shift, ada)
    take(shift, ben, offered.id)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="That slot is no longer on offer"):
        take(shift, cy, offered.id)

    assert database_state(app) == before


def test_someone_already_on_the_shift_cannot_take_a_second_slot(
    app, make_project, make_shift, residents, volunteer, offer, take
):
    shift = make_shift(make_project())
    ada, ben = residents(2)
    volunteer(shift, ada)
    volunteer(shift, ben)
    offered = offer(shift, ada)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="You already have a slot in this shift"):
        take(shift, ben, offered.id)

    assert database_state(app) == before


def test_only_a_slot_one_holds_can_be_offered(app, make_project, make_shift, residents, volunteer, offer):
    shift = make_shift(make_project())
    ada, ben = residents(2)
    volunteer(shift, ada)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="You have no slot in this shift to offer"):
        offer(shift, ben)
    with pytest.raises(NotAllowed, match="You can only offer your own shifts"):
        offer(shift, ada, actor=ben)

    assert database_state(app) == before


# --- attendance -----------------------------------------------------------------------------------


def test_after_the_shift_an_organiser_confirms_who_came(
    app, organiser, make_project, make_shift, residents, volunteer, confirm
):
    project = make_project()
    shift = make_shift(project)
    ada, ben, outsider = residents(3)
    volunteer(shift, ada)
    volunteer(shift, ben)

    assert confirm(shift, [ada, outsider], now=shift.ends_at) == 1

    rows = signup_rows(app, shift.id)
    assert (rows[ada.id].attended, rows[ben.id].attended) == (True, False)
    assert {row.confirmed_by_id for row in rows.values()} == {organiser.id}
    assert set(rows) == {ada.id, ben.id}  # naming someone who was not on it adds nobody
    assert audit_actions(app, project.id)[-1] == "outreach.attendance"


@pytest.mark.parametrize("who", ["volunteer", "another resident", "faculty"])
def test_only_organisers_confirm_attendance(
    app, make_person, make_project, make_shift, residents, volunteer, confirm, who
):
    shift = make_shift(make_project())
    [ada] = residents(1)
    volunteer(shift, ada)
    actor = {
        "volunteer": ada,
        "another resident": make_person("resident"),
        "faculty": make_person("faculty"),
    }[who]
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the project's organisers confirm who came"):
        confirm(shift, [ada], actor=actor)

    assert database_state(app) == before


def test_attendance_is_confirmed_only_once_the_shift_is_over(
    app, make_project, make_shift, residents, volunteer, confirm
):
    shift = make_shift(make_project())
    [ada] = residents(1)
    volunteer(shift, ada)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Confirm who came once the shift is over"):
        confirm(shift, [ada], now=shift.ends_at - timedelta(minutes=1))

    assert database_state(app) == before


# --- extra hours ----------------------------------------------------------------------------------


@pytest.fixture
def attended(make_project, make_shift, residents, volunteer, confirm):
    """(shift, ada, ben): a 16:00–17:30 shift Ada came to and Ben signed up for but missed."""
    shift = make_shift(make_project(title="Soup night"), role="Prep")
    ada, ben = residents(2)
    volunteer(shift, ada)
    volunteer(shift, ben)
    confirm(shift, [ada])
    return shift, ada, ben


@pytest.mark.parametrize(
    ("hours", "stored"), [("2.5", Decimal("2.50")), ("0.25", Decimal("0.25")), ("24", Decimal("24"))]
)
def test_a_volunteer_who_came_logs_extra_hours_for_approval(app, attended, log_hours, hours, stored):
    shift, ada, _ben = attended

    extra = log_hours(shift, ada, hours, "  Drove the leftovers to the shelter.  ")

    [row] = extra_rows(app)
    assert (row.id, row.hours, row.status, row.note) == (
        extra.id,
        stored,
        "pending",
        "Drove the leftovers to the shelter.",
    )
    assert row.signup_id == signup_rows(app, shift.id)[ada.id].id


def test_extra_hours_are_refused_for_anyone_not_confirmed_on_the_shift(
    app, attended, make_shift, residents, volunteer, log_hours
):
    shift, ada, ben = attended
    [cy] = residents(1)
    unconfirmed = make_shift(shift.project, role="Serve", starts_at=on(shift.project, 18))
    volunteer(unconfirmed, ada)  # on it, but nobody has confirmed who came
    before = database_state(app)

    for who, which in ((ben, shift), (cy, shift), (ada, unconfirmed)):
        with pytest.raises(ValidationFailed, match="only for a shift you were confirmed on"):
            log_hours(which, who, "1")

    assert database_state(app) == before


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "25", "0.001", "NaN", "Infinity"])
def test_extra_hours_outside_zero_to_twenty_four_are_refused(app, attended, log_hours, hours):
    shift, ada, _ben = attended
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        log_hours(shift, ada, hours)

    assert refused.value.field == "hours"
    assert database_state(app) == before


@pytest.mark.parametrize(("approving", "status"), [(True, "approved"), (False, "declined")])
def test_an_organiser_decides_logged_hours_once(app, attended, log_hours, decide_hours, approving, status):
    shift, ada, _ben = attended
    extra = log_hours(shift, ada, "2")

    assert decide_hours(extra, approving) == status

    assert [row.status for row in extra_rows(app)] == [status]
    before = database_state(app)
    for again in (True, False):
        with pytest.raises(ValidationFailed, match=f"These hours were already {status}"):
            decide_hours(extra, again)
    assert database_state(app) == before


def test_only_organisers_decide_logged_hours(app, make_person, attended, log_hours, decide_hours):
    shift, ada, _ben = attended
    extra = log_hours(shift, ada, "2")
    stranger = make_person("resident")
    before = database_state(app)

    for actor in (ada, stranger):
        with pytest.raises(NotAllowed, match="Only the project's organisers approve hours"):
            decide_hours(extra, True, actor=actor)

    assert database_state(app) == before


# --- service hours --------------------------------------------------------------------------------


def test_service_hours_count_attended_shifts_and_approved_hours_in_the_academic_year_only(
    app, organiser, make_project, make_shift, residents, volunteer, confirm, log_hours, decide_hours
):
    # Across the academic year's turn: 30 June 22:00 in New York is already 1 July in UTC.
    year = academic_year_of(program_today()) + 1  # the academic year ending on 30 June year + 1
    project = make_project(starts_on=date(year + 1, 6, 29), ends_on=date(year + 1, 7, 2))
    setup = make_shift(
        project, role="Setup", starts_at=at(date(year + 1, 6, 29), 10), ends_at=at(date(year + 1, 6, 29), 12)
    )
    late = make_shift(
        project,
        role="Late serve",
        starts_at=at(date(year + 1, 6, 30), 22),
        ends_at=at(date(year + 1, 6, 30), 23, 30),
    )
    breakfast = make_shift(
        project,
        role="Breakfast",
        starts_at=at(date(year + 1, 7, 1), 7),
        ends_at=at(date(year + 1, 7, 1), 9, 15),
    )
    ada, ben, cy = residents(3)
    for shift in (setup, late, breakfast):
        volunteer(shift, ada)
    volunteer(setup, ben)
    volunteer(late, ben)
    volunteer(breakfast, cy)
    confirm(setup, [ada])  # Ben missed it
    confirm(late, [ada, ben])  # Cy's breakfast is never confirmed
    confirm(breakfast, [ada])
    decide_hours(log_hours(late, ada, "2"), True)
    decide_hours(log_hours(setup, ada, "1"), False)
    log_hours(breakfast, ada, "0.5")  # still pending
    decide_hours(log_hours(breakfast, ada, "1.25"), True)

    assert hours_in(app, year) == {ada.id: (2, Decimal("5.5")), ben.id: (1, Decimal("1.5"))}
    assert hours_in(app, year + 1) == {ada.id: (1, Decimal("3.5"))}
    assert hours_in(app, year, [ben.id, cy.id]) == {ben.id: (1, Decimal("1.5"))}
    assert hours_in(app, year - 1) == {}
