"""A resident's SGIM trip page over HTTP: going or not, the presentation, funding requested and approved
(budget refusals on the field), reimbursement, and cover for each need (by e-mail or a suggestion, refused
coverers with the clash named, removing a cover); private to the attendee and coordinators."""

import re
from datetime import timedelta

import pytest

from tests.sgim.conftest import (
    HOLIDAY_YEAR,
    LAST_DAY,
    TRIP_FIRST,
    attendance_row,
    day,
    duty_row,
    period_row,
)
from tests.sgim.test_views import body, section
from tests.support import alerts, database_state, field_errors, notices, text_of
from wellness.holidays.dates import default_blocks
from wellness.people.programs import start_year_for_pgy


def trip_url(meeting_id: int, attendance_id: int, rest: str = "") -> str:
    return f"/sgim/{meeting_id}/trips/{attendance_id}{rest}"


@pytest.fixture
def invited(make_meeting, attendance_of, ada):
    """(meeting id, Ada's attendance id): Ada invited, not answered yet."""
    meeting_id = make_meeting()
    return meeting_id, attendance_of(meeting_id, ada)


@pytest.fixture
def trip(going, ada):
    """(meeting id, attendance id): Ada going."""
    return going(ada)


def funding_form(prefix: str = "", **dollars) -> dict:
    return {f"{prefix}{c}": dollars.get(c, "0") for c in ("registration", "travel", "lodging", "meals")}


# --- who sees a trip ----------------------------------------------------------------------------------------------


def test_a_trip_is_private_to_its_attendee_and_the_coordinators(
    app, client, login_as, coordinator, make_meeting, attendance_of, resident, faculty, ada, ravi
):
    ben = resident("Ben")  # invited to the same meeting: still never sees Ada's trip
    meeting_id = make_meeting()
    url = trip_url(meeting_id, attendance_of(meeting_id, ada))
    tess = faculty("Tess")
    before = database_state(app)

    assert client.get(url).location.startswith("/login?next=")
    for person in (ben, ravi, tess):
        login_as(person)
        assert client.get(url).status_code == 404
        for rest in ("/answer", "/presentation", "/funding", "/approval", "/reimbursement"):
            assert client.post(url + rest, data={"answer": "going", "status": "submitted"}).status_code == 404
    assert client.get(trip_url(meeting_id + 1, attendance_of(meeting_id, ada))).status_code == 404
    assert database_state(app) == before
    for person in (ada, coordinator):
        login_as(person)
        assert client.get(url).status_code == 200


# --- answering -------------------------------------------------------------------------------------------------------


def test_going_books_the_trip_and_shows_its_days_with_the_travel_day(app, client, login_as, invited, ada):
    meeting_id, attendance_id = invited
    login_as(ada)

    response = client.post(trip_url(meeting_id, attendance_id, "/answer"), data={"answer": "going"})

    assert (response.status_code, response.location) == (302, trip_url(meeting_id, attendance_id, "#answer"))
    page = body(client.get(trip_url(meeting_id, attendance_id)))
    assert alerts(page) == ["You are going: the trip is on your calendar."]
    days = f"{TRIP_FIRST.strftime('%a, %b %-d')} – {LAST_DAY.strftime('%a, %b %-d, %Y')}"
    if TRIP_FIRST.year != LAST_DAY.year:
        days = f"{TRIP_FIRST.strftime('%a, %b %-d, %Y')} – {LAST_DAY.strftime('%a, %b %-d, %Y')}"
    assert f"Going: you are away {days} , the meeting and its travel days." in text_of(
        section(page, "trip-days")
    )
    period = period_row(app, attendance_row(app, attendance_id).away_period_id)
    assert (period.starts_on, period.ends_on, period.status) == (TRIP_FIRST, LAST_DAY, "approved")


