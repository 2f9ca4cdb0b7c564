"""The coaching pages over HTTP: the coordinators' board (filters, suggestions, accepting, pairing by hand,
flags, the CSV and the load chart), ending and re-pairing, exclusions, each pair's page with its meetings
and goals, and the 404s that keep a pairing private to its two people and the coordinators."""

import csv
import io
import re
from collections import Counter
from datetime import timedelta

import pytest

from tests.coaching.conftest import (
    ROOM,
    active_pairs,
    day_at,
    exclusion_pairs,
    goal_rows,
    meeting_row,
    meeting_rows,
    notices,
    pairing_rows,
    program_today,
    year_now,
)
from tests.support import alerts, database_state, field_errors, text_of
from wellness.dates import utcnow
from wellness.extensions import db
from wellness.people.models import Person
from wellness.people.services import resolve_fields


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


def titled(page: str, title_id: str) -> str:
    """The markup of the <section> labelled by the heading with this id."""
    found = re.search(rf'<section[^>]*aria-labelledby="{title_id}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no section labelled {title_id}"
    return found.group(1)


def unpaired_names(page: str) -> list[str]:
    """The residents the board lists as unpaired, as their badges read."""
    badges = re.search(r'<ul class="list-inline mb-3">(.*?)</ul>', section(page, "unpaired"), re.S)
    return (
        [text_of(badge) for badge in re.findall(r"<span[^>]*>(.*?)</span>", badges.group(1), re.S)]
        if badges
        else []
    )


def pairing_names(page: str) -> list[str]:
    """Resident names in the board's pairings table, in order."""
    table = section(page, "pairings")
    return [text_of(name) for name in re.findall(r"<tr[^>]*><td><a [^>]*>(.*?)</a></td>", table, re.S)]


def accept_values(page: str) -> list[str]:
    """The `pairs` value of every accept button in the suggestion, "Accept all" first."""
    return re.findall(r'<input type="hidden" name="pairs" value="([^"]*)">', section(page, "suggestions"))


def meeting_form(day, start: str = "14:00", end: str = "15:00", place: str = ROOM, prefix: str = "") -> dict:
    return {
        f"{prefix}day": day.isoformat() if hasattr(day, "isoformat") else day,
        f"{prefix}start_time": start,
        f"{prefix}end_time": end,
        f"{prefix}place": place,
    }


def asks_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login?next=")


# --- who may come in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/coaching"),
        ("GET", "/coaching/board"),
        ("GET", "/coaching/board.csv"),
        ("POST", "/coaching/pairings"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(app, client, ada, hana, method, path):
    before = database_state(app)

    response = (
        client.get(path)
        if method == "GET"
        else client.post(path, data={"resident_id": ada.id, "coach_id": hana.id})
    )

    assert asks_to_sign_in(response)
    assert database_state(app) == before


@pytest.mark.parametrize("who", ["resident", "coach"])
def test_residents_and_coaches_are_refused_the_board_the_export_and_pairing(
    app, client, login_as, ada, hana, resident, who
):
    login_as(ada if who == "resident" else hana)
    ben = resident("Ben")
    before = database_state(app)

    assert client.get("/coaching/board").status_code == 403
    assert client.get("/coaching/board.csv").status_code == 403
    assert client.get("/coaching/exclusions").status_code == 403
    assert (
        client.post("/coaching/pairings", data={"resident_id": ben.id, "coach_id": hana.id}).status_code
        == 403
    )
    assert (
        client.post("/coaching/suggestions/accept", data={"pairs": f"{ben.id}:{hana.id}"}).status_code == 403
    )
    assert database_state(app) == before


def test_the_nav_leads_coordinators_to_the_board_and_others_to_their_coaching_page(
    app, client, login_as, coordinator, ada
):
    login_as(ada)
    assert '<a class="nav-link " href="/coaching">Coaching</a>' in body(client.get("/"))
    login_as(coordinator)
    assert '<a class="nav-link " href="/coaching/board">Coaching</a>' in body(client.get("/"))
    response = client.get("/coaching")
    assert (response.status_code, response.location) == (302, "/coaching/board")


# --- the board ------------------------------------------------------------------------------------------------


def test_the_board_shows_who_is_paired_the_coaches_loads_and_the_load_chart(
    app, client, login_as, coordinator, ada, hana, pairing, resident, coach
):
    resident("Ben", ("Oncology",), program="primary_care", training_start_year=year_now())
    coach("Ivan", ("Nephrology",), capacity=3)
    login_as(coordinator)

    page = body(client.get("/coaching/board"))

    assert "1 of 2 residents in training are paired; 2 coaches have 4 places free." in text_of(page)
    assert unpaired_names(page) == ["Ben Ramos · PGY-1 · Oncology"]
    assert pairing_names(page) == ["Ada Quill"]
    coaches = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", section(page, "coaches"), re.S)[1:]]
    assert coaches == ["Hana Okafor Oncology 1 2", "Ivan Petrov Nephrology 0 3"]
    chart = section(page, "load-chart")
    assert chart.lstrip().startswith("<svg") and 'aria-label="Coachees per coach"' in chart
    assert "Hana Okafor" in chart and "1 / 2" in chart


def test_the_board_filters_by_program_level_and_field(app, client, login_as, coordinator, resident, coach):
    resident("Ada", ("Cardiology",))  # categorical PGY-2
    resident("Ben", ("Oncology",), program="primary_care", training_start_year=year_now())
    resident("Cal", ("oncology", "Global health"), training_start_year=year_now() - 2)
    coach("Hana")
    login_as(coordinator)

    def shown(query: str) -> list[str]:
        return [name.split(" · ")[0] for name in unpaired_names(body(client.get(f"/coaching/board?{query}")))]

    assert shown("") == ["Ada Quill", "Ben Ramos", "Cal Stone"]
    assert shown("program=primary_care") == ["Ben Ramos"]
    assert shown("level=3") == ["Cal Stone"]
    assert shown("field=Oncology") == ["Ben Ramos", "Cal Stone"]
    assert shown("program=categorical&field=oncology") == ["Cal Stone"]
    assert shown("program=nonsense&level=9") == ["Ada Quill", "Ben Ramos", "Cal Stone"]


def test_a_suggestion_is_shown_with_its_seed_and_the_reasons_for_anyone_left_out(
    app, client, login_as, coordinator, resident, coach
):
    ada, ben = resident("Ada", ("Cardiology",)), resident("Ben", ("Oncology",))
    resident("Cal", ("Cardiology", "Oncology"))
    hana, ivan = coach("Hana", ("Oncology",), capacity=1), coach("Ivan", ("Cardiology",), capacity=1)
    login_as(coordinator)
    before = database_state(app)

    page = body(client.get("/coaching/board?suggest=1&seed=3"))

    suggested = section(page, "suggestions")
    rows = [text_of(row) for row in re.findall(r"<tr>(<td>.*?)</tr>", suggested, re.S)]
    assert rows == [
        "Ada Quill Cardiology Hana Okafor Oncology Accept",
        "Ben Ramos Oncology Ivan Petrov Cardiology Accept",
    ]
    assert accept_values(page) == [
        f"{ada.id}:{hana.id} {ben.id}:{ivan.id} ",
        f"{ada.id}:{hana.id}",
        f"{ben.id}:{ivan.id}",
    ]
    assert "Cal Stone: every coach shares one of their fields (Cardiology or Oncology)" in text_of(suggested)
    assert 'value="3"' in page  # the seed stays in its box
    assert database_state(app) == before
    assert section(body(client.get("/coaching/board")), "suggestions") == ""


def test_the_same_seed_shows_the_same_suggestion(app, client, login_as, coordinator, resident, coach):
    for name in ("Ada", "Ben", "Cal", "Dee"):
        resident(name)
    for name in ("Hana", "Ivan"):
        coach(name, capacity=2)
    login_as(coordinator)

    shown = {
        seed: accept_values(body(client.get(f"/coaching/board?suggest=1&seed={seed}")))[0]
        for seed in range(8)
    }

    assert all(
        accept_values(body(client.get(f"/coaching/board?suggest=1&seed={seed}")))[0] == shown[seed]
        for seed in (0, 5)
    )
    assert len(set(shown.values())) > 1  # the seed does break the ties


def test_a_seed_that_is_not_a_whole_number_is_pointed_out(app, client, login_as, coordinator, ada, hana):
    login_as(coordinator)

    response = client.get("/coaching/board?suggest=1&seed=abc")

    assert response.status_code == 200
    assert field_errors(body(response), "seed")
    assert section(body(response), "suggestions") == ""


def test_accepting_all_suggestions_pairs_everyone_and_tells_them(
    app, client, login_as, coordinator, resident, coach
):
    ada, ben = resident("Ada", ("Cardiology",)), resident("Ben", ("Oncology",))
    hana, ivan = coach("Hana", ("Oncology",), capacity=1), coach("Ivan", ("Cardiology",), capacity=1)
    login_as(coordinator)
    [everyone, _one, _other] = accept_values(body(client.get("/coaching/board?suggest=1&seed=0")))

    response = client.post("/coaching/suggestions/accept", data={"pairs": everyone})

    assert (response.status_code, response.location) == (302, "/coaching/board")
    page = body(client.get(response.location))
    assert alerts(page) == ["2 pairings made; everyone paired has been told."]
    assert active_pairs(app) == {(ada.id, hana.id), (ben.id, ivan.id)}
    assert sorted(person_id for person_id, _s, _b in notices(app)) == sorted(
        [ada.id, ben.id, hana.id, ivan.id]
    )
    assert pairing_names(page) == ["Ada Quill", "Ben Ramos"]
    assert unpaired_names(page) == []


def test_accepting_one_suggestion_pairs_only_that_resident(
    app, client, login_as, coordinator, resident, coach
):
    ada, ben = resident("Ada", ("Cardiology",)), resident("Ben", ("Oncology",))
    hana, _ivan = coach("Hana", ("Oncology",), capacity=1), coach("Ivan", ("Cardiology",), capacity=1)
    login_as(coordinator)
    [_everyone, ada_with_hana, _ben] = accept_values(body(client.get("/coaching/board?suggest=1")))

    response = client.post("/coaching/suggestions/accept", data={"pairs": ada_with_hana})

    assert alerts(body(client.get(response.location))) == ["1 pairing made; everyone paired has been told."]
    assert active_pairs(app) == {(ada.id, hana.id)}
    assert [name.split(" · ")[0] for name in unpaired_names(body(client.get("/coaching/board")))] == [
        ben.name
    ]


def test_accepting_a_suggestion_overtaken_by_events_changes_nothing_and_says_why(
    app, client, login_as, coordinator, resident, coach, pair
):
    ada, ben = resident("Ada"), resident("Ben")
    hana = coach("Hana", capacity=2)
    login_as(coordinator)
    [everyone, *_] = accept_values(body(client.get("/coaching/board?suggest=1")))
    pair(resident("Cal"), hana)  # another coordinator took a place meanwhile
    before = database_state(app)

    response = client.post("/coaching/suggestions/accept", data={"pairs": everyone})

    assert response.status_code == 409
    assert alerts(body(response)) == [
        "Hana Okafor is at capacity (2 of 2 coachees). Suggest again to see the current picture."
    ]
    assert database_state(app) == before
    assert {ada.id, ben.id}.isdisjoint(resident_id for resident_id, _ in active_pairs(app))


@pytest.mark.parametrize("pairs", ["", "banana", "1:2:3"])
def test_a_garbled_suggestion_is_refused_as_bad_input_saying_so(
    app, client, login_as, coordinator, ada, hana, pairs
):
    login_as(coordinator)
    before = database_state(app)

    response = client.post("/coaching/suggestions/accept", data={"pairs": pairs})

    assert response.status_code == 400
    page = body(response)
    expected = (
        "There are no suggestions to accept."
        if not pairs
        else "Those suggestions could not be read; suggest again."
    )
    assert expected in text_of(page)
    assert database_state(app) == before


def test_accepting_people_who_no_longer_exist_is_refused(app, client, login_as, coordinator, ada, hana):
    login_as(coordinator)
    before = database_state(app)

    response = client.post("/coaching/suggestions/accept", data={"pairs": f"{ada.id}:{hana.id} 99998:99999"})

    assert response.status_code == 400
    assert alerts(body(response)) == ["A suggested resident or coach no longer exists; suggest again."]
    assert database_state(app) == before


# --- pairing by hand --------------------------------------------------------------------------------------------


def test_pairing_by_hand_despite_a_shared_field_with_a_reason_is_flagged_on_the_board(
    app, client, login_as, coordinator, ada, coach
):
    juno = coach("Juno", ("cardiology",))
    login_as(coordinator)

    response = client.post(
        "/coaching/pairings",
        data={"resident_id": ada.id, "coach_id": juno.id, "override_reason": "The only coach on nights"},
    )

    [row] = pairing_rows(app)
    assert (response.status_code, response.location) == (302, f"/coaching/pairings/{row.id}")
    assert alerts(body(client.get(response.location))) == [
        "Ada Quill is paired with Juno Reyes; both have been told."
    ]
    assert (row.resident_id, row.coach_id, row.override_reason) == (
        ada.id,
        juno.id,
        "The only coach on nights",
    )
    board = body(client.get("/coaching/board"))
    assert text_of(section(board, "flagged")) == (
        "Flags and overrides Ada Quill with Juno Reyes : Paired despite a shared field: The only coach on nights"
    )
    assert '<span class="badge text-bg-warning" title="The only coach on nights">override</span>' in section(
        board, "pairings"
    )


def test_pairing_by_hand_with_a_shared_field_and_no_reason_shows_the_field_error(
    app, client, login_as, coordinator, ada, coach
):
    juno = coach("Juno", ("CARDIOLOGY",))
    login_as(coordinator)
    before = database_state(app)

    response = client.post(
        "/coaching/pairings", data={"resident_id": ada.id, "coach_id": juno.id, "override_reason": " "}
    )

    assert response.status_code == 400
    page = body(response)
    assert field_errors(page, "override_reason") == [
        "Give a reason to pair them anyway: Juno Reyes shares Cardiology with Ada Quill."
    ]
    assert '<details class="mt-3" open>' in page  # the form stays open with the error
    assert database_state(app) == before


@pytest.mark.parametrize(
    ("data", "status", "where", "message"),
    [
        ({"resident_id": "0", "coach_id": "{hana}"}, 400, "coach_id", "Choose a resident and a coach."),
        ({"resident_id": "{ada}"}, 400, "coach_id", "Choose a resident and a coach."),
        ({"resident_id": "{ada}", "coach_id": "nonsense"}, 400, "coach_id", "Choose a resident and a coach."),
        ({"resident_id": "{ada}", "coach_id": "{ben}"}, 400, "coach_id",
         "Ben Ramos is not a coach (an active faculty member with places)."),
        ({"resident_id": "{ada}", "coach_id": "{hana}", "override_reason": "x" * 501}, 400, "override_reason",
         "Keep the reason to 500 characters."),
    ],
    ids=["no resident", "no coach", "not a number", "not a coach", "reason too long"],
)  # fmt: skip
def test_pairing_by_hand_with_bad_choices_is_refused_with_the_field_error(
    app, client, login_as, coordinator, ada, hana, resident, data, status, where, message
):
    ben = resident("Ben")
    ids = {"ada": ada.id, "hana": hana.id, "ben": ben.id}
    login_as(coordinator)
    before = database_state(app)

    response = client.post(
        "/coaching/pairings", data={key: value.format(**ids) for key, value in data.items()}
    )

    assert response.status_code == status
    assert message in field_errors(body(response), where)
    assert database_state(app) == before


def test_pairing_by_hand_with_a_full_coach_is_refused_saying_so(
    app, client, login_as, coordinator, ada, coach, resident, pair
):
    ivan = coach("Ivan", capacity=1)
    pair(resident("Ben"), ivan)
    login_as(coordinator)
    before = database_state(app)

    response = client.post("/coaching/pairings", data={"resident_id": ada.id, "coach_id": ivan.id})

    assert response.status_code == 409
    assert alerts(body(response)) == ["Ivan Petrov is at capacity (1 of 1 coachees)."]
    assert database_state(app) == before


def test_a_pairing_whose_resident_took_up_the_coachs_field_is_flagged_on_the_board(
    app, client, login_as, coordinator, ada, hana, pairing
):
    login_as(coordinator)
    assert section(body(client.get("/coaching/board")), "flagged") == ""
    with app.app_context():
        db.session.get(Person, ada.id).fields = resolve_fields(["Cardiology", "oncology"])
        db.session.commit()
        db.session.remove()

    board = body(client.get("/coaching/board"))

    assert text_of(section(board, "flagged")) == (
        "Flags and overrides Ada Quill with Hana Okafor : Now shares Oncology: their fields changed after pairing"
    )
    assert '<span class="badge text-bg-danger">shares a field</span>' in section(board, "pairings")


# --- the CSV export ------------------------------------------------------------------------------------------------


def test_the_export_lists_the_filtered_residents_with_their_coach_and_meetings_held(
    app, client, login_as, coordinator, ada, hana, pairing, resident, meet, coach, pair
):
    resident("Ben", ("Oncology",), program="primary_care", training_start_year=year_now())
    juno = coach("Juno", ("Cardiology", "Health policy"))
    cal = resident("Cal", ("cardiology",))
    pair(cal, juno, override_reason="Asked for her")
    meet(pairing, ada, hana, utcnow() - timedelta(days=2), now=utcnow() - timedelta(days=5))
    meet(pairing, ada, hana, day_at(3))  # ahead, not held yet
    login_as(coordinator)

    response = client.get("/coaching/board.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="coaching-pairings.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == [
        "last_name", "first_name", "email", "program", "level", "fields", "coach", "coach_email", "coach_fields",
        "since", "meetings_this_year", "override_reason", "flags",
    ]  # fmt: skip
    by_email = {row["email"]: row for row in rows}
    assert set(by_email) == {"ada@example.org", "ben@example.org", "cal@example.org"}
    assert by_email["ada@example.org"] == {
        "last_name": "Quill", "first_name": "Ada", "email": "ada@example.org", "program": "Categorical",
        "level": "2", "fields": "Cardiology", "coach": "Hana Okafor", "coach_email": "hana@example.org",
        "coach_fields": "Oncology", "since": program_today().isoformat(), "meetings_this_year": "1",
        "override_reason": "", "flags": "",
    }  # fmt: skip
    assert (by_email["ben@example.org"]["coach"], by_email["ben@example.org"]["meetings_this_year"]) == (
        "",
        "",
    )
    assert by_email["cal@example.org"]["override_reason"] == "Asked for her"
    assert by_email["cal@example.org"]["flags"] == "Paired despite a shared field: Asked for her"
    assert ROOM not in body(response)
    primary = list(csv.DictReader(io.StringIO(body(client.get("/coaching/board.csv?program=primary_care")))))
    assert [row["email"] for row in primary] == ["ben@example.org"]


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_the_export_keeps_names_and_reasons_from_running_as_formulas(
    app, client, login_as, coordinator, resident, coach, pair, formula
):
    odd = resident(formula, (formula,), last_name=formula, email="odd@example.org")
    juno = coach("Juno", (formula,))
    pair(odd, juno, override_reason=formula)
    login_as(coordinator)

    [row] = list(csv.DictReader(io.StringIO(body(client.get("/coaching/board.csv")))))

    assert row["first_name"] == row["last_name"] == row["fields"] == row["coach_fields"] == "'" + formula
    assert row["override_reason"] == "'" + formula
    assert row["coach"] == "Juno Reyes"


# --- the pairing's pages ---------------------------------------------------------------------------------------------


def test_a_resident_sees_their_coach_meetings_and_all_their_goals(
    app, client, login_as, ada, hana, pairing, meet, propose_meeting, write_goal
):
    meet(pairing, hana, ada, day_at(4, 9))
    propose_meeting(pairing, hana, day_at(8, 16), place="Zoom link")
    write_goal(ada, "Private worry")
    write_goal(ada, "Shared plan", shared=True)
    login_as(ada)

    page = body(client.get("/coaching"))

    assert text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)) == "Your coach: Hana Okafor"
    assert "hana@example.org" in section(page, "pairing")
    meetings = text_of(section(page, "meetings"))
    assert ROOM in meetings and "Zoom link" in meetings
    assert "confirmed" in meetings and "proposed to you" in meetings
    goals = text_of(section(page, "goals"))
    assert "Private worry" in goals and "Shared plan" in goals and "private" in goals
    assert "Your coach: Hana Okafor" in text_of(body(client.get(f"/coaching/pairings/{pairing}")))


def test_a_coach_sees_their_coachees_and_only_the_goals_shared_with_them(
    app, client, login_as, ada, hana, pairing, resident, pair, propose_meeting, write_goal
):
    ben = resident("Ben")
    pair(ben, hana)
    propose_meeting(pairing, ada, day_at(4, 9))
    write_goal(ada, "Private worry")
    write_goal(ada, "Shared plan", shared=True)
    login_as(hana)

    mine = body(client.get("/coaching"))
    assert [text_of(name) for name in re.findall(r"<strong>(.*?)</strong>", section(mine, "coachees"))] == [
        "Ada Quill",
        "Ben Ramos",
    ]
    assert "Ada Quill" in text_of(section(mine, "upcoming"))

    page = body(client.get(f"/coaching/pairings/{pairing}"))

    assert "Coaching Ada Quill" in text_of(page)
    goals = text_of(section(page, "goals"))
    assert "Shared plan" in goals
    assert "Private worry" not in page
    assert ROOM in text_of(section(page, "meetings"))
    assert "Edit" not in goals  # the coach reads, never edits


def test_a_coordinator_sees_the_pairing_and_how_many_meetings_were_held_never_what_or_where(
    app, client, login_as, coordinator, ada, hana, pairing, meet, write_goal
):
    meet(
        pairing, ada, hana, utcnow() - timedelta(days=3), now=utcnow() - timedelta(days=6), place="Cafe Luna"
    )
    meet(
        pairing, hana, ada, utcnow() - timedelta(days=2), now=utcnow() - timedelta(days=6), place="Cafe Luna"
    )
    meet(pairing, ada, hana, day_at(6), place="Secret garden")
    write_goal(ada, "Shared plan", shared=True)
    write_goal(ada, "Private worry")
    login_as(coordinator)

    page = body(client.get(f"/coaching/pairings/{pairing}"))

    assert text_of(section(page, "held")) == "2"
    for secret in ("Cafe Luna", "Secret garden", "Shared plan", "Private worry"):
        assert secret not in page
    assert section(page, "meetings") == "" and section(page, "goals") == ""
    assert "Re-pair" in text_of(page) and "End the pairing" in text_of(page)
    board = body(client.get("/coaching/board"))
    assert re.search(r'<td class="text-end">2</td>', section(board, "pairings"))
    assert "Cafe Luna" not in board and "Shared plan" not in board


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("coordinator", "/coaching/pairings/{pairing}"),
        ("resident", "/coaching/pairings/{pairing}"),
        ("coach", "/coaching/pairings/{pairing}"),
        ("coordinator", "/coaching/board?suggest=1"),
        ("coordinator", "/coaching/exclusions"),
    ],
)
def test_every_label_on_a_coaching_page_names_a_control_of_its_own(
    app,
    client,
    login_as,
    coordinator,
    ada,
    hana,
    pairing,
    coach,
    resident,
    propose_meeting,
    write_goal,
    who,
    path,
):
    resident("Ben")
    coach("Ivan")
    propose_meeting(pairing, hana, day_at(5))
    write_goal(ada, "Shared plan", shared=True)
    login_as({"coordinator": coordinator, "resident": ada, "coach": hana}[who])

    page = body(client.get(path.format(pairing=pairing)))

    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    targets = re.findall(r'<label\b[^>]*\bfor="([^"]+)"', page)
    assert targets
    assert {target: ids[target] for target in targets if ids[target] != 1} == {}


