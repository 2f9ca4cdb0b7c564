"""SGIM funding on the database: requests, approvals never above the request and within the budgets
unless a reason is given, the budget's figures, and the reimbursement rules."""

import pytest

from tests.sgim.conftest import attendance_row
from tests.support import database_state
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person
from wellness.sgim import services
from wellness.sgim.models import Attendance, Meeting


def attendance(attendance_id: int) -> Attendance:
    db.session.commit()
    return db.session.get(Attendance, attendance_id)


def refused(app, error, call, *args, **kwargs):
    """Call the service, expecting `error`; the database is unchanged. Returns the error."""
    before = database_state(app)
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert database_state(app) == before
    return caught.value


@pytest.fixture
def trip(going, request_funding, ada):
    """Ada going, with $600 registration and $400 travel requested (budget: $1,500 each, $5,000 in all)."""
    meeting_id, attendance_id = going(ada)
    request_funding(attendance_id, registration=60_000, travel=40_000)
    return meeting_id, attendance_id


def test_a_request_is_recorded_per_category(app, db, trip):
    _meeting_id, attendance_id = trip
    lines = {
        line.category: (line.requested_cents, line.approved_cents)
        for line in attendance(attendance_id).funding
    }
    assert lines == {
        "registration": (60_000, None),
        "travel": (40_000, None),
        "lodging": (0, None),
        "meals": (0, None),
    }
    assert attendance(attendance_id).requested_cents == 100_000


def test_funding_is_requested_only_while_going_and_by_the_attendee_or_a_coordinator(
    app, db, make_meeting, attendance_of, ada, ravi
):
    invited = db.session.get(Attendance, attendance_of(make_meeting(), ada))
    error = refused(app, ValidationFailed, services.request_funding, invited.person, invited, {"travel": 100})
    assert error.message == "Say you are going before requesting funding."
    refused(
        app, NotAllowed, services.request_funding, db.session.get(Person, ravi.id), invited, {"travel": 1}
    )


def test_approving_more_than_was_requested_is_refused_on_the_field(app, db, coordinator, trip):
    _meeting_id, attendance_id = trip
    cora = db.session.get(Person, coordinator.id)

    error = refused(app, ValidationFailed, services.approve_funding, cora, attendance(attendance_id),
                    {"registration": 60_000, "travel": 40_001})  # fmt: skip

    assert error.field == "approved_travel"
    assert error.message == "Travel: $400.01 is more than the $400 requested."


def test_approving_past_the_budget_per_resident_needs_a_reason(
    app, db, coordinator, going, request_funding, ada
):
    _meeting_id, attendance_id = going(ada)
    request_funding(attendance_id, registration=60_000, travel=60_000, lodging=50_000)  # $1,700 of $1,500
    cora = db.session.get(Person, coordinator.id)
    amounts = {"registration": 60_000, "travel": 60_000, "lodging": 50_000}

    error = refused(app, Conflict, services.approve_funding, cora, attendance(attendance_id), amounts)
    assert error.field == "over_budget_reason"
    assert error.message == (
        "Not approved: $1,700 is over the $1,500 budget per resident. To approve anyway, give the reason."
    )

    services.approve_funding(cora, attendance(attendance_id), amounts, "Oral presentation: two nights more")
    db.session.commit()
    row = attendance_row(app, attendance_id)
    assert (
        row.funding_approved_at is not None and row.over_budget_reason == "Oral presentation: two nights more"
    )
    assert attendance(attendance_id).approved_cents == 170_000


def test_approving_past_the_total_budget_needs_a_reason(
    app, db, coordinator, make_meeting, going, request_funding, approve_funding, ada, resident
):
    ben = resident("Ben")
    meeting_id = make_meeting(total_budget_cents=150_000)
    _, first = going(ada, meeting_id)
    request_funding(first, travel=100_000)
    approve_funding(first, travel=100_000)
    db.session.commit()
    _, second = going(ben, meeting_id)
    request_funding(second, travel=60_000)
    cora = db.session.get(Person, coordinator.id)

    error = refused(app, Conflict, services.approve_funding, cora, attendance(second), {"travel": 60_000})
    assert "only $500 of the $1,500 total budget is left" in error.message

    services.approve_funding(cora, attendance(second), {"travel": 50_000})  # within what is left: no reason
    db.session.commit()
    budget = services.budget_of(db.session.get(Meeting, meeting_id))
    assert (budget.total_cents, budget.requested_cents, budget.committed_cents, budget.remaining_cents) == (
        150_000, 160_000, 150_000, 0,
    )  # fmt: skip
    assert attendance_row(app, second).over_budget_reason == ""


def test_residents_cannot_approve_funding_or_change_an_approved_request(
    app, db, trip, approve_funding, coordinator, ada
):
    _meeting_id, attendance_id = trip
    own = attendance(attendance_id)
    refused(app, NotAllowed, services.approve_funding, own.person, own, {"travel": 40_000})
    approve_funding(attendance_id, registration=60_000, travel=40_000)

    error = refused(app, ValidationFailed, services.request_funding, attendance(attendance_id).person,
                    attendance(attendance_id), {"travel": 50_000})  # fmt: skip
    assert error.message == "Your funding is already approved; ask a coordinator to change it."
    services.request_funding(
        db.session.get(Person, coordinator.id), attendance(attendance_id), {"travel": 50_000}
    )
    db.session.commit()
    assert attendance(attendance_id).approved_cents == 100_000  # the approval stands until approved again


def test_reimbursement_is_submitted_by_the_attendee_and_paid_or_reopened_by_a_coordinator(
    app, db, coordinator, trip, approve_funding, ravi
):
    meeting_id, attendance_id = trip
    own = attendance(attendance_id)
    error = refused(app, ValidationFailed, services.set_reimbursement, own.person, own, "submitted")
    assert error.message == "Funding has to be approved before a reimbursement is submitted."
    approve_funding(attendance_id, registration=60_000, travel=40_000)

    services.set_reimbursement(attendance(attendance_id).person, attendance(attendance_id), "submitted")
    db.session.commit()
    own = attendance(attendance_id)
    refused(app, NotAllowed, services.set_reimbursement, own.person, own, "paid")
    refused(app, NotAllowed, services.set_reimbursement, own.person, own, "none")
    refused(app, NotAllowed, services.set_reimbursement, db.session.get(Person, ravi.id), own, "submitted")
    cora = db.session.get(Person, coordinator.id)
    services.set_reimbursement(cora, attendance(attendance_id), "paid")
    db.session.commit()

    assert attendance_row(app, attendance_id).reimbursement == "paid"
    assert services.budget_of(db.session.get(Meeting, meeting_id)).paid_cents == 100_000
    services.set_reimbursement(cora, attendance(attendance_id), "none")
    db.session.commit()
    assert attendance_row(app, attendance_id).reimbursement == "none"
