"""Swapping published holiday blocks: A proposes, B accepts, a coordinator approves where the year asks."""

from datetime import datetime

from sqlalchemy import func, or_, select

from ..audit import record
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person
from ..people.programs import PROGRAMS
from .blocks import bump, require_coordinator
from .models import Assignment, HolidayBlock, HolidayYear, Swap
from .services import rank_given

NOTE_LENGTH = 300


def assignment_of(year: HolidayYear, person_id: int, *, for_update: bool = False) -> Assignment | None:
    query = select(Assignment).where(
        Assignment.academic_year == year.academic_year, Assignment.person_id == person_id
    )
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def _program_count(block_id: int, program: str | None) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Assignment)
        .join(Person, Person.id == Assignment.person_id)
        .where(Assignment.block_id == block_id, Person.program == program)
    )


def cap_broken(mine: Assignment, theirs: Assignment) -> str | None:
    """What program cap exchanging the two blocks would break, or None. Block totals never change."""
    if mine.person.program == theirs.person.program:
        return None
    for arriving, block in ((mine.person, theirs.block), (theirs.person, mine.block)):
        cap = block.caps().get(arriving.program)
        if cap is not None and _program_count(block.id, arriving.program) + 1 > cap:
            label = (
                PROGRAMS[arriving.program].label.lower() if arriving.program in PROGRAMS else arriving.program
            )
            return f"{block.name} already has its {cap} {label} residents, so this swap would break its cap."
    return None


def _open_between(year: HolidayYear, a: int, b: int) -> Swap | None:
    return db.session.scalar(
        select(Swap).where(
            Swap.academic_year == year.academic_year,
            Swap.status.in_(("proposed", "accepted")),
            or_(
                (Swap.proposer_id == a) & (Swap.partner_id == b),
                (Swap.proposer_id == b) & (Swap.partner_id == a),
            ),
        )
    )


def propose_swap(actor, year: HolidayYear, partner: Person, wanted: HolidayBlock, note: str = "") -> Swap:
    """Offer the actor's block to `partner` for theirs, which the actor names as `wanted`.

    Raises ValidationFailed before publication, when the actor has no block, names their own block, when
    the partner is not in `wanted`, or the swap would break a program cap; Conflict when the two already
    have an open proposal.
    """
    if not year.is_published:
        raise ValidationFailed("Swaps open once the allocation is published.")
    mine = assignment_of(year, actor.id)
    if mine is None:
        raise ValidationFailed(f"You have no {year.label} holiday block to swap.")
    if wanted.id == mine.block_id:
        raise ValidationFailed(
            f"You already have {wanted.name}; choose the block you want instead.", field="block"
        )
    theirs = assignment_of(year, partner.id)
    if partner.id == actor.id or theirs is None or theirs.block_id != wanted.id:
        raise ValidationFailed(f"{partner.name} is not in the {wanted.name} block.", field="partner")
    broken = cap_broken(mine, theirs)
    if broken:
        raise ValidationFailed(broken)
    if _open_between(year, actor.id, partner.id):
        raise Conflict(f"You and {partner.name} already have a swap waiting for an answer.")
    swap = Swap(
        academic_year=year.academic_year, proposer_id=actor.id, partner_id=partner.id,
        proposer_block_id=mine.block_id, partner_block_id=wanted.id, note=note.strip()[:NOTE_LENGTH],
    )  # fmt: skip
    db.session.add(swap)
    db.session.flush()
    notify(
        partner, "holiday_swap_proposed", f"{actor.name} asks to swap holiday blocks",
        f"{actor.name} offers {mine.block.name} for your {wanted.name}."
        + (f' They wrote: "{swap.note}"' if swap.note else "") + " Accept or decline on the Holidays page.",
        "/holidays",
    )  # fmt: skip
    record(actor, "holidays.swap_proposed", "holiday_swap", swap.id, after=_swap_snapshot(swap))
    return swap


def _swap_snapshot(swap: Swap) -> dict:
    return {
        "year": swap.academic_year, "proposer": swap.proposer_id, "partner": swap.partner_id,
        "proposer_block": swap.proposer_block_id, "partner_block": swap.partner_block_id, "status": swap.status,
    }  # fmt: skip


def _require_open(swap: Swap, *statuses: str) -> None:
    if swap.status not in statuses:
        raise Conflict("This swap has already been answered.")


def _tell_both(swap: Swap, subject: str, body: str) -> None:
    for person in (swap.proposer, swap.partner):
        notify(person, "holiday_swap", subject, body, "/holidays")


LAPSED = "One of the blocks changed hands first."


def _lapse(swap: Swap) -> None:
    """One of the swap's blocks changed hands first: the swap lapses and both residents are told."""
    swap.status, swap.reason = "lapsed", LAPSED
    _tell_both(swap, "Holiday swap no longer possible",
               f"The swap of {swap.proposer_block.name} and {swap.partner_block.name} lapsed: {LAPSED}")  # fmt: skip


