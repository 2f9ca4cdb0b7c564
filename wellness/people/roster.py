"""Roster CSV parsing and validation (pure: no Flask, no database).

`parse_roster(text, today_year, grantable_roles)` checks every row before anything is written and
returns a `ParsedRoster` holding either clean rows or the full list of problems, each named by its
row number (the header is row 1, as a spreadsheet shows it) and column.
"""

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from ..plain_text import has_control_characters
from .programs import PROGRAMS, ROLE_NAMES

COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "roles",
    "program",
    "training_start_year",
    "fields",
    "firm",
    "clinic_site",
    "coach_capacity",
)
OPTIONAL_COLUMNS = ("stanbury",)
REQUIRED_COLUMNS = ("email", "first_name", "last_name", "roles")
MAX_ROWS = 20_000
MAX_CELL = 200
MAX_COACH_CAPACITY = 50
MAX_FIRM = 80  # the lengths of the firms and clinic_sites name columns
MAX_CLINIC_SITE = 120
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RosterProblem:
    row: int  # 1 is the header row
    column: str  # "" when the problem is with the whole row or file
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RosterRow:
    """One person as the file describes them. None means the cell was empty: keep what is stored."""

    row: int
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    program: str | None = None
    training_start_year: int | None = None
    is_stanbury: bool | None = None
    fields: tuple[str, ...] | None = None
    firm: str | None = None
    clinic_site: str | None = None
    coach_capacity: int | None = None


@dataclass(frozen=True)
class ParsedRoster:
    rows: tuple[RosterRow, ...] = ()
    problems: tuple[RosterProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _RowCheck:
    row: int
    problems: list[RosterProblem] = field(default_factory=list)

    def add(self, column: str, message: str) -> None:
        self.problems.append(RosterProblem(self.row, column, message))


def decode_upload(data: bytes) -> str:
    """Decode an uploaded file as UTF-8 (a spreadsheet's byte-order mark is allowed).

    Raises UnicodeDecodeError for anything else; callers turn that into a message.
    """
    return data.decode("utf-8-sig")


def _split_list(value: str) -> list[str]:
    seen: dict[str, str] = {}
    for part in value.split(";"):
        part = " ".join(part.split())
        if part and part.lower() not in seen:
            seen[part.lower()] = part
    return list(seen.values())


def _is_whole_number(text: str) -> bool:
    # str.isdigit() alone also accepts superscripts and other scripts' digits, which int() rejects.
    return text.isascii() and text.isdigit()


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _parse_row(
    number: int, cells: dict[str, str], today_year: int, grantable: frozenset[str]
) -> tuple[RosterRow | None, list[RosterProblem]]:
    check = _RowCheck(number)
    for column, value in cells.items():
        if len(value) > MAX_CELL:
            check.add(column, f"is longer than {MAX_CELL} characters")
        elif has_control_characters(value):
            check.add(column, "contains invisible control characters; retype the cell")
    if check.problems:
        return None, check.problems

    email = cells.get("email", "").strip()
    normalized = ""
    if not email:
        check.add("email", "is required")
    else:
        try:
            normalized = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            check.add("email", f"'{email}' is not a valid address ({error})")

    first_name, last_name = _clean(cells.get("first_name")), _clean(cells.get("last_name"))
    if not first_name:
        check.add("first_name", "is required")
    if not last_name:
        check.add("last_name", "is required")
    for column, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value) > 100:
            check.add(column, "is longer than 100 characters")

    roles = [r.lower() for r in _split_list(cells.get("roles", ""))]
    if not roles:
        check.add("roles", f"is required: one or more of {', '.join(ROLE_NAMES)}, separated by ;")
    for role in roles:
        if role not in ROLE_NAMES:
            check.add("roles", f"'{role}' is not a role (use {', '.join(ROLE_NAMES)})")
        elif role not in grantable:
            check.add("roles", f"you may not grant the {role} role")
    is_resident, is_faculty = "resident" in roles, "faculty" in roles

    program = cells.get("program", "").strip().lower() or None
    start_year = None
    start_text = cells.get("training_start_year", "").strip()
    stanbury_text = cells.get("stanbury", "").strip().lower()
    is_stanbury = None
    if is_resident:
        if program is None:
            check.add("program", f"is required for a resident ({', '.join(PROGRAMS)})")
        elif program not in PROGRAMS:
            check.add("program", f"'{program}' is not a program (use {', '.join(PROGRAMS)})")
        if not start_text:
            check.add("training_start_year", "is required for a resident")
        elif not _is_whole_number(start_text) or not (1980 <= int(start_text) <= today_year + 2):
            check.add(
                "training_start_year",
                f"'{start_text}' is not a year between 1980 and {today_year + 2}",
            )
        else:
            start_year = int(start_text)
        if stanbury_text in TRUE_WORDS:
            is_stanbury = True
            if program not in (None, "categorical"):
                check.add("stanbury", "the Stanbury pathway is part of the categorical program")
        elif stanbury_text in FALSE_WORDS:
            is_stanbury = False if stanbury_text else None
        else:
            check.add("stanbury", f"'{stanbury_text}' is not yes or no")
    else:
        for column, value in (
            ("program", program),
            ("training_start_year", start_text),
            ("firm", cells.get("firm", "").strip()),
            ("clinic_site", cells.get("clinic_site", "").strip()),
            ("stanbury", stanbury_text),
        ):
            if value:
                check.add(column, "applies only to residents; leave it empty")

    capacity_text = cells.get("coach_capacity", "").strip()
    capacity = None
    if capacity_text:
        if not is_faculty:
            check.add("coach_capacity", "applies only to faculty; leave it empty")
        elif not _is_whole_number(capacity_text) or int(capacity_text) > MAX_COACH_CAPACITY:
            check.add(
                "coach_capacity",
                f"'{capacity_text}' is not a whole number from 0 to {MAX_COACH_CAPACITY}",
            )
        else:
            capacity = int(capacity_text)

    fields_text = cells.get("fields", "")
    fields = _split_list(fields_text) if fields_text.strip() else None
    for name in fields or ():
        if len(name) > 80:
            check.add("fields", f"'{name[:20]}…' is longer than 80 characters")
    for column, limit in (("firm", MAX_FIRM), ("clinic_site", MAX_CLINIC_SITE)):
        if len(_clean(cells.get(column))) > limit:
            check.add(column, f"is longer than {limit} characters")

    if check.problems:
        return None, check.problems
    return (
        RosterRow(
            row=number,
            email=normalized,
            first_name=first_name,
            last_name=last_name,
            roles=tuple(roles),
            program=program if is_resident else None,
            training_start_year=start_year,
            is_stanbury=is_stanbury,
            fields=tuple(fields) if fields is not None else None,
            firm=_clean(cells.get("firm")) or None,
            clinic_site=_clean(cells.get("clinic_site")) or None,
            coach_capacity=capacity,
        ),
        [],
    )


