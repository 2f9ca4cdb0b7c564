"""Reading a stored allocation: the statistics, the chart, who is off when, and each result explained."""

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..charts import Bar, bar_chart
from ..extensions import db
from ..wording import ordinal
from .models import Assignment, HolidayBlock, HolidayYear, Ranking, Swap
from .services import Inputs, gather_inputs


@dataclass(frozen=True)
class BlockFill:
    block: HolidayBlock
    assigned: int
    first_choices: int
    observances: int


@dataclass(frozen=True)
class Result:
    assignment: Assignment
    first_choice: HolidayBlock | None
    observance: HolidayBlock | None
    priority_reason: str | None
    explanation: str

    @property
    def observance_honoured(self) -> bool:
        return self.observance is not None and self.observance.id == self.assignment.block_id


@dataclass(frozen=True)
class Preview:
    year: HolidayYear
    results: list[Result]
    fills: list[BlockFill]
    rank_counts: dict[int, int]
    unranked: int
    observance_requested: int
    observance_honoured: int

    def chart(self) -> Markup:
        bars = [Bar(f"{ordinal(rank).capitalize()} choice", n) for rank, n in self.rank_counts.items()]
        if self.unranked:
            bars.append(Bar("Did not rank", self.unranked))
        svg = bar_chart(bars, title=f"Choices received, {self.year.label}", empty="No allocation yet.")
        return Markup(svg)  # noqa: S704 - bar_chart escapes every label and title it writes

    def fill_chart(self) -> Markup:
        bars = [
            Bar(f"{fill.block.name} ({fill.block.capacity} places)", fill.assigned) for fill in self.fills
        ]
        svg = bar_chart(bars, title=f"Residents per block, {self.year.label}", empty="No blocks.")
        return Markup(svg)  # noqa: S704 - as above


def _places(n: int) -> str:
    return f"{n} place" if n == 1 else f"{n} places"


def explain(result_facts: dict, you: bool) -> str:
    """One plain sentence (or two) on why the resident got their block, e.g.
    "Christmas: 31 ranked it first for 18 places, so they got their second choice, New Year."
    """
    block, rank, first = result_facts["block"], result_facts["rank"], result_facts["first"]
    subject, their = ("you", "your") if you else ("they", "their")
    if result_facts["pinned"]:
        text = f"{block.name} was set by a coordinator."
    elif rank is None:
        text = (
            f"{'You' if you else 'They'} did not rank the blocks, so {subject} got a block with places left."
        )
    elif rank == 1:
        text = (
            f"{block.name}: {result_facts['first_count']} ranked it first for {_places(block.capacity)}; "
            f"{subject} got {their} first choice."
        )
    else:
        text = (
            f"{first.name}: {result_facts['first_count']} ranked it first for {_places(first.capacity)}, "
            f"so {subject} got {their} {ordinal(rank)} choice, {block.name}."
        )
    observance = result_facts["observance"]
    if observance is not None and observance.id == block.id:
        text += f" {observance.name} is honoured as {their} religious observance."
    elif observance is not None:
        text += (
            f" {their.capitalize()} observance, {observance.name}, could not be honoured: "
            f"{result_facts['observance_count']} asked for it for {_places(observance.capacity)}."
        )
    if result_facts["priority"]:
        text += f" {their.capitalize()} choice counted double: {result_facts['priority']}."
    return text


def _first_counts(year: HolidayYear, inputs: Inputs) -> Counter:
    """How many ranked each block first, by block key (ties for first count for each tied block)."""
    return Counter(
        block.key for spec in inputs.residents for block in year.blocks if spec.rank_of(block.key) == 1
    )


def _observance_counts(inputs: Inputs) -> Counter:
    return Counter(spec.observance for spec in inputs.residents if spec.observance)


