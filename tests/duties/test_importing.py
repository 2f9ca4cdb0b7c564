"""Importing duties: the pure parser's every refusal, and the import adding, updating, keeping and releasing
covers, all or nothing, on both databases; then the command line."""

from datetime import date, timedelta

import pytest

from tests.duties.conftest import DAY, ahead, csv_of, duty_row, duty_rows
from tests.support import database_state, notices
from wellness.duties.importing import DutyProblem, parse_duties

KNOWN = {"ada@example.org", "ben@example.org"}


# --- the parser (pure) --------------------------------------------------------------------------------


@pytest.mark.pure
def test_a_clean_file_gives_every_row_in_any_column_order_and_case():
    text = "\ufeffSite,KIND,session,date,Email\nBrookside,Clinic,am,2027-04-13,ADA@example.org\n,inpatient,Night,2027-04-13,ben@example.org\n"

    parsed = parse_duties(text, KNOWN)

    assert parsed.ok
    assert [(r.row, r.email, r.duty_on, r.session, r.kind, r.site) for r in parsed.rows] == [
        (2, "ada@example.org", date(2027, 4, 13), "AM", "clinic", "Brookside"),
        (3, "ben@example.org", date(2027, 4, 13), "NIGHT", "inpatient", ""),
    ]


@pytest.mark.pure
def test_the_site_column_may_be_left_out_and_blank_lines_are_skipped():
    parsed = parse_duties("email,date,session,kind\n\nada@example.org,2027-04-13,PM,ambulatory\n\n", KNOWN)

    assert parsed.ok
    assert [(r.row, r.site) for r in parsed.rows] == [(3, "")]


@pytest.mark.pure
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x@y.org,2027-04-13,AM,clinic,", "Row 2: no active person has the address x@y.org"),
        (",2027-04-13,AM,clinic,", "Row 2: the email is missing"),
        (
            "ada@example.org,2027-13-01,AM,clinic,",
            "Row 2: '2027-13-01' is not a date (use YYYY-MM-DD, e.g. 2027-04-13)",
        ),
        (
            "ada@example.org,13/04/2027,AM,clinic,",
            "Row 2: '13/04/2027' is not a date (use YYYY-MM-DD, e.g. 2027-04-13)",
        ),
        ("ada@example.org,,AM,clinic,", "Row 2: the date is missing"),
        ("ada@example.org,1999-04-13,AM,clinic,", "Row 2: 1999-04-13 is not between the years 2000 and 2100"),
        ("ada@example.org,2027-04-13,EVE,clinic,", "Row 2: 'EVE' is not a session (use AM, PM, DAY, NIGHT)"),
        (
            "ada@example.org,2027-04-13,AM,surgery,",
            "Row 2: 'surgery' is not a kind of duty (use clinic, inpatient, ambulatory, other)",
        ),
        (
            "ada@example.org,2027-04-13,AM,clinic," + "x" * 121,
            "Row 2: the site is longer than 120 characters",
        ),
        (
            "ada@example.org,2027-04-13,AM,clinic,Main\x07",
            "Row 2: the site cell contains invisible control characters; retype it",
        ),
        ("ada@example.org,2027-04-13,AM", "Row 2: has 3 cells; the header has 5"),
    ],
)
def test_each_bad_cell_is_named_by_its_row(row, message):
    parsed = parse_duties(csv_of(row), KNOWN)

    assert parsed.rows == ()
    assert [str(problem) for problem in parsed.problems] == [message]