def test_not_going_cancels_the_trip_and_an_answer_is_required(app, client, login_as, trip, ada):
    meeting_id, attendance_id = trip
    login_as(ada)
    before = database_state(app)

    response = client.post(trip_url(meeting_id, attendance_id, "/answer"), data={})
    assert response.status_code == 400 and "Say whether you are going." in text_of(body(response))
    assert database_state(app) == before

    client.post(trip_url(meeting_id, attendance_id, "/answer"), data={"answer": "declined"})
    row = attendance_row(app, attendance_id)
    assert (row.answer, period_row(app, row.away_period_id).status) == ("declined", "cancelled")


def test_a_coordinator_answers_for_the_attendee(app, client, login_as, coordinator, invited):
    meeting_id, attendance_id = invited
    login_as(coordinator)

    client.post(trip_url(meeting_id, attendance_id, "/answer"), data={"answer": "going"})

    assert attendance_row(app, attendance_id).answer == "going"


# --- presentation and funding ------------------------------------------------------------------------------------------


def test_the_attendee_records_a_presentation_and_a_title_needs_a_kind(app, client, login_as, trip, ada):
    meeting_id, attendance_id = trip
    login_as(ada)
    before = database_state(app)

    response = client.post(
        trip_url(meeting_id, attendance_id, "/presentation"), data={"title": "Panel data", "kind": ""}
    )
    assert response.status_code == 400
    assert field_errors(body(response), "kind") == ["Choose poster, oral presentation or workshop."]
    assert database_state(app) == before

    client.post(trip_url(meeting_id, attendance_id, "/presentation"),
                data={"title": "Panel management in  clinic", "kind": "poster"})  # fmt: skip
    row = attendance_row(app, attendance_id)
    assert (row.presentation_title, row.presentation_kind) == ("Panel management in clinic", "poster")


