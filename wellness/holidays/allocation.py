"""Holiday block allocation: an exact minimum-cost flow over residents, program caps and block places.

The problem. Every resident gets exactly one block. A block takes at most `capacity` residents, and at
most `program_caps[p]` of program p. A pinned resident keeps the pinned block. Within those limits:

1. as many observance requests as possible are honoured (a resident's observance block is given);
2. then the total cost is smallest. A resident's cost is (rank of the block given)², so 1, 4, 9, 16, and
   twice that for a resident with priority. Residents who did not rank cost nothing wherever they go;
3. then, among allocations equally good by 1 and 2, a random order drawn from `seed` decides: the
   allocation with the smallest sum of weight × rank is taken, where the resident first in the order
   has weight n, the next n − 1, and so on, so residents earlier in the order get the better ranks.

The three aims are folded into one integer edge weight (observance ≫ cost ≫ order), so one solve of
networkx's network simplex finds the lexicographic optimum exactly. A resident's blocks left out of the
ranking are tied last. The same inputs and seed always give the same allocation.
"""

import random
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

SINK = "sink"


@dataclass(frozen=True)
class BlockSpec:
    """A block's places: `program_caps` pairs program keys with their cap; programs left out are uncapped."""

    key: str
    capacity: int
    program_caps: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ResidentSpec:
    """A resident to place. `ranking` pairs block keys with ranks (1 = most wanted); empty = did not rank."""

    key: str
    program: str
    ranking: tuple[tuple[str, int], ...] = ()
    observance: str | None = None
    has_priority: bool = False
    pinned_to: str | None = None

    @cached_property
    def _ranks(self) -> tuple[dict[str, int], int]:
        ranks = dict(self.ranking)
        return ranks, max(ranks.values(), default=0) + 1

    def rank_of(self, block_key: str) -> int | None:
        """The rank the resident gave the block; blocks left out are tied last; None if they did not rank."""
        if not self.ranking:
            return None
        ranks, tied_last = self._ranks
        return ranks.get(block_key, tied_last)

    def cost_of(self, block_key: str) -> int:
        rank = self.rank_of(block_key)
        if rank is None:
            return 0
        return rank * rank * (2 if self.has_priority else 1)


@dataclass(frozen=True)
class Limit:
    """A place limit that stops everyone being placed: a block's capacity, or one program's cap in it."""

    block: str
    program: str | None
    places: int


class NotEnoughPlaces(Exception):
    """The places cannot cover everyone: `missing` residents are left over; `limits` are the binding ones."""

    def __init__(self, missing: int, limits: tuple[Limit, ...]):
        super().__init__(f"{missing} place(s) missing")
        self.missing = missing
        self.limits = limits


@dataclass(frozen=True)
class Allocation:
    """The answer. `ranks` maps each resident who ranked to the rank they received."""

    assignments: dict[str, str]
    ranks: dict[str, int]
    total_cost: int
    seed: int
    order: tuple[str, ...]
    rank_counts: dict[int, int]
    unranked: int
    fill: dict[str, int]
    observance_requested: int
    observance_honoured: int

    def as_json(self, capacities: dict[str, int]) -> dict:
        return {
            "assignments": dict(sorted(self.assignments.items())),
            "total_cost": self.total_cost,
            "seed": self.seed,
            "ranks_received": {str(rank): count for rank, count in sorted(self.rank_counts.items())},
            "unranked": self.unranked,
            "fill": {key: {"assigned": n, "capacity": capacities[key]} for key, n in self.fill.items()},
            "observance": {"requested": self.observance_requested, "honoured": self.observance_honoured},
        }


def seeded_order(keys, seed: int) -> tuple[str, ...]:
    """The residents' tie-break order: a shuffle of the sorted keys by `random.Random(seed)`."""
    order = sorted(keys)
    random.Random(seed).shuffle(order)
    return tuple(order)


def _check(residents: list[ResidentSpec], blocks: list[BlockSpec]) -> None:
    keys = {block.key for block in blocks}
    if len(keys) != len(blocks):
        raise ValueError("block keys must be unique")
    if len({r.key for r in residents}) != len(residents):
        raise ValueError("resident keys must be unique")
    for block in blocks:
        if block.capacity < 0 or any(cap < 0 for _, cap in block.program_caps):
            raise ValueError(f"{block.key}: places cannot be negative")
    for r in residents:
        named = {key for key, _ in r.ranking} | {r.observance, r.pinned_to} - {None}
        if named - keys:
            raise ValueError(f"{r.key}: unknown block {sorted(named - keys)[0]}")


