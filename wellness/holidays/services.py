"""Running the holiday allocation: inputs from the records, the preview, pins, publishing and priority."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..audit import record
from ..dates import utcnow
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person
from ..people.programs import PROGRAMS
from ..wording import ordinal
from . import allocation
from .blocks import bump, eligible_residents, get_year, require_coordinator
from .models import Assignment, HolidayBlock, HolidayYear, PriorityFlag, Ranking, Swap

LATE_CHOICE = 3  # a published block this far down a ranking or further gives priority the next year


@dataclass(frozen=True)
class Inputs:
    """The allocator's input for a year, and the records behind it (keyed like the specs: by email)."""

    residents: list[allocation.ResidentSpec]
    blocks: list[allocation.BlockSpec]
    people: dict[str, Person]
    block_rows: dict[str, HolidayBlock]
    priority_reasons: dict[str, str]


def dense_ranks(ranks: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """Ranks renumbered 1, 2, 3… in order (a removed block leaves no gap); ties stay tied."""
    levels = {rank: n for n, rank in enumerate(sorted(set(ranks.values())), 1)}
    return tuple(
        sorted(((key, levels[rank]) for key, rank in ranks.items()), key=lambda pair: (pair[1], pair[0]))
    )


def priority_reasons(academic_year: int, people: list[Person]) -> dict[int, str]:
    """Why each resident has priority this year: a coordinator's flag, or a late choice last year."""
    reasons = {}
    last_year = get_year(academic_year - 1)
    if last_year is not None and last_year.is_published:
        for person_id, rank in db.session.execute(
            select(Assignment.person_id, Assignment.published_rank).where(
                Assignment.academic_year == academic_year - 1, Assignment.published_rank >= LATE_CHOICE
            )
        ):
            reasons[person_id] = f"last year's block was their {ordinal(rank)} choice"
    for flag in db.session.scalars(select(PriorityFlag).where(PriorityFlag.academic_year == academic_year)):
        reasons[flag.person_id] = flag.reason
    ids = {person.id for person in people}
    return {person_id: reason for person_id, reason in reasons.items() if person_id in ids}


def gather_inputs(year: HolidayYear) -> Inputs:
    """Read the year's blocks, eligible residents, rankings, observances, pins and priorities."""
    people = eligible_residents(year.academic_year)
    block_key = {block.id: block.key for block in year.blocks}
    rankings: dict[int, dict[str, int]] = {}
    observance: dict[int, str] = {}
    for row in db.session.scalars(select(Ranking).where(Ranking.block_id.in_(block_key))):
        rankings.setdefault(row.person_id, {})[block_key[row.block_id]] = row.rank
        if row.is_observance:
            observance[row.person_id] = block_key[row.block_id]
    pins = dict(
        db.session.execute(
            select(Assignment.person_id, Assignment.block_id).where(
                Assignment.academic_year == year.academic_year, Assignment.is_pinned.is_(True)
            )
        ).all()
    )
    reasons = priority_reasons(year.academic_year, people)
    residents = [
        allocation.ResidentSpec(
            key=person.email, program=person.program or "", ranking=dense_ranks(rankings.get(person.id, {})),
            observance=observance.get(person.id), has_priority=person.id in reasons,
            pinned_to=block_key.get(pins.get(person.id)),
        )
        for person in people
    ]  # fmt: skip
    blocks = [
        allocation.BlockSpec(block.key, block.capacity, tuple(sorted(block.caps().items())))
        for block in year.blocks
    ]
    return Inputs(
        residents=residents,
        blocks=blocks,
        people={person.email: person for person in people},
        block_rows={block.key: block for block in year.blocks},
        priority_reasons={person.email: reasons[person.id] for person in people if person.id in reasons},
    )


def shortfall_message(error: allocation.NotEnoughPlaces, inputs: Inputs) -> str:
    """Say how many places are missing and which limits bind, in the coordinators' words."""
    names = {key: block.name for key, block in inputs.block_rows.items()}
    limits = [
        f"{names[limit.block]}'s {PROGRAMS[limit.program].label.lower()} cap of {limit.places}"
        if limit.program in PROGRAMS
        else f"{names[limit.block]}'s {limit.places} place{'' if limit.places == 1 else 's'}"
        for limit in error.limits
    ]
    where = f" The limits that bind: {', '.join(limits)}." if limits else ""
    return (
        f"The places cannot cover everyone: {error.missing} place{'s' if error.missing != 1 else ''} "
        f"missing for {len(inputs.residents)} residents.{where} Raise a capacity or cap, or change a pin."
    )


def run(year: HolidayYear, seed: int) -> tuple[Inputs, allocation.Allocation]:
    """Solve the year's allocation. Raises ValidationFailed (saying what is missing and where)."""
    inputs = gather_inputs(year)
    if not inputs.blocks:
        raise ValidationFailed(f"Set up the {year.label} holiday blocks first.")
    try:
        return inputs, allocation.allocate(inputs.residents, inputs.blocks, seed)
    except allocation.NotEnoughPlaces as error:
        raise ValidationFailed(shortfall_message(error, inputs)) from None


def new_seed() -> int:
    return secrets.randbelow(2**31)


def _store(actor, year: HolidayYear, inputs: Inputs, result: allocation.Allocation) -> None:
    current = {
        row.person_id: row
        for row in db.session.scalars(
            select(Assignment).where(Assignment.academic_year == year.academic_year)
        )
    }
    for key, block_key in result.assignments.items():
        person, block = inputs.people[key], inputs.block_rows[block_key]
        row = current.pop(person.id, None)
        if row is None:
            row = Assignment(academic_year=year.academic_year, person_id=person.id)
            db.session.add(row)
        elif row.block_id != block.id:
            bump(row)
        row.block_id, row.rank = block.id, result.ranks.get(key)
        row.has_priority = key in inputs.priority_reasons
    for stale in current.values():  # residents no longer taking part
        db.session.delete(stale)
    year.status, year.seed, year.total_cost = "previewed", result.seed, result.total_cost
    year.allocated_at, year.allocated_by_id = utcnow(), getattr(actor, "id", None)
    bump(year)


def _require_unpublished(year: HolidayYear) -> None:
    if year.is_published:
        raise Conflict("The allocation is published. Un-publish it before running it again.")


def allocate_holiday_blocks(
    actor, academic_year: int, seed: int | None = None, *, dry_run: bool = False
) -> tuple[Inputs, allocation.Allocation]:
    """Allocate the year's blocks and, unless `dry_run`, store the result as the preview.

    A missing seed is drawn at random and recorded. Raises NotAllowed for non-coordinators, Conflict
    once published, and ValidationFailed when the year has no blocks or the places cannot cover everyone.
    """
    require_coordinator(actor)
    year = get_year(academic_year, for_update=True)
    if year is None:
        raise ValidationFailed(f"Set up the {academic_year} holiday blocks first.")
    _require_unpublished(year)
    inputs, result = run(year, new_seed() if seed is None else seed)
    if not dry_run:
        _store(actor, year, inputs, result)
        record(actor, "holidays.allocated", "holiday_year", academic_year,
               after={"seed": result.seed, "total_cost": result.total_cost})  # fmt: skip
        db.session.flush()
    return inputs, result


def pin_assignment(actor, year: HolidayYear, person: Person, block: HolidayBlock | None) -> None:
    """Pin the resident to `block` (None unpins), then re-run a stored preview with its seed.

    Raises Conflict once published, ValidationFailed for a resident not taking part or when the pins
    leave too few places (nothing is changed then).
    """
    require_coordinator(actor)
    _require_unpublished(year)
    if person.email not in {p.email for p in eligible_residents(year.academic_year)}:
        raise ValidationFailed(f"{person.name} is not taking part in {year.label}.")
    row = db.session.scalar(
        select(Assignment).where(
            Assignment.academic_year == year.academic_year, Assignment.person_id == person.id
        )
    )
    if block is None:
        if row is not None:
            row.is_pinned = False
    elif row is None:
        db.session.add(Assignment(academic_year=year.academic_year, person_id=person.id, block_id=block.id,
                                  is_pinned=True))  # fmt: skip
    else:
        if row.block_id != block.id:
            bump(row)
        row.block_id, row.is_pinned = block.id, True
    db.session.flush()
    record(actor, "holidays.pinned" if block else "holidays.unpinned", "person", person.id,
           after={"year": year.academic_year, "block": block.key if block else None})  # fmt: skip
    if year.status == "previewed":
        inputs, result = run(year, year.seed)
        _store(actor, year, inputs, result)
    db.session.flush()


def publish_allocation(actor, year: HolidayYear, now: datetime) -> int:
    """Publish the preview: freeze it, note each rank for next year's priority, and tell every resident.

    Returns how many residents were told. Raises Conflict when there is no preview, when it is already
    published, or when residents have joined or left since the preview was run.
    """
    require_coordinator(actor)
    if year.is_published:
        raise Conflict("The allocation is already published.")
    if year.status != "previewed":
        raise Conflict("Run the allocation and check the preview before publishing.")
    rows = db.session.scalars(select(Assignment).where(Assignment.academic_year == year.academic_year)).all()
    if {row.person_id for row in rows} != {person.id for person in eligible_residents(year.academic_year)}:
        raise Conflict(
            "Residents have joined or left since this preview was run. Run it again, then publish."
        )
    for row in rows:
        row.published_rank = row.rank
        choice = f"your {ordinal(row.rank)} choice" if row.rank else "you did not rank the blocks"
        notify(
            row.person, "holiday_block_published", f"Your holiday block: {row.block.name}",
            f"Your {year.label} holiday block is {row.block.name}, {row.block.starts_on:%A %B %-d} to "
            f"{row.block.ends_on:%A %B %-d} ({choice}). It is on your calendar feed. To trade blocks with "
            "someone, propose a swap on the Holidays page.",
            "/holidays",
        )  # fmt: skip
    year.status, year.published_at, year.published_by_id = "published", now, getattr(actor, "id", None)
    bump(year)
    record(actor, "holidays.published", "holiday_year", year.academic_year, after={"residents": len(rows)})
    db.session.flush()
    return len(rows)


def unpublish_allocation(actor, year: HolidayYear, reason: str) -> None:
    """Take the published allocation back to a preview; open swaps lapse and residents are told why.

    Raises Conflict when it is not published and ValidationFailed without a reason.
    """
    require_coordinator(actor)
    if not year.is_published:
        raise Conflict("The allocation is not published.")
    if not reason.strip():
        raise ValidationFailed(
            "Say why the allocation is being withdrawn; residents are told.", field="reason"
        )
    rows = db.session.scalars(select(Assignment).where(Assignment.academic_year == year.academic_year)).all()
    for row in rows:
        row.published_rank = None
        notify(row.person, "holiday_block_withdrawn", f"{year.label} holiday blocks withdrawn for changes",
               f"The holiday allocation was withdrawn: {reason.strip()} You will hear when it is published "
               "again.", "/holidays")  # fmt: skip
    for swap in db.session.scalars(select(Swap).where(Swap.academic_year == year.academic_year)):
        if swap.is_open:
            swap.status, swap.reason = "lapsed", "The allocation was withdrawn."
    year.status, year.published_at = "previewed", None
    bump(year)
    record(
        actor, "holidays.unpublished", "holiday_year", year.academic_year, after={"reason": reason.strip()}
    )
    db.session.flush()


def rank_given(person_id: int, year: HolidayYear, block_id: int) -> int | None:
    """The rank the person gave the block as the allocator reads it (renumbered, left-out blocks tied last);
    None if they did not rank."""
    keys = {block.id: block.key for block in year.blocks}
    ranks = {
        keys[row.block_id]: row.rank
        for row in db.session.scalars(
            select(Ranking).where(Ranking.person_id == person_id, Ranking.block_id.in_(keys))
        )
    }
    spec = allocation.ResidentSpec(key="", program="", ranking=dense_ranks(ranks))
    return spec.rank_of(keys[block_id])
