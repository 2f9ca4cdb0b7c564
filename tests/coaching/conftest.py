"""Coaching fixtures: residents with fields of interest, coaches with places, and pairings, exclusions,
meetings and goals made through the services as a coordinator, the pair or the resident would make them.

Like tests/holidays/conftest.py, the factories work in the test's session when the test holds an
application context (the `db` fixture); otherwise each call is a request of its own (its own context and
session, committed). People come back as make_person gives them (detached, columns loaded); pairings,
exclusions, meetings and goals come back as ids. A refused call rolls back and raises, so a test can
compare the database before and after.
"""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.events import conftest as events_fixtures
from tests.events.conftest import TZ, at, person_in, program_today, session_for  # noqa: F401
from tests.feeds.conftest import feed_url, poll  # noqa: F401 - the personal feed over HTTP
from tests.support import fetch
from wellness.audit import AuditEntry
from wellness.coaching import goals, meetings, services
from wellness.coaching.models import Exclusion, Goal, Meeting, Pairing
from wellness.database import begin_immediate
from wellness.dates import academic_year_of, utcnow
from wellness.notifications.models import Notice

coordinator = events_fixtures.coordinator  # Cora Ordinator, who pairs residents with coaches

ROOM = "Room 4B, Bigelow"
SURNAMES = {
    "Ada": "Quill", "Ben": "Ramos", "Cal": "Stone", "Dee": "Tran", "Eve": "Ueda", "Fay": "Voss",
    "Hana": "Okafor", "Ivan": "Petrov", "Juno": "Reyes", "Kai": "Sato", "Lena": "Berg", "Milo": "Grant",
}  # fmt: skip


def year_now() -> int:
    return academic_year_of(program_today())


def day_at(days: int, hour: int = 14, minute: int = 0) -> datetime:
    """The UTC moment of a wall-clock time `days` from today in the program's time zone."""
    return at(program_today() + timedelta(days=days), hour, minute)


# --- people ------------------------------------------------------------------------------------------


@pytest.fixture
def resident(make_person):
    """resident("Ada", ("Cardiology",), program="primary_care") -> a PGY-2 resident, e-mail ada@example.org.

    Any make_person column may be given, e.g. training_start_year for an intern or a graduate.
    """

    def make(first_name: str, fields=(), **columns):
        columns.setdefault("program", "categorical")
        columns.setdefault("training_start_year", year_now() - 1)
        return make_person(
            "resident",
            first_name=first_name,
            last_name=columns.pop("last_name", SURNAMES.get(first_name, "Tester")),
            email=columns.pop("email", f"{first_name.lower()}@example.org"),
            fields=fields,
            **columns,
        )

    return make


@pytest.fixture
def coach(make_person):
    """coach("Hana", ("Oncology",), capacity=2) -> an active faculty coach, e-mail hana@example.org."""

    def make(first_name: str, fields=(), capacity: int = 2, **columns):
        return make_person(
            "faculty",
            first_name=first_name,
            last_name=columns.pop("last_name", SURNAMES.get(first_name, "Tester")),
            email=f"{first_name.lower()}@example.org",
            fields=fields,
            coach_capacity=capacity,
            **columns,
        )

    return make


# --- pairings and exclusions -------------------------------------------------------------------------


@pytest.fixture
def pair(app, coordinator):
    """Pair a resident with a coach through assign_coach as the coordinator (or `actor`); commit.

    pair(ada, hana, override_reason="Only oncologist free") -> the pairing's id.
    """

    def make(resident, coach, *, override_reason=None, actor=None, today: date | None = None) -> int:
        with session_for(app) as (session, _detach):
            pairing = services.assign_coach(
                person_in(session, actor or coordinator), person_in(session, resident),
                person_in(session, coach), today or program_today(), override_reason=override_reason,
            )  # fmt: skip
            session.commit()
            return pairing.id

    return make


@pytest.fixture
def end(app, coordinator):
    """End a pairing through end_pairing as the coordinator (or `actor`) with a reason; commit."""

    def make(pairing_id: int, reason: str | None = "Moved to another program", *, actor=None) -> None:
        with session_for(app) as (session, _detach):
            services.end_pairing(
                person_in(session, actor or coordinator), session.get(Pairing, pairing_id), reason,
                program_today(),
            )  # fmt: skip
            session.commit()

    return make


@pytest.fixture
def repair(app, coordinator):
    """Re-pair through repair as the coordinator (or `actor`); commit. Returns the new pairing's id.

    Like the re-pair form's POST, it takes SQLite's write lock before anything is read (see
    `lock_writes_for_posts`); test_services calls repair without it, as a command would.
    """

    def make(pairing_id: int, coach, reason: str | None = "Asked for a change", *, actor=None, **options):
        with session_for(app) as (session, _detach):
            begin_immediate()
            new = services.repair(
                person_in(session, actor or coordinator), session.get(Pairing, pairing_id),
                person_in(session, coach), reason, program_today(), **options,
            )  # fmt: skip
            session.commit()
            return new.id

    return make


