"""Signing up for retreat sessions: eligibility, clashes, seats and the session waitlist.

Seats follow the events' rules (events/waitlist.py) with one seat per person: strict arrival
order, promotion in the same transaction when a place frees up, and no overbooking. A sign-up
takes the retreat's lock, then the session's, and only then counts; leaving the retreat (which
takes the retreat's lock too) drops the person's sessions, so nobody holds a session place
without a place at the retreat.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..audit import record
from ..calendar import find_clashes
from ..dates import local_date, utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..events.display import local_text, program_tz
from ..events.models import Rsvp
from ..events.seats import lock_event, on_leaving
from ..events.waitlist import Waiting, fits, positions, promotions
from ..extensions import db
from ..notifications.services import notify
from ..people.programs import PROGRAMS
from .models import RetreatSession, SessionSignup


def lock_session(session_id: int) -> RetreatSession:
    """Take the session's seat lock for the rest of the transaction (after the retreat's); re-read it."""
    session = db.session.scalar(
        select(RetreatSession)
        .where(RetreatSession.id == session_id)
        .with_for_update(of=RetreatSession)
        .execution_options(populate_existing=True)
    )
    if session is None:
        raise LookupError(session_id)
    return session


def places_taken(session_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(SessionSignup.session_id == session_id, SessionSignup.status == "going")
    )


def session_waitlist(session_id: int) -> list[SessionSignup]:
    return list(
        db.session.scalars(
            select(SessionSignup)
            .where(SessionSignup.session_id == session_id, SessionSignup.status == "waitlisted")
            .order_by(SessionSignup.requested_at, SessionSignup.id)
        )
    )


def is_eligible(session: RetreatSession, person) -> bool:
    """Whether the person's program and PGY on the retreat's first day fit the session's eligibility."""
    programs, levels = session.program_keys, session.levels
    if not (programs or levels):
        return True
    if not person.is_resident:
        return False
    if programs and person.program not in programs:
        return False
    return not levels or person.pgy_on(local_date(session.event.starts_at, program_tz())) in levels


def describe_eligibility(session: RetreatSession) -> str:
    """Who may take the session, in words: "Everyone at the retreat" or "Primary care, PGY-2, PGY-3"."""
    programs = [PROGRAMS[key].label for key in session.program_keys if key in PROGRAMS]
    levels = [f"PGY-{level}" for level in session.levels]
    return ", ".join(programs + levels) or "Everyone at the retreat"


@dataclass
class SignupOutcome:
    signup: SessionSignup | None
    changed: bool
    position: int | None = None


def _check(actor, session: RetreatSession, person, now: datetime) -> None:
    if actor.id != person.id:
        raise NotAllowed("You can only sign yourself up for sessions.")
    if session.event.status != "published":
        raise ValidationFailed("This retreat is not open for sign-ups.")
    if now >= session.starts_at:
        raise ValidationFailed(f"This session started on {local_text(session.starts_at, program_tz())}.")
    if not is_eligible(session, person):
        raise NotAllowed(f"This session is for {describe_eligibility(session)} only.")


def _going_to_retreat(event_id: int, person_id: int) -> bool:
    return (
        db.session.scalar(select(Rsvp.response).where(Rsvp.event_id == event_id, Rsvp.person_id == person_id))
        == "going"
    )


def sign_up(actor, session: RetreatSession, person, now: datetime | None = None) -> SignupOutcome:
    """Sign `person` (the actor) up for a session: a place when one is free, else the waitlist.

    Raises NotAllowed (someone else, not eligible), ValidationFailed (not going to the retreat,
    retreat not published, session started) and Conflict (another session or event at the same
    time, naming it; full with no waitlist).
    """
    told_now = now
    now = now or utcnow()
    _check(actor, session, person, now)
    if lock_event(session.event_id).status != "published":
        raise ValidationFailed("This retreat is not open for sign-ups.")
    session = lock_session(session.id)
    if told_now is None:
        # Arrival is when the request gets the locks, so the waitlist's order is the order its
        # places were given, and the position told to each person stays true.
        now = utcnow()
    if not _going_to_retreat(session.event_id, person.id):
        raise ValidationFailed("Answer going to the retreat first; then choose its sessions.")
    signup = db.session.scalar(
        select(SessionSignup).where(
            SessionSignup.session_id == session.id, SessionSignup.person_id == person.id
        )
    )
    if signup is not None:
        return SignupOutcome(signup, changed=False, position=waitlist_position(signup))
    clashes = find_clashes(
        person.id,
        session.starts_at,
        session.ends_at,
        program_tz(),
        now,
        ignore=(f"event-{session.event_id}",),
    )
    if clashes:
        raise Conflict(f"{session.title} overlaps {clashes[0].title}, which you are already going to.")
    waiting_for = _overlapping_waitlist(session, person.id)
    if waiting_for:
        # A waitlist place would become a place later with no check: refuse the overlap now.
        raise Conflict(
            f"{session.title} overlaps {waiting_for}, whose waitlist you are on. Leave that waitlist first."
        )
    if fits(session.capacity, places_taken(session.id), 1):
        status = "going"
    elif session.has_waitlist:
        status = "waitlisted"
    else:
        raise Conflict(f"{session.title} is full and has no waitlist.")
    signup = SessionSignup(session_id=session.id, person_id=person.id, status=status, requested_at=now)
    db.session.add(signup)
    db.session.flush()
    record(actor, f"session.{'signed_up' if status == 'going' else 'waitlisted'}", "event", session.event_id,
           None, {"session": session.title, "person": person.email})  # fmt: skip
    return SignupOutcome(signup, changed=True, position=waitlist_position(signup))


