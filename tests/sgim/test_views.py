"""The SGIM pages over HTTP: the meetings list, creating and editing a meeting, where a meeting's address
leads, the coordinators' board (uncovered needs, budget, eligibility, inviting, the CSV) and the coverage
ledger; who may come in, and refusals that leave the database as it was."""

import csv
import io
import re
from datetime import date, timedelta

import pytest

from tests.sgim.conftest import (
    FIRST_DAY,
    LAST_DAY,
    attendance_rows,
    day,
    meeting_row,
    program_today,
)
from tests.support import alerts, database_state, field_errors, text_of
from wellness.dates import academic_year_of, utcnow
from wellness.duties.models import Duty
from wellness.extensions import db


def body(response) -> str:
    return response.get_data(as_text=True)


def section(page: str, testid: str) -> str:
    """The inner markup of the element with this data-testid, nested elements included ("" when none)."""
    start = re.search(rf'<(\w+)\b[^>]*data-testid="{testid}"[^>]*>', page)
    if not start:
        return ""
    tag, depth = start.group(1), 1
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", page[start.end() :]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return page[start.end() : start.end() + found.start()]
    raise AssertionError(f"the element {testid} is never closed")


def rows_of(page: str, testid: str) -> list[str]:
    """The text of each body row of the table (or element) with this data-testid."""
    return [
        text_of(row)
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", section(page, testid), re.S)
        if "<td" in row
    ]


def asks_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login?next=")


def meeting_form(**changes) -> dict:
    form = {
        "name": "SGIM Annual Meeting", "city": "Denver", "starts_on": FIRST_DAY.isoformat(),
        "ends_on": LAST_DAY.isoformat(), "travel_days_before": "1", "travel_days_after": "0",
        "registration_deadline_on": "", "abstract_deadline_on": "", "budget_per_resident": "1,500",
        "total_budget": "5000.50", "description": "The national meeting.",
    }  # fmt: skip
    form.update(changes)
    return form


@pytest.fixture
def meeting(make_meeting, ada):
    """The meeting (Ada invited)."""
    return make_meeting()


# --- who may come in -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/sgim"), ("GET", "/sgim/new"), ("POST", "/sgim/new"), ("GET", "/sgim/{m}"), ("GET", "/sgim/{m}/edit"),
     ("GET", "/sgim/{m}/board"), ("POST", "/sgim/{m}/eligibility"), ("POST", "/sgim/{m}/invitations"),
     ("GET", "/sgim/{m}/coverage.csv"), ("GET", "/sgim/ledger")],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_sign_in(app, client, meeting, method, path):
    before = database_state(app)
    url = path.format(m=meeting)

    response = client.get(url) if method == "GET" else client.post(url, data=meeting_form())

    assert asks_to_sign_in(response)
    assert database_state(app) == before


def test_residents_and_faculty_are_refused_the_coordinators_pages(
    app, client, login_as, meeting, ada, faculty, ravi
):
    tess = faculty("Tess")
    before = database_state(app)
    for person in (ada, tess):
        login_as(person)
        for path in ("/sgim/new", f"/sgim/{meeting}/edit", f"/sgim/{meeting}/board", f"/sgim/{meeting}/coverage.csv",
                     "/sgim/ledger"):  # fmt: skip
            assert client.get(path).status_code == 403, path
        assert client.post("/sgim/new", data=meeting_form()).status_code == 403
        assert client.post(f"/sgim/{meeting}/edit", data=meeting_form(city="Boston")).status_code == 403
        assert client.post(f"/sgim/{meeting}/eligibility", data={"pairs": "categorical:3"}).status_code == 403
        assert client.post(f"/sgim/{meeting}/invitations", data={"email": ravi.email}).status_code == 403
    assert database_state(app) == before


def test_the_nav_has_an_sgim_link_for_everyone_signed_in(app, client, login_as, ada):
    login_as(ada)
    assert '<a class="nav-link " href="/sgim">SGIM</a>' in body(client.get("/"))
    assert '<a class="nav-link active" href="/sgim">SGIM</a>' in body(client.get("/sgim"))


# --- the meetings list ---------------------------------------------------------------------------------------------


