"""SGIM fixtures: primary care juniors and other residents, a meeting made through the services as a
coordinator would make it, answers, duties as an import brings them, covers, time away and funding.

Like tests/coaching/conftest.py, the factories work in the test's session when the test holds an
application context (the `db` fixture); otherwise each call is a request of its own (its own context and
session, committed). People come back as make_person gives them (detached, columns loaded); meetings,
attendances, duties and away periods come back as ids. A refused call rolls back and raises, so a test
can compare the database before and after.

The meeting starts FIRST_DAY (40 days from today) and lasts four days; with one travel day before, its
attendees are away from the day before it to its last day.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import browser, browser_pages, dialect, live_server  # noqa: F401 - test_browser
from tests.duties.conftest import cover, duty_row, period_row  # noqa: F401 - covers, and reading rows back
from tests.events import conftest as events_fixtures
from tests.events.conftest import TZ, at, person_in, program_today, session_for  # noqa: F401
from tests.feeds.conftest import feed_url, poll  # noqa: F401 - the personal feed over HTTP
from tests.holidays.conftest import YEAR as HOLIDAY_YEAR
from tests.holidays.conftest import allocate, holiday_year, pin, publish  # noqa: F401 - holiday blocks
from tests.support import fetch
from wellness.dates import utcnow
from wellness.duties.models import AwayPeriod, Duty
from wellness.people.models import ClinicSite, Firm
from wellness.people.programs import start_year_for_pgy
from wellness.sgim import services
from wellness.sgim.models import Attendance, Meeting

coordinator = events_fixtures.coordinator  # Cora Ordinator, who runs the meeting

FIRST_DAY = program_today() + timedelta(days=40)
LAST_DAY = FIRST_DAY + timedelta(days=3)
TRIP_FIRST = FIRST_DAY - timedelta(days=1)  # one travel day before, none after
SURNAMES = {
    "Ada": "Quill", "Ben": "Ramos", "Cal": "Stone", "Dee": "Tran", "Eve": "Ueda", "Fay": "Voss",
    "Ravi": "Patel", "Sam": "Cover", "Tess": "Faculty", "Uma": "Intern",
}  # fmt: skip


def day(n: int) -> date:
    """The nth day of the trip (0: the travel day before the meeting)."""
    return TRIP_FIRST + timedelta(days=n)


def meeting_details(**changes) -> services.MeetingData:
    details = dict(name="SGIM Annual Meeting", city="Denver", starts_on=FIRST_DAY, ends_on=LAST_DAY,
                   travel_days_before=1, travel_days_after=0, budget_per_resident_cents=150_000,
                   total_budget_cents=500_000, description="The national meeting.")  # fmt: skip
    details.update(changes)
    return services.MeetingData(**details)


# --- people ------------------------------------------------------------------------------------------


def place_ids(app, site: str | None, firm: str | None) -> dict:
    """The clinic_site_id and firm_id columns for a clinic site and a firm by name, made when missing."""
    found = {}
    with session_for(app) as (session, _detach):
        for model, name, column in ((ClinicSite, site, "clinic_site_id"), (Firm, firm, "firm_id")):
            if name:
                row = session.scalar(select(model).where(model.name == name)) or model(name=name)
                session.add(row)
                session.commit()
                found[column] = row.id
    return found


@pytest.fixture
def resident(app, make_person):
    """resident("Ada") -> a primary care PGY-2 on FIRST_DAY, e-mail ada@example.org.

    resident("Ben", program="categorical", pgy=3, site="Brookside", firm="Blue"); any make_person column.
    """

    def make(
        first_name: str, *, program: str = "primary_care", pgy: int = 2, site=None, firm=None, **columns
    ):
        columns.setdefault("training_start_year", start_year_for_pgy(pgy, FIRST_DAY))
        columns.update(place_ids(app, site, firm))
        return make_person(
            "resident",
            first_name=first_name,
            last_name=columns.pop("last_name", SURNAMES.get(first_name, "Tester")),
            email=columns.pop("email", f"{first_name.lower()}@example.org"),
            program=program,
            **columns,
        )

    return make


@pytest.fixture
def faculty(make_person):
    """faculty("Tess") -> an active faculty member (who may cover any duty), e-mail tess@example.org."""

    def make(first_name: str, **columns):
        return make_person(
            "faculty",
            first_name=first_name,
            last_name=columns.pop("last_name", SURNAMES.get(first_name, "Tester")),
            email=f"{first_name.lower()}@example.org",
            **columns,
        )

    return make


# --- the meeting and its trips -----------------------------------------------------------------------


@pytest.fixture
def make_meeting(app, coordinator):
    """Create the meeting through create_meeting as the coordinator (or `actor`); commit -> its id.

    make_meeting(starts_on=..., budget_per_resident_cents=0); any MeetingData field may be given, and
    `now` for a meeting made in the past.
    """

    def make(*, actor=None, now=None, **changes) -> int:
        with session_for(app) as (session, _detach):
            meeting = services.create_meeting(
                person_in(session, actor or coordinator), meeting_details(**changes), now
            )
            session.commit()
            return meeting.id

    return make


@pytest.fixture
def attendance_of(app):
    """attendance_of(meeting_id, person) -> the id of their attendance, or None when not invited."""

    def find(meeting_id: int, person) -> int | None:
        with session_for(app) as (session, _detach):
            return session.scalar(
                select(Attendance.id).where(
                    Attendance.meeting_id == meeting_id, Attendance.person_id == person.id
                )
            )

    return find


@pytest.fixture
def answer(app):
    """The attendee (or `actor`) answers through answer_invitation; commit."""

    def make(attendance_id: int, going: bool = True, *, actor=None, now=None) -> None:
        with session_for(app) as (session, _detach):
            attendance = session.get(Attendance, attendance_id)
            who = person_in(session, actor) if actor else attendance.person
            services.answer_invitation(who, attendance, going, now)
            session.commit()

    return make


@pytest.fixture
def going(make_meeting, attendance_of, answer):
    """going(ada) -> (meeting id, attendance id): the meeting (made unless `meeting_id` is given), Ada going."""

    def make(person, meeting_id: int | None = None) -> tuple[int, int]:
        meeting_id = meeting_id or make_meeting()
        attendance_id = attendance_of(meeting_id, person)
        answer(attendance_id, True)
        return meeting_id, attendance_id

    return make


@pytest.fixture
def request_funding(app):
    """request_funding(attendance_id, travel=45_000, ...) in cents, as the attendee (or `actor`); commit."""

    def make(attendance_id: int, *, actor=None, **amounts) -> None:
        with session_for(app) as (session, _detach):
            attendance = session.get(Attendance, attendance_id)
            services.request_funding(
                person_in(session, actor) if actor else attendance.person, attendance, amounts
            )
            session.commit()

    return make


@pytest.fixture
def approve_funding(app, coordinator):
    """approve_funding(attendance_id, reason="", travel=45_000, ...) as the coordinator; commit."""

    def make(attendance_id: int, reason: str = "", *, actor=None, **amounts) -> None:
        with session_for(app) as (session, _detach):
            attendance = session.get(Attendance, attendance_id)
            services.approve_funding(person_in(session, actor or coordinator), attendance, amounts, reason)
            session.commit()

    return make


# --- duties, covers and time away --------------------------------------------------------------------


@pytest.fixture
def make_duty(app):
    """A duty of `person` as the schedule import brings it; commit -> its id.

    make_duty(ada, day(1), "AM", kind="clinic", site="Brookside")
    """

    def make(
        person, on: date, session_key: str = "AM", *, kind: str = "clinic", site: str = "Brookside"
    ) -> int:
        with session_for(app) as (session, _detach):
            duty = Duty(person_id=person.id, duty_on=on, session=session_key, kind=kind, site=site)
            session.add(duty)
            session.commit()
            return duty.id

    return make


@pytest.fixture
def away(app, coordinator):
    """An approved away period of `person` (a coordinator's entry); commit -> its id.

    away(ravi, day(0), day(4), kind="vacation", title="Vacation")
    """

    def make(person, first: date, last: date, *, kind: str = "vacation", title: str = "") -> int:
        with session_for(app) as (session, _detach):
            period = AwayPeriod(person_id=person.id, kind=kind, title=title, starts_on=first, ends_on=last,
                                status="approved", requested_by_id=coordinator.id, decided_by_id=coordinator.id,
                                decided_at=utcnow())  # fmt: skip
            session.add(period)
            session.commit()
            return period.id

    return make


@pytest.fixture
def christmas_block(holiday_year, pin, allocate, publish):  # noqa: F811 - the holiday fixtures
    """christmas_block(ravi) -> (first, last): Ravi holds the coming Christmas block, published.

    Make everyone who takes part in the allocation first (residents in training then)."""

    def make(person) -> tuple[date, date]:
        info = holiday_year(HOLIDAY_YEAR)
        pin(person, "christmas")
        allocate(1)
        publish()
        block = info.blocks["christmas"]
        return block.starts_on, block.ends_on

    return make


# --- reading back what happened ----------------------------------------------------------------------


def attendance_row(app, attendance_id: int) -> Attendance:
    [row] = fetch(app, select(Attendance).where(Attendance.id == attendance_id))
    return row


def attendance_rows(app, meeting_id: int) -> list[Attendance]:
    return fetch(
        app, select(Attendance).where(Attendance.meeting_id == meeting_id).order_by(Attendance.person_id)
    )


def meeting_row(app, meeting_id: int) -> Meeting:
    [row] = fetch(app, select(Meeting).where(Meeting.id == meeting_id))
    return row


# --- the usual cast ----------------------------------------------------------------------------------


@pytest.fixture
def ada(resident):
    """A primary care junior: invited to every meeting by default."""
    return resident("Ada")


@pytest.fixture
def ravi(resident):
    """A categorical PGY-3, free to cover clinic: not invited."""
    return resident("Ravi", program="categorical", pgy=3)
