"""SGIM pages (being built)."""

from sqlalchemy import select

from ..events.elsewhere import answered_elsewhere
from ..extensions import db
from .models import Meeting


@answered_elsewhere
def meeting_page(event) -> str | None:
    """The SGIM meeting's event is answered on the meeting's page, where going books the trip."""
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.event_id == event.id))
    return f"/sgim/{meeting_id}" if meeting_id else None
