"""A year's holiday blocks: setting up the year, editing blocks and places, and who takes part."""

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select

from ..audit import record
from ..dates import utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..people.models import Person, Role, person_roles
from ..people.permissions import is_staff
from ..people.programs import PROGRAMS
from .dates import default_blocks
from .models import (
    MAX_DAYS,
    MIN_DAYS,
    Assignment,
    Excusal,
    HolidayBlock,
    HolidayYear,
    PriorityFlag,
    ProgramCap,
)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
WINDOW_DAYS = 21  # a new year's rankings stay open three weeks, closing a week before the first block
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class BlockData:
    key: str
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    program_caps: dict[str, int]


def require_coordinator(actor) -> None:
    """Coordinators act on the web; an actor of None is the command line, run by the server's operator."""
    if actor is not None and not is_staff(actor):
        raise NotAllowed("Only coordinators manage holiday blocks.")


def academic_year_span(academic_year: int) -> tuple[date, date]:
    return date(academic_year, 7, 1), date(academic_year + 1, 6, 30)


def get_year(academic_year: int, *, for_update: bool = False) -> HolidayYear | None:
    query = select(HolidayYear).where(HolidayYear.academic_year == academic_year)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def bump(thing) -> None:
    thing.revision += 1
    thing.updated_at = utcnow()


def eligible_residents(academic_year: int, *, with_excused: bool = False) -> list[Person]:
    """Active residents in training during the academic year, by name; excused ones left out unless asked."""
    first_day, _ = academic_year_span(academic_year)
    residents = db.session.scalars(
        select(Person)
        .join(person_roles, person_roles.c.person_id == Person.id)
        .join(Role, Role.id == person_roles.c.role_id)
        .where(Role.name == "resident", Person.is_active.is_(True))
        .order_by(Person.last_name, Person.first_name, Person.id)
    ).all()
    in_training = [person for person in residents if person.pgy_on(first_day) is not None]
    if with_excused:
        return in_training
    excused = excused_ids(academic_year)
    return [person for person in in_training if person.id not in excused]


def excused_ids(academic_year: int) -> set[int]:
    return set(db.session.scalars(select(Excusal.person_id).where(Excusal.academic_year == academic_year)))


def default_capacity(residents: int, blocks: int) -> int:
    """Enough places in every block that the blocks together take everyone."""
    return max(1, math.ceil(residents / max(1, blocks)))


def setup_year(actor, academic_year: int, today: date) -> HolidayYear:
    """Create the year's four default blocks (dates from the `holidays` package) with places for everyone.

    The preference window opens today and closes after three weeks, or a week before the first block.
    Raises NotAllowed for non-coordinators, ValidationFailed for an implausible year, and Conflict when
    the year already has blocks.
    """
    require_coordinator(actor)
    if not FIRST_YEAR <= academic_year <= LAST_YEAR:
        raise ValidationFailed(f"Give the year the academic year starts in, e.g. {today.year}.", field="year")
    year = get_year(academic_year)
    if year is not None and year.blocks:
        raise Conflict(f"The {year.label} holiday blocks are already set up.")
    if year is None:
        year = HolidayYear(academic_year=academic_year)
        db.session.add(year)
    defaults = default_blocks(academic_year)
    capacity = default_capacity(len(eligible_residents(academic_year)), len(defaults))
    closes_on = max(
        today, min(today + timedelta(days=WINDOW_DAYS), defaults[0].starts_on - timedelta(days=7))
    )
    for default in defaults:
        year.blocks.append(
            HolidayBlock(
                key=default.key, name=default.name, starts_on=default.starts_on, ends_on=default.ends_on,
                capacity=capacity, opens_on=today, closes_on=closes_on,
            )
        )  # fmt: skip
    db.session.flush()
    record(
        actor, "holidays.setup", "holiday_year", academic_year, after={"blocks": [d.key for d in defaults]}
    )
    return year


def _require_changeable(year: HolidayYear) -> None:
    if year.is_published:
        raise Conflict("The allocation is published. Un-publish it before changing the blocks.")


