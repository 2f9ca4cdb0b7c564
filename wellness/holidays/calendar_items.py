"""Holiday blocks on calendars: a resident's published block, and coordinators' "who's off" days."""

from datetime import timedelta

from sqlalchemy import select

from ..calendar import CalendarItem, Provider, Watch, Window, register
from ..dates import local_date
from ..events.display import program_tz
from ..extensions import db
from ..people.models import Person, Role, person_roles
from ..people.programs import PROGRAMS
from .models import Assignment, HolidayBlock, HolidayYear

STAFF_ROLES = ("coordinator", "admin")


def _days(window: Window):
    tz = program_tz()
    return local_date(window.start, tz), local_date(window.end - timedelta(microseconds=1), tz)


def _is_staff(person_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(person_roles.c.person_id)
            .join(Role, Role.id == person_roles.c.role_id)
            .join(Person, Person.id == person_roles.c.person_id)
            .where(
                person_roles.c.person_id == person_id, Role.name.in_(STAFF_ROLES), Person.is_active.is_(True)
            )
        )
    )


def _own_block(person_id: int, first, last) -> list[CalendarItem]:
    rows = db.session.execute(
        select(Assignment, HolidayBlock, HolidayYear)
        .join(HolidayBlock, HolidayBlock.id == Assignment.block_id)
        .join(HolidayYear, HolidayYear.academic_year == Assignment.academic_year)
        .where(
            Assignment.person_id == person_id,
            HolidayYear.status == "published",
            HolidayBlock.ends_on >= first,
            HolidayBlock.starts_on <= last,
        )
    ).all()
    return [
        CalendarItem(
            uid=f"holiday-block-{year.academic_year}-{person_id}",
            title=f"Holiday block: {block.name}",
            updated_at=max(assignment.updated_at, block.updated_at, year.updated_at),
            first_day=block.starts_on,
            last_day=block.ends_on,
            description=f"Your {year.label} holiday block, {block.days} days off.",
            categories=("Holiday block",),
            privacy="private",
            revision=assignment.revision + block.revision + year.revision - 2,
            url="/holidays",
        )
        for assignment, block, year in rows
    ]


def _who_is_off(first, last) -> list[CalendarItem]:
    blocks = db.session.scalars(
        select(HolidayBlock)
        .join(HolidayYear, HolidayYear.academic_year == HolidayBlock.academic_year)
        .where(
            HolidayYear.status == "published", HolidayBlock.ends_on >= first, HolidayBlock.starts_on <= last
        )
    ).all()
    if not blocks:
        return []
    off: dict[int, list[Person]] = {block.id: [] for block in blocks}
    for block_id, person in db.session.execute(
        select(Assignment.block_id, Person)
        .join(Person, Person.id == Assignment.person_id)
        .where(Assignment.block_id.in_(off))
        .order_by(Person.program, Person.last_name, Person.first_name)
    ):
        off[block_id].append(person)
    items = []
    for block in blocks:
        people = off[block.id]
        lines = [
            f"{person.name} ({PROGRAMS[person.program].label if person.program in PROGRAMS else 'no program'})"
            for person in people
        ]
        items.append(
            CalendarItem(
                uid=f"holiday-off-{block.id}",
                title=f"Off: {block.name} ({len(people)} resident{'' if len(people) == 1 else 's'})",
                updated_at=max(block.updated_at, block.year.updated_at),
                first_day=block.starts_on,
                last_day=block.ends_on,
                description="\n".join(["Residents on their holiday block:", *lines]),
                categories=("Holiday block",),
                privacy="private",
                revision=block.revision + block.year.revision - 1,
                url=f"/holidays/{block.academic_year}/off",
                is_free=True,
            )
        )
    return items


def personal_items(person_id: int, window: Window) -> list[CalendarItem]:
    """The person's published block; for coordinators also every published block with who is off."""
    first, last = _days(window)
    items = _own_block(person_id, first, last)
    if _is_staff(person_id):
        items += _who_is_off(first, last)
    return items


def public_items(scope, window: Window) -> list[CalendarItem]:
    return []  # holiday blocks are private


def _staff_ids(session) -> set[int]:
    return set(
        session.scalars(
            select(person_roles.c.person_id)
            .join(Role, Role.id == person_roles.c.role_id)
            .where(Role.name.in_(STAFF_ROLES))
        )
    )


def _year_people(session, years: set[int]) -> set[int]:
    if not years:
        return set()
    return set(session.scalars(select(Assignment.person_id).where(Assignment.academic_year.in_(years))))


def _block_people(session, block_ids: set[int]) -> set[int]:
    if not block_ids:
        return set()
    return set(session.scalars(select(Assignment.person_id).where(Assignment.block_id.in_(block_ids))))


register(
    Provider(
        name="holidays",
        personal=personal_items,
        public=public_items,
        watches=(
            Watch(Assignment, lambda s, rows: {row.person_id for row in rows} | _staff_ids(s)),
            Watch(
                HolidayYear,
                lambda s, years: _year_people(s, {y.academic_year for y in years}) | _staff_ids(s),
            ),
            Watch(
                HolidayBlock,
                lambda s, blocks: _block_people(s, {b.id for b in blocks if b.id}) | _staff_ids(s),
            ),
        ),
    )
)