def test_coordinators_see_every_meeting_latest_first_with_its_counts(
    app, client, login_as, coordinator, make_meeting, going, make_duty, cover, resident, ada, ravi
):
    ben = resident("Ben")
    earlier = make_meeting(name="SGIM 2020", starts_on=FIRST_DAY - timedelta(days=400),
                           ends_on=FIRST_DAY - timedelta(days=397), now=utcnow() - timedelta(days=450))  # fmt: skip
    meeting_id = make_meeting()
    going(ada, meeting_id)
    going(ben, meeting_id)
    cover(make_duty(ada, day(1), "AM"), ravi)
    make_duty(ben, day(1), "AM"), make_duty(ben, day(2), "PM")
    login_as(coordinator)

    page = body(client.get("/sgim"))

    assert rows_of(page, "meetings") == [
        f"SGIM Annual Meeting , Denver {text_of(section_days(FIRST_DAY, LAST_DAY))} 2 2 0 2",
        f"SGIM 2020 , Denver {text_of(section_days(FIRST_DAY - timedelta(days=400), FIRST_DAY - timedelta(days=397)))} 0 0 0 0",
    ]
    assert 'href="/sgim/new"' in page and "New meeting" in page
    assert f'href="/sgim/{earlier}/board"' in page


def section_days(first: date, last: date) -> str:
    if first.year == last.year:
        return f"{first.strftime('%a, %b %-d')} – {last.strftime('%a, %b %-d, %Y')}"
    return f"{first.strftime('%a, %b %-d, %Y')} – {last.strftime('%a, %b %-d, %Y')}"


def test_a_resident_sees_their_invitations_and_anyone_else_what_sgim_is(
    app, client, login_as, meeting, going, ada, ravi, faculty
):
    going(ada, meeting)
    login_as(ada)
    page = body(client.get("/sgim"))
    assert rows_of(page, "invitations") == []  # a list, not a table
    invitations = text_of(section(page, "invitations"))
    assert "SGIM Annual Meeting, Denver" in invitations and "Not cleared: funding pending" in invitations
    assert "New meeting" not in page and section(page, "meetings") == ""

    for person in (ravi, faculty("Tess")):
        login_as(person)
        page = body(client.get("/sgim"))
        assert "You have no SGIM invitations." in text_of(section(page, "not-invited"))


# --- creating and editing a meeting -------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_meeting_that_invites_the_primary_care_juniors(
    app, client, login_as, coordinator, ada
):
    login_as(coordinator)
    assert client.get("/sgim/new").status_code == 200

    response = client.post("/sgim/new", data=meeting_form())

    meeting_id = int(response.location.split("/")[2])
    assert response.status_code == 302 and response.location == f"/sgim/{meeting_id}/board"
    meeting = meeting_row(app, meeting_id)
    assert (meeting.city, meeting.budget_per_resident_cents, meeting.total_budget_cents) == (
        "Denver",
        150_000,
        500_050,
    )
    assert [a.person_id for a in attendance_rows(app, meeting_id)] == [ada.id]
    assert alerts(body(client.get(response.location))) == [
        "SGIM Annual Meeting is published; 1 resident invited."
    ]


@pytest.mark.parametrize(
    ("changes", "field_id", "message", "status"),
    [
        ({"ends_on": (FIRST_DAY - timedelta(days=1)).isoformat()}, "ends_on", "The last day is on or after the first.", 400),
        ({"travel_days_before": "5"}, "travel_days_before", "Enter 0 to 3.", 400),
        ({"total_budget": "12.345"}, "total_budget", "Enter dollars and at most two decimals of cents.", 400),
        ({"budget_per_resident": "lots"}, "budget_per_resident", "Enter an amount in dollars, e.g. 450 or 1250.50.", 400),
        ({"abstract_deadline_on": (FIRST_DAY + timedelta(days=2)).isoformat()}, "abstract_deadline_on",
         "A deadline falls before the meeting starts.", 400),  # the service's rule
        ({"starts_on": (program_today() - timedelta(days=5)).isoformat(),
          "ends_on": (program_today() - timedelta(days=2)).isoformat()}, "ends_on",
         "That meeting is over: choose this year's dates.", 400),
    ],
)  # fmt: skip
def test_a_meeting_form_with_mistakes_is_shown_again_and_nothing_is_saved(
    app, client, login_as, coordinator, ada, changes, field_id, message, status
):
    login_as(coordinator)
    before = database_state(app)

    response = client.post("/sgim/new", data=meeting_form(**changes))

    assert response.status_code == status
    assert field_errors(body(response), field_id) == [message]
    assert database_state(app) == before


def test_editing_the_meeting_moves_the_trips_with_it(app, client, login_as, coordinator, meeting, going, ada):
    going(ada, meeting)
    login_as(coordinator)
    page = body(client.get(f"/sgim/{meeting}/edit"))
    assert 'value="Denver"' in page and 'value="1500.00"' in page

    later = FIRST_DAY + timedelta(days=7)
    response = client.post(f"/sgim/{meeting}/edit", data=meeting_form(
        city="Boston", starts_on=later.isoformat(), ends_on=(later + timedelta(days=3)).isoformat()))  # fmt: skip

    assert (response.status_code, response.location) == (302, f"/sgim/{meeting}/board")
    assert meeting_row(app, meeting).city == "Boston"
    login_as(ada)
    trip = body(client.get(client.get(f"/sgim/{meeting}").location))
    assert section_days(later - timedelta(days=1), later + timedelta(days=3)) in text_of(
        section(trip, "trip-days")
    )


