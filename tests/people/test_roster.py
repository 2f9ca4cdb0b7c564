"""Roster CSV parsing: every problem named by row and column, and properties of the parser."""

import csv
import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellness.people.programs import PROGRAMS, ROLE_NAMES
from wellness.people.roster import (
    COLUMNS,
    MAX_COACH_CAPACITY,
    ParsedRoster,
    RosterProblem,
    RosterRow,
    decode_upload,
    parse_roster,
)

pytestmark = pytest.mark.pure

YEAR = 2026
HEADER = ",".join(COLUMNS)
# email,first_name,last_name,roles,program,training_start_year,fields,firm,clinic_site,coach_capacity
RESIDENT = "rosa@example.org,Rosa,Diaz,resident,categorical,2025,,,,"
FACULTY = "fred@example.org,Fred,Khan,faculty,,,,,,3"
STAFF = "cora@example.org,Cora,Lee,coordinator,,,,,,"


def roster(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def where(parsed: ParsedRoster) -> list[tuple[int, str]]:
    return [(problem.row, problem.column) for problem in parsed.problems]


# (file text, grantable roles or None for all, [(row, column, words in the message)])
PROBLEMS = {
    "missing email": (roster(HEADER, RESIDENT, ",Ann,Ng,faculty,,,,,,"), None, [(3, "email", "is required")]),
    "bad email": (
        roster(HEADER, "not-an-address,Ann,Ng,faculty,,,,,,"),
        None,
        [(2, "email", "'not-an-address' is not a valid address")],
    ),
    "duplicate email is reported on its second row, ignoring case": (
        roster(HEADER, RESIDENT, FACULTY, "ROSA@Example.org,Rosa,Diaz,faculty,,,,,,"),
        None,
        [(4, "email", "already appears on row 2")],
    ),
    "missing first name": (
        roster(HEADER, "ann@example.org,,Ng,faculty,,,,,,"),
        None,
        [(2, "first_name", "required")],
    ),
    "unknown role": (
        roster(HEADER, "ann@example.org,Ann,Ng,faculty;chief,,,,,,"),
        None,
        [(2, "roles", "'chief' is not a role")],
    ),
    "no role": (roster(HEADER, "ann@example.org,Ann,Ng, ; ,,,,,,"), None, [(2, "roles", "is required")]),
    "role the importer may not grant": (
        roster(HEADER, RESIDENT, "ann@example.org,Ann,Ng,faculty;admin,,,,,,"),
        frozenset({"resident", "faculty"}),
        [(3, "roles", "may not grant the admin role")],
    ),
    "resident without program": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,,2025,,,,"),
        None,
        [(2, "program", "is required for a resident")],
    ),
    "resident without start year": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,primary_care,,,,,"),
        None,
        [(2, "training_start_year", "is required for a resident")],
    ),
    "start year after next year": (
        roster(HEADER, f"ann@example.org,Ann,Ng,resident,primary_care,{YEAR + 3},,,,"),
        None,
        [(2, "training_start_year", f"not a year between 1980 and {YEAR + 2}")],
    ),
    "start year that is not a number": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,primary_care,PGY-1,,,,"),
        None,
        [(2, "training_start_year", "not a year")],
    ),
    "start year in superscript digits": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,primary_care,²⁰²⁵,,,,"),
        None,
        [(2, "training_start_year", "not a year")],
    ),
    "unknown program": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,surgery,2025,,,,"),
        None,
        [(2, "program", "'surgery' is not a program")],
    ),
    "non-resident with program and start year": (
        roster(HEADER, "ann@example.org,Ann,Ng,faculty,categorical,2025,,,,"),
        None,
        [(2, "program", "only to residents"), (2, "training_start_year", "only to residents")],
    ),
    "non-resident with firm and clinic site": (
        roster(HEADER, "ann@example.org,Ann,Ng,coordinator,,,,Gold,Main clinic,"),
        None,
        [(2, "firm", "only to residents"), (2, "clinic_site", "only to residents")],
    ),
    "coach capacity for a resident": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,categorical,2025,,,,2"),
        None,
        [(2, "coach_capacity", "applies only to faculty")],
    ),
    "coach capacity above the maximum": (
        roster(HEADER, f"ann@example.org,Ann,Ng,faculty,,,,,,{MAX_COACH_CAPACITY + 1}"),
        None,
        [(2, "coach_capacity", f"from 0 to {MAX_COACH_CAPACITY}")],
    ),
    "negative coach capacity": (
        roster(HEADER, "ann@example.org,Ann,Ng,faculty,,,,,,-1"),
        None,
        [(2, "coach_capacity", "not a whole number")],
    ),
    "coach capacity in words": (
        roster(HEADER, "ann@example.org,Ann,Ng,faculty,,,,,,three"),
        None,
        [(2, "coach_capacity", "not a whole number")],
    ),
    "Stanbury pathway outside the categorical program": (
        roster(
            HEADER + ",stanbury",
            "ann@example.org,Ann,Ng,resident,primary_care,2025,,,,,yes",
        ),
        None,
        [(2, "stanbury", "part of the categorical program")],
    ),
    "Stanbury answer that is not yes or no": (
        roster(HEADER + ",stanbury", "ann@example.org,Ann,Ng,resident,categorical,2025,,,,,maybe"),
        None,
        [(2, "stanbury", "not yes or no")],
    ),
    "cell longer than the limit": (
        roster(HEADER, "ann@example.org," + "A" * 201 + ",Ng,faculty,,,,,,"),
        None,
        [(2, "first_name", "longer than 200")],
    ),
    "firm name longer than a firm name can be": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,categorical,2025,," + "F" * 81 + ",,"),
        None,
        [(2, "firm", "longer than 80")],
    ),
    "clinic site name longer than a site name can be": (
        roster(HEADER, "ann@example.org,Ann,Ng,resident,categorical,2025,,," + "S" * 121 + ","),
        None,
        [(2, "clinic_site", "longer than 120")],
    ),
    "field name longer than a field name can be": (
        roster(HEADER, "ann@example.org,Ann,Ng,faculty,,," + "x" * 81 + ",,,"),
        None,
        [(2, "fields", "longer than 80")],
    ),
    "unknown column": (
        roster(HEADER + ",nickname", RESIDENT + ",Ro"),
        None,
        [(1, "nickname", "is not a roster column")],
    ),
    "missing required column": (
        roster("email,first_name,roles", "ann@example.org,Ann,faculty"),
        None,
        [(1, "last_name", "column is missing")],
    ),
    "duplicate column, ignoring case": (
        roster(HEADER + ",EMAIL", RESIDENT + ",x@example.org"),
        None,
        [(1, "email", "appears more than once")],
    ),
    "too few cells": (
        roster(HEADER, RESIDENT, "ann@example.org,Ann,Ng,faculty"),
        None,
        [(3, "", "has 4 cells; the header has 10")],
    ),
    "too many cells": (roster(HEADER, RESIDENT + ",extra"), None, [(2, "", "has 11 cells")]),
    "unterminated quote is not CSV": (
        roster(HEADER, 'ann@example.org,"Ann,Ng,faculty,,,,,,'),
        None,
        [(0, "", "not valid CSV")],
    ),
    "empty file": ("", None, [(0, "", "is empty")]),
    "blank header": (roster(",,,", RESIDENT), None, [(0, "", "is empty")]),
    "header without people": (roster(HEADER, "", ",,,,,,,,,"), None, [(0, "", "no people")]),
    "every bad row is reported, not just the first": (
        roster(HEADER, ",Ann,Ng,faculty,,,,,,", RESIDENT, "bo@example.org,Bo,Ng,janitor,,,,,,"),
        None,
        [(2, "email", "is required"), (4, "roles", "'janitor' is not a role")],
    ),
}


