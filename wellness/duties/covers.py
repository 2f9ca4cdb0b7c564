"""Covering a duty while its owner is away: assigning a coverer under the rules, releasing, and suggestions.

A coverer must be free in that session (the calendar spine's conflict check, see availability) with
eight hours off around any night they work, may not be the owner, and must be eligible for the kind of
duty (sessions.cover_refusal). Only coordinators read what keeps a coverer busy; a resident arranging
their own cover, or told that theirs fell through, hears only that the coverer is not free. The coverer's
row and the duty are locked before anything is checked, so two coordinators cannot book one person
twice for the same session. Whenever a commit changes someone's calendar, the covers they give are
checked again and any that now clash are released, telling the coverer, the owner and a coordinator.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..audit import record
from ..calendar import on_calendar_change
from ..database import begin_immediate
from ..dates import academic_year_of, utcnow
from ..errors import Conflict, DomainError, NotAllowed, ValidationFailed
from ..events.display import program_tz
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person, Role, person_roles
from ..people.permissions import is_staff
from .availability import clashes_on, describe_clash
from .calendar_items import cover_uid
from .models import AwayPeriod, Duty
from .sessions import SESSIONS, cover_refusal, duty_label, session_span, too_close_to_a_night

SUGGESTIONS = 5
MAX_FULL_CHECKS = 40  # candidates checked against every calendar before suggestions give up


def lock_duty(duty_id: int, *person_ids: int) -> tuple[Duty, dict[int, Person]]:
    """Take the cover lock on the duty and on the people (in order of id) and re-read them.

    Raises LookupError when the duty is gone.
    """
    begin_immediate()
    people = db.session.scalars(
        select(Person)
        .where(Person.id.in_(person_ids))
        .order_by(Person.id)
        .with_for_update(of=Person)
        .execution_options(populate_existing=True)
    )
    locked = {person.id: person for person in people}
    duty = db.session.scalar(
        select(Duty)
        .where(Duty.id == duty_id)
        .with_for_update(of=Duty)
        .execution_options(populate_existing=True)
    )
    if duty is None:
        raise LookupError(duty_id)
    return duty, locked


def duty_text(duty: Duty) -> str:
    """ "Continuity clinic (AM) on Tue, Apr 13, 2027 at Brookside" """
    where = f" at {duty.site}" if duty.site else ""
    return f"{duty_label(duty.kind, duty.session)} on {duty.duty_on.strftime('%a, %b %-d, %Y')}{where}"


def is_away_on(person_id: int, day: date) -> bool:
    return bool(
        db.session.scalar(
            select(AwayPeriod.id).where(
                AwayPeriod.person_id == person_id,
                AwayPeriod.status == "approved",
                AwayPeriod.starts_on <= day,
                AwayPeriod.ends_on >= day,
            )
        )
    )


def can_arrange_cover(actor, duty: Duty) -> bool:
    """Coordinators arrange cover for anyone; a person for their own duties on days they are away."""
    if is_staff(actor):
        return True
    return getattr(actor, "id", None) == duty.person_id and is_away_on(duty.person_id, duty.duty_on)


def cover_problem(
    duty: Duty, coverer: Person, now: datetime, *, for_staff: bool = True
) -> DomainError | None:
    """Why `coverer` cannot cover `duty` now, or None when they can: ValidationFailed for who they are
    (the owner, not eligible), Conflict for their calendar (away or busy in that session, or working a
    night less than eight hours before or after it).

    With `for_staff` the Conflict names what is on the coverer's calendar; otherwise it only says they
    are not free, since a resident arranging their own cover may not read a colleague's time away.
    """
    if coverer.id == duty.person_id:
        return ValidationFailed(f"{coverer.name} cannot cover their own duty.", field="coverer")
    if not coverer.is_active or not (coverer.is_resident or coverer.is_faculty):
        return ValidationFailed(
            f"{coverer.name} is not an active resident or faculty member.", field="coverer"
        )
    owner = duty.person
    refusal = cover_refusal(
        duty.kind, owner.pgy_on(duty.duty_on), coverer.pgy_on(duty.duty_on), coverer.is_faculty, coverer.name
    )
    if refusal:
        return ValidationFailed(refusal, field="coverer")
    clashes = clashes_on(coverer.id, duty.duty_on, duty.session, now, ignore=(cover_uid(duty.id),))
    if clashes:
        reason = describe_clash(coverer.name, clashes[0])
    else:
        night = night_without_rest(duty, coverer.id)
        if night is None:
            return None
        reason = (
            f"{coverer.name} works {duty_label(night.kind, night.session)} on {night.duty_on.strftime('%a, %b %-d')}"
            " and needs eight hours off around a night."
        )
    return Conflict(reason if for_staff else f"{coverer.name} is not free then.", field="coverer")


def night_without_rest(duty: Duty, person_id: int) -> Duty | None:
    """A duty the person works (their own, not covered by someone else, or one they cover) that sits less
    than eight hours from `duty` with a night on one side (sessions.too_close_to_a_night), or None."""
    tz = program_tz()
    nearby = db.session.scalars(
        select(Duty)
        .where(
            ((Duty.person_id == person_id) & Duty.covered_by_id.is_(None))
            | (Duty.covered_by_id == person_id),
            Duty.duty_on >= duty.duty_on - timedelta(days=1),
            Duty.duty_on <= duty.duty_on + timedelta(days=1),
            Duty.id != duty.id,
        )
        .order_by(Duty.duty_on, Duty.id)
    )
    for other in nearby:
        if too_close_to_a_night(duty.duty_on, duty.session, other.duty_on, other.session, tz):
            return other
    return None


def assign_cover(actor, duty: Duty, coverer: Person, now: datetime | None = None) -> Duty:
    """Make `coverer` cover `duty` (replacing an earlier coverer, who is told).

    Raises NotAllowed (not staff, and not the owner away that day), ValidationFailed (own duty, not
    eligible for the kind) and Conflict (the coverer is not free then; to staff the message names why).
    """
    now = now or utcnow()
    if not can_arrange_cover(actor, duty):
        raise NotAllowed("Only coordinators, or the person away that day, arrange cover for a duty.")
    if coverer.id == duty.person_id:
        raise ValidationFailed(
            "You cannot cover your own duty."
            if coverer.id == getattr(actor, "id", None)
            else f"{coverer.name} cannot cover their own duty.",
            field="coverer",
        )
    duty, locked = lock_duty(duty.id, coverer.id)
    coverer = locked[coverer.id]
    if duty.covered_by_id == coverer.id:
        return duty
    problem = cover_problem(duty, coverer, now, for_staff=is_staff(actor))
    if problem:
        raise problem
    previous = db.session.get(Person, duty.covered_by_id) if duty.covered_by_id else None
    if previous is not None:
        notify(previous, "cover_released", f"No longer covering: {duty_label(duty.kind, duty.session)}",
               f"{coverer.name} now covers {duty.person.name}'s {duty_text(duty)} instead of you.", "/duties")  # fmt: skip
    duty.covered_by_id, duty.cover_assigned_by_id, duty.covered_at = (
        coverer.id,
        getattr(actor, "id", None),
        now,
    )
    duty.revision += 1
    duty.updated_at = now
    record(actor, "cover_assigned", "duty", duty.id,
           {"covered_by_id": previous.id if previous else None}, {"covered_by_id": coverer.id})  # fmt: skip
    notify(
        coverer,
        "cover_assigned",
        f"You are covering {duty.person.name}: {duty_label(duty.kind, duty.session)}",
        f"You cover {duty.person.name}'s {duty_text(duty)} while they are away. It is on your calendar.",
        "/duties",
    )
    db.session.flush()
    return duty


def cover_duty(actor, duty: Duty, coverer: Person | None, now: datetime | None = None) -> Duty:
    """Make the person with the address given cover `duty` (see assign_cover).

    Raises ValidationFailed (nobody active has the address, or as assign_cover), NotAllowed and Conflict.
    """
    if coverer is None:
        raise ValidationFailed("No active person has that address.", field="coverer")
    return assign_cover(actor, duty, coverer, now)


def uncover_duty(actor, duty: Duty, now: datetime | None = None) -> None:
    """Remove the cover of `duty`; the coverer, the owner and the coordinator who arranged it hear (whoever
    of them did not do it). Raises NotAllowed and ValidationFailed (no cover to remove)."""
    if not can_arrange_cover(actor, duty):
        raise NotAllowed("Only coordinators, or the person away that day, arrange cover for a duty.")
    if duty.covered_by_id is None:
        raise ValidationFailed("That duty has no cover to remove.")
    release_cover(actor, duty, f"{actor.name} removed the cover.", now, tell_staff=True)


def coordinators() -> list[Person]:
    """Active coordinators, by name: who hears when a cover falls through."""
    return list(
        db.session.scalars(
            select(Person)
            .join(person_roles, person_roles.c.person_id == Person.id)
            .join(Role, Role.id == person_roles.c.role_id)
            .where(Role.name == "coordinator", Person.is_active)
            .order_by(Person.last_name, Person.first_name)
        )
    )


def release_cover(
    actor,
    duty: Duty,
    reason: str,
    now: datetime | None = None,
    *,
    tell_staff: bool = False,
    reason_for_owner: str | None = None,
) -> None:
    """Take the cover off `duty`, telling the coverer why; with `tell_staff` also the coordinator who
    assigned it (or every coordinator) and the owner, since the need is uncovered again. An owner who is
    not staff is told `reason_for_owner` when given (a reason naming the coverer's calendar is not theirs
    to read)."""
    now = now or utcnow()
    if duty.covered_by_id is None:
        return
    coverer = db.session.get(Person, duty.covered_by_id)
    assigned_by = db.session.get(Person, duty.cover_assigned_by_id) if duty.cover_assigned_by_id else None
    duty.covered_by_id = duty.cover_assigned_by_id = duty.covered_at = None
    duty.revision += 1
    duty.updated_at = now
    record(actor, "cover_released", "duty", duty.id, {"covered_by_id": coverer.id}, {"reason": reason})
    subject = f"Cover needed again: {duty.person.name}, {duty_label(duty.kind, duty.session)}"

    def body(why: str) -> str:
        return f"{duty.person.name}'s {duty_text(duty)} is no longer covered by {coverer.name}. {why}"

    notify(coverer, "cover_released", f"No longer covering: {duty_label(duty.kind, duty.session)}", body(reason),
           "/duties")  # fmt: skip
    if tell_staff:
        staff = [assigned_by] if assigned_by is not None and is_staff(assigned_by) else coordinators()
        for person in {p.id: p for p in [*staff, duty.person]}.values():
            if person.id != getattr(actor, "id", None):
                private = person.id == duty.person_id and not is_staff(person) and reason_for_owner
                notify(
                    person,
                    "cover_released",
                    subject,
                    body(reason_for_owner if private else reason),
                    "/duties",
                )
    db.session.flush()


def release_if_not_free(duty: Duty, now: datetime) -> None:
    """Release the cover of `duty` when its coverer can no longer take it (cover_problem), telling the
    coverer, the owner and the coordinators."""
    coverer = db.session.get(Person, duty.covered_by_id)
    problem = cover_problem(duty, coverer, now)
    if problem:
        release_cover(None, duty, problem.message, now, tell_staff=True,
                      reason_for_owner=f"{coverer.name} is no longer free then.")  # fmt: skip


@on_calendar_change
def recheck_covers(session, people: frozenset[int]) -> None:
    """Release the covers, today or later, whose coverer's calendar changed and who is no longer free."""
    today = (utcnow() - timedelta(days=1)).date()
    duties = session.scalars(
        select(Duty).where(Duty.covered_by_id.in_(people), Duty.duty_on >= today).order_by(Duty.id)
    ).all()
    now = utcnow()
    for duty in duties:
        release_if_not_free(duty, now)


