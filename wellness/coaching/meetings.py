"""Coaching meetings: one of the pair proposes a time and place, the other confirms, declines or
proposes another time; either may cancel. Only the two people in the pairing may touch its meetings.

A time that clashes with something already on the proposer's (or confirmer's) own calendar is refused,
naming it, through the calendar spine; the other person's calendar is never read, since it is theirs.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from ..audit import record
from ..calendar import find_clashes
from ..dates import academic_year_of, local_to_utc
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..events.display import local_text, program_tz
from ..extensions import db
from ..notifications.services import notify
from .models import Meeting, Pairing

LONGEST = timedelta(hours=4)
PLACE_LENGTH = 300


def in_pairing(person, pairing: Pairing) -> bool:
    return person is not None and getattr(person, "id", None) in (pairing.resident_id, pairing.coach_id)


def other_in(pairing: Pairing, person):
    return pairing.coach if person.id == pairing.resident_id else pairing.resident


def meeting_uid(meeting: Meeting) -> str:
    return f"coaching-meeting-{meeting.id}"


def _require_member(actor, pairing: Pairing) -> None:
    if not in_pairing(actor, pairing):
        raise NotAllowed("You can only arrange meetings with your own coach or coachees.")
    if not pairing.is_active:
        raise Conflict("This pairing has ended, so it takes no more meetings.")


def _check_time(actor, starts_at: datetime, ends_at: datetime, place: str, now: datetime, ignore=()) -> str:
    place = " ".join((place or "").split())
    if not place:
        raise ValidationFailed("Say where you will meet: a room or a video link.", field="place")
    if len(place) > PLACE_LENGTH:
        raise ValidationFailed(f"Keep the place to {PLACE_LENGTH} characters.", field="place")
    if starts_at <= now:
        raise ValidationFailed("A meeting must be in the future.", field="start_time")
    if ends_at <= starts_at:
        raise ValidationFailed("A meeting must end after it starts.", field="end_time")
    if ends_at - starts_at > LONGEST:
        raise ValidationFailed("A coaching meeting lasts at most four hours.", field="end_time")
    tz = program_tz()
    clashes = find_clashes(actor.id, starts_at, ends_at, tz, now, ignore=ignore)
    if clashes:
        raise Conflict(
            f"That time overlaps {clashes[0].title}, already on your calendar.", field="start_time"
        )
    return place


def _tell(meeting: Meeting, person, subject: str, opening: str) -> None:
    tz = program_tz()
    notify(
        person,
        "coaching",
        subject,
        f"{opening}\n\nWhen: {local_text(meeting.starts_at, tz)} to {local_text(meeting.ends_at, tz)}\n"
        f"Where: {meeting.place}",
        "/coaching",
    )


def propose_meeting(actor, pairing: Pairing, starts_at, ends_at, place: str, now: datetime, *, replaces=None):
    """Propose a meeting to the other person in the pairing, who is told."""
    _require_member(actor, pairing)
    ignore = (meeting_uid(replaces),) if replaces is not None else ()
    place = _check_time(actor, starts_at, ends_at, place, now, ignore)
    meeting = Meeting(
        pairing_id=pairing.id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        proposed_by_id=actor.id,
        replaces_id=getattr(replaces, "id", None),
        created_at=now,
        updated_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    record(actor, "coaching.meeting_proposed", "meeting", meeting.id)
    verb = "proposes another time for" if replaces is not None else "proposes"
    _tell(
        meeting,
        other_in(pairing, actor),
        f"{actor.name} {verb} a coaching meeting",
        f"{actor.name} {verb} a coaching meeting. Confirm it, decline it or propose another time on your coaching page.",
    )
    return meeting


def _open_meeting(actor, meeting: Meeting, now: datetime, *, statuses=("proposed",)) -> None:
    _require_member(actor, meeting.pairing)
    if meeting.status not in statuses:
        raise Conflict(f"This meeting is {meeting.status} already.")
    if meeting.starts_at <= now:
        raise Conflict("This meeting's time has passed.")


def respond_to_meeting(actor, meeting: Meeting, answer: str, now: datetime) -> Meeting:
    """The other person confirms or declines a proposed meeting; the proposer is told."""
    _open_meeting(actor, meeting, now)
    if meeting.proposed_by_id == actor.id:
        raise NotAllowed("The other person answers your proposal; you can cancel it or propose another time.")
    if answer == "confirm":
        _check_time(actor, meeting.starts_at, meeting.ends_at, meeting.place, now, (meeting_uid(meeting),))
        meeting.status = "confirmed"
        meeting.confirmed_at = now
    elif answer == "decline":
        meeting.status = "declined"
    else:
        raise ValidationFailed("Confirm or decline the meeting.")
    meeting.revision += 1
    meeting.updated_at = now
    db.session.flush()
    record(actor, f"coaching.meeting_{meeting.status}", "meeting", meeting.id)
    word = "confirmed" if answer == "confirm" else "declined"
    _tell(
        meeting,
        other_in(meeting.pairing, actor),
        f"{actor.name} {word} your coaching meeting",
        f"{actor.name} {word} the coaching meeting you proposed.",
    )
    return meeting


def propose_other_time(actor, meeting: Meeting, starts_at, ends_at, place: str, now: datetime) -> Meeting:
    """Answer a proposal (or move a confirmed meeting) with another time: the first is replaced."""
    _open_meeting(actor, meeting, now, statuses=("proposed", "confirmed"))
    if meeting.status == "proposed" and meeting.proposed_by_id == actor.id:
        raise NotAllowed("Wait for an answer to your proposal, or cancel it and propose again.")
    new = propose_meeting(actor, meeting.pairing, starts_at, ends_at, place, now, replaces=meeting)
    meeting.status = "replaced"
    meeting.revision += 1
    meeting.updated_at = now
    db.session.flush()
    return new


def cancel_meeting(actor, meeting: Meeting, now: datetime) -> Meeting:
    """Either person cancels a proposed or confirmed meeting that has not started; the other is told."""
    _open_meeting(actor, meeting, now, statuses=("proposed", "confirmed"))
    meeting.status = "cancelled"
    meeting.revision += 1
    meeting.updated_at = now
    db.session.flush()
    record(actor, "coaching.meeting_cancelled", "meeting", meeting.id)
    _tell(
        meeting,
        other_in(meeting.pairing, actor),
        f"{actor.name} cancelled a coaching meeting",
        f"{actor.name} cancelled the coaching meeting.",
    )
    return meeting


def meetings_of(pairing: Pairing) -> list[Meeting]:
    """The pairing's proposed and confirmed meetings, latest first (declined, cancelled and replaced ones
    are left out)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.pairing_id == pairing.id, Meeting.status.in_(("proposed", "confirmed")))
            .order_by(Meeting.starts_at.desc())
        )
    )


def upcoming_for(person_id: int, now: datetime) -> list[Meeting]:
    """The person's proposed and confirmed meetings still to come, across their pairings, soonest first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .join(Pairing, Pairing.id == Meeting.pairing_id)
            .where(
                or_(Pairing.resident_id == person_id, Pairing.coach_id == person_id),
                Pairing.ends_on.is_(None),
                Meeting.status.in_(("proposed", "confirmed")),
                Meeting.ends_at > now,
            )
            .order_by(Meeting.starts_at)
        )
    )


def held_this_year(today: date, now: datetime) -> dict[int, int]:
    """Confirmed meetings held (ended) in the academic year of `today`, per pairing id: the only thing
    coordinators see of meetings."""
    year = academic_year_of(today)
    tz = program_tz()
    start = local_to_utc(date(year, 7, 1), datetime.min.time(), tz)
    return dict(
        db.session.execute(
            select(Meeting.pairing_id, func.count())
            .where(Meeting.status == "confirmed", Meeting.starts_at >= start, Meeting.ends_at <= now)
            .group_by(Meeting.pairing_id)
        ).all()
    )