def test_the_attendee_requests_funding_in_dollars_and_sees_it_pending(app, client, login_as, trip, ada):
    meeting_id, attendance_id = trip
    login_as(ada)

    response = client.post(trip_url(meeting_id, attendance_id, "/funding"),
                           data=funding_form(registration="600", travel="412.50"))  # fmt: skip

    assert response.location == trip_url(meeting_id, attendance_id, "#funding")
    page = body(client.get(trip_url(meeting_id, attendance_id)))
    rows = [text_of(r) for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", section(page, "funding"), re.S)]
    assert rows[1:] == [
        "Registration $600 —",
        "Travel $412.50 —",
        "Lodging $0 —",
        "Meals $0 —",
        "Total $1,012.50 pending",
    ]
    assert 'data-testid="approval-form"' not in page  # approving is for coordinators
    assert client.post(trip_url(meeting_id, attendance_id, "/approval"),
                       data=funding_form("approved_", travel="1")).status_code == 403  # fmt: skip


def test_a_funding_request_needs_an_amount_and_an_approval_needs_a_request(
    app, client, login_as, coordinator, trip, ada
):
    meeting_id, attendance_id = trip
    before = database_state(app)
    login_as(ada)

    blank = client.post(trip_url(meeting_id, attendance_id, "/funding"), data=funding_form(**dict.fromkeys(
        ("registration", "travel", "lodging", "meals"), "")))  # fmt: skip

    assert blank.status_code == 400
    assert field_errors(body(blank), "registration") == [
        "Enter at least one amount (0 if you need no funding)."
    ]
    login_as(coordinator)
    unasked = client.post(trip_url(meeting_id, attendance_id, "/approval"), data=funding_form("approved_"))
    assert unasked.status_code == 400
    assert alerts(body(unasked)) == [
        "Ada Quill has not asked for funding yet: approve once they save a request (of $0 if they need none)."
    ]
    assert database_state(app) == before


def test_approving_past_the_budget_asks_for_the_reason_on_its_field_and_saves_nothing(
    app, client, login_as, coordinator, trip, request_funding
):
    meeting_id, attendance_id = trip
    request_funding(attendance_id, registration=60_000, travel=100_000)  # $1,600: past $1,500 each
    login_as(coordinator)
    page = body(client.get(trip_url(meeting_id, attendance_id)))
    assert 'id="over_budget_reason"' in page  # shown, since approving the request passes the budget
    before = database_state(app)

    response = client.post(trip_url(meeting_id, attendance_id, "/approval"),
                           data=funding_form("approved_", registration="600", travel="1000"))  # fmt: skip

    assert response.status_code == 409
    assert field_errors(body(response), "over_budget_reason") == [
        "Not approved: $1,600 is over the $1,500 budget per resident. To approve anyway, give the reason."
    ]
    assert database_state(app) == before

    response = client.post(trip_url(meeting_id, attendance_id, "/approval"), data={
        **funding_form("approved_", registration="600", travel="1000"), "over_budget_reason": "Oral presentation"})  # fmt: skip
    assert response.status_code == 302
    row = attendance_row(app, attendance_id)
    assert row.funding_approved_at is not None and row.over_budget_reason == "Oral presentation"
    assert [subject for _, subject, _ in notices(app, "sgim_funding")] == [
        "Funding approved: SGIM Annual Meeting"
    ]


def test_approving_more_than_requested_is_refused_on_the_category(
    app, client, login_as, coordinator, trip, request_funding
):
    meeting_id, attendance_id = trip
    request_funding(attendance_id, travel=40_000)
    login_as(coordinator)
    before = database_state(app)

    response = client.post(
        trip_url(meeting_id, attendance_id, "/approval"), data=funding_form("approved_", travel="400.01")
    )

    assert response.status_code == 400
    assert field_errors(body(response), "approved_travel") == [
        "Travel: $400.01 is more than the $400 requested."
    ]
    assert database_state(app) == before


def test_reimbursement_is_submitted_by_the_attendee_then_paid_by_a_coordinator(
    app, client, login_as, coordinator, trip, request_funding, approve_funding, ada
):
    meeting_id, attendance_id = trip
    request_funding(attendance_id, travel=40_000)
    approve_funding(attendance_id, travel=40_000)
    login_as(ada)
    before = database_state(app)
    assert (
        client.post(
            trip_url(meeting_id, attendance_id, "/reimbursement"), data={"status": "paid"}
        ).status_code
        == 403
    )
    assert database_state(app) == before

    client.post(trip_url(meeting_id, attendance_id, "/reimbursement"), data={"status": "submitted"})
    assert (
        text_of(section(body(client.get(trip_url(meeting_id, attendance_id))), "reimbursement"))
        == "Submitted"
    )
    login_as(coordinator)
    client.post(trip_url(meeting_id, attendance_id, "/reimbursement"), data={"status": "paid"})
    assert attendance_row(app, attendance_id).reimbursement == "paid"


# --- coverage needs -----------------------------------------------------------------------------------------------------------


def test_needs_are_listed_with_their_coverer_or_uncovered_in_red(
    app, client, login_as, trip, make_duty, cover, ada, ravi
):
    meeting_id, attendance_id = trip
    covered, open_need = (
        make_duty(ada, day(1), "AM"),
        make_duty(ada, day(2), "PM", kind="ambulatory", site=""),
    )
    make_duty(ada, LAST_DAY + timedelta(days=1), "AM")  # after the trip
    cover(covered, ravi)
    login_as(ada)

    page = body(client.get(trip_url(meeting_id, attendance_id)))

    needs = section(page, "needs")
    phone_only = re.compile(r'<div class="small text-muted d-md-none">.*?</div>', re.S)
    rows = [
        text_of(phone_only.sub("", r))
        for r in re.findall(r"<tr id=\"need-\d+\"[^>]*>(.*?)</tr>", needs, re.S)
    ]
    assert rows[0].startswith(
        f"{day(1).strftime('%a, %b %-d')} AM Continuity clinic Brookside Ravi Patel Remove cover"
    )
    assert rows[1].startswith(f"{day(2).strftime('%a, %b %-d')} PM Ambulatory — Uncovered")
    assert len(rows) == 2
    assert f'<tr id="need-{open_need}" class="table-danger">' in needs
    assert "Coverage needs (1 of 2 covered)" in text_of(page)


def test_the_duties_page_marks_a_duty_inside_the_trip_and_sends_it_to_the_trip(
    client, login_as, trip, make_duty, ada
):
    meeting_id, attendance_id = trip
    make_duty(ada, day(1), "AM")
    login_as(ada)

    page = body(client.get("/duties"))

    assert (
        "Needs cover: away (SGIM Annual Meeting, Denver) · "
        f'<a href="{trip_url(meeting_id, attendance_id)}">arrange it on the trip</a>'
    ) in page


def test_the_attendee_assigns_a_free_coverer_by_email(app, client, login_as, trip, make_duty, ada, ravi):
    meeting_id, attendance_id = trip
    duty_id = make_duty(ada, day(1), "AM")
    login_as(ada)

    response = client.post(
        trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/cover"),
        data={f"d{duty_id}-coverer": " Ravi@Example.org "},  # pasted, with spaces and capitals
    )

    assert response.location == trip_url(meeting_id, attendance_id, f"#need-{duty_id}")
    assert duty_row(app, duty_id).covered_by_id == ravi.id
    assert alerts(body(client.get(trip_url(meeting_id, attendance_id)))) == [
        "Ravi Patel covers it and has been told."
    ]
    assert [who for who, _, _ in notices(app, "cover_assigned")] == [ravi.id]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("coordinator", "Ravi Patel is away then: Holiday block: Christmas."),
        # The attendee arranging her own cover is not told what keeps a colleague away.
        ("attendee", "Ravi Patel is not free then."),
    ],
)
def test_a_coverer_on_their_holiday_block_is_refused_with_the_clash_named_to_staff_and_nothing_written(
    who,
    message,
    app,
    client,
    login_as,
    coordinator,
    make_meeting,
    attendance_of,
    answer,
    make_duty,
    resident,
    christmas_block,
):
    christmas = next(b for b in default_blocks(HOLIDAY_YEAR) if b.key == "christmas")
    start = start_year_for_pgy(2, christmas.starts_on)
    ada = resident("Ada", training_start_year=start)
    ravi = resident("Ravi", program="categorical", training_start_year=start - 1)
    first, _last = christmas_block(ravi)
    meeting_id = make_meeting(starts_on=first, ends_on=first + timedelta(days=3), travel_days_before=0,
                              registration_deadline_on=None)  # fmt: skip
    attendance_id = attendance_of(meeting_id, ada)
    answer(attendance_id, True)
    duty_id = make_duty(ada, first + timedelta(days=1), "AM")
    login_as(coordinator if who == "coordinator" else ada)
    before = database_state(app)

    response = client.post(
        trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/cover"),
        data={f"d{duty_id}-coverer": ravi.email},
    )

    assert response.status_code == 409
    assert field_errors(body(response), f"d{duty_id}-coverer") == [message]
    assert database_state(app) == before


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("ada@example.org", 400, "Ada Quill cannot cover their own duty."),
        (
            "uma@example.org",
            400,
            "Uma Intern is PGY-1: continuity clinic cover needs PGY-2 or above, or faculty.",
        ),
        ("nobody@example.org", 400, "No active person has that address."),
        ("ravi@example.org", 409, "Ravi Patel is away then: Vacation."),
        ("ben@example.org", 409, "Ben Ramos is busy then: Inpatient (DAY)."),
    ],
)
def test_a_coverer_who_may_not_or_cannot_cover_is_refused_on_the_form(
    app, client, login_as, coordinator, trip, make_duty, away, resident, ada, ravi, who, status, message
):
    meeting_id, attendance_id = trip
    resident("Uma", pgy=1)
    ben = resident("Ben", program="categorical", pgy=3)
    away(ravi, day(0), day(3), title="Vacation")
    make_duty(ben, day(1), "DAY", kind="inpatient")
    duty_id = make_duty(ada, day(1), "AM")
    login_as(coordinator)
    before = database_state(app)

    response = client.post(
        trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/cover"), data={f"d{duty_id}-coverer": who}
    )

    assert response.status_code == status
    assert field_errors(body(response), f"d{duty_id}-coverer") == [message]
    assert database_state(app) == before


