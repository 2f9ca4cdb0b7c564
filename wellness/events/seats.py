"""RSVPs and seats: answering, the waitlist and its promotions, and check-in at the door.

Every change to who holds a seat locks the event first and only then reads what is free: on
PostgreSQL a SELECT ... FOR UPDATE on the event row, on SQLite a BEGIN IMMEDIATE transaction. So
simultaneous answers through many workers queue on the lock, and the capacity is never exceeded.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..audit import record
from ..database import begin_immediate
from ..dates import utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person
from ..people.permissions import can_check_in, can_manage_events
from .display import local_text, program_tz
from .elsewhere import answer_page
from .models import MAX_CAPACITY, MAX_GUESTS, Event, Rsvp
from .waitlist import Waiting, fits, positions, promotions

# hook(actor, event, person, now), run in the same transaction, under the event's lock, when
# someone who was going to an event stops going. Domains built on events (retreat sessions) free
# the places that hung on it.
LEAVING_HOOKS: list[Callable] = []


def on_leaving(hook: Callable) -> Callable:
    """Register a hook to run when someone stops going to an event (see LEAVING_HOOKS)."""
    if hook not in LEAVING_HOOKS:
        LEAVING_HOOKS.append(hook)
    return hook


ANSWERS = {"going": "going", "waitlisted": "going (waitlisted)", "maybe": "maybe", "not_going": "not going"}


def lock_event(event_id: int) -> Event:
    """Take the event's seat lock for the rest of the transaction and return the event, re-read.

    Must run before the request writes anything (see database.begin_immediate).
    Raises LookupError when the event is gone.
    """
    begin_immediate()
    event = db.session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update(of=Event)
        .execution_options(populate_existing=True)
    )
    if event is None:
        raise LookupError(event_id)
    return event


def seats_taken(event_id: int) -> int:
    """Seats held by people going: each counts once plus their guests."""
    return db.session.scalar(
        select(func.coalesce(func.sum(1 + Rsvp.guests), 0)).where(
            Rsvp.event_id == event_id, Rsvp.response == "going"
        )
    )


def waitlist(event_id: int) -> list[Rsvp]:
    """The waitlist in arrival order (ties broken by id)."""
    return list(
        db.session.scalars(
            select(Rsvp)
            .where(Rsvp.event_id == event_id, Rsvp.response == "waitlisted")
            .order_by(Rsvp.requested_at, Rsvp.id)
        )
    )


def waitlist_positions(event_id: int) -> dict[int, int]:
    """Each waitlisted RSVP id mapped to its position, 1..n with no gaps."""
    return positions_in([event_id])


def positions_in(event_ids: list[int]) -> dict[int, int]:
    """Waitlist positions of every waitlisted RSVP of the events, by RSVP id, in one query."""
    rows = db.session.execute(
        select(Rsvp.event_id, Rsvp.id, Rsvp.guests)
        .where(Rsvp.event_id.in_(event_ids), Rsvp.response == "waitlisted")
        .order_by(Rsvp.event_id, Rsvp.requested_at, Rsvp.id)
    )
    lines: dict[int, list[Waiting]] = {}
    for event_id, rsvp_id, guests in rows:
        lines.setdefault(event_id, []).append(Waiting(rsvp_id, 1 + guests))
    return {rsvp_id: n for line in lines.values() for rsvp_id, n in positions(line).items()}


@dataclass
class Counts:
    going: int = 0  # people
    guests: int = 0
    waitlisted: int = 0
    maybe: int = 0
    not_going: int = 0
    checked_in: int = 0

    @property
    def seats(self) -> int:
        return self.going + self.guests


def counts(event_id: int) -> Counts:
    result = Counts()
    rows = db.session.execute(
        select(
            Rsvp.response,
            func.count(),
            func.coalesce(func.sum(Rsvp.guests), 0),
            func.count(Rsvp.checked_in_at),
        )
        .where(Rsvp.event_id == event_id)
        .group_by(Rsvp.response)
    )
    for response, people, guests, checked_in in rows:
        setattr(result, response, people)
        if response == "going":
            result.guests = guests
            result.checked_in = checked_in
    return result


def _state(rsvp: Rsvp | None) -> dict | None:
    if rsvp is None:
        return None
    return {"person": rsvp.person.email, "response": rsvp.response, "guests": rsvp.guests}


def _person_link(event: Event) -> str:
    return f"/events/{event.id}"


def promote_waitlisted(actor, event: Event, now: datetime | None = None) -> list[Rsvp]:
    """Promote every waitlisted request that now fits, in arrival order; notify and audit each.

    The caller holds the event lock. Returns the promoted RSVPs.
    """
    now = now or utcnow()
    waiting = waitlist(event.id)
    if not waiting:
        return []
    chosen = set(promotions(event.capacity, seats_taken(event.id), [Waiting(r.id, r.seats) for r in waiting]))
    promoted = [rsvp for rsvp in waiting if rsvp.id in chosen]
    for rsvp in promoted:
        before = _state(rsvp)
        rsvp.response = "going"
        rsvp.promoted_at = now
        record(actor, "rsvp.promoted", "event", event.id, before, _state(rsvp))
        notify(
            rsvp.person,
            "promoted",
            f"You have a place: {event.title}",
            f"A place opened up and you moved off the waitlist: you are going to {event.title}"
            + (f" with {rsvp.guests} guest{'s' if rsvp.guests != 1 else ''}." if rsvp.guests else ".")
            + "\n\nIf you can no longer come, change your answer so the next person gets the place.",
            _person_link(event),
        )
    db.session.flush()
    return promoted


@dataclass
class RsvpOutcome:
    rsvp: Rsvp
    changed: bool
    position: int | None = None  # on the waitlist
    promoted: list[Rsvp] = field(default_factory=list)


def _check_window(event: Event, now: datetime) -> None:
    if event.rsvp_opens_at and now < event.rsvp_opens_at:
        raise ValidationFailed(f"RSVPs open on {local_text(event.rsvp_opens_at, program_tz())}.")
    closes = event.rsvp_closes_at or event.starts_at
    if now >= closes:
        raise ValidationFailed(f"RSVPs closed on {local_text(closes, program_tz())}.")


def _check_answer(actor, event: Event, person, response: str, guests: int, now: datetime) -> bool:
    """Refuse what may not be answered; returns whether the actor answers on someone else's behalf."""
    from .services import is_for

    on_behalf = actor.id != person.id
    if on_behalf and not can_manage_events(actor):
        raise NotAllowed("You can only change your own RSVP.")
    if response not in ("going", "maybe", "not_going"):
        raise ValidationFailed("Answer going, maybe or not going.", field="response")
    if event.status == "draft":
        raise ValidationFailed("This event is not published yet, so it takes no RSVPs.")
    if event.status == "cancelled":
        raise ValidationFailed("This event was cancelled, so it takes no RSVPs.")
    if answer_page(event):
        raise ValidationFailed("This event is answered on its own page, not by RSVP.")
    if not person.is_active:
        raise ValidationFailed(f"{person.name}'s account is deactivated.")
    if not on_behalf:
        # Coordinators may answer for someone late or outside the audience (a guest speaker); it is audited.
        _check_window(event, now)
        if not is_for(person, event):
            raise NotAllowed("This event is not open to you, so you cannot RSVP.")
    if not 0 <= guests <= MAX_GUESTS:
        raise ValidationFailed(f"Enter between 0 and {MAX_GUESTS} guests.", field="guests")
    if guests and response != "not_going":
        if not event.allows_guests:
            raise ValidationFailed("This event does not take guests.", field="guests")
        if guests > event.max_guests:
            raise ValidationFailed(f"You can bring at most {event.max_guests} guests.", field="guests")
    return on_behalf