@pytest.mark.parametrize(("text", "grantable", "expected"), PROBLEMS.values(), ids=PROBLEMS.keys())
def test_problem_is_reported_with_its_row_and_column(text, grantable, expected):
    parsed = parse_roster(text, YEAR, grantable) if grantable else parse_roster(text, YEAR)
    assert parsed.rows == () and not parsed.ok
    assert where(parsed) == [(row, column) for row, column, _ in expected]
    for problem, (_, _, words) in zip(parsed.problems, expected, strict=True):
        assert words in problem.message


@pytest.mark.parametrize(
    ("problem", "shown"),
    [
        (RosterProblem(3, "email", "is required"), "Row 3, column email: is required"),
        (RosterProblem(4, "", "has 2 cells"), "Row 4: has 2 cells"),
        (RosterProblem(0, "", "is empty"), "File: is empty"),
    ],
)
def test_problem_reads_as_row_and_column(problem, shown):
    assert str(problem) == shown


# (file text, the rows it parses to)
VALID = {
    "resident, faculty and coordinator": (
        roster(HEADER, RESIDENT, FACULTY, STAFF),
        [
            RosterRow(2, "rosa@example.org", "Rosa", "Diaz", ("resident",), "categorical", 2025),
            RosterRow(3, "fred@example.org", "Fred", "Khan", ("faculty",), coach_capacity=3),
            RosterRow(4, "cora@example.org", "Cora", "Lee", ("coordinator",)),
        ],
    ),
    "blank lines are skipped but still counted as rows": (
        roster(HEADER, "", RESIDENT, ",,,,,,,,,", "   ", FACULTY, ""),
        [
            RosterRow(3, "rosa@example.org", "Rosa", "Diaz", ("resident",), "categorical", 2025),
            RosterRow(6, "fred@example.org", "Fred", "Khan", ("faculty",), coach_capacity=3),
        ],
    ),
    "headers ignore case, surrounding spaces and order": (
        roster(" Roles ,EMAIL,Last_Name,first_NAME", "admin,Ada@Example.ORG,Byron,Ada"),
        [RosterRow(2, "ada@example.org", "Ada", "Byron", ("admin",))],
    ),
    "roles and fields split on ; without duplicates or stray spaces": (
        roster(
            "email,first_name,last_name,roles,fields,coach_capacity",
            "fay@example.org, Fay ,  Mo   Ali , Faculty ; faculty;;COORDINATOR ,"
            " Cardiology ;cardiology;  Global   health ; ,0",
        ),
        [
            RosterRow(
                2,
                "fay@example.org",
                "Fay",
                "Mo Ali",
                ("faculty", "coordinator"),
                fields=("Cardiology", "Global health"),
                coach_capacity=0,
            )
        ],
    ),
    "resident details, Stanbury pathway, firm and clinic site": (
        roster(
            HEADER + ",stanbury",
            "sam@example.org,Sam,Ray,resident;faculty,Categorical, 2024 ,Renal,Gold  firm,East clinic,5,Yes",
        ),
        [
            RosterRow(
                2,
                "sam@example.org",
                "Sam",
                "Ray",
                ("resident", "faculty"),
                "categorical",
                2024,
                is_stanbury=True,
                fields=("Renal",),
                firm="Gold firm",
                clinic_site="East clinic",
                coach_capacity=5,
            )
        ],
    ),
    "empty cells mean keep what is stored": (
        roster(HEADER + ",stanbury", "sam@example.org,Sam,Ray,resident,med_peds,2023,,,,,"),
        [RosterRow(2, "sam@example.org", "Sam", "Ray", ("resident",), "med_peds", 2023)],
    ),
    "Stanbury no is stored as false": (
        roster(HEADER + ",stanbury", "sam@example.org,Sam,Ray,resident,categorical,2023,,,,,no"),
        [
            RosterRow(
                2, "sam@example.org", "Sam", "Ray", ("resident",), "categorical", 2023, is_stanbury=False
            )
        ],
    ),
    "quoted cells may hold commas and line breaks": (
        roster(
            "email,first_name,last_name,roles,fields",
            'lou@example.org,Lou,"Smith, Jr.",faculty,"Critical care; Ethics, law"',
        ),
        [
            RosterRow(
                2,
                "lou@example.org",
                "Lou",
                "Smith, Jr.",
                ("faculty",),
                fields=("Critical care", "Ethics, law"),
            )
        ],
    ),
    "Windows line endings": (
        "email,first_name,last_name,roles\r\nada@example.org,Ada,Byron,admin\r\n",
        [RosterRow(2, "ada@example.org", "Ada", "Byron", ("admin",))],
    ),
    "start year up to two years ahead": (
        roster(HEADER, f"ann@example.org,Ann,Ng,resident,preliminary,{YEAR + 2},,,,"),
        [RosterRow(2, "ann@example.org", "Ann", "Ng", ("resident",), "preliminary", YEAR + 2)],
    ),
}