def _check_block(year: HolidayYear, data: BlockData, block: HolidayBlock | None) -> None:
    if not KEY_PATTERN.match(data.key):
        raise ValidationFailed(
            "A key is up to 32 lower-case letters, digits, dashes or underscores, e.g. christmas.",
            field="key",
        )
    days = (data.ends_on - data.starts_on).days + 1
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"A block is {MIN_DAYS} or {MAX_DAYS} days; these dates make {days}.", field="ends_on"
        )
    first_day, last_day = academic_year_span(year.academic_year)
    if data.starts_on < first_day or data.ends_on > last_day:
        raise ValidationFailed(
            f"The dates must fall within the {year.label} academic year.", field="starts_on"
        )
    if data.capacity < 0 or any(cap < 0 for cap in data.program_caps.values()):
        raise ValidationFailed("Places cannot be below zero.", field="capacity")
    unknown = set(data.program_caps) - set(PROGRAMS)
    if unknown:
        raise ValidationFailed(f"Unknown program {sorted(unknown)[0]}.")
    for other in year.blocks:
        if other is block:
            continue
        if other.key == data.key:
            raise Conflict(f"{other.name} already uses the key {data.key}.", field="key")
        if other.starts_on <= data.ends_on and data.starts_on <= other.ends_on:
            raise ValidationFailed(
                f"These dates overlap {other.name} ({other.starts_on:%b %-d} – {other.ends_on:%b %-d}).",
                field="starts_on",
            )


def _set_caps(block: HolidayBlock, caps: dict[str, int]) -> None:
    block.program_caps = [ProgramCap(program=program, cap=cap) for program, cap in sorted(caps.items())]


def discard_preview(year: HolidayYear) -> None:
    """A change to the blocks makes a stored preview stale: drop it, keeping the coordinator's pins."""
    if year.status == "previewed":
        db.session.execute(
            delete(Assignment).where(
                Assignment.academic_year == year.academic_year, Assignment.is_pinned.is_(False)
            )
        )
        year.status = "collecting"
        bump(year)


def block_snapshot(block: HolidayBlock) -> dict:
    return {
        "key": block.key, "name": block.name, "starts_on": block.starts_on.isoformat(),
        "ends_on": block.ends_on.isoformat(), "capacity": block.capacity, "caps": block.caps(),
    }  # fmt: skip


def add_block(actor, year: HolidayYear, data: BlockData) -> HolidayBlock:
    """Add a block; its window is the year's. Raises ValidationFailed/Conflict as `update_block` does."""
    require_coordinator(actor)
    _require_changeable(year)
    _check_block(year, data, None)
    opens_on, closes_on = ranking_window(year) or (data.starts_on, data.starts_on)
    block = HolidayBlock(
        key=data.key, name=data.name, starts_on=data.starts_on, ends_on=data.ends_on,
        capacity=data.capacity, opens_on=opens_on, closes_on=closes_on,
    )  # fmt: skip
    year.blocks.append(block)
    _set_caps(block, data.program_caps)
    discard_preview(year)
    db.session.flush()
    record(actor, "holidays.block_added", "holiday_block", block.id, after=block_snapshot(block))
    return block


def update_block(actor, block: HolidayBlock, data: BlockData) -> HolidayBlock:
    """Change a block's key, name, dates and places.

    Raises Conflict once published or when the key is taken, and ValidationFailed for dates that are not
    4–5 days, outside the academic year or overlapping another block, and for places below zero.
    """
    require_coordinator(actor)
    year = block.year
    _require_changeable(year)
    _check_block(year, data, block)
    before = block_snapshot(block)
    block.key, block.name = data.key, data.name
    block.starts_on, block.ends_on, block.capacity = data.starts_on, data.ends_on, data.capacity
    _set_caps(block, data.program_caps)
    after = block_snapshot(block)
    if after != before:
        bump(block)
        discard_preview(year)
        record(actor, "holidays.block_changed", "holiday_block", block.id, before=before, after=after)
    db.session.flush()
    return block


def remove_block(actor, block: HolidayBlock) -> None:
    """Remove a block with its rankings. Raises Conflict once published, when pins hold it, or for the last one."""
    require_coordinator(actor)
    year = block.year
    _require_changeable(year)
    pinned = db.session.scalar(
        select(Assignment.id).where(Assignment.block_id == block.id, Assignment.is_pinned.is_(True)).limit(1)
    )
    if pinned:
        raise Conflict(f"Residents are pinned to {block.name}. Unpin them before removing it.")
    if len(year.blocks) == 1:
        raise Conflict("A year needs at least one block; edit this one instead.")
    discard_preview(year)
    record(actor, "holidays.block_removed", "holiday_block", block.id, before=block_snapshot(block))
    year.blocks.remove(block)
    db.session.flush()


