"""SGIM services: the meeting and its eligibility, invitations, answers and trips, presentations and funding.

Going creates the trip: an approved away period (kind conference) over the meeting plus its travel days,
which makes the attendee unavailable everywhere the calendar spine is asked. Declining, or dates that
move, release the covers of duties no longer inside the trip. Amounts are whole cents.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..audit import record
from ..database import begin_immediate
from ..dates import local_date, local_to_utc, utcnow
from ..duties.covers import duties_between, is_away_on, release_cover
from ..duties.models import AwayPeriod, Duty
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..events import services as events
from ..events.display import program_tz
from ..events.models import EventKind
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person, Role, person_roles
from ..people.permissions import is_staff
from ..people.programs import PROGRAMS
from .models import (
    FUNDING_CATEGORIES,
    MAX_AMOUNT_CENTS,
    MAX_TRAVEL_DAYS,
    PRESENTATION_KINDS,
    Attendance,
    Eligibility,
    FundingLine,
    Meeting,
)

DEFAULT_ELIGIBILITY = (("primary_care", 2),)
REASON_LENGTH = 500


@dataclass(frozen=True)
class MeetingData:
    """A meeting's details as a form gives them."""

    name: str
    city: str
    starts_on: date
    ends_on: date
    travel_days_before: int = 1
    travel_days_after: int = 0
    registration_deadline_on: date | None = None
    abstract_deadline_on: date | None = None
    budget_per_resident_cents: int = 0
    total_budget_cents: int = 0
    description: str = ""


def _require_staff(actor, what: str = "run the SGIM meeting") -> None:
    """Coordinators only; `actor` None is the command line."""
    if actor is not None and not is_staff(actor):
        raise NotAllowed(f"Only coordinators {what}.")


def money(cents: int) -> str:
    """ "$1,250.50", or "$1,250" for whole dollars."""
    dollars, rest = divmod(abs(cents), 100)
    text = f"${dollars:,}" + (f".{rest:02d}" if rest else "")
    return f"-{text}" if cents < 0 else text


def _check(data: MeetingData) -> None:
    if not data.name.strip():
        raise ValidationFailed("Give the meeting a name.", field="name")
    if not data.city.strip():
        raise ValidationFailed("Say where the meeting is.", field="city")
    if data.ends_on < data.starts_on:
        raise ValidationFailed("The meeting must end on or after the day it starts.", field="ends_on")
    if (data.ends_on - data.starts_on).days > 13:
        raise ValidationFailed("A meeting lasts two weeks at most.", field="ends_on")
    for field_name in ("travel_days_before", "travel_days_after"):
        if not 0 <= getattr(data, field_name) <= MAX_TRAVEL_DAYS:
            raise ValidationFailed(f"Travel days are between 0 and {MAX_TRAVEL_DAYS}.", field=field_name)
    for field_name in ("registration_deadline_on", "abstract_deadline_on"):
        deadline = getattr(data, field_name)
        if deadline and deadline > data.starts_on:
            raise ValidationFailed("A deadline falls before the meeting starts.", field=field_name)
    for field_name in ("budget_per_resident_cents", "total_budget_cents"):
        if not 0 <= getattr(data, field_name) <= MAX_AMOUNT_CENTS * 100:
            raise ValidationFailed("Enter a budget between $0 and $10,000,000.", field=field_name)


def _event_data(data: MeetingData, kind_id: int, pairs) -> events.EventData:
    tz = program_tz()
    return events.EventData(
        title=data.name.strip(),
        kind_id=kind_id,
        starts_at=local_to_utc(data.starts_on, time(0), tz),
        ends_at=local_to_utc(data.ends_on + timedelta(days=1), time(0), tz),
        is_all_day=True,
        description=data.description.strip(),
        location=data.city.strip(),
        is_for_everyone=False,
        programs=tuple(sorted({program for program, _ in pairs})),
        levels=tuple(sorted({pgy for _, pgy in pairs})),
    )


def _check_one_a_year(data: MeetingData, leave_out: int | None = None) -> None:
    """The program funds one national meeting a year: a second one in the same year is refused."""
    year = data.starts_on.year
    same_year = [m for m in meetings_in(year) if m.id != leave_out]
    if same_year:
        raise Conflict(
            f"{year} already has an SGIM meeting, {same_year[0].name}; edit that one.", field="starts_on"
        )