@pytest.mark.pure
def test_every_problem_is_listed_not_just_the_first():
    text = csv_of(
        "ada@example.org,2027-04-13,AM,clinic,",
        "x@y.org,2027-04-13,AM,clinic,",
        "ben@example.org,2027-04-13,XX,clinic,",
        "ben@example.org,2027-04-14,PM,clinic,",
        "ben@example.org,2027-02-30,PM,oops,",
    )

    problems = [str(p) for p in parse_duties(text, KNOWN).problems]

    assert problems == [
        "Row 3: no active person has the address x@y.org",
        "Row 4: 'XX' is not a session (use AM, PM, DAY, NIGHT)",
        "Row 6: '2027-02-30' is not a date (use YYYY-MM-DD, e.g. 2027-04-13)",
        "Row 6: 'oops' is not a kind of duty (use clinic, inpatient, ambulatory, other)",
    ]


@pytest.mark.pure
def test_the_same_person_day_and_session_twice_is_named_on_the_later_row():
    text = csv_of("ada@example.org,2027-04-13,AM,clinic,", "ben@example.org,2027-04-13,AM,clinic,",
                  "ADA@example.org,2027-04-13,am,inpatient,Main")  # fmt: skip

    assert [str(p) for p in parse_duties(text, KNOWN).problems] == [
        "Row 4: ada@example.org already has the AM session on 2027-04-13 on row 2"
    ]


@pytest.mark.pure
@pytest.mark.parametrize(
    ("first", "second", "overlaps"),
    [
        ("AM", "DAY", True),
        ("DAY", "PM", True),
        ("AM", "PM", False),
        ("DAY", "NIGHT", False),
        ("NIGHT", "AM", False),
    ],
)
def test_sessions_of_one_day_that_overlap_are_refused(first, second, overlaps):
    text = csv_of(
        f"ada@example.org,2027-04-13,{first},inpatient,", f"ada@example.org,2027-04-13,{second},inpatient,"
    )

    problems = [str(p) for p in parse_duties(text, KNOWN).problems]

    expected = [f"Row 3: ada@example.org's {second} session on 2027-04-13 overlaps the session on row 2"]
    assert problems == (expected if overlaps else [])


@pytest.mark.pure
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty: the first row must be the header (email,date,session,kind,site)"),
        ("email,date,session,kind,site\n", "The file has a header but no duties"),
        ("email,day,session,kind\n", "Row 1: 'day' is not a column (use email, date, session, kind, site)"),
        ("email,session,kind\n", "Row 1: the date column is missing"),
        ("email,date,date,session,kind\n", "Row 1: the date column appears more than once"),
        (
            'email,date,session,kind\n"ada@example.org,2027',
            "The file is not valid CSV (unexpected end of data)",
        ),
    ],
)
def test_a_file_without_a_usable_header_is_refused_whole(text, message):
    assert message in [str(p) for p in parse_duties(text, KNOWN).problems]


@pytest.mark.pure
def test_problems_read_as_a_spreadsheet_numbers_rows():
    assert str(DutyProblem(7, "no active person has the address x@y.org")) == (
        "Row 7: no active person has the address x@y.org"
    )
    assert str(DutyProblem(0, "is empty")) == "The file is empty"


# --- the import ----------------------------------------------------------------------------------------


def line(person, day: date, session: str = "AM", kind: str = "clinic", site: str = "Brookside") -> str:
    return f"{person.email},{day.isoformat()},{session},{kind},{site}"


def test_an_import_adds_the_duties_and_a_second_one_adds_nothing(app, resident, import_csv):
    ada, ben = resident("Ada"), resident("Ben")
    text = csv_of(
        line(ada, DAY),
        line(ada, DAY, "PM", "ambulatory", ""),
        line(ben, ahead(1), "DAY", "inpatient", "Main"),
    )

    first = import_csv(text)
    stored = [
        (d.person_id, d.duty_on, d.session, d.kind, d.site, d.source, d.revision) for d in duty_rows(app)
    ]
    second = import_csv(text)

    assert (first.added, first.changed, first.unchanged) == (3, 0, 0)
    assert first.summary() == "3 added, 0 changed, 0 unchanged."
    assert stored == [
        (ada.id, DAY, "AM", "clinic", "Brookside", "import", 1),
        (ada.id, DAY, "PM", "ambulatory", "", "import", 1),
        (ben.id, ahead(1), "DAY", "inpatient", "Main", "import", 1),
    ]
    assert (second.added, second.changed, second.unchanged) == (0, 0, 3)
    assert [
        (d.person_id, d.duty_on, d.session, d.kind, d.site, d.source, d.revision) for d in duty_rows(app)
    ] == stored