def test_lowering_the_total_budget_below_what_is_approved_saves_with_a_warning(
    app, client, login_as, coordinator, meeting, going, request_funding, approve_funding, ada
):
    _meeting, attendance_id = going(ada, meeting)
    request_funding(attendance_id, registration=60_000, travel=40_000)
    approve_funding(attendance_id, registration=60_000, travel=40_000)
    login_as(coordinator)

    response = client.post(f"/sgim/{meeting}/edit", data=meeting_form(total_budget="600"))

    assert meeting_row(app, meeting).total_budget_cents == 60_000
    assert alerts(body(client.get(response.location))) == [
        "SGIM Annual Meeting is saved; trips follow its dates.",
        "The total budget of $600 is $400 less than the funding already approved.",
    ]


# --- where a meeting's address leads ---------------------------------------------------------------------------------------


def test_a_meeting_leads_the_invited_to_their_trip_coordinators_to_the_board_and_others_to_what_it_is(
    app, client, login_as, coordinator, meeting, attendance_of, ada, ravi
):
    login_as(ada)
    response = client.get(f"/sgim/{meeting}")
    assert response.location == f"/sgim/{meeting}/trips/{attendance_of(meeting, ada)}"
    login_as(coordinator)
    assert client.get(f"/sgim/{meeting}").location == f"/sgim/{meeting}/board"
    login_as(ravi)
    page = body(client.get(f"/sgim/{meeting}"))
    assert "You are not invited to this meeting." in text_of(section(page, "not-invited"))
    assert client.get("/sgim/9999").status_code == 404


def test_the_meetings_event_sends_residents_to_the_meetings_page(app, client, login_as, meeting, ada):
    login_as(ada)
    event_id = meeting_row(app, meeting).event_id

    page = body(client.get(f"/events/{event_id}"))

    assert f'href="/sgim/{meeting}"' in page


# --- the board ----------------------------------------------------------------------------------------------------------------


def test_the_board_shows_every_invitation_the_uncovered_needs_in_red_and_the_budget(
    app, client, login_as, coordinator, make_meeting, going, make_duty, cover, request_funding, approve_funding,
    resident, ada, ravi,
):  # fmt: skip
    ben, cal = resident("Ben"), resident("Cal")
    meeting = make_meeting()
    _, ada_trip = going(ada, meeting)
    _, ben_trip = going(ben, meeting)
    cover(make_duty(ada, day(1), "AM"), ravi)
    make_duty(ben, day(2), "PM", kind="ambulatory", site="Main campus")
    request_funding(ada_trip, registration=60_000, travel=100_000)
    approve_funding(ada_trip, "Oral presentation", registration=60_000, travel=100_000)  # $1,600 of $1,500
    request_funding(ben_trip, travel=30_000)
    login_as(coordinator)

    page = body(client.get(f"/sgim/{meeting}/board"))

    assert text_of(section(page, "counts")) == "3 invited · 2 going · 1 cleared · 1 uncovered need"
    assert rows_of(page, "attendees") == [
        "Ada Quill Going — $1,600 $1,600 over budget Not submitted 1 / 1 Cleared",
        "Ben Ramos Going — $300 — Not submitted 0 / 1 Not cleared: 1 uncovered, funding pending",
        "Cal Stone Not answered — — — Not submitted — Not answered",
    ]
    uncovered = section(page, "uncovered")
    assert '<tr class="table-danger">' in uncovered
    assert rows_of(page, "uncovered") == [
        f"Ben Ramos {day(2).strftime('%a, %b %-d')} PM Ambulatory Main campus Find cover"
    ]
    budget = text_of(section(page, "budget"))
    assert "Total $5,000 · $1,500 per resident" in budget
    assert "Requested $1,900 Committed $1,600 approved Paid $0 Remaining $3,400" in budget
    assert "Ada Quill: $1,600 — Oral presentation" in text_of(section(page, "over-budget"))
    checked = re.findall(r'name="pairs" value="([^"]+)"[^>]*checked', section(page, "eligibility"))
    assert checked == ["primary_care:2"]
    assert cal