def trip_days(meeting: Meeting) -> tuple[date, date]:
    """The first and last day an attendee is away: the meeting and its travel days."""
    return (
        meeting.starts_on - timedelta(days=meeting.travel_days_before),
        meeting.ends_on + timedelta(days=meeting.travel_days_after),
    )


def create_meeting(actor, data: MeetingData, now: datetime | None = None) -> Meeting:
    """Create the meeting and its published sgim event, eligible to primary care PGY-2, and invite them.

    Raises NotAllowed (not staff), ValidationFailed (bad details, or a meeting already over) and Conflict
    (that year has a meeting).
    """
    _require_staff(actor)
    _check(data)
    if data.ends_on < local_date(now or utcnow(), program_tz()):
        raise ValidationFailed("That meeting is over: choose this year's dates.", field="ends_on")
    begin_immediate()  # publishing takes the event's lock; the year's meeting is looked for under it
    _check_one_a_year(data)
    kind_id = db.session.scalar(select(EventKind.id).where(EventKind.slug == "sgim"))
    event = events.create_event(actor, _event_data(data, kind_id, DEFAULT_ELIGIBILITY))
    events.publish_event(actor, event)
    meeting = Meeting(event_id=event.id, created_by_id=getattr(actor, "id", None))
    _apply(meeting, data)
    meeting.eligibility = [Eligibility(program=p, pgy=g) for p, g in DEFAULT_ELIGIBILITY]
    db.session.add(meeting)
    db.session.flush()
    record(actor, "sgim.created", "sgim_meeting", meeting.id, None, {"name": meeting.name})
    invite_eligible(actor, meeting)
    return meeting


def _apply(meeting: Meeting, data: MeetingData) -> None:
    meeting.name, meeting.city = data.name.strip(), data.city.strip()
    meeting.starts_on, meeting.ends_on = data.starts_on, data.ends_on
    meeting.travel_days_before, meeting.travel_days_after = data.travel_days_before, data.travel_days_after
    meeting.registration_deadline_on = data.registration_deadline_on
    meeting.abstract_deadline_on = data.abstract_deadline_on
    meeting.budget_per_resident_cents = data.budget_per_resident_cents
    meeting.total_budget_cents = data.total_budget_cents
    meeting.updated_at = utcnow()


def meeting_data(meeting: Meeting) -> MeetingData:
    return MeetingData(
        name=meeting.name,
        city=meeting.city,
        starts_on=meeting.starts_on,
        ends_on=meeting.ends_on,
        travel_days_before=meeting.travel_days_before,
        travel_days_after=meeting.travel_days_after,
        registration_deadline_on=meeting.registration_deadline_on,
        abstract_deadline_on=meeting.abstract_deadline_on,
        budget_per_resident_cents=meeting.budget_per_resident_cents,
        total_budget_cents=meeting.total_budget_cents,
        description=meeting.event.description,
    )


def update_meeting(actor, meeting: Meeting, data: MeetingData) -> Meeting:
    """Change the meeting's details and its event; going attendees' trips follow new dates, and covers of
    duties that fall outside a trip are released (their coverers are told)."""
    _require_staff(actor)
    _check(data)
    begin_immediate()
    _check_one_a_year(data, meeting.id)
    before = meeting_data(meeting)
    pairs = [(row.program, row.pgy) for row in meeting.eligibility]
    events.update_event(actor, meeting.event, _event_data(data, meeting.event.kind_id, pairs))
    _apply(meeting, data)
    for attendance in attendances(meeting):
        if attendance.is_going and attendance.away_period is not None:
            _move_trip(actor, attendance)
    record(actor, "sgim.updated", "sgim_meeting", meeting.id, {"name": before.name}, {"name": meeting.name})
    db.session.flush()
    return meeting


def _move_trip(actor, attendance: Attendance) -> None:
    period = attendance.away_period
    first, last = trip_days(attendance.meeting)
    if (period.starts_on, period.ends_on) == (first, last):
        return
    old = (period.starts_on, period.ends_on)
    period.title = trip_title(attendance.meeting)
    period.starts_on, period.ends_on = first, last
    period.revision += 1
    period.updated_at = utcnow()
    _release_outside_trip(actor, attendance, old, (first, last))