@pytest.mark.parametrize(("text", "expected"), VALID.values(), ids=VALID.keys())
def test_valid_file_parses_to_its_people(text, expected):
    parsed = parse_roster(text, YEAR)
    assert parsed.problems == ()
    assert list(parsed.rows) == expected


def test_spreadsheet_byte_order_mark_is_not_part_of_the_first_column():
    data = "\ufeffEmail,first_name,last_name,roles\nada@example.org,Ada,Byron,admin\n".encode()
    parsed = parse_roster(decode_upload(data), YEAR)
    assert parsed.ok and [row.email for row in parsed.rows] == ["ada@example.org"]


@pytest.mark.parametrize(
    "data", ["José,Ñúñez".encode("latin-1"), b"\xff\xfee\x00m\x00"], ids=["latin-1", "utf-16"]
)
def test_upload_that_is_not_utf8_is_refused_when_decoded(data):
    with pytest.raises(UnicodeDecodeError):
        decode_upload(data)


# ---------------------------------------------------------------------------------------------
# Properties

WORD = st.text(alphabet=string.ascii_letters + "'-éøÅ", min_size=1, max_size=12)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
LIST_NAME = st.lists(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=10), min_size=1, max_size=3
).map(" ".join)


def _spaced(draw, text: str) -> str:
    """The same value as a person might type it: odd case and stray spaces around it."""
    text = draw(st.sampled_from([text, text.upper(), text.capitalize()]))
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " "]))