@pytest.fixture
def exclude(app, coordinator):
    """Put a resident and a coach on the exclusions list as the coordinator (or `actor`); commit -> its id."""

    def make(resident, coach, reason: str | None = "Research mentor", *, actor=None) -> int:
        with session_for(app) as (session, _detach):
            exclusion = services.add_exclusion(
                person_in(session, actor or coordinator), person_in(session, resident),
                person_in(session, coach), reason,
            )  # fmt: skip
            session.commit()
            return exclusion.id

    return make


# --- meetings and goals ------------------------------------------------------------------------------


@pytest.fixture
def propose_meeting(app):
    """`by` (one of the pair) proposes a meeting through propose_meeting; commit -> the meeting's id.

    propose_meeting(pairing_id, ada, day_at(5), minutes=60, place=ROOM, now=utcnow())
    """

    def make(pairing_id: int, by, starts_at=None, *, minutes: int = 60, place: str = ROOM, now=None) -> int:
        starts_at = starts_at or day_at(5)
        with session_for(app) as (session, _detach):
            meeting = meetings.propose_meeting(
                person_in(session, by), session.get(Pairing, pairing_id), starts_at,
                starts_at + timedelta(minutes=minutes), place, now or utcnow(),
            )  # fmt: skip
            session.commit()
            return meeting.id

    return make


@pytest.fixture
def answer_meeting(app):
    """`by` confirms or declines a proposed meeting through respond_to_meeting; commit."""

    def make(meeting_id: int, by, answer: str = "confirm", *, now=None) -> None:
        with session_for(app) as (session, _detach):
            meetings.respond_to_meeting(
                person_in(session, by), session.get(Meeting, meeting_id), answer, now or utcnow()
            )
            session.commit()

    return make


@pytest.fixture
def meet(propose_meeting, answer_meeting):
    """A meeting `by` proposed and `to` confirmed -> its id. With `now` in the past, a meeting since held."""

    def make(pairing_id: int, by, to, starts_at=None, *, now=None, **details) -> int:
        meeting_id = propose_meeting(pairing_id, by, starts_at, now=now, **details)
        answer_meeting(meeting_id, to, now=now)
        return meeting_id

    return make


@pytest.fixture
def write_goal(app):
    """The resident writes a goal (or reflection, accomplishment) through add_goal; commit -> its id."""

    def make(resident, text: str, *, kind: str = "goal", shared: bool = False) -> int:
        with session_for(app) as (session, _detach):
            goal = goals.add_goal(person_in(session, resident), kind, text, shared, utcnow())
            session.commit()
            return goal.id

    return make


# --- reading back what happened ----------------------------------------------------------------------


def pairing_rows(app, resident_id: int | None = None) -> list[Pairing]:
    """Every pairing (of one resident), oldest first."""
    query = select(Pairing).order_by(Pairing.id)
    if resident_id is not None:
        query = query.where(Pairing.resident_id == resident_id)
    return fetch(app, query)


def pairing_row(app, pairing_id: int) -> Pairing:
    [row] = fetch(app, select(Pairing).where(Pairing.id == pairing_id))
    return row


def active_pairs(app) -> set[tuple[int, int]]:
    """(resident id, coach id) of every active pairing."""
    rows = fetch(app, select(Pairing).where(Pairing.ends_on.is_(None)))
    return {(row.resident_id, row.coach_id) for row in rows}


def meeting_row(app, meeting_id: int) -> Meeting:
    [row] = fetch(app, select(Meeting).where(Meeting.id == meeting_id))
    return row


def meeting_rows(app, pairing_id: int) -> list[Meeting]:
    return fetch(app, select(Meeting).where(Meeting.pairing_id == pairing_id).order_by(Meeting.id))


def goal_rows(app, resident_id: int) -> list[Goal]:
    return fetch(app, select(Goal).where(Goal.resident_id == resident_id).order_by(Goal.id))


def exclusion_pairs(app) -> set[tuple[int, int]]:
    return {(row.resident_id, row.coach_id) for row in fetch(app, select(Exclusion))}


def notices(app, kind: str | None = "coaching") -> list[tuple[int, str, str]]:
    """(person id, subject, body) of every notice of one kind (all kinds with None), in writing order."""
    query = select(Notice).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return [(notice.person_id, notice.subject, notice.body) for notice in fetch(app, query)]


def audit_entries(app, prefix: str = "coaching.") -> list[AuditEntry]:
    """The audited coaching actions, oldest first."""
    return fetch(app, select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id))


def audit_actions(app, prefix: str = "coaching.") -> list[str]:
    return [entry.action for entry in audit_entries(app, prefix)]


@pytest.fixture
def ada(resident):
    """A resident interested in cardiology."""
    return resident("Ada", ("Cardiology",))


@pytest.fixture
def hana(coach):
    """A coach in oncology, outside Ada's field."""
    return coach("Hana", ("Oncology",))


@pytest.fixture
def pairing(ada, hana, pair) -> int:
    """Ada paired with Hana."""
    return pair(ada, hana)
