"""Coaching suggestions: an exact assignment of unpaired residents to coaches outside their fields.

The problem. Each resident may be paired with a coach who shares none of the resident's fields of
interest (names compared case-insensitively) and who is not on the resident's exclusions list. A coach
takes at most `capacity` coachees, counting the `load` of pairings that already exist; those are never
touched. Among all such assignments:

1. as many residents as possible are paired;
2. then coach loads are as even as possible: the sum over coaches of (load after)² is smallest;
3. then as few residents as possible get a coach they had before;
4. then a tie-break drawn from `seed` decides: every (resident, coach) pair gets a random weight from
   the seed, and the assignment with the smallest total weight is taken.

Every coach's free places become columns of one rectangular assignment problem; the k-th new coachee
of a coach whose load is L costs (L + k)² − (L + k − 1)² = 2(L + k) − 1, so filling a coach's places in
order adds up to exactly the growth of its squared load. The four aims are folded into one integer cost
per cell (forbidden ≫ load ≫ previous coach ≫ tie-break), chosen so every total stays an exact integer
in a double, and scipy's `linear_sum_assignment` finds the lexicographic optimum in one solve.
Residents and coaches are put in order of id first, so the order they are given in never matters.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

# Totals stay below 2**50, well inside the integers a double holds exactly.
_EXACT = 2**50
_MAX_TIE = 1000


def normal_field(name: str) -> str:
    """A field name as the rule compares it: case-insensitive, outer spaces ignored."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ResidentSpec:
    """An unpaired resident: their fields of interest (as named) and the coaches they had before."""

    id: int
    fields: tuple[str, ...] = ()
    previous_coaches: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CoachSpec:
    """A coach: their fields, how many coachees they take, and how many they have now."""

    id: int
    fields: tuple[str, ...] = ()
    capacity: int = 0
    load: int = 0

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Unpaired:
    resident_id: int
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """`pairs` (resident id, coach id) in resident order; `loads` maps every coach to its load after."""

    pairs: tuple[tuple[int, int], ...]
    unpaired: tuple[Unpaired, ...]
    loads: dict[int, int]
    seed: int

    @property
    def sum_of_squares(self) -> int:
        return sum(load * load for load in self.loads.values())


def shares_field(resident_fields: Iterable[str], coach_fields: Iterable[str]) -> bool:
    """Whether a coach shares a field of interest with a resident, which the rule forbids."""
    return bool({normal_field(f) for f in resident_fields} & {normal_field(f) for f in coach_fields})


def may_pair(resident: ResidentSpec, coach: CoachSpec, exclusions: frozenset[tuple[int, int]]) -> bool:
    """Whether the rule and the exclusions allow this pair (capacity aside)."""
    return (resident.id, coach.id) not in exclusions and not shares_field(resident.fields, coach.fields)


def suggest(
    residents: Iterable[ResidentSpec],
    coaches: Iterable[CoachSpec],
    exclusions: Iterable[tuple[int, int]] = (),
    seed: int = 0,
) -> Suggestion:
    """The optimal suggestion for `residents` (unpaired) among `coaches`; `exclusions` holds (resident id,
    coach id) pairs that must never be matched. The same inputs and seed always give the same answer."""
    residents = sorted(residents, key=lambda r: r.id)
    coaches = sorted(coaches, key=lambda c: c.id)
    exclusions = frozenset(exclusions)
    slots = [(index, coach.load + k) for index, coach in enumerate(coaches) for k in range(1, coach.free + 1)]
    pairs: dict[int, int] = {}
    if residents and slots:
        pairs = _solve(residents, coaches, exclusions, slots, seed)
    loads = {coach.id: coach.load for coach in coaches}
    for coach_id in pairs.values():
        loads[coach_id] += 1
    unpaired = tuple(
        Unpaired(r.id, unpaired_reason(r, coaches, exclusions)) for r in residents if r.id not in pairs
    )
    return Suggestion(
        pairs=tuple((r.id, pairs[r.id]) for r in residents if r.id in pairs),
        unpaired=unpaired,
        loads=loads,
        seed=seed,
    )