@pytest.mark.parametrize(
    "bad_row",
    [
        "nobody@example.org,{day},AM,clinic,",
        "ada@example.org,not-a-date,AM,clinic,",
        "ada@example.org,{day},LATE,clinic,",
        "ada@example.org,{day},PM,party,",
        "ada@example.org,{day},AM,other,Twice",
    ],
    ids=["unknown address", "bad date", "bad session", "bad kind", "twice in the file"],
)
def test_one_bad_row_imports_nothing_and_names_its_row(app, resident, import_csv, bad_row):
    ada = resident("Ada")
    import_csv(csv_of(line(ada, ahead(7))))
    before = database_state(app)

    report = import_csv(csv_of(line(ada, DAY), line(ada, ahead(1)), bad_row.format(day=DAY.isoformat())))

    assert not report.ok
    assert [problem.row for problem in report.problems] == [4]
    assert database_state(app) == before


def test_a_deactivated_persons_address_is_unknown(app, resident, make_person, import_csv):
    gone = make_person("resident", email="gone@example.org", is_active=False)
    before = database_state(app)

    report = import_csv(csv_of(line(gone, DAY)))

    assert [str(p) for p in report.problems] == ["Row 2: no active person has the address gone@example.org"]
    assert database_state(app) == before


def test_a_row_overlapping_a_stored_duty_the_file_leaves_alone_is_refused(
    app, resident, make_duty, import_csv
):
    ada = resident("Ada")
    make_duty(ada, DAY, "DAY", "inpatient", "Main")
    before = database_state(app)

    report = import_csv(csv_of(line(ada, ahead(1)), line(ada, DAY, "AM")))

    assert [str(p) for p in report.problems] == [
        f"Row 3: ada@example.org already has Inpatient (DAY) on {DAY}, which overlaps the AM session"
    ]
    assert database_state(app) == before


def test_a_changed_kind_or_site_updates_the_duty_and_keeps_the_rest(app, resident, import_csv):
    ada = resident("Ada")
    import_csv(csv_of(line(ada, DAY), line(ada, ahead(7))))
    [first, second] = duty_rows(app, ada.id)

    report = import_csv(csv_of(line(ada, DAY, site="Main campus"), line(ada, ahead(7))))

    assert (report.added, report.changed, report.unchanged, report.released) == (0, 1, 1, 0)
    changed, kept = duty_row(app, first.id), duty_row(app, second.id)
    assert (changed.site, changed.revision) == ("Main campus", 2)
    assert changed.updated_at > first.updated_at
    assert (kept.site, kept.revision, kept.updated_at) == ("Brookside", 1, second.updated_at)


@pytest.mark.parametrize("by", ["command line", "coordinator"])
def test_a_changed_duty_that_was_covered_loses_its_cover_and_everyone_is_told(
    app, resident, coordinator, import_csv, cover, by
):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    import_csv(csv_of(line(ada, DAY)))
    [duty] = duty_rows(app, ada.id)
    cover(duty.id, ben)

    report = import_csv(
        csv_of(line(ada, DAY, "AM", "ambulatory", "Brookside")),
        actor=None if by == "command line" else "coordinator",
    )

    assert (report.changed, report.released) == (1, 1)
    assert report.summary() == "0 added, 1 changed, 0 unchanged (1 cover released)."
    stored = duty_row(app, duty.id)
    assert (stored.kind, stored.covered_by_id, stored.revision) == ("ambulatory", None, 4)
    told = {person_id: body for person_id, _subject, body in notices(app, "cover_released")}
    # The coordinator who imported the file knows; from the command line, the one who arranged the cover is told.
    assert set(told) == ({ben.id, ada.id, coordinator.id} if by == "command line" else {ben.id, ada.id})
    assert "The duty changed: it was Continuity clinic (AM) at Brookside." in told[ada.id]
    assert told[ben.id].startswith(
        f"Ada Resident's Ambulatory (AM) on {DAY.strftime('%a, %b %-d, %Y')} at Brookside"
    )