def _release_outside_trip(
    actor, attendance: Attendance, old: tuple[date, date], new: tuple[date, date] | None
) -> None:
    """Release the covers of the attendee's duties on the trip's old days that are not inside its new days
    (`new` None: the trip is cancelled), unless they are away then all the same (a vacation's covers stay).

    The trip's away period must already hold its new dates or status: the check for other time away reads it.
    """
    covered = db.session.scalars(
        select(Duty).where(
            Duty.person_id == attendance.person_id,
            Duty.covered_by_id.is_not(None),
            Duty.duty_on >= old[0],
            Duty.duty_on <= old[1],
        )
    ).all()
    for duty in covered:
        if new is not None and new[0] <= duty.duty_on <= new[1]:
            continue
        if not is_away_on(attendance.person_id, duty.duty_on):
            release_cover(
                actor, duty, f"{attendance.person.name} is no longer away then, so no cover is needed."
            )


def trip_title(meeting: Meeting) -> str:
    return f"{meeting.name}, {meeting.city}"


def eligible_pairs(meeting: Meeting) -> set[tuple[str, int]]:
    return {(row.program, row.pgy) for row in meeting.eligibility}


def set_eligibility(actor, meeting: Meeting, pairs: set[tuple[str, int]]) -> int:
    """Make exactly these programs and training levels eligible and invite anyone newly eligible.

    Invitations already sent stay (an answered invitation is never withdrawn). Returns how many were
    invited. Raises ValidationFailed for an empty choice or an unknown program or level.
    """
    _require_staff(actor)
    if not pairs:
        raise ValidationFailed("Choose at least one program and training level.", field="pairs")
    if any(program not in PROGRAMS or not 1 <= pgy <= PROGRAMS[program].years for program, pgy in pairs):
        raise ValidationFailed("Choose programs and levels from the table.", field="pairs")
    before = sorted(eligible_pairs(meeting))
    meeting.eligibility = [Eligibility(program=p, pgy=g) for p, g in sorted(pairs)]
    event = meeting.event
    event.audience_programs = ",".join(sorted({p for p, _ in pairs}))
    event.audience_levels = ",".join(str(g) for g in sorted({g for _, g in pairs}))
    event.updated_at = utcnow()
    db.session.flush()
    record(actor, "sgim.eligibility", "sgim_meeting", meeting.id, {"pairs": before}, {"pairs": sorted(pairs)})
    return invite_eligible(actor, meeting)


def residents() -> list[Person]:
    """Active residents, by name."""
    return list(
        db.session.scalars(
            select(Person)
            .join(person_roles, person_roles.c.person_id == Person.id)
            .join(Role, Role.id == person_roles.c.role_id)
            .where(Role.name == "resident", Person.is_active)
            .order_by(Person.last_name, Person.first_name, Person.id)
        )
    )


def eligible_residents(meeting: Meeting) -> list[Person]:
    """Active residents whose program and PGY on the meeting's first day are eligible."""
    pairs = eligible_pairs(meeting)
    return [p for p in residents() if (p.program, p.pgy_on(meeting.starts_on)) in pairs]


def attendances(meeting: Meeting) -> list[Attendance]:
    """Everyone invited, by name."""
    return list(
        db.session.scalars(
            select(Attendance)
            .join(Person, Person.id == Attendance.person_id)
            .where(Attendance.meeting_id == meeting.id)
            .order_by(Person.last_name, Person.first_name, Attendance.id)
        )
    )


def attendance_of(meeting: Meeting, person_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.person_id == person_id)
    )


def _invite(meeting: Meeting, person: Person, *, is_added: bool) -> Attendance:
    attendance = Attendance(meeting_id=meeting.id, person_id=person.id, is_added=is_added)
    db.session.add(attendance)
    first, last = trip_days(meeting)
    notify(
        person,
        "sgim_invited",
        f"You are invited to {meeting.name}",
        f"The program funds your trip to {meeting.name} in {meeting.city}, "
        f"{meeting.starts_on.strftime('%b %-d')} – {meeting.ends_on.strftime('%b %-d, %Y')}, and covers your "
        f"clinical duties while you are away ({first.strftime('%b %-d')} – {last.strftime('%b %-d')} with travel). "
        "Say whether you are going.",
        f"/sgim/{meeting.id}",
    )
    return attendance


