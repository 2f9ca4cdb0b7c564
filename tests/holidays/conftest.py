"""Holiday fixtures: residents of two programs, a year set up through the services with an open window, and
rankings, allocations, pins and publishing done as a coordinator or resident would do them.

Like tests/events/conftest.py, the factories work in the test's session when the test holds an application
context (the `db` fixture); otherwise each call is a request of its own (its own context and session,
committed). They return plain values (ids, keys, dates), never ORM objects, so both kinds of test can use
them. A refused call rolls back and raises, so a test can compare the database before and after.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.events import conftest as events_fixtures
from tests.events.conftest import TZ, at, person_in, program_today, session_for  # noqa: F401
from tests.feeds.conftest import feed_url, poll  # noqa: F401 - the personal feed over HTTP
from tests.outreach.conftest import approve, decide, make_shift, propose, volunteer  # noqa: F401 - shifts
from tests.support import fetch
from wellness.audit import AuditEntry
from wellness.dates import academic_year_of
from wellness.extensions import db
from wellness.holidays import blocks, preferences, services
from wellness.holidays.dates import default_blocks
from wellness.holidays.models import Assignment, HolidayBlock, HolidayYear, Ranking
from wellness.people.models import Person

coordinator = events_fixtures.coordinator  # Cora Ordinator, who sets up and allocates

KEYS = ("high_holidays", "thanksgiving", "christmas", "new_year")  # in date order


def year_ahead(today: date) -> int:
    """The academic year of the next Thanksgiving block (one not over yet).

    Its Thanksgiving and Christmas blocks are still ahead or under way, and within the 400 days a personal
    feed looks ahead.
    """
    year = academic_year_of(today)
    thanksgiving = next(block for block in default_blocks(year) if block.key == "thanksgiving")
    return year if thanksgiving.ends_on >= today else year + 1


YEAR = year_ahead(program_today())
LABEL = f"{YEAR}–{(YEAR + 1) % 100:02d}"
NAMES = (
    ("Ada", "Quill"), ("Ben", "Ramos"), ("Cal", "Stone"), ("Dee", "Tran"), ("Eve", "Ueda"), ("Fay", "Voss"),
    ("Gil", "Wolfe"), ("Hal", "Xu"), ("Ivy", "Young"), ("Jo", "Zane"),
)  # fmt: skip


def ranking_with_first(first: str) -> list[str]:
    """A ranking of the four default blocks with `first` first and the rest in date order."""
    return [first, *(key for key in KEYS if key != first)]


# --- records in the current session ---------------------------------------------------------------


def year_row(academic_year: int = YEAR) -> HolidayYear:
    return db.session.get(HolidayYear, academic_year)


def person_row(person) -> Person:
    """The person in the test's session. It ends the session's transaction first: on SQLite a transaction
    reads one snapshot, and the person may have been made in another context since."""
    db.session.commit()
    return db.session.get(Person, person.id)


def block_row(key: str, academic_year: int = YEAR) -> HolidayBlock:
    return db.session.scalar(
        select(HolidayBlock).where(HolidayBlock.academic_year == academic_year, HolidayBlock.key == key)
    )


# --- what a year looks like, as plain values ---------------------------------------------------------


@dataclass(frozen=True)
class BlockInfo:
    id: int
    key: str
    name: str
    starts_on: date
    ends_on: date
    capacity: int


@dataclass(frozen=True)
class YearInfo:
    academic_year: int
    blocks: dict[str, BlockInfo]  # by key, in date order
    opens_on: date
    closes_on: date

    def id(self, key: str) -> int:
        return self.blocks[key].id

    def ids(self, *keys: str) -> list[int]:
        return [self.blocks[key].id for key in keys]


def read_year(academic_year: int) -> YearInfo:
    """The year's blocks and window as they are now (in the current session)."""
    year = year_row(academic_year)
    db.session.refresh(year)
    window = blocks.ranking_window(year)
    return YearInfo(
        academic_year=academic_year,
        blocks={
            b.key: BlockInfo(b.id, b.key, b.name, b.starts_on, b.ends_on, b.capacity) for b in year.blocks
        },
        opens_on=window[0],
        closes_on=window[1],
    )


def data_of(block: HolidayBlock, **changes) -> blocks.BlockData:
    """The block's details as its edit form gives them back, with some changed."""
    values = {
        "key": block.key, "name": block.name, "starts_on": block.starts_on, "ends_on": block.ends_on,
        "capacity": block.capacity, "program_caps": block.caps(),
    }  # fmt: skip
    values.update(changes)
    return blocks.BlockData(**values)


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture
def residents(make_person):
    """residents(n, program="categorical") -> n residents in training all through YEAR, named from NAMES.

    Their e-mail is their first name, e.g. ada@example.org; any make_person column may be given.
    """
    names = iter(NAMES)

    def make(n: int = 1, program: str = "categorical", **columns):
        columns.setdefault("training_start_year", YEAR - 1)
        made = []
        for _ in range(n):
            first, last = next(names)
            made.append(
                make_person(
                    "resident",
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}@example.org",
                    program=program,
                    **columns,
                )  # fmt: skip
            )
        return made

    return make


