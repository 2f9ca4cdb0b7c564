"""The duties pages over HTTP on both databases: each route's sign-in, who is refused (a 404 where a
person's duties or time away are not theirs to see), its happy path and a rule it refuses with nothing
written."""

import io
import re
from datetime import timedelta

import pytest

from tests.duties.conftest import DAY, YEAR, ahead, csv_of, duty_row, duty_rows, period_row
from tests.events.conftest import program_today
from tests.support import alerts, database_state, field_errors, notices, text_of

LABEL = f"{YEAR}–{(YEAR + 1) % 100:02d}"


def body(response) -> str:
    return response.get_data(as_text=True)


def section(page: str, testid: str) -> str:
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', page, re.S)
    return found.group(2) if found else ""


def asks_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login?next=")


@pytest.fixture
def ada(resident):
    return resident("Ada", site="Brookside")


@pytest.fixture
def ben(resident):
    return resident("Ben", pgy=3)


def away_form(first, last, kind="vacation", note="") -> dict:
    return {"kind": kind, "starts_on": first.isoformat(), "ends_on": last.isoformat(), "note": note}


# --- who may come in ------------------------------------------------------------------------------------


def routes(ada, duty_id, period_id):
    return [
        ("GET", "/duties", None),
        ("GET", f"/duties/people/{ada.id}", None),
        ("GET", f"/duties/find?email={ada.email}", None),
        ("GET", "/duties/away", None),
        ("GET", "/duties/import", None),
        ("POST", f"/duties/people/{ada.id}/duties", {"day": DAY.isoformat(), "session": "PM", "kind": "other"}),
        ("POST", f"/duties/people/{ada.id}/clinics", {"weekday": "1", "session": "AM", "first_day": DAY.isoformat(),
                                                      "last_day": ahead(14).isoformat()}),
        ("POST", f"/duties/people/{ada.id}/away", away_form(ahead(20), ahead(21))),
        ("POST", f"/duties/{duty_id}/delete", {}),
        ("POST", "/duties/away", away_form(ahead(30), ahead(31))),
        ("POST", f"/duties/away/{period_id}/approve", {}),
        ("POST", f"/duties/away/{period_id}/decline", {f"d{period_id}-reason": "No"}),
        ("POST", f"/duties/away/{period_id}/cancel", {}),
        ("POST", "/duties/import", {"file": (io.BytesIO(csv_of(f"{ada.email},{DAY},PM,other,").encode()), "d.csv")}),
    ]  # fmt: skip


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(
    app, client, ada, make_duty, request_away
):
    duty_id, period_id = make_duty(ada), request_away(ada, ahead(5), ahead(6))
    before = database_state(app)

    for method, path, data in routes(ada, duty_id, period_id):
        response = client.get(path) if method == "GET" else client.post(path, data=data)
        assert asks_to_sign_in(response), (method, path, response.status_code)
    assert database_state(app) == before


def test_another_resident_finds_none_of_someone_elses_duties_or_time_away(
    app, client, login_as, ada, ben, make_duty, request_away
):
    duty_id, period_id = make_duty(ada), request_away(ada, ahead(5), ahead(6))
    login_as(ben)
    before = database_state(app)

    outcomes = {
        (method, path.split("?")[0]): (
            client.get(path) if method == "GET" else client.post(path, data=data)
        ).status_code
        for method, path, data in routes(ada, duty_id, period_id)
    }

    assert database_state(app) != before  # only Ben's own request went in
    assert outcomes.pop(("GET", "/duties")) == 200
    assert outcomes.pop(("POST", "/duties/away")) == 302  # his own request
    staff_pages = {
        ("GET", "/duties/find"),
        ("GET", "/duties/away"),
        ("GET", "/duties/import"),
        ("POST", "/duties/import"),
    }
    assert {key: code for key, code in outcomes.items() if key in staff_pages} == dict.fromkeys(
        staff_pages, 403
    )
    assert {code for key, code in outcomes.items() if key not in staff_pages} == {404}
    assert duty_row(app, duty_id) is not None
    assert period_row(app, period_id).status == "requested"