def test_a_resident_without_a_coach_is_told_and_may_still_keep_goals(app, client, login_as, ada, write_goal):
    write_goal(ada, "Find a coach")
    login_as(ada)

    page = body(client.get("/coaching"))

    assert "You do not have a coach yet." in text_of(section(page, "no-coach"))
    assert "Find a coach" in text_of(section(page, "goals"))


def test_a_coach_without_coachees_is_told(app, client, login_as, hana):
    login_as(hana)

    assert "You have no coachees yet." in text_of(section(body(client.get("/coaching")), "no-coachees"))


@pytest.mark.parametrize(
    "who", ["another resident", "a faculty member who is not the coach", "another coach"]
)
def test_a_pairing_is_not_found_for_anyone_outside_it(
    app, client, login_as, make_person, resident, coach, pairing, who
):
    outsider = {
        "another resident": lambda: resident("Ben"),
        "a faculty member who is not the coach": lambda: make_person("faculty", first_name="Fred"),
        "another coach": lambda: coach("Ivan"),
    }[who]()
    login_as(outsider)

    assert client.get(f"/coaching/pairings/{pairing}").status_code == 404
    assert client.get(f"/coaching/pairings/{pairing + 1000}").status_code == 404
    before = database_state(app)
    assert (
        client.post(
            f"/coaching/pairings/{pairing}/meetings", data=meeting_form(program_today() + timedelta(days=5))
        ).status_code
        == 404
    )
    assert database_state(app) == before


