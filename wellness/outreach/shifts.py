"""Volunteering: taking and giving up shift slots, swaps, attendance, extra hours and service hours.

A slot is taken under the shift's lock (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on
SQLite) and only then counted, so a shift never has more volunteers than slots. A sign-up that
overlaps anything else the person is committed to (another shift, an event they are going to, a
retreat session, and later holiday blocks and duties) is refused, naming it: the calendar spine's
conflict check, not a query of its own.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..audit import record
from ..calendar import find_clashes
from ..database import begin_immediate
from ..dates import academic_year_of, local_date, local_to_utc, utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..events.display import local_text, program_tz
from ..extensions import db
from ..notifications.services import notify
from .models import ExtraHours, Shift, ShiftSignup
from .services import can_organise


def lock_shift(shift_id: int) -> Shift:
    """Take the shift's slot lock for the rest of the transaction and re-read it."""
    begin_immediate()
    shift = db.session.scalar(
        select(Shift)
        .where(Shift.id == shift_id)
        .with_for_update(of=Shift)
        .execution_options(populate_existing=True)
    )
    if shift is None:
        raise LookupError(shift_id)
    return shift


def slots_taken(shift_id: int) -> int:
    return db.session.scalar(select(func.count()).where(ShiftSignup.shift_id == shift_id))


def signup_of(shift_id: int, person_id: int) -> ShiftSignup | None:
    return db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift_id, ShiftSignup.person_id == person_id)
    )


def _check_open(shift: Shift, now: datetime) -> None:
    if not shift.project.is_approved:
        raise ValidationFailed("This project is not approved, so its shifts take no volunteers.")
    if now >= shift.starts_at:
        raise ValidationFailed(f"This shift started on {local_text(shift.starts_at, program_tz())}.")


def _refuse_clashes(shift: Shift, person_id: int, now: datetime) -> None:
    clashes = find_clashes(
        person_id, shift.starts_at, shift.ends_at, program_tz(), now, ignore=(f"outreach-shift-{shift.id}",)
    )
    if clashes:
        # Every clash by name: a retreat session always sits inside its retreat, which comes first.
        names = list(dict.fromkeys(item.title for item in clashes))
        named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        raise Conflict(f"The {shift.role} shift overlaps {named}, already on your calendar.")


def sign_up_for_shift(actor, shift: Shift, person, now: datetime | None = None) -> ShiftSignup:
    """Take a slot in the shift for `person` (the actor).

    Raises NotAllowed (someone else), ValidationFailed (project not approved, shift started) and
    Conflict (no slot left; a clash, named).
    """
    now = now or utcnow()
    if actor.id != person.id:
        raise NotAllowed("You can only sign yourself up for shifts.")
    _check_open(shift, now)
    shift = lock_shift(shift.id)
    existing = signup_of(shift.id, person.id)
    if existing is not None:
        return existing
    _refuse_clashes(shift, person.id, now)
    if slots_taken(shift.id) >= shift.slots:
        raise Conflict(f"Every slot of the {shift.role} shift is taken.")
    signup = ShiftSignup(shift_id=shift.id, person_id=person.id, signed_up_at=now)
    db.session.add(signup)
    db.session.flush()
    record(actor, "outreach.signed_up", "outreach_project", shift.project_id, None,
           {"shift": shift.role, "person": person.email})  # fmt: skip
    return signup


def drop_shift(actor, shift: Shift, person, now: datetime | None = None) -> bool:
    """Give up a slot before the shift starts; returns whether there was one. Raises NotAllowed, ValidationFailed."""
    now = now or utcnow()
    if actor.id != person.id:
        raise NotAllowed("You can only give up your own shifts.")
    _check_open(shift, now)
    shift = lock_shift(shift.id)
    signup = signup_of(shift.id, person.id)
    if signup is None:
        return False
    record(actor, "outreach.dropped", "outreach_project", shift.project_id,
           {"shift": shift.role, "person": person.email}, None)  # fmt: skip
    db.session.delete(signup)
    db.session.flush()
    return True


def offer_shift(actor, shift: Shift, person, now: datetime | None = None) -> ShiftSignup:
    """Offer one's slot to anyone who will take it; it stays yours until someone does."""
    now = now or utcnow()
    if actor.id != person.id:
        raise NotAllowed("You can only offer your own shifts.")
    _check_open(shift, now)
    signup = signup_of(shift.id, person.id)
    if signup is None:
        raise ValidationFailed("You have no slot in this shift to offer.")
    signup.offered_at = signup.offered_at or now
    record(actor, "outreach.offered", "outreach_project", shift.project_id, None, {"shift": shift.role})
    return signup