def test_the_resident_sees_their_page_but_changes_only_their_own_time_away(
    app, client, login_as, ada, make_duty, request_away
):
    duty_id, period_id = make_duty(ada), request_away(ada, ahead(5), ahead(6))
    login_as(ada)
    before = database_state(app)

    assert client.get(f"/duties/people/{ada.id}").status_code == 200
    for path, data in [
        (f"/duties/people/{ada.id}/duties", {"day": DAY.isoformat(), "session": "PM", "kind": "other"}),
        (f"/duties/people/{ada.id}/away", away_form(ahead(20), ahead(21))),
        (f"/duties/{duty_id}/delete", {}),
        (f"/duties/away/{period_id}/approve", {}),
    ]:
        assert client.post(path, data=data).status_code == 403, path
    assert database_state(app) == before


def test_the_nav_has_a_duties_link_for_everyone_signed_in(client, login_as, ada, coordinator):
    for person in (ada, coordinator):
        login_as(person)
        page = body(client.get("/duties"))
        assert '<a class="nav-link active" href="/duties">Duties</a>' in page
        assert '<a class="nav-link " href="/duties">Duties</a>' in body(client.get("/"))


# --- a person's page ----------------------------------------------------------------------------------------


def test_a_residents_page_shows_coming_duties_their_covers_the_covers_they_give_and_time_away(
    app, client, login_as, ada, ben, resident, make_duty, cover, request_away, enter_away
):
    cal = resident("Cal", pgy=1)
    own_am = make_duty(ada, DAY, "AM", "clinic", "Brookside")
    make_duty(ada, DAY, "PM", "ambulatory")
    make_duty(ada, program_today() - timedelta(days=1), "AM")  # past: not shown
    enter_away(ada, DAY, DAY, kind="conference")
    cover(own_am, ben, actor=ada)
    cover(make_duty(cal, ahead(2), "NIGHT", "inpatient", "Main"), ada)
    request_away(ada, ahead(9), ahead(10))
    login_as(ada)

    page = body(client.get("/duties"))

    duties = text_of(section(page, "duties"))
    assert duties.count(DAY.strftime("%a, %b %-d, %Y")) == 1  # one row heading per day
    # Ada is away that day: she sees who covers her clinic, and arranges cover for her afternoon.
    # The site is in its column, and under the duty on a phone.
    assert "AM Continuity clinic Brookside Brookside Away: Conference Ben Resident Remove cover" in duties
    assert "PM Ambulatory Away: Conference Uncovered Coverer's e-mail Assign Suggest coverers" in duties
    assert f"{ahead(2).strftime('%a, %b %-d, %Y')} · NIGHT · Inpatient at Main for Cal Resident" in text_of(
        section(page, "covering")
    )
    periods = text_of(section(page, "away"))
    assert "Conference" in periods and "Approved" in periods and "Waiting for approval" in periods
    assert "Delete" not in page  # staff only
    assert 'data-testid="request-form"' in page and 'data-testid="duty-form"' not in page
    assert f"{LABEL}: 0 of 28 days approved, 2 more requested." in text_of(section(page, "vacation"))


def test_a_vacation_past_four_weeks_shows_a_warning(client, login_as, ada, enter_away):
    enter_away(ada, ahead(20), ahead(20 + 29))  # 30 days
    login_as(ada)

    page = body(client.get("/duties"))

    assert (
        text_of(section(page, "vacation-warning"))
        == f"30 approved vacation days in {LABEL}: 2 past the 28 allowed."
    )


def test_staff_see_the_forms_with_the_clinic_site_filled_in(client, login_as, ada, coordinator):
    login_as(coordinator)

    page = body(client.get(f"/duties/people/{ada.id}"))

    for testid in ("duty-form", "clinic-form", "enter-away-form", "staff-tools"):
        assert f'data-testid="{testid}"' in page, testid
    assert re.search(r'<input[^>]*id="clinic_site"[^>]*value="Brookside"', page)


def test_find_leads_staff_to_a_persons_page_or_says_nobody_has_the_address(
    client, login_as, ada, coordinator
):
    login_as(coordinator)

    found = client.get(f"/duties/find?email={ada.email.upper()}")
    missing = client.get("/duties/find?email=nobody@example.org", follow_redirects=True)

    assert found.location == f"/duties/people/{ada.id}"
    assert "No active person has that address." in alerts(body(missing))


# --- staff change a person's duties -------------------------------------------------------------------------