@pytest.mark.parametrize("who", ["another resident", "the coordinator", "an admin"])
def test_meetings_and_goals_of_others_are_not_found(
    app,
    client,
    login_as,
    make_person,
    coordinator,
    ada,
    hana,
    pairing,
    resident,
    propose_meeting,
    write_goal,
    who,
):
    outsider = {
        "another resident": lambda: resident("Ben"),
        "the coordinator": lambda: coordinator,
        "an admin": lambda: make_person("admin"),
    }[who]()
    meeting_id = propose_meeting(pairing, hana, day_at(5))
    goal_id = write_goal(ada, "Shared plan", shared=True)
    login_as(outsider)
    before = database_state(app)

    for action in ("confirm", "decline", "cancel"):
        assert client.post(f"/coaching/meetings/{meeting_id}/{action}").status_code == 404
    other_time = meeting_form(program_today() + timedelta(days=6), prefix=f"m{meeting_id}-")
    assert client.post(f"/coaching/meetings/{meeting_id}/other-time", data=other_time).status_code == 404
    assert (
        client.post(f"/coaching/goals/{goal_id}", data={"kind": "goal", "text": "Changed"}).status_code == 404
    )
    assert client.post(f"/coaching/goals/{goal_id}/delete").status_code == 404
    assert database_state(app) == before