def ranking_window(year: HolidayYear) -> tuple[date, date] | None:
    """When residents may rank: while every block's preference window is open (None without blocks)."""
    if not year.blocks:
        return None
    return max(block.opens_on for block in year.blocks), min(block.closes_on for block in year.blocks)


def set_window(actor, year: HolidayYear, opens_on: date, closes_on: date) -> None:
    """Set every block's preference window. Raises ValidationFailed when it closes before it opens."""
    require_coordinator(actor)
    if closes_on < opens_on:
        raise ValidationFailed("The window must close on or after the day it opens.", field="closes_on")
    before = ranking_window(year)
    for block in year.blocks:
        block.opens_on, block.closes_on = opens_on, closes_on
    record(
        actor, "holidays.window_set", "holiday_year", year.academic_year,
        before={"opens_on": str(before[0]), "closes_on": str(before[1])} if before else None,
        after={"opens_on": str(opens_on), "closes_on": str(closes_on)},
    )  # fmt: skip
    db.session.flush()


def set_swap_approval(actor, year: HolidayYear, required: bool) -> None:
    require_coordinator(actor)
    if year.swaps_need_approval != required:
        year.swaps_need_approval = required
        bump(year)
        record(
            actor,
            "holidays.swap_approval_set",
            "holiday_year",
            year.academic_year,
            after={"required": required},
        )


def excuse_resident(actor, year: HolidayYear, person: Person, reason: str) -> None:
    """Excuse a resident from the year's blocks. Raises Conflict once published or when already excused."""
    require_coordinator(actor)
    _require_changeable(year)
    if not reason.strip():
        raise ValidationFailed("Say why the resident is excused.", field="reason")
    if db.session.get(Excusal, (year.academic_year, person.id)):
        raise Conflict(f"{person.name} is already excused.")
    db.session.add(Excusal(academic_year=year.academic_year, person_id=person.id, reason=reason.strip(),
                           excused_by_id=getattr(actor, "id", None)))  # fmt: skip
    db.session.execute(
        delete(Assignment).where(
            Assignment.academic_year == year.academic_year, Assignment.person_id == person.id
        )
    )
    discard_preview(year)
    record(
        actor, "holidays.excused", "person", person.id, after={"year": year.academic_year, "reason": reason}
    )
    db.session.flush()


def _take_back(actor, year: HolidayYear, model, person: Person, action: str) -> None:
    require_coordinator(actor)
    _require_changeable(year)
    row = db.session.get(model, (year.academic_year, person.id))
    if row is not None:
        db.session.delete(row)
        discard_preview(year)
        record(actor, action, "person", person.id, after={"year": year.academic_year})
        db.session.flush()


def include_resident(actor, year: HolidayYear, person: Person) -> None:
    """Take back an excusal. Raises Conflict once published."""
    _take_back(actor, year, Excusal, person, "holidays.included")


def flag_priority(actor, year: HolidayYear, person: Person, reason: str) -> None:
    """Give a resident priority this year (their cost counts double), with the reason on record."""
    require_coordinator(actor)
    _require_changeable(year)
    if not reason.strip():
        raise ValidationFailed("Record the reason for the priority.", field="reason")
    flag = db.session.get(PriorityFlag, (year.academic_year, person.id))
    if flag is None:
        flag = PriorityFlag(academic_year=year.academic_year, person_id=person.id)
        db.session.add(flag)
    flag.reason, flag.flagged_by_id, flag.flagged_at = reason.strip(), getattr(actor, "id", None), utcnow()
    discard_preview(year)
    record(
        actor,
        "holidays.priority_flagged",
        "person",
        person.id,
        after={"year": year.academic_year, "reason": reason},
    )
    db.session.flush()


def unflag_priority(actor, year: HolidayYear, person: Person) -> None:
    """Take back a priority flag. Raises Conflict once published."""
    _take_back(actor, year, PriorityFlag, person, "holidays.priority_removed")