def test_staff_add_a_duty_and_an_overlapping_one_is_refused_on_its_field(
    app, client, login_as, ada, coordinator, make_duty
):
    make_duty(ada, DAY, "DAY", "inpatient")
    login_as(coordinator)
    before = database_state(app)

    refused = client.post(
        f"/duties/people/{ada.id}/duties", data={"day": DAY.isoformat(), "session": "AM", "kind": "clinic"}
    )
    assert refused.status_code == 409
    assert field_errors(body(refused), "duty_session") == [
        f"Ada Resident already has Inpatient (DAY) on {DAY.strftime('%a, %b %-d, %Y')}, which overlaps the AM session."
    ]
    assert database_state(app) == before

    added = client.post(f"/duties/people/{ada.id}/duties", data={"day": ahead(1).isoformat(), "session": "AM",
                                                                 "kind": "clinic", "site": "Brookside"})  # fmt: skip
    assert added.location == f"/duties/people/{ada.id}#duties"
    assert [(d.duty_on, d.session, d.source) for d in duty_rows(app, ada.id)][-1] == (
        ahead(1),
        "AM",
        "manual",
    )


def test_staff_make_weekly_clinics_and_are_told_how_many(app, client, login_as, ada, coordinator, make_duty):
    make_duty(ada, DAY, "DAY", "inpatient")
    login_as(coordinator)
    data = {"weekday": str(DAY.weekday()), "session": "AM", "site": "Brookside",
            "first_day": DAY.isoformat(), "last_day": ahead(21).isoformat()}  # fmt: skip

    response = client.post(f"/duties/people/{ada.id}/clinics", data=data, follow_redirects=True)

    assert "3 clinic sessions made; 1 day already had a duty then and kept it." in alerts(body(response))
    assert len(duty_rows(app, ada.id)) == 4


def test_a_clinic_range_ending_before_it_starts_is_refused(app, client, login_as, ada, coordinator):
    login_as(coordinator)
    before = database_state(app)

    response = client.post(f"/duties/people/{ada.id}/clinics", data={
        "weekday": "1", "session": "AM", "first_day": ahead(7).isoformat(), "last_day": DAY.isoformat()})  # fmt: skip

    assert response.status_code == 400
    assert field_errors(body(response), "last_day") == ["The last day must be on or after the first."]
    assert database_state(app) == before


def test_staff_delete_a_duty(app, client, login_as, ada, coordinator, make_duty):
    duty_id = make_duty(ada)
    login_as(coordinator)

    response = client.post(f"/duties/{duty_id}/delete", follow_redirects=True)

    assert f"Deleted: Continuity clinic (AM) on {DAY.strftime('%a, %b %-d, %Y')}." in alerts(body(response))
    assert duty_row(app, duty_id) is None


def test_staff_enter_time_away_approved_at_once_and_an_overlap_is_refused(
    app, client, login_as, ada, coordinator, request_away
):
    request_away(ada, ahead(5), ahead(6))
    login_as(coordinator)
    before = database_state(app)

    refused = client.post(f"/duties/people/{ada.id}/away", data=away_form(ahead(6), ahead(8), "sick"))
    assert refused.status_code == 409
    assert field_errors(body(refused), "starts_on") == [
        f"Ada Resident already has Vacation (requested) on {ahead(5).strftime('%b %-d')} – "
        f"{ahead(6).strftime('%b %-d, %Y')}, which overlaps those days."
    ]
    assert database_state(app) == before

    entered = client.post(
        f"/duties/people/{ada.id}/away", data=away_form(ahead(10), ahead(11), "sick"), follow_redirects=True
    )
    assert "Sick leave entered and approved." in alerts(body(entered))


# --- time away ------------------------------------------------------------------------------------------------


def test_a_resident_asks_for_time_away_and_coordinators_are_told(app, client, login_as, ada, coordinator):
    login_as(ada)

    response = client.post(
        "/duties/away", data=away_form(ahead(5), ahead(9), note="Wedding"), follow_redirects=True
    )

    assert "Requested; a coordinator will decide." in alerts(body(response))
    assert [subject for _p, subject, _b in notices(app, "away_requested")] == [
        "Time away requested: Ada Resident"
    ]


def test_a_request_past_four_weeks_says_what_approving_it_would_make(client, login_as, ada, enter_away):
    enter_away(ada, ahead(30), ahead(30 + 24))  # 25 days
    login_as(ada)

    response = client.post("/duties/away", data=away_form(ahead(5), ahead(9)), follow_redirects=True)

    assert alerts(body(response)) == [
        f"Requested; a coordinator will decide. If approved: 30 vacation days in {LABEL}: 2 past the 28 allowed."
    ]