def test_the_coach_cannot_change_or_delete_a_shared_goal(
    app, client, login_as, ada, hana, pairing, write_goal
):
    goal_id = write_goal(ada, "Shared plan", shared=True)
    login_as(hana)
    before = database_state(app)

    assert (
        client.post(f"/coaching/goals/{goal_id}", data={"kind": "goal", "text": "Changed"}).status_code == 404
    )
    assert client.post(f"/coaching/goals/{goal_id}/delete").status_code == 404
    assert database_state(app) == before


# --- meetings over HTTP ---------------------------------------------------------------------------------------------


def test_a_resident_proposes_a_meeting_and_the_coach_confirms_it(app, client, login_as, ada, hana, pairing):
    day = program_today() + timedelta(days=5)
    login_as(ada)

    response = client.post(f"/coaching/pairings/{pairing}/meetings", data=meeting_form(day, "14:00", "14:45"))

    assert (response.status_code, response.location) == (302, f"/coaching/pairings/{pairing}#meetings")
    assert alerts(body(client.get(response.location))) == [
        "Meeting proposed; you will hear when it is answered."
    ]
    [meeting] = meeting_rows(app, pairing)
    assert (meeting.status, meeting.starts_at, meeting.ends_at, meeting.place) == (
        "proposed", day_at(5, 14), day_at(5, 14, 45), ROOM,
    )  # fmt: skip
    assert "waiting for an answer" in text_of(
        section(body(client.get(f"/coaching/pairings/{pairing}")), "meetings")
    )

    login_as(hana)
    page = body(client.get(f"/coaching/pairings/{pairing}"))
    assert f'action="/coaching/meetings/{meeting.id}/confirm"' in page
    response = client.post(f"/coaching/meetings/{meeting.id}/confirm")

    assert alerts(body(client.get(response.location))) == ["Meeting confirmed; it is on both your calendars."]
    assert meeting_row(app, meeting.id).status == "confirmed"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (lambda day: meeting_form(day - timedelta(days=6)), "start_time", "A meeting must be in the future."),
        (lambda day: meeting_form(day, "15:00", "14:00"), "end_time", "A meeting must end after it starts."),
        (lambda day: meeting_form(day, "09:00", "13:30"), "end_time", "A coaching meeting lasts at most four hours."),
        (lambda day: meeting_form(day, place=""), "place", "Say where you will meet: a room or a video link."),
        (lambda day: meeting_form(day, place="   "), "place", "Say where you will meet: a room or a video link."),
        (lambda day: meeting_form(day, start=""), "start_time", "Choose the start time."),
        (lambda day: meeting_form(f"{day.year}-02-30"), "day", "Not a valid date value."),
        (lambda day: meeting_form(day, end="25:99"), "end_time", "Not a valid time value."),
    ],
    ids=["past", "ends before it starts", "over four hours", "no place", "blank place", "no start", "no such day",
         "no such time"],
)  # fmt: skip
def test_a_meeting_with_bad_input_is_refused_with_the_field_error(
    app, client, login_as, ada, pairing, form, field, message
):
    login_as(ada)
    before = database_state(app)

    response = client.post(
        f"/coaching/pairings/{pairing}/meetings", data=form(program_today() + timedelta(days=5))
    )

    assert response.status_code == 400
    assert field_errors(body(response), field) == [message]
    assert database_state(app) == before


