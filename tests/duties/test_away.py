"""Time away on both databases: requests and their refusals (nothing written), coordinators told, approval
and decline with the person told, cancelling, periods another page owns, and vacation counted per academic
year against four weeks."""

from datetime import date, timedelta

import pytest

from tests.duties.conftest import DAY, YEAR, ahead, period_row
from tests.events.conftest import program_today
from tests.support import database_state, notices
from wellness.duties import away
from wellness.duties.models import AwayPeriod
from wellness.duties.vacation import VacationUse, vacation_use
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person


def refused(app, call) -> tuple[type, str]:
    """The DomainError `call(session)` raises, checking that nothing was written."""
    before = database_state(app)
    with app.app_context():
        with pytest.raises((Conflict, ValidationFailed, NotAllowed)) as caught:
            call(db.session)
        db.session.rollback()
        db.session.remove()
    assert database_state(app) == before
    return type(caught.value), caught.value.message


def ask(person, first: date, last: date, kind: str = "vacation", note: str = "", today: date | None = None):
    return lambda session: away.request_away(
        session.get(Person, person.id), away.AwayData(kind, first, last, note), today or program_today()
    )


# --- requesting ---------------------------------------------------------------------------------------------


def test_a_request_is_stored_waiting_and_every_coordinator_is_told(
    app, resident, coordinator, make_person, request_away
):
    ada, other = resident("Ada"), make_person("coordinator", first_name="Omar")

    period_id = request_away(ada, DAY, ahead(4), note="Family wedding")

    period = period_row(app, period_id)
    assert (period.status, period.kind, period.starts_on, period.ends_on, period.days, period.note) == (
        "requested", "vacation", DAY, ahead(4), 5, "Family wedding",
    )  # fmt: skip
    assert period.requested_by_id == ada.id
    told = notices(app, "away_requested")
    assert {person_id for person_id, _s, _b in told} == {coordinator.id, other.id}
    subject, body = told[0][1:]
    assert subject == "Time away requested: Ada Resident"
    assert body.startswith(f"Ada Resident asks for Vacation on {away.days_text(DAY, ahead(4))} (5 days).")
    assert body.endswith(f"If approved: 5 of 28 vacation days in {YEAR}–{(YEAR + 1) % 100:02d} approved.")


@pytest.mark.parametrize(
    ("first", "last", "error", "message"),
    [
        (ahead(3), ahead(2), ValidationFailed, "The last day must be on or after the first."),
        (
            program_today() - timedelta(days=1), ahead(1), ValidationFailed,
            "Time away is requested ahead: the first day has passed.",
        ),
        (ahead(0), ahead(365), ValidationFailed, "Time away can be at most a year long; enter longer leave in parts."),
    ],
    ids=["ends before it starts", "in the past", "more than a year"],
)  # fmt: skip
def test_a_request_that_cannot_be_is_refused_and_nothing_written(app, resident, first, last, error, message):
    ada = resident("Ada")

    assert refused(app, ask(ada, first, last)) == (error, message)


def test_a_year_exactly_is_allowed(app, resident, request_away):
    ada = resident("Ada")

    assert period_row(app, request_away(ada, DAY, DAY + timedelta(days=364), kind="parental")).days == 365


@pytest.mark.parametrize("status", ["requested", "approved"])
def test_a_request_overlapping_another_of_the_same_person_is_refused_naming_it(
    app, resident, request_away, approve, status
):
    ada = resident("Ada")
    period = request_away(ada, DAY, ahead(4))
    if status == "approved":
        approve(period)

    assert refused(app, ask(ada, ahead(4), ahead(6), "conference")) == (
        Conflict,
        f"You already have Vacation ({status}) on {away.days_text(DAY, ahead(4))}, which overlaps those days.",
    )


def test_declined_and_cancelled_periods_leave_the_days_free_to_ask_for_again(
    app, resident, coordinator, request_away
):
    ada = resident("Ada")
    first, second = request_away(ada, DAY, ahead(2)), request_away(ada, ahead(5), ahead(6))
    with app.app_context():
        away.decline_away(
            db.session.get(Person, coordinator.id), db.session.get(AwayPeriod, first), "No cover"
        )
        away.cancel_away(db.session.get(Person, ada.id), db.session.get(AwayPeriod, second), program_today())
        db.session.commit()
        db.session.remove()

    again = request_away(ada, DAY, ahead(6))

    assert period_row(app, again).status == "requested"