def _results(year: HolidayYear, inputs: Inputs, rows: list[Assignment], you_id: int | None) -> list[Result]:
    blocks = {block.key: block for block in year.blocks}
    by_id = {block.id: block for block in year.blocks}
    specs = {spec.key: spec for spec in inputs.residents}
    first_counts, observance_counts = _first_counts(year, inputs), _observance_counts(inputs)
    swapped_with = _swapped_with(year)
    results = []
    for row in rows:
        spec = specs.get(row.person.email)
        first = next(
            (blocks[key] for key in blocks if spec and spec.ranking and spec.rank_of(key) == 1), None
        )
        observance = blocks.get(spec.observance) if spec and spec.observance else None
        reason = inputs.priority_reasons.get(row.person.email)
        facts = {
            "block": by_id[row.block_id], "rank": row.rank, "first": first, "pinned": row.is_pinned,
            "first_count": first_counts[first.key] if first else 0, "observance": observance,
            "observance_count": observance_counts[observance.key] if observance else 0, "priority": reason,
        }  # fmt: skip
        you = row.person_id == you_id
        if row.person_id in swapped_with:  # the allocation's reasons no longer explain a swapped block
            text = f"{'You have' if you else 'Has'} it by a swap with {swapped_with[row.person_id]}."
        else:
            text = explain(facts, you=you)
        results.append(Result(row, first, observance, reason, text))
    return results


def _swapped_with(year: HolidayYear) -> dict[int, str]:
    """Who each resident last swapped blocks with since publication (person id → the other's name)."""
    if not year.is_published:
        return {}
    swapped = {}
    for swap in db.session.scalars(
        select(Swap)
        .where(
            Swap.academic_year == year.academic_year,
            Swap.status == "done",
            Swap.decided_at >= year.published_at,
        )
        .order_by(Swap.decided_at, Swap.id)
    ):
        swapped[swap.proposer_id], swapped[swap.partner_id] = swap.partner.name, swap.proposer.name
    return swapped


def preview_of(year: HolidayYear) -> Preview | None:
    """The stored allocation with its statistics and every resident's explained result; None before a run."""
    if year.status == "collecting":
        return None
    rows = db.session.scalars(
        select(Assignment)
        .where(Assignment.academic_year == year.academic_year)
        .options(selectinload(Assignment.person))
    ).all()
    rows = sorted(rows, key=lambda row: (row.person.last_name, row.person.first_name, row.person_id))
    inputs = gather_inputs(year)
    results = _results(year, inputs, rows, None)
    fill = Counter(row.block_id for row in rows)
    firsts, observances = _first_counts(year, inputs), _observance_counts(inputs)
    requested = [result for result in results if result.observance is not None]
    return Preview(
        year=year,
        results=results,
        fills=[
            BlockFill(block, fill[block.id], firsts[block.key], observances[block.key])
            for block in year.blocks
        ],
        rank_counts=dict(sorted(Counter(row.rank for row in rows if row.rank is not None).items())),
        unranked=sum(1 for row in rows if row.rank is None),
        observance_requested=len(requested),
        observance_honoured=sum(1 for result in requested if result.observance_honoured),
    )


def result_for(person, year: HolidayYear) -> Result | None:
    """The person's own published result, explained to them; None before publication or without a block."""
    if not year.is_published:
        return None
    row = db.session.scalar(
        select(Assignment).where(
            Assignment.academic_year == year.academic_year, Assignment.person_id == person.id
        )
    )
    if row is None:
        return None
    return _results(year, gather_inputs(year), [row], person.id)[0]


@dataclass(frozen=True)
class OffList:
    block: HolidayBlock
    people: list


def who_is_off(year: HolidayYear) -> list[OffList]:
    """Each block with the residents holding it, by name (coordinators only)."""
    rows = db.session.scalars(
        select(Assignment)
        .where(Assignment.academic_year == year.academic_year)
        .options(selectinload(Assignment.person))
    ).all()
    by_block = {block.id: [] for block in year.blocks}
    for row in rows:
        by_block[row.block_id].append(row.person)
    return [
        OffList(block, sorted(by_block[block.id], key=lambda p: (p.last_name, p.first_name)))
        for block in year.blocks
    ]


def has_ranked(person_id: int, year: HolidayYear) -> bool:
    return bool(
        db.session.scalar(
            select(Ranking.block_id).where(
                Ranking.person_id == person_id, Ranking.block_id.in_([b.id for b in year.blocks])
            )
        )
    )