def test_suggestions_list_free_coverers_with_their_covers_site_and_firm_and_one_is_picked(
    app,
    client,
    login_as,
    coordinator,
    make_meeting,
    attendance_of,
    answer,
    make_duty,
    away,
    resident,
    faculty,
):
    ada = resident("Ada", site="Brookside", firm="Blue")
    meeting_id = make_meeting()
    attendance_id = attendance_of(meeting_id, ada)
    answer(attendance_id, True)
    ravi = resident("Ravi", program="categorical", pgy=3, site="Brookside", firm="Blue")
    resident("Cal", program="categorical", pgy=3, firm="Blue")
    away(resident("Dee", program="categorical", pgy=3, site="Brookside"), day(0), day(3))  # away: not free
    resident("Uma", pgy=1)  # an intern: not eligible for clinic
    faculty("Tess")
    duty_id = make_duty(ada, day(1), "AM")
    login_as(coordinator)

    page = body(client.get(trip_url(meeting_id, attendance_id, f"?suggest={duty_id}")))

    suggestions = [
        text_of(li) for li in re.findall(r"<li\b[^>]*>(.*?)</li>", section(page, "suggestions"), re.S)
    ]
    assert suggestions == [
        "Assign Ravi Patel 0 covers this year · same site · same firm",
        "Assign Cal Stone 0 covers this year · same firm",
        "Assign Tess Faculty 0 covers this year",
    ]
    client.post(
        trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/cover"),
        data={f"d{duty_id}-coverer": ravi.email},
    )
    assert duty_row(app, duty_id).covered_by_id == ravi.id
    assert section(body(client.get(trip_url(meeting_id, attendance_id))), "suggestions") == ""


