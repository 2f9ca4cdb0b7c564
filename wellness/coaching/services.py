"""Coaching services: coaches and their loads, pairings under the rule, exclusions and suggestions.

The rule: a coach shares none of the resident's fields of interest (names compared case-insensitively).
A coordinator may pair over it only with a written reason, which is kept and flagged. Exclusions are
never overridden. A pairing takes one of the coach's places under the coach's lock (SELECT ... FOR
UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), and only then are the places counted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..audit import record
from ..database import begin_immediate
from ..dates import utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person, Role, person_roles
from ..people.permissions import is_staff
from . import matching
from .models import Exclusion, Meeting, Pairing

REASON_LENGTH = 500


def coaches() -> list[Person]:
    """Active faculty with coaching places, by name."""
    return list(
        db.session.scalars(
            select(Person)
            .join(person_roles, person_roles.c.person_id == Person.id)
            .join(Role, Role.id == person_roles.c.role_id)
            .where(Role.name == "faculty", Person.is_active, Person.coach_capacity > 0)
            .order_by(Person.last_name, Person.first_name, Person.id)
        )
    )


def is_coach(person: Person) -> bool:
    return person.is_active and person.is_faculty and (person.coach_capacity or 0) > 0


def residents_in_training(today: date) -> list[Person]:
    """Active residents in training today or about to start (an incoming intern class is paired before
    July), by name; graduates are left out."""
    people = db.session.scalars(
        select(Person)
        .join(person_roles, person_roles.c.person_id == Person.id)
        .join(Role, Role.id == person_roles.c.role_id)
        .where(Role.name == "resident", Person.is_active)
        .order_by(Person.last_name, Person.first_name, Person.id)
    )
    return [p for p in people if p.training_status_on(today) != "Graduated"]


def active_pairings() -> list[Pairing]:
    return list(db.session.scalars(select(Pairing).where(Pairing.ends_on.is_(None)).order_by(Pairing.id)))


def active_pairing_of(resident_id: int) -> Pairing | None:
    return db.session.scalar(
        select(Pairing).where(Pairing.resident_id == resident_id, Pairing.ends_on.is_(None))
    )


def coachees_of(coach_id: int) -> list[Pairing]:
    """The coach's active pairings, by resident name."""
    return list(
        db.session.scalars(
            select(Pairing)
            .join(Person, Person.id == Pairing.resident_id)
            .where(Pairing.coach_id == coach_id, Pairing.ends_on.is_(None))
            .order_by(Person.last_name, Person.first_name)
        )
    )


def loads() -> dict[int, int]:
    """Active pairings per coach id."""
    return dict(
        db.session.execute(
            select(Pairing.coach_id, func.count()).where(Pairing.ends_on.is_(None)).group_by(Pairing.coach_id)
        ).all()
    )


def field_names(person: Person) -> tuple[str, ...]:
    return tuple(field.name for field in person.fields)


def shared_fields(resident: Person, coach: Person) -> list[str]:
    """The resident's fields the coach also has, as the resident's field names."""
    theirs = {matching.normal_field(name) for name in field_names(coach)}
    return [name for name in field_names(resident) if matching.normal_field(name) in theirs]


def exclusion_between(resident_id: int, coach_id: int) -> Exclusion | None:
    return db.session.scalar(
        select(Exclusion).where(Exclusion.resident_id == resident_id, Exclusion.coach_id == coach_id)
    )


def pairing_flags(pairing: Pairing) -> list[str]:
    """What a coordinator should look at: an override of the rule, or a rule broken since pairing."""
    flags = []
    if pairing.override_reason:
        flags.append(f"Paired despite a shared field: {pairing.override_reason}")
    elif pairing.is_active:
        shared = shared_fields(pairing.resident, pairing.coach)
        if shared:
            flags.append(f"Now shares {_and(shared)}: their fields changed after pairing")
    return flags


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _require_staff(actor) -> None:
    if actor is not None and not is_staff(actor):
        raise NotAllowed("Only coordinators pair residents with coaches.")