def invite_eligible(actor, meeting: Meeting) -> int:
    """Invite every eligible resident not yet invited; returns how many."""
    _require_staff(actor)
    invited = {a.person_id for a in attendances(meeting)}
    new = [p for p in eligible_residents(meeting) if p.id not in invited]
    for person in new:
        _invite(meeting, person, is_added=False)
    db.session.flush()
    return len(new)


def invite_resident(actor, meeting: Meeting, person: Person | None) -> Attendance:
    """Invite one more resident beyond the eligible ones. Raises ValidationFailed and Conflict."""
    _require_staff(actor)
    if person is None or not person.is_active or not person.is_resident:
        raise ValidationFailed("No active resident has that address.", field="email")
    if attendance_of(meeting, person.id):
        raise Conflict(f"{person.name} is already invited.", field="email")
    attendance = _invite(meeting, person, is_added=True)
    db.session.flush()
    record(actor, "sgim.invited", "sgim_attendance", attendance.id, None, {"person_id": person.id})
    return attendance


def _require_attendee_or_staff(actor, attendance: Attendance, what: str) -> None:
    if getattr(actor, "id", None) != attendance.person_id and not is_staff(actor):
        raise NotAllowed(f"Only {attendance.person.name} or a coordinator can {what}.")


def answer_invitation(actor, attendance: Attendance, going: bool, now: datetime | None = None) -> Attendance:
    """Going or declined. Going creates the trip (an approved away period); declining cancels it and
    releases the covers arranged for it. Raises NotAllowed and ValidationFailed (the meeting is over)."""
    now = now or utcnow()
    _require_attendee_or_staff(actor, attendance, "answer this invitation")
    meeting = attendance.meeting
    if meeting.ends_on < now.date():
        raise ValidationFailed("The meeting is over, so its answers are final.")
    begin_immediate()
    answer = "going" if going else "declined"
    if attendance.answer == answer:
        return attendance
    before = attendance.answer
    attendance.answer, attendance.answered_at, attendance.updated_at = answer, now, now
    if going:
        first, last = trip_days(meeting)
        period = attendance.away_period
        if period is None:
            period = AwayPeriod(
                person_id=attendance.person_id, kind="conference", requested_by_id=getattr(actor, "id", None)
            )
            db.session.add(period)
            attendance.away_period = period
        period.title, period.starts_on, period.ends_on = trip_title(meeting), first, last
        period.status, period.decided_by_id, period.decided_at = "approved", getattr(actor, "id", None), now
        period.revision, period.updated_at = (period.revision or 0) + 1, now
    elif attendance.away_period is not None:
        period = attendance.away_period
        period.status, period.revision, period.updated_at = "cancelled", period.revision + 1, now
        _release_outside_trip(actor, attendance, (period.starts_on, period.ends_on), None)
    db.session.flush()
    record(actor, "sgim.answered", "sgim_attendance", attendance.id, {"answer": before}, {"answer": answer})
    return attendance


def record_presentation(actor, attendance: Attendance, title: str, kind: str | None) -> Attendance:
    """Set (or with an empty title, clear) the attendee's presentation. Raises NotAllowed, ValidationFailed."""
    _require_attendee_or_staff(actor, attendance, "record this presentation")
    title = " ".join((title or "").split())
    if len(title) > 300:
        raise ValidationFailed("Keep the title to 300 characters.", field="title")
    if title and kind not in PRESENTATION_KINDS:
        raise ValidationFailed("Choose poster, oral presentation or workshop.", field="kind")
    attendance.presentation_title = title
    attendance.presentation_kind = kind if title else None
    attendance.updated_at = utcnow()
    db.session.flush()
    return attendance


def _lines(attendance: Attendance) -> dict[str, FundingLine]:
    lines = {line.category: line for line in attendance.funding}
    for category in FUNDING_CATEGORIES:
        if category not in lines:
            line = FundingLine(category=category, requested_cents=0)
            attendance.funding.append(line)
            lines[category] = line
    return lines