def test_removing_a_cover_tells_the_coverer_and_leaves_the_need_uncovered(
    app, client, login_as, coordinator, trip, make_duty, cover, ada, ravi
):
    meeting_id, attendance_id = trip
    duty_id = make_duty(ada, day(1), "AM")
    cover(duty_id, ravi)
    login_as(ada)

    response = client.post(trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/release"))

    assert response.location == trip_url(meeting_id, attendance_id, f"#need-{duty_id}")
    assert duty_row(app, duty_id).covered_by_id is None
    told = {who: text for who, _, text in notices(app, "cover_released")}
    assert set(told) == {ravi.id, coordinator.id}
    assert told[ravi.id].endswith("is no longer covered by Ravi Patel. Ada Quill removed the cover.")
    before = database_state(app)
    assert client.post(trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/release")).status_code == 400
    assert database_state(app) == before


def test_only_duties_inside_the_trip_can_be_covered_from_it(
    app, client, login_as, coordinator, trip, make_duty, ada, ravi
):
    meeting_id, attendance_id = trip
    outside = make_duty(ada, LAST_DAY + timedelta(days=1), "AM")
    others = make_duty(ravi, day(1), "AM")
    login_as(coordinator)
    before = database_state(app)

    for duty_id in (outside, others, 9999):
        url = trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/cover")
        assert client.post(url, data={f"d{duty_id}-coverer": "tess@example.org"}).status_code == 404
        assert (
            client.post(trip_url(meeting_id, attendance_id, f"/needs/{duty_id}/release")).status_code == 404
        )
    assert database_state(app) == before


def test_a_trip_with_funding_approved_and_every_need_covered_is_cleared(
    app, client, login_as, trip, make_duty, cover, request_funding, approve_funding, ada, ravi
):
    meeting_id, attendance_id = trip
    cover(make_duty(ada, day(1), "AM"), ravi)
    request_funding(attendance_id, travel=40_000)
    login_as(ada)
    assert section(body(client.get(trip_url(meeting_id, attendance_id))), "cleared") == ""

    approve_funding(attendance_id, travel=40_000)

    page = body(client.get(trip_url(meeting_id, attendance_id)))
    assert text_of(section(page, "status")) == "Cleared"
    assert "Cleared: funding is approved and every duty inside the trip is covered." in text_of(page)