def test_a_meeting_clashing_with_the_proposers_calendar_is_refused_naming_it(
    app, client, login_as, ada, hana, pairing, resident, pair, meet
):
    ben = resident("Ben")
    meet(pair(ben, hana), hana, ben, day_at(5, 14))
    login_as(hana)
    before = database_state(app)

    response = client.post(
        f"/coaching/pairings/{pairing}/meetings",
        data=meeting_form(program_today() + timedelta(days=5), "14:30", "15:30"),
    )

    assert response.status_code == 409
    assert field_errors(body(response), "start_time") == [
        "That time overlaps Coaching meeting, already on your calendar."
    ]
    assert database_state(app) == before


def test_the_proposer_cannot_confirm_their_own_proposal(app, client, login_as, ada, pairing, propose_meeting):
    meeting_id = propose_meeting(pairing, ada, day_at(5))
    login_as(ada)
    page = body(client.get(f"/coaching/pairings/{pairing}"))
    assert f"/coaching/meetings/{meeting_id}/confirm" not in page
    before = database_state(app)

    response = client.post(f"/coaching/meetings/{meeting_id}/confirm")

    assert response.status_code == 403
    assert alerts(body(response)) == [
        "The other person answers your proposal; you can cancel it or propose another time."
    ]
    assert database_state(app) == before