def _apply(actor, swap: Swap, now: datetime) -> None:
    """Exchange the two blocks under the assignments' locks, re-checking places.

    When either block changed hands meanwhile the swap lapses instead (status "lapsed", both told).
    Raises ValidationFailed when a program cap would break.
    """
    year = db.session.get(HolidayYear, swap.academic_year)
    ids = sorted((swap.proposer_id, swap.partner_id))  # one lock order, so two swaps cannot deadlock
    rows = {row.person_id: row for row in (assignment_of(year, pid, for_update=True) for pid in ids) if row}
    mine, theirs = rows.get(swap.proposer_id), rows.get(swap.partner_id)
    if (
        not year.is_published
        or mine is None
        or theirs is None
        or (mine.block_id, theirs.block_id) != (swap.proposer_block_id, swap.partner_block_id)
    ):
        _lapse(swap)
        return
    broken = cap_broken(mine, theirs)
    if broken:
        raise ValidationFailed(broken)
    mine.block_id, theirs.block_id = swap.partner_block_id, swap.proposer_block_id
    for row in (mine, theirs):
        row.rank = rank_given(row.person_id, year, row.block_id)
        bump(row)
    swap.status, swap.decided_at = "done", now
    bump(year)
    _tell_both(swap, "Holiday swap done",
               f"{swap.proposer.name} now has {swap.partner_block.name} and {swap.partner.name} has "
               f"{swap.proposer_block.name}. Your calendar feed shows the new block.")  # fmt: skip
    record(actor, "holidays.swapped", "holiday_swap", swap.id, after=_swap_snapshot(swap))
    for other in db.session.scalars(
        select(Swap).where(
            Swap.academic_year == swap.academic_year, Swap.id != swap.id, Swap.status.in_(("proposed", "accepted")),
            or_(Swap.proposer_id.in_(ids), Swap.partner_id.in_(ids)),
        )
    ):  # fmt: skip
        _lapse(other)


def answer_swap(actor, swap: Swap, accept: bool, now: datetime) -> None:
    """The partner accepts (the swap is made, or waits for a coordinator) or declines.

    Raises NotAllowed for anyone but the partner, Conflict when already answered, ValidationFailed when a
    program cap would break. A swap whose blocks changed hands meanwhile lapses instead.
    """
    if actor.id != swap.partner_id:
        raise NotAllowed("Only the resident asked can answer this swap.")
    _require_open(swap, "proposed")
    swap.answered_at = now
    year = db.session.get(HolidayYear, swap.academic_year)
    if not accept:
        swap.status = "declined"
        notify(swap.proposer, "holiday_swap", "Holiday swap declined",
               f"{actor.name} declined to swap {swap.partner_block.name} for your {swap.proposer_block.name}.",
               "/holidays")  # fmt: skip
        record(actor, "holidays.swap_declined", "holiday_swap", swap.id, after=_swap_snapshot(swap))
    elif year.swaps_need_approval:
        mine, theirs = assignment_of(year, swap.proposer_id), assignment_of(year, swap.partner_id)
        broken = mine and theirs and cap_broken(mine, theirs)
        if broken:
            raise ValidationFailed(broken)
        swap.status = "accepted"
        _tell_both(swap, "Holiday swap waiting for a coordinator",
                   f"The swap of {swap.proposer_block.name} and {swap.partner_block.name} is agreed and waits "
                   "for a coordinator's approval.")  # fmt: skip
        record(actor, "holidays.swap_accepted", "holiday_swap", swap.id, after=_swap_snapshot(swap))
    else:
        _apply(actor, swap, now)
    db.session.flush()


def withdraw_swap(actor, swap: Swap) -> None:
    """The proposer takes back an unanswered or unapproved swap. Raises NotAllowed / Conflict."""
    if actor.id != swap.proposer_id:
        raise NotAllowed("Only the resident who proposed this swap can withdraw it.")
    _require_open(swap, "proposed", "accepted")
    swap.status = "withdrawn"
    notify(swap.partner, "holiday_swap", "Holiday swap withdrawn",
           f"{actor.name} withdrew the swap of {swap.proposer_block.name} for your {swap.partner_block.name}.",
           "/holidays")  # fmt: skip
    record(actor, "holidays.swap_withdrawn", "holiday_swap", swap.id, after=_swap_snapshot(swap))
    db.session.flush()


def decide_swap(actor, swap: Swap, approve: bool, reason: str, now: datetime) -> None:
    """A coordinator approves (the swap is made) or refuses an accepted swap, with a reason when refusing.

    Raises NotAllowed for non-coordinators, Conflict when it is not waiting for approval, ValidationFailed
    when a program cap would break or a refusal has no reason. It lapses if a block changed hands.
    """
    require_coordinator(actor)
    _require_open(swap, "accepted")
    swap.decided_by_id = getattr(actor, "id", None)
    if approve:
        _apply(actor, swap, now)
    else:
        if not reason.strip():
            raise ValidationFailed("Say why the swap is refused; both residents are told.", field="reason")
        swap.status, swap.reason, swap.decided_at = "refused", reason.strip()[:NOTE_LENGTH], now
        _tell_both(swap, "Holiday swap refused",
                   f"A coordinator refused the swap of {swap.proposer_block.name} and {swap.partner_block.name}: "
                   f"{swap.reason}")  # fmt: skip
        record(actor, "holidays.swap_refused", "holiday_swap", swap.id, after=_swap_snapshot(swap))
    db.session.flush()


def swaps_for(person_id: int, year: HolidayYear) -> list[Swap]:
    """The person's swaps of the year, newest first."""
    return db.session.scalars(
        select(Swap)
        .where(
            Swap.academic_year == year.academic_year,
            or_(Swap.proposer_id == person_id, Swap.partner_id == person_id),
        )
        .order_by(Swap.created_at.desc(), Swap.id.desc())
    ).all()


def swaps_waiting_for_approval(year: HolidayYear) -> list[Swap]:
    return db.session.scalars(
        select(Swap)
        .where(Swap.academic_year == year.academic_year, Swap.status == "accepted")
        .order_by(Swap.id)
    ).all()