def test_eligibility_is_saved_from_the_table_and_invites_the_newly_eligible(
    app, client, login_as, coordinator, meeting, resident, ada
):
    ben = resident("Ben", program="categorical")
    login_as(coordinator)

    response = client.post(
        f"/sgim/{meeting}/eligibility", data={"pairs": ["primary_care:2", "categorical:2"]}
    )

    assert (response.status_code, response.location) == (302, f"/sgim/{meeting}/board#eligibility")
    assert {a.person_id for a in attendance_rows(app, meeting)} == {ada.id, ben.id}
    assert alerts(body(client.get(f"/sgim/{meeting}/board"))) == [
        "Eligibility saved; 1 newly eligible resident invited."
    ]


@pytest.mark.parametrize("pairs", [[], ["preliminary:2"]])
def test_eligibility_with_nothing_or_an_impossible_level_is_refused(
    app, client, login_as, coordinator, meeting, pairs
):
    login_as(coordinator)
    before = database_state(app)

    response = client.post(f"/sgim/{meeting}/eligibility", data={"pairs": pairs})

    assert response.status_code == 400
    assert field_errors(body(response), "pairs")
    assert database_state(app) == before


def test_a_coordinator_invites_another_resident_by_email(
    app, client, login_as, coordinator, meeting, ada, ravi, faculty
):
    login_as(coordinator)
    response = client.post(f"/sgim/{meeting}/invitations", data={"email": "RAVI@example.org"})
    assert (response.status_code, response.location) == (302, f"/sgim/{meeting}/board#invited")
    assert {(a.person_id, a.is_added) for a in attendance_rows(app, meeting)} == {
        (ada.id, False),
        (ravi.id, True),
    }

    before = database_state(app)
    for email, status, message in [
        (ravi.email, 409, "Ravi Patel is already invited."),
        (faculty("Tess").email, 400, "No active resident has that address."),
        ("nobody@example.org", 400, "No active resident has that address."),
    ]:
        before = database_state(app)
        response = client.post(f"/sgim/{meeting}/invitations", data={"email": email})
        assert response.status_code == status
        assert field_errors(body(response), "email") == [message]
        assert database_state(app) == before


def test_the_coverage_csv_has_one_row_per_need_and_the_year_in_its_name(
    app, client, login_as, coordinator, meeting, going, make_duty, cover, ada, ravi
):
    going(ada, meeting)
    cover(make_duty(ada, day(1), "AM"), ravi)
    make_duty(ada, day(2), "PM", site="=HYPERLINK(1)")
    login_as(coordinator)

    response = client.get(f"/sgim/{meeting}/coverage.csv")

    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="sgim-coverage-{FIRST_DAY.year}.csv"'
    )
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows == [
        ["attendee", "date", "session", "kind", "site", "coverer", "status"],
        ["Ada Quill", day(1).isoformat(), "AM", "clinic", "Brookside", "Ravi Patel", "covered"],
        ["Ada Quill", day(2).isoformat(), "PM", "clinic", "'=HYPERLINK(1)", "", "uncovered"],
    ]


# --- the ledger ---------------------------------------------------------------------------------------------------------------------


def test_the_ledger_shows_covers_per_person_fairness_per_class_and_a_chart(
    app, client, login_as, coordinator, make_duty, resident, ada, ravi
):
    year = academic_year_of(FIRST_DAY)
    ben = resident("Ben")
    for n, (owner, coverer) in enumerate([(ada, ravi), (ada, ravi), (ada, ben)]):
        with app.app_context():
            duty = db.session.get(Duty, make_duty(owner, date(year, 9, 1 + n), "AM"))
            duty.covered_by_id = coverer.id
            db.session.commit()
            db.session.remove()
    login_as(coordinator)

    page = body(client.get(f"/sgim/ledger?year={year}"))

    assert f"Coverage ledger {year}–{year + 1}" in text_of(page)
    assert rows_of(page, "people") == [
        "Ravi Patel Categorical PGY-3 2 0",
        "Ben Ramos Primary care PGY-2 1 0",
        "Ada Quill Primary care PGY-2 0 3",
    ]
    assert rows_of(page, "classes") == [
        "Categorical PGY-3 1 2 2.0 2 – 2 Ravi Patel",
        "Primary care PGY-2 2 1 0.5 0 – 1 Ben Ramos",
    ]
    chart = section(page, "ledger-chart")
    assert chart.lstrip().startswith("<svg") and "Ravi Patel (Categorical PGY-3)" in chart
    assert "style=" not in page and "<script>" not in page
    assert "No covers that year." in text_of(body(client.get(f"/sgim/ledger?year={year - 5}")))
    assert f"Coverage ledger {academic_year_of(program_today())}" in text_of(
        body(client.get("/sgim/ledger?year=x"))
    )