@pytest.fixture
def holiday_year(app, coordinator):
    """Set up a year's four blocks through setup_year as the coordinator, with an open window; commit.

    holiday_year(YEAR, capacity=1, caps={"christmas": {"primary_care": 0}}, approval=True,
    window=(opens_on, closes_on)) -> YearInfo. `capacity` is an int for every block or a dict by key;
    the window defaults to yesterday through a week from today. Make the residents first: setup_year
    gives every block enough places for the residents taking part then.
    """

    def make(academic_year: int = YEAR, *, capacity=None, caps=None, approval=False, window=None) -> YearInfo:
        today = program_today()
        opens_on, closes_on = window or (today - timedelta(days=1), today + timedelta(days=7))
        with session_for(app) as (session, _detach):
            actor = person_in(session, coordinator)
            year = blocks.setup_year(actor, academic_year, today)
            blocks.set_window(actor, year, opens_on, closes_on)
            for block in list(year.blocks):
                places = capacity.get(block.key) if isinstance(capacity, dict) else capacity
                block_caps = (caps or {}).get(block.key)
                if places is not None or block_caps is not None:
                    changes = {"program_caps": block_caps} if block_caps is not None else {}
                    if places is not None:
                        changes["capacity"] = places
                    blocks.update_block(actor, block, data_of(block, **changes))
            if approval:
                blocks.set_swap_approval(actor, year, True)
            session.commit()
            return read_year(academic_year)

    return make


@pytest.fixture
def rank(app):
    """A resident ranks the year's blocks through record_ranking (keys, most wanted first); commit.

    rank(ada, "christmas", "new_year", "thanksgiving", "high_holidays", observance="christmas")
    """

    def make(person, *keys: str, observance: str | None = None, academic_year: int = YEAR, today=None):
        with session_for(app) as (session, _detach):
            preferences.record_ranking(
                person_in(session, person), year_row(academic_year),
                [block_row(key, academic_year).id for key in keys],
                block_row(observance, academic_year).id if observance else None, today or program_today(),
            )  # fmt: skip
            session.commit()

    return make


@pytest.fixture
def allocate(app, coordinator):
    """Run allocate_holiday_blocks as the coordinator (or `actor`); commit. Returns {email: block key}."""

    def make(seed: int | None = 1, *, academic_year: int = YEAR, dry_run: bool = False, actor=None):
        with session_for(app) as (session, _detach):
            _inputs, result = services.allocate_holiday_blocks(
                person_in(session, actor or coordinator), academic_year, seed, dry_run=dry_run
            )
            session.commit()
            return dict(result.assignments)

    return make


@pytest.fixture
def pin(app, coordinator):
    """Pin a resident to a block (key, or None to unpin) through pin_assignment as the coordinator; commit."""

    def make(person, key: str | None, *, academic_year: int = YEAR):
        with session_for(app) as (session, _detach):
            services.pin_assignment(
                person_in(session, coordinator), year_row(academic_year), person_in(session, person),
                block_row(key, academic_year) if key else None,
            )  # fmt: skip
            session.commit()

    return make


@pytest.fixture
def publish(app, coordinator):
    """Publish the previewed allocation through publish_allocation as the coordinator; returns how many were told."""

    def make(*, academic_year: int = YEAR) -> int:
        with session_for(app) as (session, _detach):
            told = services.publish_allocation(
                person_in(session, coordinator), year_row(academic_year), at(program_today(), 9)
            )
            session.commit()
            return told

    return make


@pytest.fixture
def published_year(residents, holiday_year, rank, allocate, publish):
    """A published year: one resident per block, each given the block they ranked first.

    published_year(programs=("categorical", "primary_care", ...), approval=False, caps=None) ->
    (YearInfo, {block key: resident}); each block has one place, so every first choice is honoured.
    """

    def make(programs=("categorical", "primary_care", "categorical", "primary_care"), **options):
        people = [residents(1, program)[0] for program in programs]
        info = holiday_year(capacity=1, **options)
        holders = {}
        for person, key in zip(people, KEYS, strict=False):
            rank(person, *ranking_with_first(key))
            holders[key] = person
        allocate(1)
        publish()
        return info, holders

    return make


# --- reading back what happened ------------------------------------------------------------------------


def held_blocks(app, academic_year: int = YEAR) -> dict[str, str]:
    """Who holds which block: {email: block key}."""
    query = (
        select(Person.email, HolidayBlock.key)
        .join(Assignment, Assignment.person_id == Person.id)
        .join(HolidayBlock, HolidayBlock.id == Assignment.block_id)
        .where(Assignment.academic_year == academic_year)
    )
    with app.app_context():
        held = dict(db.session.execute(query).all())
        db.session.remove()
    return held


def assignment_rows(app, academic_year: int = YEAR) -> dict[int, Assignment]:
    """The year's assignments by person id."""
    rows = fetch(app, select(Assignment).where(Assignment.academic_year == academic_year))
    return {row.person_id: row for row in rows}


def stored_ranks(app, person_id: int) -> dict[int, tuple[int, bool]]:
    """{block id: (rank, is_observance)} of the person's stored ranking rows."""
    rows = fetch(app, select(Ranking).where(Ranking.person_id == person_id))
    return {row.block_id: (row.rank, row.is_observance) for row in rows}


def year_status(app, academic_year: int = YEAR) -> HolidayYear:
    [row] = fetch(app, select(HolidayYear).where(HolidayYear.academic_year == academic_year))
    return row


def audit_actions(app, prefix: str = "holidays.") -> list[str]:
    """The audited holiday actions, oldest first."""
    query = select(AuditEntry.action).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)
    return fetch(app, query)