def test_someone_of_another_person_overlapping_is_no_concern(app, resident, request_away):
    ada, ben = resident("Ada"), resident("Ben")
    request_away(ada, DAY, ahead(4))

    assert period_row(app, request_away(ben, DAY, ahead(4))).status == "requested"


def test_coordinators_without_duties_do_not_ask_for_time_away(app, coordinator):
    assert refused(app, ask(coordinator, DAY, DAY))[0] is NotAllowed


# --- deciding --------------------------------------------------------------------------------------------


def test_approving_stores_the_decision_and_tells_the_person(
    app, resident, coordinator, request_away, approve
):
    ada = resident("Ada")
    period_id = request_away(ada, DAY, ahead(2), kind="conference")

    uses = approve(period_id)

    period = period_row(app, period_id)
    assert (period.status, period.decided_by_id, period.revision) == ("approved", coordinator.id, 2)
    assert uses == []  # not vacation
    [(person_id, subject, body)] = notices(app, "away_approved")
    assert (person_id, subject) == (ada.id, "Time away approved: Conference")
    assert (
        body
        == f"Your Conference on {away.days_text(DAY, ahead(2))} (3 days) is approved; it is on your calendar."
    )


def test_approving_vacation_past_four_weeks_is_allowed_and_the_notice_says_it_is_over(
    app, resident, request_away, approve, enter_away
):
    ada = resident("Ada")
    enter_away(ada, ahead(20), ahead(20 + 24))  # 25 days
    period_id = request_away(ada, DAY, ahead(4))  # 5 more

    [use] = approve(period_id)

    assert (use.approved, use.over_by, use.is_over) == (30, 2, True)
    label = f"{YEAR}–{(YEAR + 1) % 100:02d}"
    assert use.warning() == f"30 approved vacation days in {label}: 2 past the 28 allowed."
    [(_person, _subject, body)] = [n for n in notices(app, "away_approved") if "is approved" in n[2]]
    assert body.endswith(f"30 approved vacation days in {label}: 2 past the 28 allowed.")


def test_a_request_that_was_decided_cannot_be_decided_again(
    app, resident, coordinator, request_away, approve
):
    ada = resident("Ada")
    period_id = request_away(ada, DAY, ahead(1))
    approve(period_id)

    def decline(session):
        away.decline_away(session.get(Person, coordinator.id), session.get(AwayPeriod, period_id), "Too late")

    assert refused(app, decline) == (Conflict, "This request was approved already.")


def test_approving_a_request_overlapping_a_trip_approved_since_is_refused(
    app, resident, coordinator, request_away
):
    ada = resident("Ada")
    period_id = request_away(ada, DAY, ahead(4))
    with app.app_context():  # as an SGIM trip is made: approved, with no request
        db.session.add(AwayPeriod(person_id=ada.id, kind="conference", title="SGIM Annual Meeting, Denver",
                                  starts_on=ahead(3), ends_on=ahead(6), status="approved"))  # fmt: skip
        db.session.commit()
        db.session.remove()

    def approve_it(session):
        away.approve_away(session.get(Person, coordinator.id), session.get(AwayPeriod, period_id))

    error, message = refused(app, approve_it)
    assert error is Conflict
    assert message.startswith("Ada Resident has SGIM Annual Meeting, Denver on ")


def test_declining_needs_a_reason_which_the_person_is_told(app, resident, coordinator, request_away):
    ada = resident("Ada")
    period_id = request_away(ada, DAY, ahead(1))

    def decline(reason):
        return lambda session: away.decline_away(
            session.get(Person, coordinator.id), session.get(AwayPeriod, period_id), reason
        )

    assert refused(app, decline("   ")) == (ValidationFailed, "Say why the request is declined.")
    with app.app_context():
        decline("Two others are away that week.")(db.session)
        db.session.commit()
        db.session.remove()
    period = period_row(app, period_id)
    assert (period.status, period.decision_reason) == ("declined", "Two others are away that week.")
    [(person_id, subject, body)] = notices(app, "away_declined")
    assert (person_id, subject) == (ada.id, "Time away declined: Vacation")
    assert body.endswith("was declined: Two others are away that week.")


@pytest.mark.parametrize("action", ["approve", "decline", "enter"])
def test_only_coordinators_decide_or_enter_time_away(app, resident, request_away, action):
    ada, ben = resident("Ada"), resident("Ben")
    period_id = request_away(ada, DAY, ahead(1))

    def call(session):
        actor, period = session.get(Person, ben.id), session.get(AwayPeriod, period_id)
        if action == "approve":
            away.approve_away(actor, period)
        elif action == "decline":
            away.decline_away(actor, period, "No")
        else:
            away.enter_away(actor, session.get(Person, ada.id), away.AwayData("sick", DAY, DAY))

    assert refused(app, call)[0] is NotAllowed


