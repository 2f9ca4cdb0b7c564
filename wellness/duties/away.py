"""Time away: a person's requests, a coordinator's approvals and declines, cancelling, and vacation use.

Only approved periods make a person unavailable. Approving one changes their calendar, so the covers
they give on those days are released before the approval commits (covers.recheck_covers), and the
coordinator is told. Vacation is counted in calendar days per academic year (1 July to 30 June) against
four weeks; going past them is allowed, but every page and notice that counts them says so.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..audit import record
from ..database import begin_immediate
from ..dates import utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person
from ..people.permissions import is_staff
from .covers import coordinators
from .models import AWAY_KINDS, AwayPeriod
from .vacation import VacationUse, vacation_after

MAX_AWAY_DAYS = 365
MAX_NOTE = 500
OPEN = ("requested", "approved")

# Pages elsewhere that own some away periods (an SGIM trip is changed by answering the invitation):
# each takes a period and returns the path where it is changed, or None.
MANAGERS: list[Callable[[AwayPeriod], str | None]] = []


def managed_elsewhere(manager: Callable[[AwayPeriod], str | None]):
    """Register a domain whose records own some away periods (usable as a decorator)."""
    if manager not in MANAGERS:
        MANAGERS.append(manager)
    return manager


def managed_at(period: AwayPeriod) -> str | None:
    """The path of the page that owns this period, or None when it is changed here."""
    return next((path for path in (manager(period) for manager in MANAGERS) if path), None)


def away_during(duties, periods: list[AwayPeriod]) -> dict[int, AwayPeriod]:
    """{duty id: the approved period it falls in} for the duties (of one person) on days they are away."""
    approved = [period for period in periods if period.status == "approved"]
    found = {}
    for duty in duties:
        period = next((p for p in approved if p.starts_on <= duty.duty_on <= p.ends_on), None)
        if period is not None:
            found[duty.id] = period
    return found


def days_text(first: date, last: date) -> str:
    """ "Apr 13, 2027" or "Apr 13 – Apr 16, 2027" or "Dec 28, 2026 – Jan 2, 2027"."""
    if first == last:
        return first.strftime("%b %-d, %Y")
    start = first.strftime("%b %-d") if first.year == last.year else first.strftime("%b %-d, %Y")
    return f"{start} – {last.strftime('%b %-d, %Y')}"


# --- the rules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwayData:
    kind: str
    starts_on: date
    ends_on: date
    note: str = ""


def _lock(person: Person) -> None:
    """Take the lock on the person's row: two requests of one person at once queue, so they cannot overlap."""
    begin_immediate()
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def overlapping(person_id: int, first: date, last: date, leave_out: int | None = None) -> AwayPeriod | None:
    """The person's first requested or approved period overlapping `first`..`last` (but `leave_out`)."""
    query = select(AwayPeriod).where(
        AwayPeriod.person_id == person_id,
        AwayPeriod.status.in_(OPEN),
        AwayPeriod.starts_on <= last,
        AwayPeriod.ends_on >= first,
    )
    if leave_out is not None:
        query = query.where(AwayPeriod.id != leave_out)
    return db.session.scalars(query.order_by(AwayPeriod.starts_on, AwayPeriod.id)).first()


def _check(person: Person, data: AwayData, today: date | None, leave_out: int | None = None) -> None:
    """Refuse a period that cannot be: see request_away. `today` None allows days in the past."""
    if data.kind not in AWAY_KINDS:
        raise ValidationFailed("Choose the kind of time away.", field="kind")
    if data.ends_on < data.starts_on:
        raise ValidationFailed("The last day must be on or after the first.", field="ends_on")
    if today is not None and data.starts_on < today:
        raise ValidationFailed("Time away is requested ahead: the first day has passed.", field="starts_on")
    if (data.ends_on - data.starts_on).days + 1 > MAX_AWAY_DAYS:
        raise ValidationFailed(
            "Time away can be at most a year long; enter longer leave in parts.", field="ends_on"
        )
    if len(data.note) > MAX_NOTE:
        raise ValidationFailed(f"Keep the note to {MAX_NOTE} characters.", field="note")
    other = overlapping(person.id, data.starts_on, data.ends_on, leave_out)
    if other is not None:
        whose = "You already have" if today is not None else f"{person.name} already has"
        raise Conflict(
            f"{whose} {other.label} ({other.status}) on {days_text(other.starts_on, other.ends_on)}, "
            "which overlaps those days.",
            field="starts_on",
        )