def _solve(residents, coaches, exclusions, slots, seed) -> dict[int, int]:
    n = len(residents)
    theirs = [{normal_field(f) for f in c.fields} for c in coaches]
    allowed = np.array(
        [
            [
                (r.id, c.id) not in exclusions and not (mine & fields)
                for c, fields in zip(coaches, theirs, strict=True)
            ]
            for r, mine in ((r, {normal_field(f) for f in r.fields}) for r in residents)
        ],
        dtype=bool,
    )
    previous = np.array([[c.id in r.previous_coaches for c in coaches] for r in residents], dtype=np.int64)
    slot_coach = np.array([index for index, _ in slots])
    # Growth of the coach's squared load when this place is filled: (L + k)² − (L + k − 1)².
    slot_growth = np.array([2 * load - 1 for _, load in slots], dtype=np.int64)
    growth_bound = int(slot_growth.sum())

    # Choose the widest tie-break range that keeps every total exact.
    tie_range = _MAX_TIE
    while tie_range > 1 and _bounds(n, growth_bound, tie_range)[2] * n >= _EXACT:
        tie_range //= 10
    order_weight, load_weight, forbidden = _bounds(n, growth_bound, tie_range)
    if forbidden * n >= _EXACT:
        raise ValueError("too large to solve exactly")
    rng = np.random.default_rng(seed % 2**64)  # any integer seed, negative ones included
    tie = rng.integers(0, tie_range, size=(n, len(coaches)), dtype=np.int64) if tie_range > 1 else 0

    per_coach = previous * order_weight + tie  # residents × coaches
    cost = slot_growth[np.newaxis, :] * load_weight + per_coach[:, slot_coach]
    cost = np.where(allowed[:, slot_coach], cost, forbidden).astype(np.float64)
    rows, columns = linear_sum_assignment(cost)
    return {
        residents[row].id: coaches[slot_coach[column]].id
        for row, column in zip(rows, columns, strict=True)
        if allowed[row, slot_coach[column]]
    }


def _bounds(n: int, growth_bound: int, tie_range: int) -> tuple[int, int, int]:
    """Weights that keep the aims apart: a previous coach outweighs any tie-break total, one step of load
    outweighs any previous-coach and tie-break total, and a forbidden cell outweighs any allowed total."""
    order_weight = n * tie_range
    load_weight = (n + 1) * order_weight
    forbidden = (growth_bound + 1) * load_weight
    return order_weight, load_weight, forbidden


def _fields_text(fields: tuple[str, ...], last: str = "and") -> str:
    names = list(dict.fromkeys(" ".join(f.split()) for f in fields))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {last} " + names[-1]


def unpaired_reason(resident: ResidentSpec, coaches: list[CoachSpec], exclusions: frozenset) -> str:
    """Why a resident is left unpaired by an optimal suggestion, e.g. 'every coach outside cardiology is at
    capacity': a maximum pairing leaves someone out only when every coach they may have is full."""
    outside = f"outside {_fields_text(resident.fields)}" if resident.fields else ""
    with_places = [c for c in coaches if c.capacity > 0]
    if not with_places:
        return "there are no coaches with coaching places"
    unrelated = [c for c in with_places if not shares_field(resident.fields, c.fields)]
    if not unrelated:
        if len(resident.fields) == 1:
            return f"every coach works in {_fields_text(resident.fields)}"
        return f"every coach shares one of their fields ({_fields_text(resident.fields, 'or')})"
    possible = [c for c in unrelated if (resident.id, c.id) not in exclusions]
    if not possible:
        return f"every coach {outside} is on their exclusions list".replace("  ", " ")
    excluded = " they may be paired with" if len(possible) < len(unrelated) else ""
    return f"every coach {outside}{excluded} is at capacity".replace("  ", " ")
