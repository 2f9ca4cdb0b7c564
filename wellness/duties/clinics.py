"""A person's duties by hand: weekly continuity clinics made for a range of dates, one duty added, one deleted."""

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
from .covers import duty_text, release_cover
from .importing import MAX_SITE, OVERLAPS
from .models import Duty
from .sessions import DUTY_KINDS, SESSIONS, duty_label

CLINIC_SESSIONS = ("AM", "PM")
MAX_CLINIC_DAYS = 366  # a range longer than a year is a typing slip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ClinicRun:
    made: int  # new clinic sessions
    kept: int  # weekdays in the range that already had a duty in (or overlapping) that session


def weekly_days(weekday: int, first: date, last: date) -> list[date]:
    """Every date from `first` to `last` (inclusive) falling on `weekday` (0 is Monday)."""
    start = first + timedelta(days=(weekday - first.weekday()) % 7)
    return (
        [start + timedelta(weeks=n) for n in range(((last - start).days // 7) + 1)] if start <= last else []
    )


def _require_staff(actor, what: str) -> None:
    if not is_staff(actor):
        raise NotAllowed(f"Only coordinators {what}.")


def _check_person(person: Person) -> None:
    if not person.is_active or not (person.is_resident or person.is_faculty):
        raise ValidationFailed(
            f"{person.name} is not an active resident or faculty member, so has no duties."
        )


def lock_person(person: Person) -> None:
    """Take the lock on the person's row, so two coordinators adding duties for them at once queue."""
    begin_immediate()
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def _sessions_by_day(person_id: int, first: date, last: date) -> dict[date, set[str]]:
    taken: dict[date, set[str]] = {}
    for day, session in db.session.execute(
        select(Duty.duty_on, Duty.session).where(
            Duty.person_id == person_id, Duty.duty_on >= first, Duty.duty_on <= last
        )
    ):
        taken.setdefault(day, set()).add(session)
    return taken


def generate_clinics(
    actor,
    person: Person,
    weekday: int,
    session: str,
    site: str,
    first: date,
    last: date,
    now: datetime | None = None,
) -> ClinicRun:
    """Give `person` a continuity clinic every `weekday` (0 Monday) in `session` (AM or PM) at `site`
    from `first` to `last` inclusive.

    An empty `site` is the person's clinic site. Days that already hold a duty in that session, or one
    overlapping it (a DAY), are kept as they are, so running it twice adds nothing. Returns ClinicRun(made, kept). Raises NotAllowed (not staff) and
    ValidationFailed (not a resident or faculty, a session other than AM or PM, a bad weekday, the range
    backwards or longer than a year, a site too long).
    """
    _require_staff(actor, "make clinic sessions")
    _check_person(person)
    if session not in CLINIC_SESSIONS:
        raise ValidationFailed(
            "A continuity clinic is a morning (AM) or afternoon (PM) session.", field="session"
        )
    if not 0 <= weekday <= 6:
        raise ValidationFailed("Choose a weekday.", field="weekday")
    if last < first:
        raise ValidationFailed("The last day must be on or after the first.", field="last_day")
    if (last - first).days + 1 > MAX_CLINIC_DAYS:
        raise ValidationFailed("Make clinic sessions for at most a year at a time.", field="last_day")
    site = " ".join(site.split()) or (person.clinic_site.name if person.clinic_site else "")
    if len(site) > MAX_SITE:
        raise ValidationFailed(f"Keep the site to {MAX_SITE} characters.", field="site")
    now = now or utcnow()
    lock_person(person)
    taken = _sessions_by_day(person.id, first, last)
    days = weekly_days(weekday, first, last)
    free = [day for day in days if not (taken.get(day, set()) & ({session} | OVERLAPS[session]))]
    db.session.add_all(
        Duty(
            person_id=person.id,
            duty_on=day,
            session=session,
            kind="clinic",
            site=site,
            source="clinic",
            created_at=now,
            updated_at=now,
        )
        for day in free
    )
    db.session.flush()
    record(
        actor,
        "duties.clinics",
        "person",
        person.id,
        None,
        {
            "weekday": WEEKDAYS[weekday],
            "session": session,
            "site": site,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "made": len(free),
        },
    )
    return ClinicRun(made=len(free), kept=len(days) - len(free))


def add_duty(
    actor, person: Person, day: date, session: str, kind: str, site: str, now: datetime | None = None
) -> Duty:
    """Add one duty by hand (source "manual").

    Raises NotAllowed (not staff), ValidationFailed (not a resident or faculty, unknown session or kind,
    site too long) and Conflict (the person already has that session that day, or one overlapping it).
    """
    _require_staff(actor, "add duties")
    _check_person(person)
    if session not in SESSIONS:
        raise ValidationFailed("Choose AM, PM, DAY or NIGHT.", field="session")
    if kind not in DUTY_KINDS:
        raise ValidationFailed("Choose a kind of duty.", field="kind")
    site = " ".join(site.split())
    if len(site) > MAX_SITE:
        raise ValidationFailed(f"Keep the site to {MAX_SITE} characters.", field="site")
    now = now or utcnow()
    lock_person(person)
    same_day = db.session.scalars(select(Duty).where(Duty.person_id == person.id, Duty.duty_on == day)).all()
    clash = next((d for d in same_day if d.session == session or d.session in OVERLAPS[session]), None)
    if clash is not None:
        raise Conflict(
            f"{person.name} already has {duty_label(clash.kind, clash.session)} on "
            f"{day.strftime('%a, %b %-d, %Y')}, which overlaps the {session} session.",
            field="session",
        )
    duty = Duty(
        person_id=person.id,
        duty_on=day,
        session=session,
        kind=kind,
        site=site,
        source="manual",
        created_at=now,
        updated_at=now,
    )
    db.session.add(duty)
    db.session.flush()
    record(actor, "duties.added", "duty", duty.id, None, {"person_id": person.id, "duty": duty_text(duty)})
    return duty


def delete_duty(actor, duty: Duty, now: datetime | None = None) -> None:
    """Delete a duty; if someone covers it, the cover is released first and the coverer told (and the
    owner, since the duty leaves their calendar). Raises NotAllowed for anyone but staff."""
    _require_staff(actor, "delete duties")
    now = now or utcnow()
    text, owner = duty_text(duty), duty.person
    if duty.covered_by_id is not None:
        release_cover(actor, duty, "The duty was deleted, so no cover is needed.", now)
    if owner.id != getattr(actor, "id", None):
        notify(
            owner,
            "duty_deleted",
            f"Duty removed: {duty_label(duty.kind, duty.session)}",
            f"Your {text} was removed from your duties.",
            "/duties",
        )
    record(actor, "duties.deleted", "duty", duty.id, {"person_id": owner.id, "duty": text}, None)
    db.session.delete(duty)
    db.session.flush()