def test_the_coach_proposes_another_time_and_a_bad_one_shows_under_that_meeting(
    app, client, login_as, ada, hana, pairing, propose_meeting
):
    meeting_id = propose_meeting(pairing, ada, day_at(5))
    prefix = f"m{meeting_id}-"
    login_as(hana)
    before = database_state(app)

    bad = client.post(
        f"/coaching/meetings/{meeting_id}/other-time",
        data=meeting_form(program_today() + timedelta(days=6), "10:00", "09:00", prefix=prefix),
    )

    assert bad.status_code == 400
    assert field_errors(body(bad), f"{prefix}end_time") == ["A meeting must end after it starts."]
    assert database_state(app) == before

    response = client.post(
        f"/coaching/meetings/{meeting_id}/other-time",
        data=meeting_form(program_today() + timedelta(days=6), "10:00", "11:00", "Zoom link", prefix=prefix),
    )

    assert alerts(body(client.get(response.location))) == ["Another time proposed."]
    old, new = meeting_rows(app, pairing)
    assert (old.status, new.status, new.replaces_id, new.place) == (
        "replaced",
        "proposed",
        meeting_id,
        "Zoom link",
    )


def test_either_person_declines_or_cancels_over_http(
    app, client, login_as, ada, hana, pairing, propose_meeting, meet
):
    declined = propose_meeting(pairing, ada, day_at(5))
    cancelled = meet(pairing, ada, hana, day_at(6))
    login_as(hana)

    assert alerts(body(client.get(client.post(f"/coaching/meetings/{declined}/decline").location))) == [
        "Meeting declined."
    ]
    assert alerts(body(client.get(client.post(f"/coaching/meetings/{cancelled}/cancel").location))) == [
        "Meeting cancelled."
    ]
    assert (meeting_row(app, declined).status, meeting_row(app, cancelled).status) == (
        "declined",
        "cancelled",
    )
    again = client.post(f"/coaching/meetings/{cancelled}/cancel")
    assert again.status_code == 409
    assert alerts(body(again)) == ["This meeting is cancelled already."]


