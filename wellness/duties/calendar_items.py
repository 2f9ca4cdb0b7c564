"""Duties and away periods on calendars: a person's own duties, the duties they cover, and their time away.

All of it is private. A duty someone else covers stays on its owner's calendar as free time, titled
with who covers it; the coverer has it as a busy "Covering" item. Requested away periods are tentative;
only approved ones are busy.
"""

from datetime import timedelta

from sqlalchemy import inspect, or_, select

from ..calendar import CalendarItem, Provider, Watch, Window, register
from ..dates import local_date
from ..events.display import program_tz
from ..extensions import db
from ..people.models import Person
from .models import AWAY_KINDS, AwayPeriod, Duty
from .sessions import DUTY_KINDS, duty_label, session_span

COVER_PREFIX = "duty-cover-"


def cover_uid(duty_id: int) -> str:
    return f"{COVER_PREFIX}{duty_id}"


def _days(window: Window):
    tz = program_tz()
    # A night starts the evening before the window's first morning.
    return local_date(window.start, tz) - timedelta(days=1), local_date(
        window.end - timedelta(microseconds=1), tz
    )


def _duty_item(duty: Duty, owner: Person, coverer: Person | None, person_id: int, tz: str) -> CalendarItem:
    starts_at, ends_at = session_span(duty.duty_on, duty.session, tz)
    label = duty_label(duty.kind, duty.session)
    common = dict(
        updated_at=duty.updated_at,
        starts_at=starts_at,
        ends_at=ends_at,
        location=duty.site,
        categories=("Duty",),
        privacy="private",
        revision=duty.revision,
        url="/duties",
    )
    if person_id != duty.person_id:
        return CalendarItem(
            uid=cover_uid(duty.id),
            title=f"Covering: {label} for {owner.name}",
            description=f"You cover {owner.name}'s {DUTY_KINDS[duty.kind].lower()} session while they are away.",
            **common,
        )
    if coverer is not None:
        return CalendarItem(
            uid=f"duty-{duty.id}",
            title=f"Covered: {label} by {coverer.name}",
            description=f"{coverer.name} covers this session while you are away.",
            is_free=True,
            **common,
        )
    return CalendarItem(uid=f"duty-{duty.id}", title=label, **common)


def _away_item(period: AwayPeriod) -> CalendarItem:
    requested = period.status == "requested"
    return CalendarItem(
        uid=f"away-{period.id}",
        title=f"Requested: {period.label}" if requested else period.label,
        updated_at=period.updated_at,
        first_day=period.starts_on,
        last_day=period.ends_on,
        description="Waiting for a coordinator's approval." if requested else AWAY_KINDS[period.kind],
        status="tentative" if requested else "confirmed",
        categories=("Away",),
        privacy="private",
        revision=period.revision,
        url="/duties",
    )


def personal_items(person_id: int, window: Window) -> list[CalendarItem]:
    """The person's duties and covers in the window, and their requested or approved away periods."""
    tz = program_tz()
    first, last = _days(window)
    owner, coverer = db.aliased(Person), db.aliased(Person)
    rows = db.session.execute(
        select(Duty, owner, coverer)
        .join(owner, owner.id == Duty.person_id)
        .outerjoin(coverer, coverer.id == Duty.covered_by_id)
        .where(
            or_(Duty.person_id == person_id, Duty.covered_by_id == person_id),
            Duty.duty_on >= first,
            Duty.duty_on <= last,
        )
    ).all()
    items = [_duty_item(duty, o, c, person_id, tz) for duty, o, c in rows]
    items = [item for item in items if item.starts_at < window.end and window.start < item.ends_at]
    periods = db.session.scalars(
        select(AwayPeriod).where(
            AwayPeriod.person_id == person_id,
            AwayPeriod.status.in_(("requested", "approved")),
            AwayPeriod.ends_on >= first,
            AwayPeriod.starts_on <= last,
        )
    )
    return items + [_away_item(period) for period in periods]


def _duty_people(session, duties) -> set[int]:
    people = set()
    for duty in duties:
        people.add(duty.person_id)
        history = inspect(duty).attrs.covered_by_id.history
        people.update(p for p in (*history.added, *history.deleted, *history.unchanged) if p is not None)
        people.update(p for p in inspect(duty).attrs.person_id.history.deleted if p is not None)
    return people


register(
    Provider(
        name="duties",
        personal=personal_items,
        public=lambda scope, window: [],  # duties and time away are private
        watches=(
            Watch(Duty, _duty_people),
            Watch(AwayPeriod, lambda session, periods: {period.person_id for period in periods}),
        ),
    )
)