def take_offered_shift(
    actor, shift: Shift, person, offer_id: int, now: datetime | None = None
) -> ShiftSignup:
    """`person` takes the slot offered in sign-up `offer_id`; both are told.

    Raises NotAllowed (someone else), ValidationFailed (no such offer, already in the shift) and
    Conflict (a clash for the taker, named).
    """
    now = now or utcnow()
    if actor.id != person.id:
        raise NotAllowed("You can only take a shift for yourself.")
    _check_open(shift, now)
    shift = lock_shift(shift.id)
    offer = db.session.get(ShiftSignup, offer_id, populate_existing=True)  # as it is under the lock
    if offer is None or offer.shift_id != shift.id or offer.offered_at is None:
        raise ValidationFailed("That slot is no longer on offer.")
    if offer.person_id == person.id:
        raise ValidationFailed("This is already your slot; it stays yours until someone else takes it.")
    if signup_of(shift.id, person.id) is not None:
        raise ValidationFailed("You already have a slot in this shift.")
    _refuse_clashes(shift, person.id, now)
    giver = offer.person
    db.session.delete(offer)
    db.session.flush()
    taken = ShiftSignup(shift_id=shift.id, person_id=person.id, signed_up_at=now)
    db.session.add(taken)
    db.session.flush()
    record(actor, "outreach.swapped", "outreach_project", shift.project_id,
           {"shift": shift.role, "person": giver.email}, {"shift": shift.role, "person": person.email})  # fmt: skip
    when = local_text(shift.starts_at, program_tz())
    link = f"/outreach/{shift.project_id}"
    notify(giver, "shift_swapped", f"{person.name} took your shift", f"{person.name} took your {shift.role} shift "
           f"for {shift.project.title} on {when}. You are no longer on it.", link)  # fmt: skip
    notify(person, "shift_swapped", f"You took a shift: {shift.project.title}", f"You took {giver.name}'s "
           f"{shift.role} shift for {shift.project.title} on {when}.", link)  # fmt: skip
    return taken


def confirm_attendance(actor, shift: Shift, present_ids: set[int], now: datetime | None = None) -> int:
    """After the shift, the organiser marks who came (everyone else did not). Returns how many came.

    Raises NotAllowed (not an organiser) and ValidationFailed (the shift has not ended).
    """
    now = now or utcnow()
    if not can_organise(actor, shift.project):
        raise NotAllowed("Only the project's organisers confirm who came.")
    if now < shift.ends_at:
        raise ValidationFailed("Confirm who came once the shift is over.")
    came = 0
    for signup in db.session.scalars(select(ShiftSignup).where(ShiftSignup.shift_id == shift.id)):
        signup.attended = signup.person_id in present_ids
        signup.confirmed_by_id, signup.confirmed_at = actor.id, now
        came += signup.attended
    record(actor, "outreach.attendance", "outreach_project", shift.project_id, None,
           {"shift": shift.role, "came": came})  # fmt: skip
    return came


def log_extra_hours(actor, shift: Shift, hours: Decimal, note: str = "") -> ExtraHours:
    """A volunteer who came to the shift logs extra hours for an organiser to approve.

    Raises ValidationFailed for someone not confirmed on the shift, and for hours outside 0–24.
    """
    signup = signup_of(shift.id, actor.id)
    if signup is None or not signup.attended:
        raise ValidationFailed("You can log extra hours only for a shift you were confirmed on.")
    # Rounded first: 0.001 would pass as more than 0 and be stored as 0.00, against the CHECK.
    if not hours.is_finite() or not Decimal("0.25") <= hours.quantize(Decimal("0.01")) <= Decimal("24"):
        raise ValidationFailed("Enter between 0.25 and 24 hours.", field="hours")
    extra = ExtraHours(signup_id=signup.id, hours=hours.quantize(Decimal("0.01")), note=note.strip()[:300])
    db.session.add(extra)
    db.session.flush()
    return extra


def decide_extra_hours(actor, extra: ExtraHours, approve: bool) -> ExtraHours:
    """An organiser approves or declines logged hours. Raises NotAllowed and ValidationFailed."""
    if not can_organise(actor, extra.signup.shift.project):
        raise NotAllowed("Only the project's organisers approve hours.")
    if extra.status != "pending":
        raise ValidationFailed(f"These hours were already {extra.status}.")
    extra.status, extra.decided_by_id = ("approved" if approve else "declined"), actor.id
    return extra


@dataclass(frozen=True)
class ServiceHours:
    person_id: int
    shifts: int
    hours: Decimal


def service_hours(academic_year: int, person_ids: list[int] | None = None) -> dict[int, ServiceHours]:
    """Confirmed service hours per person in the academic year: attended shifts plus approved extra hours."""
    tz = program_tz()
    start = local_to_utc(date(academic_year, 7, 1), time(0), tz)
    end = local_to_utc(date(academic_year + 1, 7, 1), time(0), tz)
    query = (
        select(ShiftSignup.id, ShiftSignup.person_id, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.attended.is_(True), Shift.starts_at >= start, Shift.starts_at < end)
    )
    if person_ids is not None:
        query = query.where(ShiftSignup.person_id.in_(person_ids))
    totals: dict[int, list] = {}
    signup_owner = {}
    for signup_id, person_id, starts_at, ends_at in db.session.execute(query):
        entry = totals.setdefault(person_id, [0, Decimal("0")])
        entry[0] += 1
        entry[1] += Decimal(str(round((ends_at - starts_at) / timedelta(hours=1), 2)))
        signup_owner[signup_id] = person_id
    if signup_owner:
        for signup_id, hours in db.session.execute(
            select(ExtraHours.signup_id, ExtraHours.hours).where(
                ExtraHours.signup_id.in_(signup_owner), ExtraHours.status == "approved"
            )
        ):
            totals[signup_owner[signup_id]][1] += Decimal(hours)
    return {pid: ServiceHours(pid, shifts, hours) for pid, (shifts, hours) in totals.items()}


def this_academic_year(now: datetime | None = None) -> int:
    return academic_year_of(local_date(now or utcnow(), program_tz()))


def pending_hours(project) -> list[ExtraHours]:
    """Extra hours logged on the project's shifts, waiting for an organiser, oldest first."""
    return list(
        db.session.scalars(
            select(ExtraHours)
            .join(ShiftSignup, ShiftSignup.id == ExtraHours.signup_id)
            .join(Shift, Shift.id == ShiftSignup.shift_id)
            .where(Shift.project_id == project.id, ExtraHours.status == "pending")
            .order_by(ExtraHours.created_at, ExtraHours.id)
        )
    )