# --- goals over HTTP --------------------------------------------------------------------------------------------------


def test_a_resident_adds_changes_and_deletes_a_goal(app, client, login_as, ada, hana, pairing):
    login_as(ada)

    response = client.post(
        "/coaching/goals", data={"kind": "goal", "text": "Run a half marathon", "is_shared": "y"}
    )

    assert (response.status_code, response.location) == (302, "/coaching#goals")
    page = body(client.get(response.location))
    assert alerts(page) == ["Saved."]
    [goal] = goal_rows(app, ada.id)
    assert (goal.kind, goal.text, goal.is_shared) == ("goal", "Run a half marathon", True)
    assert "shared with your coach" in text_of(section(page, f"goal-{goal.id}"))

    response = client.post(
        f"/coaching/goals/{goal.id}", data={"kind": "accomplishment", "text": "Ran it", "achieved": "y"}
    )
    assert alerts(body(client.get(response.location))) == ["Saved."]
    [goal] = goal_rows(app, ada.id)
    assert (goal.kind, goal.text, goal.is_shared, goal.achieved_on) == (
        "accomplishment",
        "Ran it",
        False,
        program_today(),
    )

    response = client.post(f"/coaching/goals/{goal.id}/delete")
    assert alerts(body(client.get(response.location))) == ["Deleted."]
    assert goal_rows(app, ada.id) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "goal", "text": "  "}, "Write the goal or reflection."),
        ({"kind": "wish", "text": "Sleep"}, "Not a valid choice."),
    ],
)
def test_a_goal_without_text_or_kind_is_refused_saying_why(app, client, login_as, ada, data, message):
    login_as(ada)
    before = database_state(app)

    response = client.post("/coaching/goals", data=data)

    assert message in alerts(body(client.get(response.location)))[0]
    assert database_state(app) == before