def test_a_request_for_days_already_past_is_refused_on_its_field(app, client, login_as, ada):
    login_as(ada)
    before = database_state(app)
    yesterday = program_today() - timedelta(days=1)

    response = client.post("/duties/away", data=away_form(yesterday, ahead(1)))

    assert response.status_code == 400
    assert field_errors(body(response), "starts_on") == [
        "Time away is requested ahead: the first day has passed."
    ]
    assert database_state(app) == before


def test_coordinators_are_refused_the_request_form(app, client, login_as, coordinator):
    login_as(coordinator)

    assert client.post("/duties/away", data=away_form(ahead(5), ahead(6))).status_code == 403


def test_the_requests_page_shows_who_asked_and_the_vacation_it_would_make(
    client, login_as, ada, coordinator, enter_away, request_away
):
    enter_away(ada, ahead(30), ahead(30 + 24))  # 25 days
    request_away(ada, ahead(2), ahead(5))  # 4 more
    login_as(coordinator)

    page = body(client.get("/duties/away"))

    pending = text_of(section(page, "pending"))
    assert "Ada Resident" in pending
    assert f"With this: 29 of 28 vacation days in {LABEL}, 1 over." in pending
    assert "Ada Resident" in text_of(section(page, "upcoming"))


def test_approving_past_four_weeks_warns_and_a_second_approval_is_refused(
    app, client, login_as, ada, coordinator, enter_away, request_away
):
    enter_away(ada, ahead(30), ahead(30 + 24))
    period_id = request_away(ada, ahead(2), ahead(5))
    login_as(coordinator)

    approved = client.post(f"/duties/away/{period_id}/approve", follow_redirects=True)
    before = database_state(app)
    again = client.post(f"/duties/away/{period_id}/approve")

    assert alerts(body(approved)) == [
        f"Approved: Ada Resident, Vacation; they have been told. 29 approved vacation days in {LABEL}: 1 past the 28 allowed."
    ]
    assert "alert-warning" in body(approved)
    assert again.status_code == 409
    assert "This request was approved already." in alerts(body(again))
    assert database_state(app) == before


def test_declining_needs_a_reason(app, client, login_as, ada, coordinator, request_away):
    period_id = request_away(ada, ahead(2), ahead(5))
    login_as(coordinator)
    before = database_state(app)

    refused = client.post(f"/duties/away/{period_id}/decline", data={f"d{period_id}-reason": ""})
    assert refused.status_code == 400
    assert field_errors(body(refused), f"d{period_id}-reason") == ["Say why the request is declined."]
    assert database_state(app) == before

    declined = client.post(
        f"/duties/away/{period_id}/decline", data={f"d{period_id}-reason": "Wards are short"}
    )
    assert declined.location == "/duties/away"
    assert period_row(app, period_id).decision_reason == "Wards are short"


def test_the_resident_cancels_a_request_but_not_time_away_that_has_begun(
    app, client, login_as, ada, request_away, enter_away
):
    period_id = request_away(ada, ahead(2), ahead(5))
    begun = enter_away(
        ada, program_today() - timedelta(days=1), program_today() + timedelta(days=1), kind="sick"
    )
    login_as(ada)

    cancelled = client.post(f"/duties/away/{period_id}/cancel")
    before = database_state(app)
    refused = client.post(f"/duties/away/{begun}/cancel")

    assert cancelled.location == "/duties#away"
    assert period_row(app, period_id).status == "cancelled"
    assert refused.status_code == 403
    assert "Time away that has begun is changed by a coordinator." in alerts(body(refused))
    assert database_state(app) == before


# --- importing ---------------------------------------------------------------------------------------------


def upload(client, text: str, name: str = "duties.csv", encoding: str = "utf-8"):
    return client.post("/duties/import", data={"file": (io.BytesIO(text.encode(encoding)), name)},
                       content_type="multipart/form-data")  # fmt: skip


def test_staff_import_a_file_and_are_told_the_counts(app, client, login_as, ada, ben, coordinator):
    login_as(coordinator)
    text = csv_of(f"{ada.email},{DAY},AM,clinic,Brookside", f"{ben.email},{DAY},DAY,inpatient,Main")

    first = upload(client, "\ufeff" + text)
    again = client.get(first.location)
    second = upload(client, text)

    assert first.status_code == 302
    assert alerts(body(again)) == ["Duties imported: 2 added, 0 changed, 0 unchanged."]
    assert "Duties imported: 0 added, 0 changed, 2 unchanged." in alerts(body(client.get(second.location)))
    assert len(duty_rows(app)) == 2


