"""Shaping the curriculum: residents' ideas, initiatives, reflections and session feedback around a retreat.

Anonymous submissions keep no link to their author: no author id, no audit entry naming them, and
only the day they were sent (a time to the second could be matched against access logs).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..dates import local_date, local_to_utc, utcnow
from ..errors import NotAllowed, ValidationFailed
from ..events.display import program_tz
from ..events.models import Event
from ..events.services import is_for
from ..extensions import db
from ..people.permissions import can_manage_events
from ..spreadsheets import csv_text
from .models import IDEA_KINDS, RetreatIdea, RetreatSession

OPEN_AFTER = timedelta(days=60)  # submissions stay open this long after the retreat ends
MAX_TEXT = 4_000


@dataclass(frozen=True)
class IdeaData:
    """A submission as the form gives it. `session_id` and `rating` are for session feedback."""

    kind: str
    text: str
    theme: str = ""
    session_id: int | None = None
    rating: int | None = None
    is_anonymous: bool = False


def submissions_open(event: Event, now: datetime) -> bool:
    """From publishing until OPEN_AFTER past the retreat's end."""
    return event.status == "published" and now < event.ends_at + OPEN_AFTER


def _check(person, event: Event, data: IdeaData, now: datetime) -> RetreatSession | None:
    if not person.is_resident:
        raise NotAllowed("Ideas and reflections come from residents.")
    if not is_for(person, event):
        raise NotAllowed("This retreat is not for you, so it takes no ideas from you.")
    if not submissions_open(event, now):
        raise ValidationFailed("This retreat no longer takes ideas and reflections.")
    if data.kind not in IDEA_KINDS:
        raise ValidationFailed("Choose what you are sending from the list.", field="kind")
    text = data.text.strip()
    if not text:
        raise ValidationFailed("Write your idea or reflection.", field="text")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"Keep it to {MAX_TEXT:,} characters or fewer.", field="text")
    if len(data.theme.strip()) > 80:
        raise ValidationFailed("Keep the theme to 80 characters or fewer.", field="theme")
    if data.rating is not None and not 1 <= data.rating <= 5:
        raise ValidationFailed("Rate from 1 to 5.", field="rating")
    if data.kind != "session_feedback":
        return None
    if data.rating is None:
        raise ValidationFailed("Rate the session from 1 to 5.", field="rating")
    session = db.session.get(RetreatSession, data.session_id) if data.session_id else None
    if session is None or session.event_id != event.id:
        raise ValidationFailed("Choose a session of this retreat.", field="session_id")
    return session


def submit_idea(person, event: Event, data: IdeaData, now: datetime | None = None) -> RetreatIdea:
    """Store a resident's submission for the retreat. Raises NotAllowed and ValidationFailed."""
    now = now or utcnow()
    session = _check(person, event, data, now)
    tz = program_tz()
    idea = RetreatIdea(
        event_id=event.id,
        kind=data.kind,
        session_id=session.id if session else None,
        rating=data.rating if data.kind == "session_feedback" or data.rating else None,
        theme=" ".join(data.theme.split()),
        text=data.text.strip(),
        author_id=None if data.is_anonymous else person.id,
        # An anonymous submission keeps only its day, at noon, so no moment ties it to a request.
        submitted_at=local_to_utc(local_date(now, tz), datetime.min.time().replace(hour=12), tz)
        if data.is_anonymous
        else now,
    )
    db.session.add(idea)
    db.session.flush()
    return idea


def my_ideas(person, event: Event) -> list[RetreatIdea]:
    """The person's own named submissions for the retreat (anonymous ones cannot be found again)."""
    return list(
        db.session.scalars(
            select(RetreatIdea)
            .where(RetreatIdea.event_id == event.id, RetreatIdea.author_id == person.id)
            .order_by(RetreatIdea.submitted_at.desc(), RetreatIdea.id.desc())
        )
    )


@dataclass(frozen=True)
class SessionFeedback:
    session: RetreatSession
    ratings: int
    average: float | None
    comments: list[RetreatIdea]


@dataclass(frozen=True)
class IdeaReport:
    """What coordinators read: feedback per session with average ratings, and the rest by theme."""

    sessions: list[SessionFeedback]
    themes: dict[str, list[RetreatIdea]]  # theme ("" for none) -> submissions, newest first
    total: int


def idea_report(actor, event: Event) -> IdeaReport:
    """Every submission for the retreat, grouped. Raises NotAllowed for anyone but coordinators."""
    if not can_manage_events(actor):
        raise NotAllowed("Only coordinators read the retreat's ideas and feedback.")
    ideas = list(
        db.session.scalars(
            select(RetreatIdea)
            .where(RetreatIdea.event_id == event.id)
            .order_by(RetreatIdea.submitted_at.desc(), RetreatIdea.id.desc())
        )
    )
    by_session: dict[int, list[RetreatIdea]] = defaultdict(list)
    themes: dict[str, list[RetreatIdea]] = defaultdict(list)
    for idea in ideas:
        if idea.session_id is not None:
            by_session[idea.session_id].append(idea)
        else:
            themes[idea.theme.lower()].append(idea)
    sessions = []
    for session in db.session.scalars(
        select(RetreatSession).where(RetreatSession.event_id == event.id).order_by(RetreatSession.starts_at)
    ):
        rated = [idea.rating for idea in by_session[session.id] if idea.rating]
        average = round(sum(rated) / len(rated), 2) if rated else None
        sessions.append(SessionFeedback(session, len(rated), average, by_session[session.id]))
    return IdeaReport(sessions, dict(sorted(themes.items())), len(ideas))


def ideas_csv(actor, event: Event) -> str:
    """Every submission as CSV: day, kind, session, rating, theme, text, and the author or "Anonymous".

    Raises NotAllowed for anyone but coordinators.
    """
    report = idea_report(actor, event)
    tz = program_tz()
    ideas = [idea for feedback in report.sessions for idea in feedback.comments]
    ideas += [idea for themed in report.themes.values() for idea in themed]
    # By day, then kind and text: never by id or time within a day, which would place anonymous
    # submissions among named ones.
    ideas.sort(key=lambda idea: (local_date(idea.submitted_at, tz), idea.kind, idea.text))
    return csv_text(
        ["submitted_on", "kind", "session", "rating", "theme", "text", "author", "author_email"],
        (
            (
                local_date(idea.submitted_at, tz).isoformat(),
                idea.kind_label,
                idea.session.title if idea.session else "",
                idea.rating or "",
                idea.theme,
                idea.text,
                idea.author.name if idea.author else "Anonymous",
                idea.author.email if idea.author else "",
            )
            for idea in ideas
        ),
    )
