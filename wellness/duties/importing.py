"""Importing a term of duties from CSV: checking every row first, then adding, updating or keeping each.

`parse_duties(text, known_emails)` is pure (no Flask, no database): it reads the file and returns the
rows or every problem, each named by its row number as a spreadsheet shows it (the header is row 1).
`import_duties(actor, text, now)` applies a clean file with a handful of bulk queries, whatever its size.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Row, insert, select

from ..audit import record
from ..calendar.versions import CHANGED_PEOPLE, person_scope, touch
from ..dates import utcnow
from ..errors import NotAllowed
from ..extensions import db
from ..people.models import Person
from ..people.permissions import is_staff
from ..plain_text import has_control_characters
from .covers import release_cover
from .models import Duty
from .sessions import DUTY_KINDS, SESSIONS, duty_label

COLUMNS = ("email", "date", "session", "kind", "site")
REQUIRED_COLUMNS = ("email", "date", "session", "kind")
MAX_ROWS = 50_000  # a term for the whole program is about 20,000
MAX_SITE = 120  # the length of Duty.site
MAX_CELL = 254
FIRST_YEAR, LAST_YEAR = 2000, 2100
CHUNK = 500  # ids per IN (...) list
BULK = 5000  # rows per INSERT
# Sessions of one day that overlap: a DAY covers the morning and the afternoon; a NIGHT starts after a DAY ends.
OVERLAPS = {"AM": {"DAY"}, "PM": {"DAY"}, "DAY": {"AM", "PM"}, "NIGHT": set()}


@dataclass(frozen=True)
class DutyProblem:
    row: int  # 1 is the header; 0 is the whole file
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row else f"The file {self.message}"


@dataclass(frozen=True)
class DutyRow:
    row: int
    email: str  # lower case
    duty_on: date
    session: str  # AM, PM, DAY or NIGHT
    kind: str  # clinic, inpatient, ambulatory or other
    site: str

    @property
    def key(self) -> tuple[str, date, str]:
        return self.email, self.duty_on, self.session


@dataclass(frozen=True)
class ParsedDuties:
    rows: tuple[DutyRow, ...] = ()
    problems: tuple[DutyProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def _header_problems(header: list[str]) -> list[DutyProblem]:
    problems = [
        DutyProblem(1, f"'{name}' is not a column (use {', '.join(COLUMNS)})")
        for name in header
        if name not in COLUMNS
    ]
    problems += [
        DutyProblem(1, f"the {name} column is missing") for name in REQUIRED_COLUMNS if name not in header
    ]
    problems += [
        DutyProblem(1, f"the {name} column appears more than once")
        for name in sorted({name for name in header if header.count(name) > 1})
    ]
    return problems


def _parse_row(number: int, cells: dict[str, str], known: set[str]) -> tuple[DutyRow | None, list[str]]:
    """One row's duty, or what is wrong with it."""
    wrong = [
        f"the {column} cell contains invisible control characters; retype it"
        for column, value in cells.items()
        if has_control_characters(value)
    ] + [
        f"the {column} cell is longer than {MAX_CELL} characters"
        for column, value in cells.items()
        if len(value) > MAX_CELL
    ]
    if wrong:
        return None, wrong
    email = cells["email"].strip().lower()
    if not email:
        wrong.append("the email is missing")
    elif email not in known:
        wrong.append(f"no active person has the address {email}")
    text = cells["date"].strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        wrong.append(
            f"'{text}' is not a date (use YYYY-MM-DD, e.g. 2027-04-13)" if text else "the date is missing"
        )
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        wrong.append(f"{text} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
        day = None
    session = cells["session"].strip().upper()
    if session not in SESSIONS:
        wrong.append(f"'{cells['session'].strip()}' is not a session (use {', '.join(SESSIONS)})")
    kind = cells["kind"].strip().lower()
    if kind not in DUTY_KINDS:
        wrong.append(f"'{cells['kind'].strip()}' is not a kind of duty (use {', '.join(DUTY_KINDS)})")
    site = " ".join(cells.get("site", "").split())
    if len(site) > MAX_SITE:
        wrong.append(f"the site is longer than {MAX_SITE} characters")
    if wrong:
        return None, wrong
    return DutyRow(number, email, day, session, kind, site), []


def parse_duties(text: str, known_emails: set[str]) -> ParsedDuties:
    """Read and check a whole duties file.

    Args:
        text: the decoded CSV, header first (a leading byte-order mark is ignored). Columns, in any order:
            email, date (YYYY-MM-DD), session (AM, PM, DAY, NIGHT), kind (clinic, inpatient, ambulatory,
            other) and optionally site; session and kind in any case, blank lines anywhere.
        known_emails: the lower-case addresses of active people.

    Returns:
        ParsedDuties with every row when all are good, or with no rows and every problem: an unknown
        address, a bad date, session or kind, a cell too long, a person's day and session twice, or two
        sessions of one person's day that overlap (a DAY with an AM or PM), each on the later row.
    """
    text = text.removeprefix("\ufeff")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        return ParsedDuties(problems=(DutyProblem(0, f"is not valid CSV ({error})"),))
    if not records or not any(cell.strip() for cell in records[0]):
        return ParsedDuties(
            problems=(DutyProblem(0, f"is empty: the first row must be the header ({','.join(COLUMNS)})"),)
        )
    header = [cell.strip().lower() for cell in records[0]]
    problems = _header_problems(header)
    if problems:
        return ParsedDuties(problems=tuple(problems))
    if len(records) - 1 > MAX_ROWS:
        return ParsedDuties(
            problems=(DutyProblem(0, f"has {len(records) - 1} rows; the limit is {MAX_ROWS}"),)
        )
    rows: list[DutyRow] = []
    first_row: dict[tuple[str, date, str], int] = {}
    for number, record_ in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record_):
            continue
        if len(record_) != len(header):
            problems.append(DutyProblem(number, f"has {len(record_)} cells; the header has {len(header)}"))
            continue
        row, wrong = _parse_row(number, dict(zip(header, record_, strict=True)), known_emails)
        problems += [DutyProblem(number, message) for message in wrong]
        if row is None:
            continue
        if row.key in first_row:
            problems.append(
                DutyProblem(
                    number,
                    f"{row.email} already has the {row.session} session on "
                    f"{row.duty_on} on row {first_row[row.key]}",
                )
            )
            continue
        clash = next(
            (
                first_row[(row.email, row.duty_on, s)]
                for s in OVERLAPS[row.session]
                if (row.email, row.duty_on, s) in first_row
            ),
            None,
        )
        if clash is not None:
            problems.append(
                DutyProblem(
                    number,
                    f"{row.email}'s {row.session} session on {row.duty_on} "
                    f"overlaps the session on row {clash}",
                )
            )
            continue
        first_row[row.key] = number
        rows.append(row)
    if not rows and not problems:
        problems.append(DutyProblem(0, "has a header but no duties"))
    return ParsedDuties(problems=tuple(problems)) if problems else ParsedDuties(rows=tuple(rows))