def test_only_coordinators_import(app, resident, import_csv):
    from wellness.errors import NotAllowed

    ada = resident("Ada")
    before = database_state(app)

    with pytest.raises(NotAllowed):
        import_csv(csv_of(line(ada, DAY)), actor=ada)

    assert database_state(app) == before


def test_a_term_of_twenty_thousand_duties_imports_in_one_go(app, make_person, import_csv):
    people = [make_person("resident", email=f"r{n}@example.org", password=False) for n in range(100)]
    start = DAY - timedelta(days=DAY.weekday())
    rows = [
        f"{person.email},{(start + timedelta(days=d)).isoformat()},{session},{'clinic' if session == 'AM' else 'ambulatory'},Site {n % 7}"
        for n, person in enumerate(people)
        for d in range(100)
        for session in ("AM", "PM")
    ]
    assert len(rows) == 20_000

    first = import_csv(csv_of(*rows))
    again = import_csv(csv_of(*rows))

    assert (first.added, first.changed, first.unchanged) == (20_000, 0, 0)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 20_000)
    assert len(duty_rows(app)) == 20_000


# --- the command line ----------------------------------------------------------------------------------


def flask(app, *args: str):
    return app.test_cli_runner().invoke(args=["duties", *args])


def test_the_command_imports_a_file_and_prints_the_counts(app, resident, tmp_path):
    ada = resident("Ada")
    path = tmp_path / "duties.csv"
    path.write_bytes(("\ufeff" + csv_of(line(ada, DAY), line(ada, ahead(1), "PM"))).encode())

    result = flask(app, "import", str(path))
    again = flask(app, "import", str(path))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 added, 0 changed, 0 unchanged."
    assert again.output.strip() == "0 added, 0 changed, 2 unchanged."
    assert len(duty_rows(app, ada.id)) == 2


def test_the_command_lists_every_problem_and_imports_nothing(app, resident, tmp_path):
    ada = resident("Ada")
    path = tmp_path / "duties.csv"
    path.write_text(csv_of(line(ada, DAY), "x@y.org,2027-04-13,AM,clinic,", f"{ada.email},{DAY},ZZ,clinic,"))
    before = database_state(app)

    result = flask(app, "import", str(path))

    assert result.exit_code == 1
    assert "error: Row 3: no active person has the address x@y.org" in result.output
    assert "error: Row 4: 'ZZ' is not a session (use AM, PM, DAY, NIGHT)" in result.output
    assert "2 problem(s); nothing was imported." in result.output
    assert database_state(app) == before


def test_the_dry_run_counts_and_writes_nothing(app, resident, tmp_path):
    ada = resident("Ada")
    path = tmp_path / "duties.csv"
    path.write_text(csv_of(line(ada, DAY)))
    before = database_state(app)

    result = flask(app, "import", "--dry-run", str(path))

    assert result.exit_code == 0, result.output
    assert "Would be: 1 added, 0 changed, 0 unchanged." in result.output
    assert database_state(app) == before


def test_the_command_refuses_a_file_that_is_not_utf8(app, tmp_path):
    path = tmp_path / "duties.csv"
    path.write_bytes("email,date,session,kind\nzoë@example.org,2027-04-13,AM,clinic\n".encode("latin-1"))

    result = flask(app, "import", str(path))

    assert result.exit_code != 0
    assert "not UTF-8" in result.output