@dataclass(frozen=True)
class Suggestion:
    person: Person
    covers_given: int
    same_site: bool
    same_firm: bool


def covers_given(academic_year: int) -> dict[int, int]:
    """Covers each person gives in an academic year (1 July to 30 June), by person id."""
    first, last = date(academic_year, 7, 1), date(academic_year + 1, 6, 30)
    # The days are compared here, not in the query: given them, SQLite walks every duty of the year by
    # day (tens of thousands in a term) instead of the few that have a cover.
    given: dict[int, int] = {}
    rows = db.session.execute(select(Duty.covered_by_id, Duty.duty_on).where(Duty.covered_by_id.is_not(None)))
    for coverer_id, day in rows:
        if first <= day <= last:
            given[coverer_id] = given.get(coverer_id, 0) + 1
    return given


def _busy_by_records(day: date, session: str) -> set[int]:
    """People whose own duties, covers or approved time away overlap the session, or whose night sits too
    close to it: a quick first sieve."""
    tz = program_tz()
    start, end = session_span(day, session, tz)
    busy: set[int] = set()
    rows = db.session.execute(
        select(Duty.person_id, Duty.covered_by_id, Duty.duty_on, Duty.session).where(
            Duty.duty_on >= day - timedelta(days=1), Duty.duty_on <= day + timedelta(days=1)
        )
    )
    for owner_id, coverer_id, other_day, other_session in rows:
        other_start, other_end = session_span(other_day, other_session, tz)
        if (other_start < end and start < other_end) or too_close_to_a_night(
            day, session, other_day, other_session, tz
        ):
            busy.add(coverer_id or owner_id)
    busy.update(
        db.session.scalars(
            select(AwayPeriod.person_id).where(
                AwayPeriod.status == "approved", AwayPeriod.starts_on <= day, AwayPeriod.ends_on >= day
            )
        )
    )
    return busy


