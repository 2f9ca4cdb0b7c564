"""The demo's retreat agendas: last autumn's and this spring's primary care retreats, full skills sessions, ideas."""

from datetime import time, timedelta

from sqlalchemy import select

from ..dates import as_local, local_to_utc
from ..events.models import Event, EventKind, Rsvp
from ..extensions import db
from ..people.models import Person
from ..retreats.models import RETREAT_KIND, RetreatIdea, RetreatSession, SessionSignup
from ..retreats.services import Guest, SessionData, add_session
from ..retreats.signups import is_eligible
from .seed import DemoContext, demo_step

TZ = "America/New_York"
# (start, end, title, format, seats, only these levels, room); sessions sharing a start run side by side.
AGENDA = (
    ("08:00", "09:00", "Breakfast and small-group reflection", "reflection", None, (), "Great Hall"),
    ("09:00", "10:30", "Round table: the future of primary care", "round_table", 30, (), "Library"),
    ("10:45", "12:00", "Panel management in practice", "workshop", None, (), "Great Hall"),
    ("13:00", "14:30", "IUD placement", "skills", 6, (2, 3), "Carriage House"),
    ("13:00", "14:30", "Motivational interviewing", "workshop", None, (), "Library"),
    ("14:30", "16:00", "Nexplanon placement", "skills", 4, (2, 3), "Carriage House"),
    ("14:30", "16:00", "Curriculum planning for next year", "workshop", None, (), "Great Hall"),
)
SKILLS_LEADS = (
    "Family planning faculty: hands-on practice on task trainers. Counts toward your procedure log."
)


def _primary_care_retreats() -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .join(EventKind, EventKind.id == Event.kind_id)
            .where(EventKind.slug == RETREAT_KIND, Event.title.like("Primary care % retreat"))
            .order_by(Event.starts_at)
        )
    )


def _build_agenda(ctx: DemoContext, retreat: Event, coordinator: Person, faculty: list[Person]) -> list:
    day = as_local(retreat.starts_at, TZ).date()
    leader = ctx.fake.name()
    sessions = []
    for start, end, title, kind, seats, levels, room in AGENDA:
        leads = ctx.rng.sample(faculty, 2 if kind == "skills" else 1)
        data = SessionData(
            title=title,
            format=kind,
            starts_at=local_to_utc(day, time.fromisoformat(start), TZ),
            ends_at=local_to_utc(day, time.fromisoformat(end), TZ),
            room=room,
            description=SKILLS_LEADS if kind == "skills" else "",
            capacity=seats,
            levels=levels,
            faculty_emails=() if kind == "round_table" else tuple(lead.email for lead in leads),
            guests=(Guest(f"Dr. {leader}", "Professor of Medicine", "Society of General Internal Medicine"),)
            if kind == "round_table"
            else (),
        )
        sessions.append(add_session(coordinator, retreat, data))
    return sessions


def _sign_up_everyone(ctx: DemoContext, retreat: Event, sessions: list[RetreatSession]) -> None:
    """Each resident going takes the morning, then one session in each afternoon slot, skills first
    when eligible; full sessions fill in a random order and keep a waitlist."""
    going = list(
        db.session.scalars(
            select(Person)
            .join(Rsvp, Rsvp.person_id == Person.id)
            .where(Rsvp.event_id == retreat.id, Rsvp.response == "going")
            .order_by(Person.id)
        )
    )
    ctx.rng.shuffle(going)
    now = local_to_utc(ctx.today, time(12), TZ)
    taken = {session.id: 0 for session in sessions}
    base = retreat.published_at or retreat.created_at or retreat.starts_at - timedelta(days=30)
    for n, person in enumerate(going):
        requested = base + timedelta(minutes=7 * n + 1)
        chosen_starts = set()
        for session in sorted(sessions, key=lambda s: (s.starts_at, s.format != "skills")):
            if session.starts_at in chosen_starts or not is_eligible(session, person):
                continue
            if session.format == "skills" and ctx.rng.random() < 0.1:
                continue  # not everyone wants a procedure session
            full = session.capacity is not None and taken[session.id] >= session.capacity
            if full and session.starts_at < now:
                continue  # a past session's waitlist is of no interest
            status = "waitlisted" if full else "going"
            db.session.add(
                SessionSignup(
                    session_id=session.id, person_id=person.id, status=status, requested_at=requested
                )
            )
            taken[session.id] += status == "going"
            chosen_starts.add(session.starts_at)  # a waitlist place holds the slot too


IDEAS = (
    (
        "curricular_idea",
        "Ambulatory teaching",
        "A monthly primary care journal club during ambulatory blocks.",
    ),
    (
        "curricular_idea",
        "Ambulatory teaching",
        "More point-of-care ultrasound in clinic, with faculty sign-off.",
    ),
    ("clinical_initiative", "Access", "Same-day slots for our own patients' urgent visits."),
    ("clinical_initiative", "Quality", "A diabetes panel-management huddle once a month."),
    ("reflection", "Wellness", "Grateful for a day to step back together; more of these, please."),
    ("curricular_idea", "Careers", "A session on contracts and job offers earlier than PGY-3."),
)


def _ideas_after(ctx: DemoContext, retreat: Event, sessions: list[RetreatSession]) -> None:
    """Feedback and ideas sent in the days after a past retreat, some anonymous."""
    goers = [
        signup.person_id
        for signup in db.session.scalars(
            select(SessionSignup).where(SessionSignup.session_id == sessions[0].id).order_by(SessionSignup.id)
        )
    ]
    day = as_local(retreat.ends_at, TZ).date()
    for n, person_id in enumerate(goers[:18]):
        anonymous = ctx.rng.random() < 0.3
        when = local_to_utc(day + timedelta(days=1 + n % 5), time(12) if anonymous else time(20, n), TZ)
        session = sessions[n % len(sessions)]
        db.session.add(
            RetreatIdea(
                event_id=retreat.id,
                kind="session_feedback",
                session_id=session.id,
                rating=ctx.rng.choice((3, 4, 4, 5, 5)),
                text=ctx.rng.choice(("Practical and well run.", "Wanted more time for questions.",
                                     "The best part of the day.", "Useful; smaller groups would help.")),
                author_id=None if anonymous else person_id,
                submitted_at=when,
            )
        )  # fmt: skip
        if n < len(IDEAS):
            kind, theme, text = IDEAS[n]
            db.session.add(
                RetreatIdea(event_id=retreat.id, kind=kind, theme=theme, text=text,
                            author_id=None if anonymous else person_id, submitted_at=when)
            )  # fmt: skip


@demo_step
def seed_retreat_agendas(ctx: DemoContext) -> None:
    """Agendas for the primary care retreats, with sign-ups: the skills sessions fill and keep a waitlist."""
    people = ctx.people
    coordinator = next(
        person for person in people["coordinator"] if person.email == "coordinator@example.org"
    )
    faculty = sorted(people["faculty"], key=lambda person: person.email)
    for retreat in _primary_care_retreats():
        sessions = _build_agenda(ctx, retreat, coordinator, faculty)
        db.session.flush()
        _sign_up_everyone(ctx, retreat, sessions)
        db.session.flush()
        if retreat.ends_at < local_to_utc(ctx.today, time(0), TZ):
            _ideas_after(ctx, retreat, sessions)
    db.session.flush()