def record_rsvp(actor, event: Event, person, response: str, guests: int = 0, now: datetime | None = None):
    """Answer going, maybe or not going for `person` (the actor, or anyone when staff act for them).

    "going" takes a place when 1 + guests seats are free, else joins the end of the waitlist (or
    is refused when the event has none). A waitlisted person who changes their guests keeps their
    place. Someone already going who asks for more guests than are free keeps their place with
    their earlier guests. Leaving, or bringing fewer guests, promotes from the waitlist in the same
    transaction. Returns an RsvpOutcome.
    Raises NotAllowed (someone else's RSVP, outside the audience), ValidationFailed (closed,
    draft, cancelled, guests) and Conflict (full with no waitlist, or a party larger than the event).
    """
    told_now = now
    now = now or utcnow()
    on_behalf = _check_answer(actor, event, person, response, guests, now)
    event = lock_event(event.id)  # re-read under the lock: status and capacity may have changed
    if told_now is None:
        # Arrival is when the request gets the lock, so the waitlist's order is the order places
        # were given, and a position already told stays true.
        now = utcnow()
    if event.status != "published":
        raise ValidationFailed("This event no longer takes RSVPs.")
    if response == "not_going":
        guests = 0
    rsvp = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.person_id == person.id))
    before = _state(rsvp)
    if rsvp is None:
        rsvp = Rsvp(event_id=event.id, person_id=person.id, response="not_going", guests=0, requested_at=now)
        db.session.add(rsvp)
    old_response, old_guests = rsvp.response, rsvp.guests
    seats = 1 + guests

    if response == "going":
        if event.capacity is not None and seats > event.capacity:
            raise Conflict(
                f"This event has {event.capacity} places in all, so a party of {seats} cannot fit."
            )
        if old_response == "going":
            taken_by_others = seats_taken(event.id) - rsvp.seats
            if seats > rsvp.seats and not fits(event.capacity, taken_by_others, seats):
                free = max(0, event.capacity - taken_by_others - 1)
                raise Conflict(
                    f"Only {free} more guest place{'s are' if free != 1 else ' is'} free. You keep your place "
                    f"with {old_guests} guest{'s' if old_guests != 1 else ''}.",
                    field="guests",
                )
            new_response = "going"
        elif old_response == "waitlisted":
            new_response = "waitlisted"  # keeps its place; the promotion pass below may move it up
        elif fits(event.capacity, seats_taken(event.id), seats):
            new_response = "going"
        elif event.has_waitlist:
            new_response = "waitlisted"
            rsvp.requested_at = now
        else:
            raise Conflict("This event is full and has no waitlist.")
    else:
        new_response = response

    rsvp.response, rsvp.guests = new_response, guests
    if (old_response, old_guests) == (new_response, guests) and before is not None:
        return RsvpOutcome(rsvp, changed=False, position=_position(event, rsvp))
    rsvp.responded_at = now
    rsvp.answered_by_id = actor.id
    db.session.flush()
    action = "rsvp.on_behalf" if on_behalf else "rsvp.changed"
    record(actor, action, "event", event.id, before, _state(rsvp))  # before the promotions it causes
    if old_response == "going" and rsvp.response != "going":
        for hook in LEAVING_HOOKS:
            hook(actor, event, person, now)
    promoted = promote_waitlisted(actor, event, now)
    if on_behalf:
        notify(
            person,
            "rsvp_on_behalf",
            f"Your RSVP: {event.title}",
            f"{actor.name} answered for you: {ANSWERS[rsvp.response]}"
            + (f" with {rsvp.guests} guest{'s' if rsvp.guests != 1 else ''}" if rsvp.guests else "")
            + f" to {event.title}.\n\nYou can change your answer on the event page until RSVPs close.",
            _person_link(event),
        )
    return RsvpOutcome(rsvp, changed=True, position=_position(event, rsvp), promoted=promoted)


