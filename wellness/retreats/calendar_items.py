"""Retreat sessions on calendars: each person's sessions, and every retreat's agenda in the public retreat feed."""

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..calendar import CalendarItem, Provider, PublicScope, Watch, Window, register
from ..calendar.items import CANCELLED_KEPT_FOR
from ..events.models import Event, EventKind
from ..events.waitlist import Waiting, positions
from ..extensions import db
from .models import RETREAT_KIND, Facilitator, RetreatSession, SessionSignup


def _shown(window: Window):
    """Sessions of published retreats, or of cancelled ones within the grace period, in the window."""
    return and_(
        RetreatSession.ends_at > window.start,
        RetreatSession.starts_at < window.end,
        or_(
            Event.status == "published",
            and_(Event.status == "cancelled", Event.cancelled_at > window.as_of - CANCELLED_KEPT_FOR),
        ),
    )


def _item(
    session: RetreatSession, event: Event, *, title: str, status: str, note: str, updated_at
) -> CalendarItem:
    if event.status == "cancelled":
        title, status = f"Cancelled: {session.title}", "cancelled"
    leaders = ", ".join(facilitator.display_name for facilitator in session.facilitators)
    parts = [
        f"{session.format_label} at {event.title}",
        f"Led by {leaders}" if leaders else "",
        session.description,
        note,
    ]
    return CalendarItem(
        uid=f"retreat-session-{session.id}",
        title=title,
        updated_at=max(updated_at, event.updated_at),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=", ".join(part for part in (session.room, event.location) if part),
        description="\n\n".join(part for part in parts if part),
        status=status,
        categories=(event.kind_name,),
        privacy="public",
        revision=session.revision + event.revision - 1,
        url=f"/retreats/{event.id}",
    )


def personal_items(person_id: int, window: Window) -> list[CalendarItem]:
    """The sessions the person has a place in (confirmed) or is waiting for (tentative, with the position)."""
    rows = db.session.execute(
        select(RetreatSession, Event, SessionSignup)
        .options(selectinload(RetreatSession.facilitators))
        .join(Event, Event.id == RetreatSession.event_id)
        .join(SessionSignup, SessionSignup.session_id == RetreatSession.id)
        .where(SessionSignup.person_id == person_id, _shown(window))
    ).all()
    waiting_in = [session.id for session, _, signup in rows if signup.status == "waitlisted"]
    lines: dict[int, list[Waiting]] = {}
    if waiting_in:
        for session_id, signup_id in db.session.execute(
            select(SessionSignup.session_id, SessionSignup.id)
            .where(SessionSignup.session_id.in_(waiting_in), SessionSignup.status == "waitlisted")
            .order_by(SessionSignup.session_id, SessionSignup.requested_at, SessionSignup.id)
        ):
            lines.setdefault(session_id, []).append(Waiting(signup_id, 1))
    items = []
    for session, event, signup in rows:
        if signup.status == "waitlisted":
            position = positions(lines.get(session.id, [])).get(signup.id)
            title, status = f"Waitlist #{position}: {session.title}", "tentative"
            note = f"You are on this session's waitlist at position {position}."
        else:
            title, status, note = session.title, "confirmed", "You have a place."
        moments = (session.updated_at, signup.requested_at, signup.promoted_at)
        items.append(
            _item(
                session, event, title=title, status=status, note=note, updated_at=max(m for m in moments if m)
            )
        )
    return items


def public_items(scope: PublicScope, window: Window) -> list[CalendarItem]:
    """Every session of every published retreat, in the retreat kind's public feed only."""
    if scope.kind != RETREAT_KIND:
        return []
    rows = db.session.execute(
        select(RetreatSession, Event)
        .options(selectinload(RetreatSession.facilitators))
        .join(Event, Event.id == RetreatSession.event_id)
        .join(EventKind, EventKind.id == Event.kind_id)
        .where(EventKind.slug == RETREAT_KIND, _shown(window))
    ).all()
    return [
        _item(session, event, title=session.title, status="confirmed", note="", updated_at=session.updated_at)
        for session, event in rows
    ]


def _people_in(session, session_ids: set[int]) -> set[int]:
    if not session_ids:
        return set()
    return set(
        session.scalars(select(SessionSignup.person_id).where(SessionSignup.session_id.in_(session_ids)))
    )


def _people_in_retreats(session, event_ids: set[int]) -> set[int]:
    if not event_ids:
        return set()
    return set(
        session.scalars(
            select(SessionSignup.person_id)
            .join(RetreatSession, RetreatSession.id == SessionSignup.session_id)
            .where(RetreatSession.event_id.in_(event_ids))
        )
    )


register(
    Provider(
        name="retreat_sessions",
        personal=personal_items,
        public=public_items,
        watches=(
            # A sign-up changes its person's calendar and the waitlist positions of the others.
            Watch(
                SessionSignup,
                lambda session, signups: (
                    {s.person_id for s in signups} | _people_in(session, {s.session_id for s in signups})
                ),
            ),  # fmt: skip
            Watch(
                RetreatSession,
                lambda session, sessions: _people_in(session, {s.id for s in sessions}),
                public=True,
            ),
            Watch(
                Facilitator,
                lambda session, leads: _people_in(session, {f.session_id for f in leads}),
                public=True,
            ),
            # The retreat's title, place and status are part of every session's item.
            Watch(
                Event,
                lambda session, events: _people_in_retreats(session, {e.id for e in events}),
                public=True,
            ),
        ),
    )
)