def test_a_file_with_problems_imports_nothing_and_lists_each_by_row(app, client, login_as, ada, coordinator):
    login_as(coordinator)
    before = database_state(app)

    response = upload(client, csv_of(f"{ada.email},{DAY},AM,clinic,", "x@y.org,2027-04-13,AM,clinic,",
                                     f"{ada.email},{DAY},ZZ,clinic,"))  # fmt: skip

    assert response.status_code == 400
    problems = text_of(section(body(response), "problems"))
    assert "3 no active person has the address x@y.org" in problems
    assert "4 'ZZ' is not a session (use AM, PM, DAY, NIGHT)" in problems
    assert "Nothing was imported: the file has 2 problems." in text_of(body(response))
    assert database_state(app) == before


def test_a_file_that_is_not_utf8_is_refused(app, client, login_as, coordinator):
    login_as(coordinator)

    response = upload(
        client, "email,date,session,kind\nzoë@example.org,2027-04-13,AM,clinic\n", encoding="latin-1"
    )

    assert response.status_code == 400
    assert "The file is not UTF-8 text." in body(response)


# --- cover for time away ----------------------------------------------------------------------------------------


def test_a_coordinator_covers_a_vacationing_residents_duty_from_the_suggestions(
    app, client, login_as, ada, ben, coordinator, make_duty, enter_away
):
    enter_away(ada, DAY, ahead(2))
    duty = make_duty(ada, DAY, "AM", "clinic", "Brookside")
    login_as(coordinator)

    page = body(client.get(f"/duties/people/{ada.id}?suggest={duty}"))
    assert 'aria-label="Assign Ben Resident"' in section(page, "suggestions")
    response = client.post(f"/duties/{duty}/cover", data={f"d{duty}-coverer": ben.email})

    assert response.location == f"/duties/people/{ada.id}#duty-{duty}"
    assert duty_row(app, duty).covered_by_id == ben.id
    assert alerts(body(client.get(response.location))) == ["Ben Resident covers it and has been told."]
    assert [who for who, _subject, _body in notices(app, "cover_assigned")] == [ben.id]


def test_the_resident_away_arranges_their_own_cover_and_is_not_told_why_a_colleague_is_busy(
    app, client, login_as, ada, ben, make_duty, enter_away
):
    enter_away(ada, DAY, DAY)
    duty = make_duty(ada, DAY, "AM", "clinic", "Brookside")
    make_duty(ben, DAY, "DAY", "inpatient", "Main")
    login_as(ada)
    before = database_state(app)

    refused = client.post(f"/duties/{duty}/cover", data={f"d{duty}-coverer": ben.email})

    assert refused.status_code == 409
    assert field_errors(body(refused), f"d{duty}-coverer") == ["Ben Resident is not free then."]
    # The refused form is shown at the form's address: its links still lead to Ada's page.
    assert f'href="/duties?suggest={duty}&amp;weeks=16#duty-{duty}"' in body(refused)
    assert 'href="/duties?weeks=52#duties"' in body(refused)
    assert database_state(app) == before


def test_a_duty_on_a_day_its_owner_is_not_away_is_covered_by_coordinators_only(
    app, client, login_as, ada, ben, make_duty
):
    duty = make_duty(ada, DAY, "AM", "clinic", "Brookside")
    login_as(ada)
    before = database_state(app)

    assert client.post(f"/duties/{duty}/cover", data={f"d{duty}-coverer": ben.email}).status_code == 403
    assert "Uncovered" not in body(client.get("/duties"))  # no cover form on a day Ada works
    assert database_state(app) == before


def test_removing_a_cover_tells_the_coverer_and_the_duty_needs_cover_again(
    app, client, login_as, ada, ben, coordinator, make_duty, cover, enter_away
):
    enter_away(ada, DAY, DAY)
    duty = make_duty(ada, DAY, "AM", "clinic", "Brookside")
    cover(duty, ben)
    login_as(coordinator)

    response = client.post(f"/duties/{duty}/uncover")

    assert response.location == f"/duties/people/{ada.id}#duty-{duty}"
    assert duty_row(app, duty).covered_by_id is None
    assert ben.id in [who for who, _subject, _body in notices(app, "cover_released")]
    assert "Uncovered" in text_of(section(body(client.get(response.location)), "duties"))