def _check_amounts(amounts: dict[str, int], field_prefix: str) -> None:
    for category, cents in amounts.items():
        if category not in FUNDING_CATEGORIES:
            raise ValidationFailed("Unknown funding category.")
        if cents is None or not 0 <= cents <= MAX_AMOUNT_CENTS:
            raise ValidationFailed(
                f"Enter an amount between $0 and {money(MAX_AMOUNT_CENTS)}.",
                field=f"{field_prefix}{category}",
            )


def request_funding(actor, attendance: Attendance, amounts: dict[str, int]) -> Attendance:
    """Record the amounts requested per category. Once funding is approved only a coordinator changes the
    request (and the approval stands until they approve again). Raises NotAllowed, ValidationFailed."""
    _require_attendee_or_staff(actor, attendance, "request funding for this trip")
    if not attendance.is_going:
        raise ValidationFailed("Say you are going before requesting funding.")
    if attendance.funding_approved_at and not is_staff(actor):
        raise ValidationFailed("Your funding is already approved; ask a coordinator to change it.")
    _check_amounts(amounts, "")
    lines = _lines(attendance)
    before = {c: line.requested_cents for c, line in lines.items()}
    for category, cents in amounts.items():
        lines[category].requested_cents = cents
    attendance.updated_at = utcnow()
    db.session.flush()
    record(actor, "sgim.funding_requested", "sgim_attendance", attendance.id, before, dict(amounts))
    return attendance


def committed_cents(meeting: Meeting, leave_out: int | None = None) -> int:
    """Funding approved across the meeting's going attendees (optionally leaving one attendance out)."""
    return sum(a.approved_cents for a in attendances(meeting) if a.is_going and a.id != leave_out)


def approve_funding(
    actor,
    attendance: Attendance,
    amounts: dict[str, int],
    over_budget_reason: str = "",
    now: datetime | None = None,
) -> Attendance:
    """Approve amounts per category: never more than requested, and within the per-resident and total
    budgets unless `over_budget_reason` explains why. Raises NotAllowed, ValidationFailed, Conflict."""
    _require_staff(actor, "approve funding")
    now = now or utcnow()
    if not attendance.is_going:
        raise ValidationFailed(f"{attendance.person.name} is not going, so there is nothing to fund.")
    if not attendance.funding:
        raise ValidationFailed(
            f"{attendance.person.name} has not asked for funding yet: approve once they save a request"
            " (of $0 if they need none)."
        )
    _check_amounts(amounts, "approved_")
    meeting = attendance.meeting
    begin_immediate()
    db.session.refresh(meeting)
    lines = _lines(attendance)
    for category, cents in amounts.items():
        requested = lines[category].requested_cents
        if cents > requested:
            raise ValidationFailed(
                f"{FUNDING_CATEGORIES[category]}: {money(cents)} is more than the {money(requested)} requested.",
                field=f"approved_{category}",
            )
    total = sum(amounts.values())
    reason = " ".join((over_budget_reason or "").split())
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed(f"Keep the reason to {REASON_LENGTH} characters.", field="over_budget_reason")
    over = []
    if meeting.budget_per_resident_cents and total > meeting.budget_per_resident_cents:
        over.append(
            f"{money(total)} is over the {money(meeting.budget_per_resident_cents)} budget per resident"
        )
    committed = committed_cents(meeting, leave_out=attendance.id)
    if meeting.total_budget_cents and committed + total > meeting.total_budget_cents:
        left = max(meeting.total_budget_cents - committed, 0)
        over.append(f"only {money(left)} of the {money(meeting.total_budget_cents)} total budget is left")
    if over and not reason:
        raise Conflict(
            f"Not approved: {'; '.join(over)}. To approve anyway, give the reason.",
            field="over_budget_reason",
        )
    before = {c: line.approved_cents for c, line in lines.items()}
    for category, cents in amounts.items():
        lines[category].approved_cents = cents
    attendance.funding_approved_at, attendance.funding_approved_by_id = now, getattr(actor, "id", None)
    attendance.over_budget_reason = reason if over else ""
    attendance.updated_at = now
    db.session.flush()
    record(actor, "sgim.funding_approved", "sgim_attendance", attendance.id, before,
           {**amounts, "over_budget_reason": attendance.over_budget_reason})  # fmt: skip
    notify(attendance.person, "sgim_funding", f"Funding approved: {meeting.name}",
           f"{money(attendance.approved_cents)} is approved for your trip to {meeting.name}.", f"/sgim/{meeting.id}")  # fmt: skip
    return attendance


