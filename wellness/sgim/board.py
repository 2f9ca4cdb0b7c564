"""What the SGIM pages show: each meeting's counts, the coordinators' board, a resident's invitations,
and covering a trip's needs (assigning and removing covers on the trip page)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..duties.covers import can_arrange_cover, cover_duty, uncover_duty
from ..duties.models import Duty
from ..errors import ValidationFailed
from ..extensions import db
from ..people.models import Person
from ..people.programs import PROGRAMS
from . import services
from .models import Attendance, Meeting
from .services import Budget, Need, TripStatus


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting with how many are invited, going and cleared, and its needs still uncovered."""

    meeting: Meeting
    invited: int
    going: int
    cleared: int
    uncovered: int


def _summary(meeting: Meeting, statuses: list[TripStatus]) -> MeetingSummary:
    return MeetingSummary(
        meeting=meeting,
        invited=len(statuses),
        going=sum(1 for s in statuses if s.attendance.is_going),
        cleared=sum(1 for s in statuses if s.is_cleared),
        uncovered=sum(len(s.uncovered) for s in statuses),
    )


def summaries() -> list[MeetingSummary]:
    """Every meeting, latest first, with its counts."""
    return [
        _summary(meeting, [services.trip_status(a) for a in services.attendances(meeting)])
        for meeting in services.meetings()
    ]


def invitations_of(person_id: int) -> list[TripStatus]:
    """The person's SGIM invitations with their status, the latest meeting first."""
    rows = db.session.scalars(
        select(Attendance)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.person_id == person_id)
        .order_by(Meeting.starts_on.desc(), Meeting.id.desc())
    )
    return [services.trip_status(attendance) for attendance in rows]


@dataclass(frozen=True)
class Board:
    """A meeting as its coordinators run it: everyone invited, the budget, over-budget approvals."""

    summary: MeetingSummary
    statuses: list[TripStatus]
    budget: Budget
    eligible: set[tuple[str, int]]

    @property
    def meeting(self) -> Meeting:
        return self.summary.meeting

    @property
    def uncovered(self) -> list[tuple[Attendance, Need]]:
        """Every need still uncovered, by day and session, then by attendee."""
        needs = [(s.attendance, need) for s in self.statuses for need in s.uncovered]
        return sorted(
            needs, key=lambda pair: (pair[1].duty.duty_on, pair[1].duty.session, pair[0].person.sort_name)
        )

    @property
    def over_budget(self) -> list[Attendance]:
        return [
            s.attendance for s in self.statuses if s.attendance.is_going and s.attendance.over_budget_reason
        ]


def build_board(meeting: Meeting) -> Board:
    """The meeting's board: everyone invited (by name) with their trip's status, and the budget."""
    statuses = [services.trip_status(a) for a in services.attendances(meeting)]
    return Board(
        _summary(meeting, statuses), statuses, services.budget_of(meeting), services.eligible_pairs(meeting)
    )


def eligibility_rows() -> list[tuple[str, str, list[int]]]:
    """(program key, label, its PGYs) for the eligibility table."""
    return [(key, program.label, list(range(1, program.years + 1))) for key, program in PROGRAMS.items()]


def approval_needs_reason(attendance: Attendance) -> bool:
    """Whether approving what the attendee requested would pass a budget (or already has, with a reason)."""
    if attendance.over_budget_reason:
        return True
    meeting, requested = attendance.meeting, attendance.requested_cents
    if meeting.budget_per_resident_cents and requested > meeting.budget_per_resident_cents:
        return True
    committed = services.committed_cents(meeting, leave_out=attendance.id)
    return bool(meeting.total_budget_cents) and committed + requested > meeting.total_budget_cents


def need_of(attendance: Attendance, duty_id: int) -> Need | None:
    """The trip's need for this duty, or None when the duty is not inside the trip (or they are not going)."""
    return next((need for need in services.needs_of(attendance) if need.duty.id == duty_id), None)


def cover_need(actor, attendance: Attendance, duty: Duty, coverer: Person | None, now: datetime) -> Duty:
    """Make the person with that address cover one of the trip's needs (see covers.assign_cover).

    Raises ValidationFailed (nobody active has the address; the duty is not inside the trip; own duty,
    not eligible), NotAllowed (neither a coordinator nor the attendee while away) and Conflict (the
    coverer is away or busy then; the message names what).
    """
    if need_of(attendance, duty.id) is None:
        raise ValidationFailed("That duty is not inside the trip.", field="coverer")
    return cover_duty(actor, duty, coverer, now)


def uncover_need(actor, attendance: Attendance, duty: Duty, now: datetime) -> None:
    """Remove the cover of one of the trip's needs; the coverer, the owner and the coordinator who arranged
    it hear (whoever of them did not do it). Raises NotAllowed and ValidationFailed (not a need)."""
    if can_arrange_cover(actor, duty) and need_of(attendance, duty.id) is None:
        raise ValidationFailed("That duty is not inside the trip.")
    uncover_duty(actor, duty, now)