def suggest_coverers(duty: Duty, now: datetime, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Up to `limit` people free and eligible to cover `duty`, best first.

    Order: residents before faculty; then fewest covers given this academic year; then the same clinic
    site as the duty; then the owner's firm; then last and first name, then id. Each suggestion has
    passed the same full check an assignment makes.
    """
    owner = duty.person
    given = covers_given(academic_year_of(duty.duty_on))
    busy = _busy_by_records(duty.duty_on, duty.session)
    people = db.session.scalars(
        select(Person)
        .join(person_roles, person_roles.c.person_id == Person.id)
        .join(Role, Role.id == person_roles.c.role_id)
        .where(Role.name.in_(("resident", "faculty")), Person.is_active, Person.id != owner.id)
        .distinct()
    ).all()
    site = duty.site.strip().lower()

    def rank(person: Person):
        same_site = bool(site) and person.clinic_site is not None and person.clinic_site.name.lower() == site
        same_firm = owner.firm_id is not None and person.firm_id == owner.firm_id
        return (person.is_faculty and not person.is_resident, given.get(person.id, 0), not same_site,
                not same_firm, person.last_name, person.first_name, person.id)  # fmt: skip

    candidates = sorted(
        (
            p
            for p in people
            if p.id not in busy
            and not cover_refusal(
                duty.kind, owner.pgy_on(duty.duty_on), p.pgy_on(duty.duty_on), p.is_faculty, p.name
            )
        ),
        key=rank,
    )
    found = []
    for person in candidates[:MAX_FULL_CHECKS]:
        if cover_problem(duty, person, now) is None:
            _, _, not_site, not_firm, *_ = rank(person)
            found.append(Suggestion(person, given.get(person.id, 0), not not_site, not not_firm))
            if len(found) == limit:
                break
    return found


def find_person(text: str) -> Person | None:
    """An active person by e-mail address (any case)."""
    return db.session.scalar(select(Person).where(Person.email == text.strip().lower(), Person.is_active))


def duties_between(person_id: int, first: date, last: date) -> list[Duty]:
    """The person's duties from `first` to `last` (inclusive), by day and session."""
    order = {key: n for n, key in enumerate(SESSIONS)}
    duties = db.session.scalars(
        select(Duty).where(Duty.person_id == person_id, Duty.duty_on >= first, Duty.duty_on <= last)
    ).all()
    return sorted(duties, key=lambda d: (d.duty_on, order[d.session]))


def covers_by(person_id: int, first: date) -> list[Duty]:
    """The duties the person covers from `first` on, by day."""
    return list(
        db.session.scalars(
            select(Duty)
            .where(Duty.covered_by_id == person_id, Duty.duty_on >= first)
            .order_by(Duty.duty_on, Duty.id)
        )
    )