# --- applying a file --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    released: int = 0  # covers taken off changed duties (the coverer, owner and a coordinator are told)
    problems: tuple[DutyProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """ "12 added, 3 changed, 140 unchanged (1 cover released)." """
        released = (
            f" ({self.released} cover{'' if self.released == 1 else 's'} released)" if self.released else ""
        )
        return f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged{released}."


def active_people() -> dict[str, int]:
    """Active people's ids by lower-case address, in one query."""
    return dict(db.session.execute(select(Person.email, Person.id).where(Person.is_active)).all())


def _existing(person_ids: list[int], first: date, last: date) -> dict[tuple[int, date, str], Row]:
    """The stored duties of these people from `first` to `last` (id, kind, site and session), by
    (person id, day, session); plain rows, as most are only compared."""
    found = {}
    columns = (Duty.id, Duty.person_id, Duty.duty_on, Duty.session, Duty.kind, Duty.site)
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        for duty in db.session.execute(
            select(*columns).where(Duty.person_id.in_(chunk), Duty.duty_on >= first, Duty.duty_on <= last)
        ):
            found[(duty.person_id, duty.duty_on, duty.session)] = duty
    return found


def _update(actor, changes: dict[int, DutyRow], now: datetime) -> int:
    """Give the stored duties (by id) their rows' kind and site; release their covers. Returns how many
    covers were released."""
    released = 0
    ids = sorted(changes)
    for start in range(0, len(ids), CHUNK):
        for duty in db.session.scalars(
            select(Duty).where(Duty.id.in_(ids[start : start + CHUNK])).order_by(Duty.id)
        ):
            row = changes[duty.id]
            was = duty_label(duty.kind, duty.session) + (f" at {duty.site}" if duty.site else "")
            duty.kind, duty.site, duty.revision, duty.updated_at = row.kind, row.site, duty.revision + 1, now
            if duty.covered_by_id is not None:
                release_cover(actor, duty, f"The duty changed: it was {was}.", now, tell_staff=True)
                released += 1
    return released


def _overlap_problems(rows, ids: dict[str, int], existing) -> list[DutyProblem]:
    """Rows that overlap a stored duty of the same person and day that the file leaves alone."""
    stored: dict[tuple[int, date], set[str]] = defaultdict(set)
    for person_id, day, session in existing:
        stored[(person_id, day)].add(session)
    in_file = {(ids[row.email], row.duty_on, row.session) for row in rows}
    problems = []
    for row in rows:
        person_id = ids[row.email]
        others = {
            s
            for s in stored[(person_id, row.duty_on)] & OVERLAPS[row.session]
            if (person_id, row.duty_on, s) not in in_file
        }
        if others:
            duty = existing[(person_id, row.duty_on, min(others))]
            problems.append(
                DutyProblem(
                    row.row,
                    f"{row.email} already has {duty_label(duty.kind, duty.session)} "
                    f"on {row.duty_on}, which overlaps the {row.session} session",
                )
            )
    return problems


def add_in_bulk(duties: list[dict]) -> None:
    """Insert many new duties in a few statements, and tell the calendar spine whose calendars changed.

    A term of duties is tens of thousands of rows: through the unit of work (an object, an identity and a
    RETURNING id each) it took many seconds. Bulk rows bypass the flush the spine watches, so the
    versions of their owners' calendars are raised here, and the owners are handed to the change
    listeners before the commit (a new duty may clash with a cover its owner gives).
    """
    for start in range(0, len(duties), BULK):
        db.session.execute(insert(Duty), duties[start : start + BULK])
    people = {duty["person_id"] for duty in duties}
    touch(db.session, [person_scope(person_id) for person_id in people])
    db.session.info.setdefault(CHANGED_PEOPLE, set()).update(people)


def import_duties(actor, text: str, now: datetime | None = None) -> ImportReport:
    """Add the file's duties, update those whose kind or site changed, and keep the rest, all or nothing.

    Args:
        actor: the importing coordinator or admin (None for the command line).
        text: the decoded CSV (see `parse_duties`).
        now: when the import happens (revision times).

    A duty is matched by person, day and session. A changed one has its revision raised; if someone was
    covering it, the cover is released and the coverer, the owner and a coordinator are told. A row that
    would overlap a stored duty of the same day the file does not mention is a problem too.

    Returns an ImportReport (with problems, nothing is written). Raises NotAllowed for anyone but staff.
    """
    if actor is not None and not is_staff(actor):
        raise NotAllowed("Only coordinators import duties.")
    now = now or utcnow()
    ids = active_people()
    parsed = parse_duties(text, set(ids))
    if not parsed.ok:
        return ImportReport(problems=parsed.problems)
    rows = parsed.rows
    existing = _existing(
        sorted({ids[row.email] for row in rows}), min(r.duty_on for r in rows), max(r.duty_on for r in rows)
    )
    problems = _overlap_problems(rows, ids, existing)
    if problems:
        return ImportReport(problems=tuple(problems))
    added, changed = [], {}
    for row in rows:
        duty = existing.get((ids[row.email], row.duty_on, row.session))
        if duty is None:
            added.append(
                {"person_id": ids[row.email], "duty_on": row.duty_on, "session": row.session, "kind": row.kind,
                 "site": row.site, "source": "import", "revision": 1, "created_at": now, "updated_at": now}
            )  # fmt: skip
        elif (duty.kind, duty.site) != (row.kind, row.site):
            changed[duty.id] = row
    released = _update(actor, changed, now)
    db.session.flush()
    if added:
        add_in_bulk(added)
    report = ImportReport(len(added), len(changed), len(rows) - len(added) - len(changed), released)
    record(
        actor,
        "duties.import",
        "duty",
        None,
        None,
        {
            "added": report.added,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "released": released,
        },
    )
    db.session.flush()
    return report