def _network(residents, blocks, weight_of) -> nx.DiGraph:
    """Resident → (block, program) → block → sink; demands make every resident send one unit."""
    graph = nx.DiGraph()
    graph.add_node(SINK, demand=len(residents))
    programs = sorted({r.program for r in residents})
    for block in blocks:
        caps = dict(block.program_caps)
        for program in programs:
            if program in caps:
                graph.add_edge(("cap", block.key, program), ("block", block.key), capacity=caps[program])
            else:
                graph.add_edge(("cap", block.key, program), ("block", block.key))
        graph.add_edge(("block", block.key), SINK, capacity=block.capacity)
    for r in residents:
        graph.add_node(("resident", r.key), demand=-1)
        for block in blocks:
            if r.pinned_to in (None, block.key):
                graph.add_edge(
                    ("resident", r.key), ("cap", block.key, r.program), weight=weight_of(r, block.key)
                )
    return graph


def _binding_limits(residents, blocks) -> tuple[int, tuple[Limit, ...]]:
    """How many residents cannot be placed, and the capacity edges of a minimum cut that stop them."""
    graph = _network(residents, blocks, lambda r, key: 0)
    for r in residents:
        graph.add_edge("source", ("resident", r.key), capacity=1)
    placed, (reachable, _) = nx.minimum_cut(graph, "source", SINK)
    limits = []
    for block in blocks:
        if ("block", block.key) in reachable:
            limits.append(Limit(block.key, None, block.capacity))
        for program, cap in block.program_caps:
            node = ("cap", block.key, program)
            if node in reachable and ("block", block.key) not in reachable:
                limits.append(Limit(block.key, program, cap))
    return len(residents) - placed, tuple(limits)


def allocate(residents: list[ResidentSpec], blocks: list[BlockSpec], seed: int) -> Allocation:
    """Place every resident in one block, optimally as the module docstring states.

    Raises NotEnoughPlaces (with the number missing and the binding limits) when the places, caps and pins
    cannot cover everyone, and ValueError for malformed input (unknown blocks, negative places).
    """
    _check(residents, blocks)
    order = seeded_order((r.key for r in residents), seed)
    n = len(order)
    weight = {key: n - position for position, key in enumerate(order)}
    worst_rank = len(blocks) + 1
    order_scale = sum(weight.values()) * worst_rank + 1  # more than any order term can add up to
    most_cost = sum(max((r.cost_of(b.key) for b in blocks), default=0) for r in residents)
    observance_scale = order_scale * (most_cost + 1)  # more than cost and order together

    def weight_of(r: ResidentSpec, key: str) -> int:
        missed = r.observance is not None and key != r.observance
        return (
            missed * observance_scale + r.cost_of(key) * order_scale + weight[r.key] * (r.rank_of(key) or 0)
        )

    by_key = {r.key: r for r in residents}
    in_order = [by_key[key] for key in order]  # the input's order never matters, of residents or blocks
    by_block_key = sorted(blocks, key=lambda block: block.key)
    try:
        _, flow = nx.network_simplex(_network(in_order, by_block_key, weight_of))
    except nx.NetworkXUnfeasible:
        missing, limits = _binding_limits(in_order, by_block_key)
        raise NotEnoughPlaces(missing, limits) from None

    assignments = {}
    for key in order:
        sent = flow[("resident", key)]
        assignments[key] = next(node[1] for node, units in sent.items() if units)
    ranks = {key: by_key[key].rank_of(block) for key, block in assignments.items() if by_key[key].ranking}
    requested = [r for r in residents if r.observance]
    return Allocation(
        assignments=assignments,
        ranks=ranks,
        total_cost=sum(by_key[key].cost_of(block) for key, block in assignments.items()),
        seed=seed,
        order=order,
        rank_counts=dict(sorted(Counter(ranks.values()).items())),
        unranked=n - len(ranks),
        fill={block.key: sum(1 for b in assignments.values() if b == block.key) for block in blocks},
        observance_requested=len(requested),
        observance_honoured=sum(1 for r in requested if assignments[r.key] == r.observance),
    )


def first_choice_counts(residents: list[ResidentSpec], blocks: list[BlockSpec]) -> dict[str, int]:
    """How many residents ranked each block first (ties for first count for each tied block)."""
    counts = dict.fromkeys((block.key for block in blocks), 0)
    for r in residents:
        for block in blocks:
            if r.rank_of(block.key) == 1:
                counts[block.key] += 1
    return counts