def test_a_coach_cannot_add_goals(app, client, login_as, hana):
    login_as(hana)
    before = database_state(app)

    response = client.post("/coaching/goals", data={"kind": "goal", "text": "Be kind"})

    # The goal form sits on the coaching page, so a refusal goes back there with the reason.
    assert (response.status_code, response.location) == (302, "/coaching#goals")
    assert alerts(body(client.get(response.location))) == ["Goals and reflections are kept by residents."]
    assert database_state(app) == before


# --- ending, re-pairing and exclusions over HTTP -----------------------------------------------------------------------


def test_a_coordinator_ends_a_pairing_with_a_reason(app, client, login_as, coordinator, ada, hana, pairing):
    login_as(coordinator)
    before = database_state(app)

    refused = client.post(f"/coaching/pairings/{pairing}/end", data={"reason": " "})

    assert refused.status_code == 400
    assert "Give a reason for ending the pairing." in text_of(titled(body(refused), "end-title"))
    assert database_state(app) == before

    response = client.post(f"/coaching/pairings/{pairing}/end", data={"reason": "Left the program"})

    assert (response.status_code, response.location) == (302, "/coaching/board")
    assert alerts(body(client.get(response.location))) == ["The pairing has ended; both have been told."]
    [row] = pairing_rows(app)
    assert (row.ends_on, row.end_reason) == (program_today(), "Left the program")
    history = text_of(section(body(client.get(f"/coaching/pairings/{pairing}")), "history"))
    assert "Hana Okafor" in history and "Left the program" in history


def test_a_coordinator_re_pairs_and_all_three_are_told(
    app, client, login_as, coordinator, ada, hana, pairing, coach
):
    ivan = coach("Ivan", ("Nephrology",))
    login_as(coordinator)
    before = database_state(app)

    missing = client.post(
        f"/coaching/pairings/{pairing}/repair", data={"coach_id": "0", "reason": "Fresh start"}
    )
    assert missing.status_code == 400
    assert "Choose the new coach." in text_of(titled(body(missing), "repair-title"))
    no_reason = client.post(f"/coaching/pairings/{pairing}/repair", data={"coach_id": ivan.id, "reason": ""})
    assert no_reason.status_code == 400
    assert "Give a reason for re-pairing." in text_of(titled(body(no_reason), "repair-title"))
    assert database_state(app) == before

    response = client.post(
        f"/coaching/pairings/{pairing}/repair", data={"coach_id": ivan.id, "reason": "Fresh start"}
    )

    old, new = pairing_rows(app)
    assert (response.status_code, response.location) == (302, f"/coaching/pairings/{new.id}")
    assert alerts(body(client.get(response.location))) == [
        "Re-paired with Ivan Petrov; all three have been told."
    ]
    assert (old.end_reason, new.coach_id, new.ends_on) == ("Fresh start", ivan.id, None)
    assert {person_id for person_id, _s, _b in notices(app)[2:]} == {ada.id, hana.id, ivan.id}


def test_a_coordinator_adds_and_removes_an_exclusion(app, client, login_as, coordinator, ada, hana, coach):
    ivan = coach("Ivan")
    login_as(coordinator)

    response = client.post(
        "/coaching/exclusions", data={"resident_id": ada.id, "coach_id": ivan.id, "reason": "Her uncle"}
    )

    assert (response.status_code, response.location) == (302, "/coaching/exclusions")
    page = body(client.get(response.location))
    assert alerts(page) == ["Ada Quill and Ivan Petrov will never be paired."]
    assert "Ada Quill Ivan Petrov Her uncle" in text_of(section(page, "exclusions"))
    assert exclusion_pairs(app) == {(ada.id, ivan.id)}
    before = database_state(app)
    duplicate = client.post(
        "/coaching/exclusions", data={"resident_id": ada.id, "coach_id": ivan.id, "reason": "Again"}
    )
    assert duplicate.status_code == 409
    assert alerts(body(duplicate)) == ["Ada Quill and Ivan Petrov are already on the exclusions list."]
    no_reason = client.post(
        "/coaching/exclusions", data={"resident_id": ada.id, "coach_id": hana.id, "reason": ""}
    )
    assert no_reason.status_code == 400
    assert field_errors(body(no_reason), "reason") == ["Give a reason, e.g. research mentor."]
    assert database_state(app) == before

    [exclusion_id] = re.findall(r'action="/coaching/exclusions/(\d+)/delete"', page)
    response = client.post(f"/coaching/exclusions/{exclusion_id}/delete")

    assert alerts(body(client.get(response.location))) == ["Exclusion removed."]
    assert exclusion_pairs(app) == set()
    assert client.post(f"/coaching/exclusions/{exclusion_id}/delete").status_code == 404


def test_an_exclusion_between_a_paired_resident_and_coach_is_refused(
    app, client, login_as, coordinator, ada, hana, pairing
):
    login_as(coordinator)
    before = database_state(app)

    response = client.post(
        "/coaching/exclusions", data={"resident_id": ada.id, "coach_id": hana.id, "reason": "Mentor"}
    )

    assert response.status_code == 409
    assert alerts(body(response)) == ["Ada Quill is paired with Hana Okafor now; end that pairing first."]
    assert database_state(app) == before