def test_a_coordinator_enters_past_sick_days_approved_at_once(app, resident, coordinator, enter_away):
    ada = resident("Ada")
    yesterday = program_today() - timedelta(days=1)

    period = period_row(app, enter_away(ada, yesterday, yesterday, kind="sick"))

    assert (period.status, period.decided_by_id, period.requested_by_id) == (
        "approved",
        coordinator.id,
        coordinator.id,
    )
    [(person_id, subject, body)] = notices(app, "away_approved")
    assert (person_id, subject) == (ada.id, "Time away entered: Sick leave")
    assert body.startswith(
        f"Cora Ordinator entered your Sick leave on {away.days_text(yesterday, yesterday)} (1 day);"
    )


# --- cancelling -------------------------------------------------------------------------------------------


def cancel(person, period_id: int, today: date | None = None):
    return lambda session: away.cancel_away(
        session.get(Person, person.id), session.get(AwayPeriod, period_id), today or program_today()
    )


def test_the_person_cancels_a_future_approved_period_and_coordinators_are_told(
    app, resident, coordinator, request_away, approve
):
    ada = resident("Ada")
    period_id = request_away(ada, DAY, ahead(1))
    approve(period_id)

    with app.app_context():
        cancel(ada, period_id)(db.session)
        db.session.commit()
        db.session.remove()

    assert period_row(app, period_id).status == "cancelled"
    [(person_id, subject, _body)] = notices(app, "away_cancelled")
    assert (person_id, subject) == (coordinator.id, "Time away cancelled: Ada Resident")


def test_approved_time_away_that_has_begun_is_cancelled_only_by_a_coordinator(
    app, resident, coordinator, enter_away
):
    ada = resident("Ada")
    period_id = enter_away(ada, DAY, ahead(3))

    assert refused(app, cancel(ada, period_id, today=ahead(1))) == (
        NotAllowed,
        "Time away that has begun is changed by a coordinator.",
    )
    with app.app_context():
        cancel(coordinator, period_id, today=ahead(1))(db.session)
        db.session.commit()
        db.session.remove()
    assert period_row(app, period_id).status == "cancelled"
    assert [s for p, s, _b in notices(app, "away_cancelled") if p == ada.id] == [
        "Time away cancelled: Vacation"
    ]


def test_a_period_another_page_owns_is_changed_there(app, resident, enter_away):
    ada = resident("Ada")
    period_id = enter_away(ada, DAY, ahead(3), kind="conference")

    @away.managed_elsewhere
    def trip_page(period):
        return "/sgim/7" if period.id == period_id else None

    try:
        error, message = refused(app, cancel(ada, period_id))
        with app.app_context():
            assert not away.can_cancel_away(
                db.session.get(Person, ada.id), db.session.get(AwayPeriod, period_id), DAY
            )
            db.session.remove()
    finally:
        away.MANAGERS.remove(trip_page)
    assert (error, message) == (Conflict, "Conference is changed on its own page: /sgim/7")


# --- vacation use --------------------------------------------------------------------------------------------


def test_vacation_counts_approved_days_of_the_academic_year_only(app, resident, enter_away, request_away):
    ada = resident("Ada", pgy=2)
    june = date(YEAR + 1, 6, 28)
    enter_away(ada, june, june + timedelta(days=4))  # 3 days in this year, 2 in the next
    enter_away(ada, date(YEAR, 7, 1), date(YEAR, 7, 10))  # 10 days (in the past is fine for a coordinator)
    enter_away(ada, date(YEAR, 8, 1), date(YEAR, 8, 3), kind="conference")  # not vacation
    request_away(ada, date(YEAR + 1, 6, 1), date(YEAR + 1, 6, 2), today=date(YEAR, 7, 1))  # not approved

    with app.app_context():
        this, following = vacation_use(ada.id, YEAR), vacation_use(ada.id, YEAR + 1)
        db.session.remove()

    assert (this.approved, this.requested, this.is_over) == (13, 2, False)
    assert (following.approved, following.requested) == (2, 0)


@pytest.mark.pure
@pytest.mark.parametrize(
    ("days", "over", "warning"),
    [(28, False, None), (29, True, "29 approved vacation days in 2026–27: 1 past the 28 allowed.")],
)
def test_the_allowance_is_four_weeks_and_past_it_is_named(days, over, warning):
    use = VacationUse(2026, days)

    assert (use.is_over, use.warning()) == (over, warning)