def answer_for(actor, event: Event, email: str, response: str, guests: int = 0) -> RsvpOutcome:
    """A coordinator answers for the person with this e-mail address (see record_rsvp).

    Raises ValidationFailed when no account has the address, and whatever record_rsvp raises.
    """
    person = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        raise ValidationFailed("No account has that address.", field="email")
    return record_rsvp(actor, event, person, response, guests)


def _position(event: Event, rsvp: Rsvp) -> int | None:
    if rsvp.response != "waitlisted":
        return None
    return waitlist_positions(event.id).get(rsvp.id)


def promote_by_hand(actor, event: Event, rsvp_id: int) -> tuple[Rsvp, int]:
    """A coordinator gives someone on the waitlist a place out of turn (an extra chair at the table).

    When their party does not fit in the free places, the capacity is raised by exactly what it
    needs, and that is recorded, so the capacity is still never exceeded. Returns the RSVP and the
    number of places added. Raises NotAllowed, ValidationFailed, Conflict (past the largest capacity).
    """
    if not can_manage_events(actor):
        raise NotAllowed("Only coordinators move people off the waitlist.")
    event = lock_event(event.id)
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.event_id != event.id or rsvp.response != "waitlisted":
        raise ValidationFailed("That person is no longer on the waitlist.")
    added = 0
    taken = seats_taken(event.id)
    if not fits(event.capacity, taken, rsvp.seats):
        added = taken + rsvp.seats - event.capacity
        if event.capacity + added > MAX_CAPACITY:
            raise Conflict(f"The capacity cannot go above {MAX_CAPACITY}.")
        record(
            actor,
            "event.capacity_raised",
            "event",
            event.id,
            {"capacity": event.capacity},
            {"capacity": event.capacity + added},
        )
        event.capacity += added
        event.updated_at = utcnow()
    before = _state(rsvp)
    rsvp.response = "going"
    rsvp.promoted_at = utcnow()
    record(actor, "rsvp.promoted_by_hand", "event", event.id, before, _state(rsvp))
    notify(
        rsvp.person,
        "promoted",
        f"You have a place: {event.title}",
        f"{actor.name} moved you off the waitlist: you are going to {event.title}.",
        _person_link(event),
    )
    db.session.flush()
    return rsvp, added