def set_reimbursement(actor, attendance: Attendance, status: str, now: datetime | None = None) -> Attendance:
    """Submitted (the attendee or a coordinator) or paid (a coordinator only), once funding is approved."""
    now = now or utcnow()
    _require_attendee_or_staff(actor, attendance, "update this reimbursement")
    if status not in ("none", "submitted", "paid"):
        raise ValidationFailed("Choose not submitted, submitted or paid.", field="status")
    if status in ("paid", "none") and not is_staff(actor):
        raise NotAllowed("Only coordinators mark a reimbursement paid or reopen it.")
    if not attendance.funding_approved_at and status != "none":
        raise ValidationFailed("Funding has to be approved before a reimbursement is submitted.")
    attendance.reimbursement, attendance.reimbursement_changed_at = status, now
    attendance.updated_at = now
    db.session.flush()
    return attendance


@dataclass(frozen=True)
class Need:
    """A duty of an attendee inside their trip, which someone must cover."""

    duty: Duty

    @property
    def is_covered(self) -> bool:
        return self.duty.covered_by_id is not None


def needs_of(attendance: Attendance) -> list[Need]:
    """The attendee's duties inside the trip, by day and session (none unless they are going)."""
    if not attendance.is_going:
        return []
    first, last = trip_days(attendance.meeting)
    return [Need(duty) for duty in duties_between(attendance.person_id, first, last)]


@dataclass(frozen=True)
class TripStatus:
    attendance: Attendance
    needs: list[Need]

    @property
    def uncovered(self) -> list[Need]:
        return [need for need in self.needs if not need.is_covered]

    @property
    def funding_approved(self) -> bool:
        return self.attendance.funding_approved_at is not None

    @property
    def is_cleared(self) -> bool:
        """Cleared: going, funding approved, and every need covered."""
        return self.attendance.is_going and self.funding_approved and not self.uncovered

    @property
    def label(self) -> str:
        if self.attendance.answer == "invited":
            return "Not answered"
        if self.attendance.answer == "declined":
            return "Declined"
        if self.is_cleared:
            return "Cleared"
        waiting = []
        if self.uncovered:
            waiting.append(f"{len(self.uncovered)} uncovered")
        if not self.funding_approved:
            waiting.append("funding pending")
        return "Not cleared: " + ", ".join(waiting)


def trip_status(attendance: Attendance) -> TripStatus:
    return TripStatus(attendance, needs_of(attendance))


@dataclass(frozen=True)
class Budget:
    total_cents: int
    requested_cents: int
    committed_cents: int
    paid_cents: int

    @property
    def remaining_cents(self) -> int:
        return self.total_cents - self.committed_cents


def budget_of(meeting: Meeting) -> Budget:
    """Requested, committed (approved), paid and remaining, over the going attendees."""
    going = [a for a in attendances(meeting) if a.is_going]
    return Budget(
        total_cents=meeting.total_budget_cents,
        requested_cents=sum(a.requested_cents for a in going),
        committed_cents=sum(a.approved_cents for a in going),
        paid_cents=sum(a.approved_cents for a in going if a.reimbursement == "paid"),
    )


def meetings() -> list[Meeting]:
    """Every meeting, the latest first."""
    return list(db.session.scalars(select(Meeting).order_by(Meeting.starts_on.desc(), Meeting.id.desc())))


def meetings_in(year: int) -> list[Meeting]:
    """The meetings starting in a calendar year."""
    return [m for m in meetings() if m.starts_on.year == year]


def coverage_rows(year: int) -> list[dict]:
    """One row per need of the meetings starting in `year`: attendee, date, session, kind, site, coverer, status."""
    rows = []
    for meeting in sorted(meetings_in(year), key=lambda m: (m.starts_on, m.id)):
        for attendance in attendances(meeting):
            for need in needs_of(attendance):
                duty = need.duty
                rows.append({
                    "attendee": attendance.person.name,
                    "date": duty.duty_on.isoformat(),
                    "session": duty.session,
                    "kind": duty.kind,
                    "site": duty.site,
                    "coverer": duty.covered_by.name if duty.covered_by else "",
                    "status": "covered" if need.is_covered else "uncovered",
                })  # fmt: skip
    return rows