def _new_period(actor, person: Person, data: AwayData, status: str, now: datetime) -> AwayPeriod:
    period = AwayPeriod(
        person_id=person.id,
        kind=data.kind,
        note=data.note.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        status=status,
        requested_by_id=getattr(actor, "id", None),
        created_at=now,
        updated_at=now,
    )
    if status == "approved":
        period.decided_by_id, period.decided_at = getattr(actor, "id", None), now
    db.session.add(period)
    db.session.flush()
    record(
        actor,
        f"away.{status}",
        "away_period",
        period.id,
        None,
        {
            "person_id": person.id,
            "kind": data.kind,
            "starts_on": data.starts_on.isoformat(),
            "ends_on": data.ends_on.isoformat(),
        },
    )
    return period


def _summary(period: AwayPeriod) -> str:
    days = "1 day" if period.days == 1 else f"{period.days} days"
    return f"{AWAY_KINDS[period.kind]} on {days_text(period.starts_on, period.ends_on)} ({days})"


def _vacation_sentence(uses: list[VacationUse], if_approved: bool = False) -> str:
    """ " 12 of 28 vacation days in 2026–27 approved." (" If approved: …" for a request), or the warning."""
    within = (
        "If approved: {} of {} vacation days in {} approved."
        if if_approved
        else "{} of {} vacation days in {} approved."
    )
    parts = [use.warning(if_approved) or within.format(use.approved, use.allowed, use.label) for use in uses]
    return (" " + " ".join(parts)) if parts else ""


def may_request_away(person) -> bool:
    return (
        bool(getattr(person, "is_authenticated", False))
        and person.is_active
        and (person.is_resident or person.is_faculty)
    )


def request_away(actor, data: AwayData, today: date, now: datetime | None = None) -> AwayPeriod:
    """The acting resident (or faculty member) asks for time away; every coordinator is told.

    Refused with nothing written: NotAllowed (not a resident or faculty); ValidationFailed (unknown
    kind, last day before the first, the first day before `today`, more than a year long, note too
    long); Conflict (it overlaps another requested or approved period of theirs, which it names).
    """
    if not may_request_away(actor):
        raise NotAllowed("Residents and faculty request time away here.")
    now = now or utcnow()
    _lock(actor)
    _check(actor, data, today)
    period = _new_period(actor, actor, data, "requested", now)
    use = _vacation_sentence(vacation_after(period), if_approved=True)
    for coordinator in coordinators():
        if coordinator.id != actor.id:
            notify(
                coordinator,
                "away_requested",
                f"Time away requested: {actor.name}",
                f"{actor.name} asks for {_summary(period)}.{use}",
                "/duties/away",
            )
    return period


def enter_away(actor, person: Person, data: AwayData, now: datetime | None = None) -> AwayPeriod:
    """A coordinator enters time away for `person`, approved at once (past days allowed: sick days are
    entered afterwards); the person is told. Covers the person gives on those days are released before
    the commit. Raises NotAllowed (not staff) and the ValidationFailed and Conflict of request_away,
    but for days in the past."""
    if not is_staff(actor):
        raise NotAllowed("Only coordinators enter time away for someone.")
    if not person.is_active or not (person.is_resident or person.is_faculty):
        raise ValidationFailed(f"{person.name} is not an active resident or faculty member.")
    now = now or utcnow()
    _lock(person)
    _check(person, data, None)
    period = _new_period(actor, person, data, "approved", now)
    if person.id != actor.id:
        notify(
            person,
            "away_approved",
            f"Time away entered: {AWAY_KINDS[period.kind]}",
            f"{actor.name} entered your {_summary(period)}; it is on your calendar."
            f"{_vacation_sentence(vacation_after(period))}",
            "/duties",
        )
    return period


def _require_staff(actor, what: str) -> None:
    if not is_staff(actor):
        raise NotAllowed(f"Only coordinators {what} time away.")


def approve_away(actor, period: AwayPeriod, now: datetime | None = None) -> list[VacationUse]:
    """Approve a requested period; the person is told, with their vacation use when it is vacation.

    Returns the vacation use of each year it touches after approval (empty for other kinds): going past
    the allowance is allowed, and the caller says so. Covers the person gives on those days are released
    before the commit. Raises NotAllowed (not staff) and Conflict (no longer requested, or it overlaps an
    approved period made since, such as an SGIM trip).
    """
    _require_staff(actor, "approve")
    now = now or utcnow()
    person = db.session.get(Person, period.person_id)
    _lock(person)
    db.session.refresh(period)
    if period.status != "requested":
        raise Conflict(f"This request was {period.status} already.")
    other = overlapping(person.id, period.starts_on, period.ends_on, leave_out=period.id)
    if other is not None and other.status == "approved":
        raise Conflict(
            f"{person.name} has {other.label} on {days_text(other.starts_on, other.ends_on)} approved, "
            "which overlaps these days: decline this request or change the other first."
        )
    period.status, period.decided_by_id, period.decided_at = "approved", getattr(actor, "id", None), now
    period.revision, period.updated_at = period.revision + 1, now
    db.session.flush()
    uses = vacation_after(period)
    record(actor, "away.approve", "away_period", period.id, {"status": "requested"}, {"status": "approved"})
    notify(
        person,
        "away_approved",
        f"Time away approved: {AWAY_KINDS[period.kind]}",
        f"Your {_summary(period)} is approved; it is on your calendar.{_vacation_sentence(uses)}",
        "/duties",
    )
    return uses