def _clean_reason(reason: str | None, field: str, what: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(f"Give a reason {what}.", field=field)
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed(f"Keep the reason to {REASON_LENGTH} characters.", field=field)
    return reason


def lock_people(*ids: int) -> dict[int, Person]:
    """Take the pairing lock on these people (residents and coaches) for the rest of the transaction and
    re-read them. Rows are locked in order of id, so two requests never wait on each other in a circle."""
    begin_immediate()
    people = db.session.scalars(
        select(Person)
        .where(Person.id.in_(ids))
        .order_by(Person.id)
        .with_for_update(of=Person)
        .execution_options(populate_existing=True)
    )
    return {person.id: person for person in people}


def assign_coach(
    actor,
    resident: Person,
    coach: Person,
    today: date,
    *,
    override_reason: str | None = None,
    notice: str = "",
) -> Pairing:
    """Pair `resident` with `coach` from `today`, checking the rule, the exclusions and the coach's places.

    A coach who shares a field is allowed only with `override_reason`. Both people are told; `notice`
    opens the resident's message (used when re-pairing: the new coach is not told why).
    """
    _require_staff(actor)
    if not (resident.is_active and resident.is_resident):
        raise ValidationFailed(f"{resident.name} is not an active resident.", field="resident_id")
    if not is_coach(coach):
        raise ValidationFailed(
            f"{coach.name} is not a coach (an active faculty member with places).", field="coach_id"
        )
    locked = lock_people(resident.id, coach.id)
    resident, coach = locked[resident.id], locked[coach.id]
    excluded = exclusion_between(resident.id, coach.id)
    if excluded:
        raise Conflict(
            f"{resident.name} and {coach.name} are on the exclusions list ({excluded.reason}); "
            "exclusions cannot be overridden."
        )
    current = active_pairing_of(resident.id)
    if current:
        raise Conflict(
            f"{resident.name} already has a coach, {current.coach.name}. End that pairing first, or re-pair with a reason."
        )
    taken, capacity = loads().get(coach.id, 0), coach.coach_capacity or 0
    if taken >= capacity:
        raise Conflict(f"{coach.name} is at capacity ({taken} of {capacity} coachees).")
    shared = shared_fields(resident, coach)
    override = None
    if shared:
        override = _clean_reason(
            override_reason,
            "override_reason",
            f"to pair them anyway: {coach.name} shares {_and(shared)} with {resident.name}",
        )
    pairing = Pairing(
        resident_id=resident.id,
        coach_id=coach.id,
        starts_on=today,
        override_reason=override,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(pairing)
    db.session.flush()
    record(
        actor,
        "coaching.paired",
        "pairing",
        pairing.id,
        after={"resident": resident.email, "coach": coach.email, "override_reason": override},
    )
    opening = f"{notice}\n\n" if notice else ""
    notify(
        resident,
        "coaching",
        f"Your coach: {coach.name}",
        f"{opening}{coach.name} is your faculty coach from {today:%-d %B %Y}. "
        "Coaching is a confidential space to reflect, set goals and mark what you accomplish; "
        "propose your first meeting from your coaching page.",
        "/coaching",
    )
    notify(
        coach,
        "coaching",
        f"New coachee: {resident.name}",
        f"{resident.name} is now your coachee, from {today:%-d %B %Y}.",
        f"/coaching/pairings/{pairing.id}",
    )
    return pairing


def end_pairing(actor, pairing: Pairing, reason: str | None, today: date, *, tell: bool = True) -> Pairing:
    """End an active pairing today with a reason; both people are told unless `tell` is False. Meetings
    still to come are cancelled, so they leave both calendars and nobody is reminded of them."""
    _require_staff(actor)
    reason = _clean_reason(reason, "reason", "for ending the pairing")
    lock_people(pairing.resident_id, pairing.coach_id)
    if not pairing.is_active:
        raise Conflict(f"This pairing already ended on {pairing.ends_on:%-d %B %Y}.")
    pairing.ends_on = max(today, pairing.starts_on)
    pairing.end_reason = reason
    pairing.ended_by_id = getattr(actor, "id", None)
    now = utcnow()
    for meeting in db.session.scalars(
        select(Meeting).where(
            Meeting.pairing_id == pairing.id,
            Meeting.status.in_(("proposed", "confirmed")),
            Meeting.ends_at > now,
        )
    ):
        meeting.status, meeting.revision, meeting.updated_at = "cancelled", meeting.revision + 1, now
    db.session.flush()
    record(actor, "coaching.ended", "pairing", pairing.id, after={"reason": reason})
    if tell:
        for person, other in ((pairing.resident, pairing.coach), (pairing.coach, pairing.resident)):
            notify(
                person,
                "coaching",
                f"Coaching with {other.name} has ended",
                f"Your coaching pairing with {other.name} ended on {pairing.ends_on:%-d %B %Y}. Reason: {reason}",
                "/coaching",
            )
    return pairing


def repair(actor, pairing: Pairing, coach: Person, reason: str | None, today: date, *, override_reason=None):
    """Re-pair a resident: end the current pairing with `reason` and pair them with `coach`. All three
    people are told; the previous coach is avoided by future suggestions."""
    _require_staff(actor)
    if coach.id == pairing.coach_id:
        raise ValidationFailed(f"{coach.name} is already the coach.", field="coach_id")
    reason = _clean_reason(reason, "reason", "for re-pairing")
    lock_people(pairing.resident_id, pairing.coach_id, coach.id)  # all three, before anything is written
    resident, previous = pairing.resident, pairing.coach
    end_pairing(actor, pairing, reason, today, tell=False)
    notify(
        previous,
        "coaching",
        f"{resident.name} has a new coach",
        f"{resident.name} is re-paired with another coach from {today:%-d %B %Y}. Reason: {reason}",
        "/coaching",
    )
    return assign_coach(
        actor,
        resident,
        coach,
        today,
        override_reason=override_reason,
        notice=f"You were re-paired (previously with {previous.name}). Reason: {reason}",
    )


def add_exclusion(actor, resident: Person, coach: Person, reason: str | None) -> Exclusion:
    """Keep `resident` and `coach` from ever being paired; refused while they are paired."""
    _require_staff(actor)
    reason = _clean_reason(reason, "reason", "for the exclusion")
    if not resident.is_resident:
        raise ValidationFailed(f"{resident.name} is not a resident.", field="resident_id")
    if not coach.is_faculty:
        raise ValidationFailed(f"{coach.name} is not faculty.", field="coach_id")
    if exclusion_between(resident.id, coach.id):
        raise Conflict(f"{resident.name} and {coach.name} are already on the exclusions list.")
    current = active_pairing_of(resident.id)
    if current and current.coach_id == coach.id:
        raise Conflict(f"{resident.name} is paired with {coach.name} now; end that pairing first.")
    exclusion = Exclusion(
        resident_id=resident.id, coach_id=coach.id, reason=reason, created_by_id=getattr(actor, "id", None)
    )
    db.session.add(exclusion)
    db.session.flush()
    record(
        actor,
        "coaching.excluded",
        "exclusion",
        exclusion.id,
        after={"resident": resident.email, "coach": coach.email, "reason": reason},
    )
    return exclusion


def remove_exclusion(actor, exclusion: Exclusion) -> None:
    _require_staff(actor)
    record(
        actor,
        "coaching.exclusion_removed",
        "exclusion",
        exclusion.id,
        before={
            "resident": exclusion.resident.email,
            "coach": exclusion.coach.email,
            "reason": exclusion.reason,
        },
    )
    db.session.delete(exclusion)
    db.session.flush()


@dataclass(frozen=True)
class SuggestionView:
    """A suggestion with the people it names: `pairs` of (resident, coach), `unpaired` of (resident,
    reason), and every coach's load and capacity after it."""

    suggestion: matching.Suggestion
    pairs: list[tuple[Person, Person]]
    unpaired: list[tuple[Person, str]]
    coaches: list[tuple[Person, int]]


def suggest_pairings(today: date, seed: int = 0) -> SuggestionView:
    """The optimal suggestion for every unpaired resident in training (see `matching`)."""
    paired = {p.resident_id for p in active_pairings()}
    residents = [r for r in residents_in_training(today) if r.id not in paired]
    coach_rows = coaches()
    current = loads()
    previous: dict[int, set[int]] = defaultdict(set)
    for resident_id, coach_id in db.session.execute(
        select(Pairing.resident_id, Pairing.coach_id).where(Pairing.ends_on.is_not(None))
    ):
        previous[resident_id].add(coach_id)
    suggestion = matching.suggest(
        [matching.ResidentSpec(r.id, field_names(r), frozenset(previous[r.id])) for r in residents],
        [
            matching.CoachSpec(c.id, field_names(c), c.coach_capacity or 0, current.get(c.id, 0))
            for c in coach_rows
        ],
        db.session.execute(select(Exclusion.resident_id, Exclusion.coach_id)).tuples().all(),
        seed,
    )
    by_id = {p.id: p for p in residents + coach_rows}
    return SuggestionView(
        suggestion=suggestion,
        pairs=sorted(
            ((by_id[r], by_id[c]) for r, c in suggestion.pairs), key=lambda pair: pair[0].sort_name.casefold()
        ),
        unpaired=sorted(
            ((by_id[u.resident_id], u.reason) for u in suggestion.unpaired),
            key=lambda u: u[0].sort_name.casefold(),
        ),
        coaches=[(c, suggestion.loads[c.id]) for c in coach_rows],
    )


def accept_suggestions(actor, pairs: list[tuple[int, int]], today: date) -> list[Pairing]:
    """Pair each (resident id, coach id) as suggested, all or nothing: every pair is checked again."""
    _require_staff(actor)
    if not pairs:
        raise ValidationFailed("There are no suggestions to accept.")
    people = lock_people(*{i for pair in pairs for i in pair})  # everyone at once, before any write
    made = []
    for resident_id, coach_id in pairs:
        resident, coach = people.get(resident_id), people.get(coach_id)
        if resident is None or coach is None:
            raise ValidationFailed("A suggested resident or coach no longer exists; suggest again.")
        try:
            made.append(assign_coach(actor, resident, coach, today))
        except (ValidationFailed, Conflict) as error:
            raise Conflict(f"{error.message} Suggest again to see the current picture.") from error
    return made
