"""Duty fixtures: residents and faculty with a clinic site and firm, duties and covers, time away and
imports, all made through the services as a coordinator or the person would make them.

Like tests/events/conftest.py, the factories work in the test's session when the test holds an application
context (the `db` fixture); otherwise each call is a request of its own (its own context and session,
committed). People come back as make_person gives them (detached, columns loaded); duties and periods come
back as ids. A refused call rolls back and raises, so a test can compare the database before and after.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import browser, browser_pages, dialect, live_server  # noqa: F401 - test_browser
from tests.events import conftest as events_fixtures
from tests.events.conftest import TZ, answer, at, make_event, person_in, program_today, session_for  # noqa: F401
from tests.feeds.conftest import feed_url, poll  # noqa: F401 - the personal feed over HTTP
from tests.holidays.conftest import (  # noqa: F401 - a published holiday year, for clashes
    allocate,
    holiday_year,
    publish,
    published_year,
    rank,
    residents,
)
from tests.support import fetch
from wellness.dates import academic_year_of, utcnow
from wellness.duties import away, clinics, covers, importing
from wellness.duties.models import AwayPeriod, Duty
from wellness.extensions import db
from wellness.people.models import ClinicSite, Firm

coordinator = events_fixtures.coordinator  # Cora Ordinator, who runs duties and time away


def _reference_day() -> date:
    """A Tuesday two to four weeks ahead whose next fortnight stays in one academic year."""
    day = program_today() + timedelta(days=14)
    day += timedelta(days=(1 - day.weekday()) % 7)
    while academic_year_of(day) != academic_year_of(day + timedelta(days=14)):
        day += timedelta(days=21)
    return day


DAY = _reference_day()  # the day most duties in these tests fall on
YEAR = academic_year_of(DAY)


def ahead(days: int) -> date:
    return DAY + timedelta(days=days)


def start_year(pgy: int) -> int:
    """The training start year of a resident who is PGY-`pgy` on DAY."""
    return YEAR - pgy + 1


# --- places and people ------------------------------------------------------------------------------


@pytest.fixture
def place(app):
    """place(ClinicSite, "Brookside") -> the id of a clinic site (or firm) of that name, made once."""
    made: dict[tuple, int] = {}

    def make(model, name: str) -> int:
        if (model, name) not in made:
            with app.app_context():
                row = model(name=name)
                db.session.add(row)
                db.session.commit()
                made[(model, name)] = row.id
                db.session.remove()
        return made[(model, name)]

    return make


@pytest.fixture
def resident(make_person, place):
    """resident("Ada", pgy=2, site="Brookside", firm="Blue") -> a primary care resident, ada@example.org.

    `pgy` is their training level on DAY; any make_person column may be given.
    """

    def make(first_name: str, pgy: int = 2, site: str | None = None, firm: str | None = None, **columns):
        columns.setdefault("program", "primary_care")
        columns.setdefault("training_start_year", start_year(pgy))
        if site:
            columns["clinic_site_id"] = place(ClinicSite, site)
        if firm:
            columns["firm_id"] = place(Firm, firm)
        return make_person(
            "resident",
            first_name=first_name,
            last_name=columns.pop("last_name", "Resident"),
            email=columns.pop("email", f"{first_name.lower()}@example.org"),
            **columns,
        )

    return make


@pytest.fixture
def faculty(make_person):
    """faculty("Hana") -> an active faculty member, hana@example.org."""

    def make(first_name: str, **columns):
        return make_person(
            "faculty",
            first_name=first_name,
            last_name="Faculty",
            email=f"{first_name.lower()}@example.org",
            **columns,
        )

    return make


# --- duties and covers ------------------------------------------------------------------------------


@pytest.fixture
def make_duty(app, coordinator):
    """make_duty(ada, DAY, "AM", "clinic", "Brookside") through add_duty as the coordinator; commit -> its id."""

    def make(person, day: date = DAY, session: str = "AM", kind: str = "clinic", site: str = "") -> int:
        with session_for(app) as (session_, _detach):
            duty = clinics.add_duty(
                person_in(session_, coordinator),
                person_in(session_, person),
                day,
                session,
                kind,
                site,
                utcnow(),
            )
            session_.commit()
            return duty.id

    return make


@pytest.fixture
def cover(app, coordinator):
    """cover(duty_id, ben) makes ben cover the duty through assign_cover as the coordinator (or `actor`)."""

    def make(duty_id: int, coverer, *, actor=None) -> None:
        with session_for(app) as (session_, _detach):
            covers.assign_cover(
                person_in(session_, actor or coordinator),
                session_.get(Duty, duty_id),
                person_in(session_, coverer),
                utcnow(),
            )
            session_.commit()

    return make


@pytest.fixture
def import_csv(app, coordinator):
    """import_csv(text) through import_duties as the coordinator (None: the command line); commits a clean
    file, rolls back one with problems -> the ImportReport."""

    def make(text: str, *, actor="coordinator") -> importing.ImportReport:
        with session_for(app) as (session_, _detach):
            who = person_in(session_, coordinator) if actor == "coordinator" else actor
            report = importing.import_duties(who, text, utcnow())
            if report.ok:
                session_.commit()
            else:
                session_.rollback()
            return report

    return make


# --- time away ---------------------------------------------------------------------------------------


@pytest.fixture
def request_away(app):
    """request_away(ada, first, last, kind="vacation") through request_away as the person; commit -> its id."""

    def make(
        person, first: date, last: date, kind: str = "vacation", note: str = "", today: date | None = None
    ):
        with session_for(app) as (session_, _detach):
            period = away.request_away(
                person_in(session_, person), away.AwayData(kind, first, last, note), today or program_today()
            )
            session_.commit()
            return period.id

    return make


@pytest.fixture
def enter_away(app, coordinator):
    """enter_away(ada, first, last, kind="vacation") as the coordinator, approved at once; commit -> its id."""

    def make(person, first: date, last: date, kind: str = "vacation", note: str = ""):
        with session_for(app) as (session_, _detach):
            period = away.enter_away(
                person_in(session_, coordinator),
                person_in(session_, person),
                away.AwayData(kind, first, last, note),
            )
            session_.commit()
            return period.id

    return make


@pytest.fixture
def approve(app, coordinator):
    """approve(period_id) through approve_away as the coordinator; commit -> the vacation use it returns."""

    def make(period_id: int):
        with session_for(app) as (session_, _detach):
            uses = away.approve_away(person_in(session_, coordinator), session_.get(AwayPeriod, period_id))
            session_.commit()
            return uses

    return make


# --- reading back what happened ---------------------------------------------------------------------------


def duty_rows(app, person_id: int | None = None) -> list[Duty]:
    """Every duty (of one person), by day and session."""
    query = select(Duty).order_by(Duty.duty_on, Duty.session, Duty.id)
    if person_id is not None:
        query = query.where(Duty.person_id == person_id)
    return fetch(app, query)


def duty_row(app, duty_id: int) -> Duty | None:
    rows = fetch(app, select(Duty).where(Duty.id == duty_id))
    return rows[0] if rows else None


def period_row(app, period_id: int) -> AwayPeriod:
    [row] = fetch(app, select(AwayPeriod).where(AwayPeriod.id == period_id))
    return row


def csv_of(*rows: str, header: str = "email,date,session,kind,site") -> str:
    return "\n".join((header, *rows)) + "\n"