def _overlapping_waitlist(session: RetreatSession, person_id: int) -> str | None:
    """The title of another session of the retreat, overlapping this one, whose waitlist the person is on."""
    return db.session.scalar(
        select(RetreatSession.title)
        .join(SessionSignup, SessionSignup.session_id == RetreatSession.id)
        .where(
            SessionSignup.person_id == person_id,
            SessionSignup.status == "waitlisted",
            RetreatSession.event_id == session.event_id,
            RetreatSession.id != session.id,
            RetreatSession.starts_at < session.ends_at,
            RetreatSession.ends_at > session.starts_at,
        )
        .limit(1)
    )


def waitlist_position(signup: SessionSignup) -> int | None:
    if signup.status != "waitlisted":
        return None
    line = [Waiting(waiting.id, 1) for waiting in session_waitlist(signup.session_id)]
    return positions(line).get(signup.id)


def promote_session_waitlist(actor, session: RetreatSession, now: datetime) -> list[SessionSignup]:
    """Give every waiting person who now fits a place, in arrival order, and tell them. Caller holds the lock."""
    waiting = session_waitlist(session.id)
    chosen = set(promotions(session.capacity, places_taken(session.id), [Waiting(s.id, 1) for s in waiting]))
    promoted = [signup for signup in waiting if signup.id in chosen]
    for signup in promoted:
        signup.status, signup.promoted_at = "going", now
        record(actor, "session.promoted", "event", session.event_id, None,
               {"session": session.title, "person": signup.person.email})  # fmt: skip
        notify(
            signup.person,
            "promoted",
            f"You have a place: {session.title}",
            f"A place opened up in {session.title} at {session.event.title}, and it is yours.",
            f"/retreats/{session.event_id}",
        )
    db.session.flush()
    return promoted


def leave_session(actor, session: RetreatSession, person, now: datetime | None = None) -> bool:
    """Give up a place (or a waitlist place) in a session; the next in line moves up.

    Returns whether there was anything to leave. Raises NotAllowed for someone else's place and
    ValidationFailed once the retreat is cancelled or the session has started (as event answers).
    """
    now = now or utcnow()
    if actor.id != person.id:
        raise NotAllowed("You can only leave your own sessions.")
    if lock_event(session.event_id).status != "published":
        raise ValidationFailed("This retreat is not open for changes.")
    session = lock_session(session.id)
    if now >= session.starts_at:
        raise ValidationFailed(f"This session started on {local_text(session.starts_at, program_tz())}.")
    return _drop(actor, session, person.id, now)


def _drop(actor, session: RetreatSession, person_id: int, now: datetime) -> bool:
    signup = db.session.scalar(
        select(SessionSignup).where(
            SessionSignup.session_id == session.id, SessionSignup.person_id == person_id
        )
    )
    if signup is None:
        return False
    record(actor, "session.left", "event", session.event_id,
           {"session": session.title, "person": signup.person.email, "status": signup.status}, None)  # fmt: skip
    db.session.delete(signup)
    db.session.flush()
    promote_session_waitlist(actor, session, now)
    return True


@on_leaving
def drop_sessions_of(actor, event, person, now: datetime) -> None:
    """Someone stopped going to a retreat: they leave every one of its sessions (the retreat's lock is held)."""
    session_ids = db.session.scalars(
        select(SessionSignup.session_id)
        .join(RetreatSession, RetreatSession.id == SessionSignup.session_id)
        .where(RetreatSession.event_id == event.id, SessionSignup.person_id == person.id)
        .order_by(SessionSignup.session_id)
    ).all()
    for session_id in session_ids:
        _drop(actor, lock_session(session_id), person.id, now)