def parse_roster(
    text: str, today_year: int, grantable_roles: frozenset[str] = frozenset(ROLE_NAMES)
) -> ParsedRoster:
    """Parse and validate a whole roster file.

    Args:
        text: the decoded CSV text, header first.
        today_year: the current calendar year; training start years may be at most two later.
        grantable_roles: the roles the importing person may grant; others are row problems.

    Returns:
        ParsedRoster with every row when all are valid, or with no rows and every problem found
        (rows are checked independently, so one bad row does not hide the next). An email that
        appears twice is reported on its second row.
    """
    problems: list[RosterProblem] = []
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        return ParsedRoster(problems=(RosterProblem(0, "", f"is not valid CSV ({error})"),))
    if not records or not any(cell.strip() for cell in records[0]):
        return ParsedRoster(problems=(RosterProblem(0, "", "is empty: the first row must be the header"),))

    header = [cell.strip().lower() for cell in records[0]]
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    for name in header:
        if name not in known:
            problems.append(RosterProblem(1, name, f"is not a roster column (use {', '.join(COLUMNS)})"))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(RosterProblem(1, name, "column is missing"))
    duplicated = {name for name in header if header.count(name) > 1}
    for name in sorted(duplicated):
        problems.append(RosterProblem(1, name, "column appears more than once"))
    if problems:
        return ParsedRoster(problems=tuple(problems))

    data = records[1:]
    if len(data) > MAX_ROWS:
        return ParsedRoster(
            problems=(RosterProblem(0, "", f"has {len(data)} rows; the limit is {MAX_ROWS}"),)
        )

    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    for index, record in enumerate(data, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are allowed anywhere
        if len(record) != len(header):
            problems.append(
                RosterProblem(index, "", f"has {len(record)} cells; the header has {len(header)}")
            )
            continue
        cells = dict(zip(header, record, strict=True))
        row, row_problems = _parse_row(index, cells, today_year, grantable_roles)
        problems.extend(row_problems)
        if row is None:
            continue
        if row.email in first_row_of:
            problems.append(
                RosterProblem(index, "email", f"{row.email} already appears on row {first_row_of[row.email]}")
            )
            continue
        first_row_of[row.email] = index
        rows.append(row)
    if not rows and not problems:
        problems.append(RosterProblem(0, "", "has a header but no people"))
    if problems:
        return ParsedRoster(problems=tuple(problems))
    return ParsedRoster(rows=tuple(rows))
