"""Duty sessions and kinds, their hours, and who may cover which kind of duty (pure: no Flask, no database)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Session:
    key: str
    label: str
    starts: time
    ends: time  # on the next day when not after `starts` (a night)


SESSIONS = {
    s.key: s
    for s in (
        Session("AM", "Morning", time(8), time(12)),
        Session("PM", "Afternoon", time(13), time(17)),
        Session("DAY", "Day", time(7), time(19)),
        Session("NIGHT", "Night", time(19), time(7)),
    )
}
DUTY_KINDS = {
    "clinic": "Continuity clinic",
    "inpatient": "Inpatient",
    "ambulatory": "Ambulatory",
    "other": "Other duty",
}
# A clinic or ambulatory session may be covered by a resident from PGY-2 up, or by faculty.
SENIOR_COVER_KINDS = ("clinic", "ambulatory")
MIN_CLINIC_COVER_PGY = 2
# Time off a coverer keeps between a night and any other session, before or after it.
REST_AROUND_NIGHT = timedelta(hours=8)


def session_span(day: date, session: str, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC start and end of a session on a local day; a night ends the next morning.

    Raises KeyError for an unknown session.
    """
    hours = SESSIONS[session]
    zone = ZoneInfo(tz_name)
    start = datetime.combine(day, hours.starts, tzinfo=zone)
    end_day = day if hours.ends > hours.starts else day + timedelta(days=1)
    end = datetime.combine(end_day, hours.ends, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def too_close_to_a_night(day: date, session: str, other_day: date, other_session: str, tz_name: str) -> bool:
    """Whether two sessions that do not overlap, one of them a night, leave less than REST_AROUND_NIGHT
    between them (a night's 7 AM hand-over to a DAY, or a PM clinic before a night, leaves none or two
    hours). Sessions that overlap are a clash of their own, so False for them; False when neither is a night.
    """
    if "NIGHT" not in (session, other_session):
        return False
    start, end = session_span(day, session, tz_name)
    other_start, other_end = session_span(other_day, other_session, tz_name)
    if start < other_end and other_start < end:
        return False
    gap = other_start - end if other_start >= end else start - other_end
    return gap < REST_AROUND_NIGHT


def duty_label(kind: str, session: str) -> str:
    """ "Continuity clinic (AM)", "Inpatient (NIGHT)"."""
    return f"{DUTY_KINDS.get(kind, kind)} ({session})"


def cover_refusal(
    kind: str, owner_pgy: int | None, coverer_pgy: int | None, coverer_is_faculty: bool, name: str
) -> str | None:
    """Why `name` may not cover a duty of this kind, or None when they may.

    Clinic and ambulatory cover needs a resident of PGY-2 or above, or faculty. Inpatient cover needs
    a resident of the owner's PGY or higher, or faculty. Anyone in training or faculty may cover other
    duties. `owner_pgy` and `coverer_pgy` are on the duty's day (None: not in training then).
    """
    if coverer_is_faculty:
        return None
    if coverer_pgy is None:
        return f"{name} is not in training on that day, so cannot cover it."
    if kind in SENIOR_COVER_KINDS and coverer_pgy < MIN_CLINIC_COVER_PGY:
        return (
            f"{name} is PGY-{coverer_pgy}: {DUTY_KINDS[kind].lower()} cover needs PGY-2 or above, or faculty."
        )
    if kind == "inpatient" and owner_pgy is not None and coverer_pgy < owner_pgy:
        return f"{name} is PGY-{coverer_pgy}: inpatient cover needs PGY-{owner_pgy} or above, or faculty."
    return None