@st.composite
def person(draw, index: int):
    """One valid row as cells, and the RosterRow it should become (row number filled in later)."""
    roles = draw(st.lists(st.sampled_from(ROLE_NAMES), min_size=1, max_size=4, unique=True))
    local = draw(st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10))
    email = f"{local}.{index}@example.org"
    cells = {
        "email": draw(st.sampled_from([email, email.upper(), f" {email} "])),
        "first_name": draw(NAME),
        "last_name": draw(NAME),
        "roles": ";".join(
            _spaced(draw, role) for role in roles + draw(st.lists(st.sampled_from(roles), max_size=2))
        ),
    }
    expected = {
        "email": email,
        "first_name": cells["first_name"],
        "last_name": cells["last_name"],
        "roles": roles,
    }
    if "resident" in roles:
        program = draw(st.sampled_from(sorted(PROGRAMS)))
        year = draw(st.integers(1980, YEAR + 2))
        cells |= {"program": _spaced(draw, program), "training_start_year": str(year)}
        expected |= {"program": program, "training_start_year": year}
        if program == "categorical" and draw(st.booleans()):
            cells["stanbury"] = _spaced(draw, "yes")
            expected["is_stanbury"] = True
        for column in ("firm", "clinic_site"):
            name = draw(st.none() | LIST_NAME)
            if name is not None:
                cells[column] = name
                expected[column] = name
    if "faculty" in roles:
        capacity = draw(st.none() | st.integers(0, MAX_COACH_CAPACITY))
        if capacity is not None:
            cells["coach_capacity"] = str(capacity)
            expected["coach_capacity"] = capacity
    fields = draw(st.none() | st.lists(LIST_NAME, min_size=1, max_size=3, unique_by=str.lower))
    if fields is not None:
        cells["fields"] = " ; ".join(fields + [f.lower() for f in fields[:1]])
        expected["fields"] = tuple(fields)
    expected["roles"] = tuple(expected["roles"])
    return cells, expected


@st.composite
def valid_roster(draw):
    """A valid roster file in a random column order, with blank lines here and there."""
    count = draw(st.integers(1, 6))
    people = [draw(person(index)) for index in range(count)]
    columns = draw(st.permutations([*COLUMNS, "stanbury"]))
    header = [_spaced(draw, column) for column in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    expected, row = [], 1
    for cells, wanted in people:
        while draw(st.integers(0, 4)) == 0:
            writer.writerow([""] * len(columns))
            row += 1
        writer.writerow([cells.get(column, "") for column in columns])
        row += 1
        expected.append(RosterRow(row=row, **wanted))
    return buffer.getvalue(), expected


@given(valid_roster())
# Even the smallest roster has a header of eleven shuffled columns, so the base example is large.
@settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.large_base_example])
def test_any_valid_roster_parses_to_exactly_its_people(generated):
    text, expected = generated
    parsed = parse_roster(text, YEAR)
    assert parsed.problems == ()
    assert list(parsed.rows) == expected


CELL = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "ann@example.org",
            "ANN@example.org",
            "not-an-email",
            "Ann",
            "resident",
            "faculty;admin",
            "chief",
            "categorical",
            "surgery",
            "2025",
            "1979",
            "²",
            "yes",
            "maybe",
            "51",
            "3",
            "x" * 201,
            "F" * 90,
        ]
    ),
    st.text(max_size=15),
)


@st.composite
def roster_like(draw):
    """Text shaped like a roster (a header of mostly known columns, rows of awkward cells)."""
    known = [*COLUMNS, "stanbury"]
    header = draw(st.lists(st.sampled_from(known) | st.text(max_size=8), min_size=1, max_size=12))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=max(0, len(header) - 1), max_size=len(header) + 1),
            max_size=8,
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


ANY_TEXT = st.one_of(st.text(), st.text(alphabet=',;"\n\r ab@.\x00'), roster_like())


@given(ANY_TEXT)
@settings(deadline=None, max_examples=300)
def test_any_text_gives_rows_or_problems_never_both_and_never_raises(text):
    parsed = parse_roster(text, YEAR)
    assert isinstance(parsed, ParsedRoster)
    assert bool(parsed.rows) != bool(parsed.problems)
    assert all(isinstance(problem, RosterProblem) for problem in parsed.problems)
    assert parsed.ok == (parsed.problems == ())


def _record_count(text: str) -> int:
    try:
        return len(list(csv.reader(io.StringIO(text, newline=""), strict=True)))
    except csv.Error:
        return 0


@given(ANY_TEXT)
@settings(deadline=None, max_examples=300)
def test_every_problem_names_a_row_that_is_in_the_file(text):
    records = _record_count(text)
    parsed = parse_roster(text, YEAR)
    for problem in parsed.problems:
        assert 0 <= problem.row <= records, problem
        assert problem.row >= 1 or problem.column == ""
