"""Coaching on calendars: each confirmed meeting in both people's personal feeds, as "Coaching meeting"
with its time and place and nothing more; never in a public feed. A meeting cancelled or moved after
it was confirmed stays as cancelled for a while, so subscribed calendars drop it."""

from sqlalchemy import and_, or_, select

from ..calendar import CalendarItem, Provider, Watch, Window, register
from ..calendar.items import CANCELLED_KEPT_FOR
from ..extensions import db
from .meetings import meeting_uid
from .models import Meeting, Pairing


def _item(meeting: Meeting) -> CalendarItem:
    return CalendarItem(
        uid=meeting_uid(meeting),
        title="Coaching meeting",
        updated_at=meeting.updated_at,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.place,
        status="confirmed" if meeting.status == "confirmed" else "cancelled",
        categories=("Coaching",),
        privacy="confidential",
        revision=meeting.revision,
        url="/coaching",
    )


def personal_items(person_id: int, window: Window) -> list[CalendarItem]:
    """The person's confirmed meetings overlapping the window, as coach or as coachee."""
    meetings = db.session.scalars(
        select(Meeting)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .where(
            or_(Pairing.resident_id == person_id, Pairing.coach_id == person_id),
            Meeting.ends_at > window.start,
            Meeting.starts_at < window.end,
            or_(
                Meeting.status == "confirmed",
                and_(
                    Meeting.status.in_(("cancelled", "replaced")),
                    Meeting.confirmed_at.is_not(None),
                    Meeting.updated_at > window.as_of - CANCELLED_KEPT_FOR,
                ),
            ),
        )
    )
    return [_item(meeting) for meeting in meetings]


def _pair_people(session, pairing_ids: set[int]) -> set[int]:
    if not pairing_ids:
        return set()
    people = set()
    for resident_id, coach_id in session.execute(
        select(Pairing.resident_id, Pairing.coach_id).where(Pairing.id.in_(pairing_ids))
    ):
        people |= {resident_id, coach_id}
    return people


register(
    Provider(
        name="coaching",
        personal=personal_items,
        watches=(
            Watch(Meeting, lambda session, meetings: _pair_people(session, {m.pairing_id for m in meetings})),
        ),
    )
)