def check_in(actor, event: Event, rsvp_id: int, present: bool = True) -> Rsvp:
    """Mark someone going as arrived (or undo it). Raises NotAllowed, ValidationFailed."""
    if not can_check_in(actor, event):
        raise NotAllowed("Only the organisers and coordinators check people in.")
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.event_id != event.id:
        raise ValidationFailed("That RSVP is not for this event.")
    if rsvp.response != "going":
        raise ValidationFailed(f"{rsvp.person.name} is not on the list of people going.")
    if present == (rsvp.checked_in_at is not None):
        return rsvp
    before = {"person": rsvp.person.email, "checked_in": rsvp.checked_in_at is not None}
    rsvp.checked_in_at = utcnow() if present else None
    rsvp.checked_in_by_id = actor.id if present else None
    record(
        actor,
        "rsvp.checked_in" if present else "rsvp.check_in_undone",
        "event",
        event.id,
        before,
        {"person": rsvp.person.email, "checked_in": present},
    )
    db.session.flush()
    return rsvp


@dataclass(frozen=True)
class MyEvent:
    event: Event
    rsvp: Rsvp
    position: int | None


def upcoming_for(person, limit: int = 8) -> list[MyEvent]:
    """The person's next events that they are going to, waitlisted for or might attend."""
    rows = db.session.execute(
        select(Event, Rsvp)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(
            Rsvp.person_id == person.id,
            Rsvp.response.in_(("going", "waitlisted", "maybe")),
            Event.ends_at > utcnow(),
            Event.status != "draft",
        )
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    ).all()
    waiting = positions_in([event.id for event, rsvp in rows if rsvp.response == "waitlisted"])
    return [MyEvent(event, rsvp, waiting.get(rsvp.id)) for event, rsvp in rows]