def decline_away(actor, period: AwayPeriod, reason: str, now: datetime | None = None) -> AwayPeriod:
    """Decline a requested period with a reason the person is told. Raises NotAllowed (not staff),
    ValidationFailed (no reason, or longer than 500 characters) and Conflict (no longer requested)."""
    _require_staff(actor, "decline")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("Say why the request is declined.", field="reason")
    if len(reason) > MAX_NOTE:
        raise ValidationFailed(f"Keep the reason to {MAX_NOTE} characters.", field="reason")
    now = now or utcnow()
    _lock(db.session.get(Person, period.person_id))
    db.session.refresh(period)
    if period.status != "requested":
        raise Conflict(f"This request was {period.status} already.")
    period.status, period.decision_reason = "declined", reason
    period.decided_by_id, period.decided_at = getattr(actor, "id", None), now
    period.revision, period.updated_at = period.revision + 1, now
    record(
        actor,
        "away.decline",
        "away_period",
        period.id,
        {"status": "requested"},
        {"status": "declined", "reason": reason},
    )
    notify(
        period.person,
        "away_declined",
        f"Time away declined: {AWAY_KINDS[period.kind]}",
        f"Your request for {_summary(period)} was declined: {reason}",
        "/duties",
    )
    db.session.flush()
    return period


def can_cancel_away(person, period: AwayPeriod, today: date) -> bool:
    """The person cancels their own request, or their approved time away before it begins; coordinators
    cancel any request or approved period. Periods another page owns (SGIM trips) are changed there."""
    if period.status not in OPEN or managed_at(period):
        return False
    if is_staff(person):
        return True
    own = getattr(person, "id", None) == period.person_id
    return own and (period.status == "requested" or period.starts_on > today)


def cancel_away(actor, period: AwayPeriod, today: date, now: datetime | None = None) -> AwayPeriod:
    """Cancel a requested or approved period (see can_cancel_away); coordinators are told when the person
    cancels an approved one, and the person when a coordinator cancels theirs.

    Raises NotAllowed (not theirs or staff's to cancel, or already begun) and Conflict (already declined
    or cancelled, or owned by another page, which the message names)."""
    if period.status not in OPEN:
        raise Conflict(f"This time away was {period.status} already.")
    path = managed_at(period)
    if path:
        raise Conflict(f"{period.label} is changed on its own page: {path}")
    if not can_cancel_away(actor, period, today):
        raise NotAllowed("Time away that has begun is changed by a coordinator.")
    now = now or utcnow()
    before = period.status
    period.status, period.revision, period.updated_at = "cancelled", period.revision + 1, now
    record(actor, "away.cancel", "away_period", period.id, {"status": before}, {"status": "cancelled"})
    person = period.person
    if person.id != getattr(actor, "id", None):
        notify(
            person,
            "away_cancelled",
            f"Time away cancelled: {AWAY_KINDS[period.kind]}",
            f"{actor.name} cancelled your {_summary(period)}.",
            "/duties",
        )
    elif before == "approved":
        for coordinator in coordinators():
            if coordinator.id != person.id:
                notify(
                    coordinator,
                    "away_cancelled",
                    f"Time away cancelled: {person.name}",
                    f"{person.name} cancelled their approved {_summary(period)}.",
                    "/duties/away",
                )
    db.session.flush()
    return period


# --- reading -------------------------------------------------------------------------------------------


def periods_of(person_id: int, since: date) -> list[AwayPeriod]:
    """The person's periods ending on or after `since`, any status, by first day."""
    return list(
        db.session.scalars(
            select(AwayPeriod)
            .where(AwayPeriod.person_id == person_id, AwayPeriod.ends_on >= since)
            .order_by(AwayPeriod.starts_on, AwayPeriod.id)
        )
    )


def pending_requests() -> list[AwayPeriod]:
    """Requests waiting for a coordinator, oldest first."""
    return list(
        db.session.scalars(
            select(AwayPeriod)
            .where(AwayPeriod.status == "requested")
            .order_by(AwayPeriod.created_at, AwayPeriod.id)
        )
    )


def upcoming_approved(today: date, days: int = 90) -> list[AwayPeriod]:
    """Approved time away under way or beginning in the next `days` days, by first day."""
    return list(
        db.session.scalars(
            select(AwayPeriod)
            .where(
                AwayPeriod.status == "approved",
                AwayPeriod.ends_on >= today,
                AwayPeriod.starts_on <= today + timedelta(days=days),
            )
            .order_by(AwayPeriod.starts_on, AwayPeriod.id)
        )
    )
