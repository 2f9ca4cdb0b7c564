"""The pure coaching matcher: the rule, exclusions, capacities, even loads, previous coaches and the seed.

The rule under test (wellness/coaching/matching.py): a resident may be paired with a coach who shares none
of their fields of interest (case-insensitive, outer spaces ignored) and is not on their exclusions list;
a coach takes at most `capacity` coachees, the existing `load` included. Among such assignments, as many
residents as possible are paired; then the sum of squared coach loads is smallest; then as few residents
as possible get a coach they had before; then the seed breaks ties. The properties compare the answer with
a maximum flow (networkx) and with an exhaustive search over every way to give each resident an allowed
coach or none.
"""

import random
from collections import Counter
from itertools import product

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellness.coaching.matching import CoachSpec, ResidentSpec, Suggestion, may_pair, shares_field, suggest

pytestmark = pytest.mark.pure

FIELDS = ("cardiology", "oncology", "primary care", "global health")


def resident(id: int, *fields: str, previous: tuple[int, ...] = ()) -> ResidentSpec:
    return ResidentSpec(id, fields, frozenset(previous))


def coach(id: int, *fields: str, capacity: int = 1, load: int = 0) -> CoachSpec:
    return CoachSpec(id, fields, capacity, load)


def reasons(suggestion: Suggestion) -> dict[int, str]:
    return {u.resident_id: u.reason for u in suggestion.unpaired}


# The test's own reading of the rule, written apart from the matcher's.


def same_field(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def allowed(r: ResidentSpec, c: CoachSpec, exclusions) -> bool:
    clash = any(same_field(mine, theirs) for mine in r.fields for theirs in c.fields)
    return not clash and (r.id, c.id) not in set(exclusions)


def places(c: CoachSpec) -> int:
    return max(0, c.capacity - c.load)


# Table-driven cases: (residents, coaches, exclusions, expected pairs, expected reasons of the unpaired).
CASES = [
    pytest.param(
        [resident(1, "Cardiology")],
        [coach(10, " cardiology ", capacity=3), coach(11, "oncology", capacity=3)],
        [],
        ((1, 11),),
        {},
        id="the rule ignores case and outer spaces",
    ),
    pytest.param(
        [resident(1, "Primary Care ", "oncology")],
        [coach(10, "ONCOLOGY"), coach(11, " primary care")],
        [],
        (),
        {1: "every coach shares one of their fields (Primary Care or oncology)"},
        id="every coach shares one of the resident's fields",
    ),
    pytest.param(
        [resident(1, " Cardiology")],
        [coach(10, "cardiology", capacity=2), coach(11, "CARDIOLOGY", "oncology", capacity=0)],
        [],
        (),
        {1: "every coach works in Cardiology"},
        id="every coach with places works in the resident's one field",
    ),
    pytest.param(
        [resident(1, "cardiology")],
        [coach(10, "oncology", capacity=2), coach(11, "geriatrics", capacity=2)],
        [(1, 10)],
        ((1, 11),),
        {},
        id="an excluded coach is never suggested",
    ),
    pytest.param(
        [resident(1, "cardiology")],
        [coach(10, "oncology", capacity=2), coach(11, "geriatrics", capacity=2), coach(12, "Cardiology")],
        [(1, 10), (1, 11)],
        (),
        {1: "every coach outside cardiology is on their exclusions list"},
        id="every coach outside the resident's field is excluded",
    ),
    pytest.param(
        [resident(1, "cardiology")],
        [coach(10, "oncology", capacity=3, load=3), coach(11, "geriatrics", capacity=2, load=1)],
        [],
        ((1, 11),),
        {},
        id="existing coachees count towards the capacity",
    ),
    pytest.param(
        [resident(1, "cardiology"), resident(2, "nephrology")],
        [coach(10, "oncology", capacity=2, load=3)],
        [],
        (),
        {
            1: "every coach outside cardiology is at capacity",
            2: "every coach outside nephrology is at capacity",
        },
        id="a coach already over capacity takes nobody",
    ),
    pytest.param(
        [resident(1), resident(2)],
        [coach(10, "oncology", capacity=1)],
        [],
        None,  # which one is the seed's choice; checked below by counting
        None,
        id="residents with no fields may have any coach",
    ),
    pytest.param(
        [resident(1)],
        [coach(10, "oncology", capacity=1, load=1)],
        [],
        (),
        {1: "every coach is at capacity"},
        id="a resident with no fields and every coach full",
    ),
    pytest.param(
        [resident(1, "cardiology"), resident(2)],
        [],
        [],
        (),
        {1: "there are no coaches with coaching places", 2: "there are no coaches with coaching places"},
        id="no coaches",
    ),
    pytest.param(
        [resident(1, "cardiology")],
        [coach(10, "oncology", capacity=0), coach(11, "geriatrics", capacity=0, load=2)],
        [],
        (),
        {1: "there are no coaches with coaching places"},
        id="only coaches without coaching places",
    ),
    pytest.param(
        [resident(1, "cardiology", "oncology", "primary care")],
        [coach(10, "geriatrics", capacity=1, load=1), coach(11, "nephrology", capacity=2, load=2)],
        [],
        (),
        {1: "every coach outside cardiology, oncology and primary care is at capacity"},
        id="several fields are named in the reason",
    ),
    pytest.param(
        [resident(1, "cardiology")],
        [coach(10, "oncology", capacity=2), coach(11, "geriatrics", capacity=1, load=1)],
        [(1, 10)],
        (),
        {1: "every coach outside cardiology they may be paired with is at capacity"},
        id="the coaches not excluded are full",
    ),
    pytest.param(
        # Both to coach 11 leaves loads 2 and 2: 4 + 4 = 8; one each gives 3² + 1² = 10.
        [resident(1, "cardiology"), resident(2, "cardiology")],
        [coach(10, "oncology", capacity=3, load=2), coach(11, "geriatrics", capacity=3)],
        [],
        ((1, 11), (2, 11)),
        {},
        id="even loads: both go to the coach with fewer coachees",
    ),
    pytest.param(
        # Pairing both puts 4 on coach 11 (1² + 4² = 17); pairing one keeps 1² + 3² = 10.
        [resident(1, "nephrology"), resident(2, "geriatrics")],
        [coach(10, "oncology", capacity=1), coach(11, "geriatrics", capacity=5, load=3)],
        [],
        ((1, 11), (2, 10)),
        {},
        id="as many paired as possible comes before even loads",
    ),
    pytest.param(
        [resident(1, "cardiology", previous=(10,))],
        [coach(10, "oncology"), coach(11, "geriatrics")],
        [],
        ((1, 11),),
        {},
        id="a previous coach is avoided when another is as even",
    ),
    pytest.param(
        [resident(1, "cardiology", previous=(10,))],
        [coach(10, "oncology"), coach(11, "cardiology"), coach(12, "geriatrics")],
        [(1, 12)],
        ((1, 10),),
        {},
        id="a previous coach is suggested when no other may be",
    ),
    pytest.param(
        # Coach 10 gives 1² + 2² = 5, coach 11 gives 0² + 3² = 9.
        [resident(1, "cardiology", previous=(10,))],
        [coach(10, "oncology", capacity=3), coach(11, "geriatrics", capacity=3, load=2)],
        [],
        ((1, 10),),
        {},
        id="even loads come before avoiding a previous coach",
    ),
    pytest.param(
        # Resident 2 may only have coach 10, so resident 1 goes back to a previous coach to pair both.
        [resident(1, "cardiology", previous=(11,)), resident(2, "cardiology")],
        [coach(10, "oncology"), coach(11, "geriatrics")],
        [(2, 11)],
        ((1, 11), (2, 10)),
        {},
        id="a previous coach is suggested when it is the only way to pair everyone",
    ),
    pytest.param([], [coach(10, "oncology", capacity=2, load=1)], [], (), {}, id="nobody to pair"),
]


@pytest.mark.parametrize(("residents", "coaches", "exclusions", "pairs", "unpaired"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_suggestion_is_the_stated_optimum_whatever_the_seed(
    residents, coaches, exclusions, pairs, unpaired, seed
):
    result = suggest(residents, coaches, exclusions, seed)

    if pairs is not None:
        assert result.pairs == pairs
        assert reasons(result) == unpaired
    assert result.seed == seed
    assert set(result.loads) == {c.id for c in coaches}
    count = Counter(coach_id for _, coach_id in result.pairs)
    assert result.loads == {c.id: c.load + count[c.id] for c in coaches}


def test_residents_with_no_fields_share_the_one_place_and_the_other_is_told_why():
    result = suggest([resident(1), resident(2)], [coach(10, "oncology", capacity=1)], seed=4)

    assert len(result.pairs) == 1
    assert result.pairs[0][1] == 10
    (left_out,) = result.unpaired
    assert {left_out.resident_id, result.pairs[0][0]} == {1, 2}
    assert left_out.reason == "every coach is at capacity"


def test_capacities_count_existing_coachees_and_the_loads_cover_every_coach():
    residents = [resident(i, "cardiology") for i in range(1, 5)]
    coaches = [
        coach(10, "oncology", capacity=3, load=2),
        coach(11, "geriatrics", capacity=1),
        coach(12, "nephrology", capacity=0),
        coach(13, "cardiology", capacity=4),
    ]

    result = suggest(residents, coaches, seed=2)

    assert Counter(c for _, c in result.pairs) == {10: 1, 11: 1}
    assert result.loads == {10: 3, 11: 1, 12: 0, 13: 0}
    assert result.sum_of_squares == 9 + 1
    assert [u.reason for u in result.unpaired] == ["every coach outside cardiology is at capacity"] * 2


def test_pairs_and_unpaired_are_listed_in_resident_order():
    residents = [resident(i, "cardiology") for i in (7, 3, 9, 1, 5)]

    result = suggest(
        residents, [coach(20, "oncology", capacity=2), coach(10, "geriatrics", capacity=1)], seed=9
    )

    assert [r for r, _ in result.pairs] == sorted(r for r, _ in result.pairs)
    assert [u.resident_id for u in result.unpaired] == sorted(u.resident_id for u in result.unpaired)
    assert sorted([r for r, _ in result.pairs] + [u.resident_id for u in result.unpaired]) == [1, 3, 5, 7, 9]


@pytest.mark.parametrize("seed", [0, 5, 11])
def test_input_order_does_not_change_the_answer(seed):
    residents = [
        resident(4, "cardiology", previous=(10,)),
        resident(2, "Oncology"),
        resident(8),
        resident(6, "primary care", "global health"),
        resident(1, "cardiology"),
        resident(3, "oncology", previous=(12,)),
    ]
    coaches = [
        coach(12, "geriatrics", capacity=2, load=1),
        coach(10, "oncology", capacity=2),
        coach(11, "cardiology", "global health", capacity=3, load=1),
        coach(13, "primary care", capacity=1),
    ]
    exclusions = [(2, 12), (4, 13), (8, 10)]

    forward = suggest(residents, coaches, exclusions, seed)
    backward = suggest(list(reversed(residents)), list(reversed(coaches)), list(reversed(exclusions)), seed)
    rng = random.Random(seed)
    shuffled = [list(residents), list(coaches), list(exclusions)]
    for items in shuffled:
        rng.shuffle(items)

    assert backward == forward
    assert suggest(*shuffled, seed) == forward
    assert suggest(residents, coaches, set(exclusions), seed) == forward


def test_different_seeds_break_ties_differently_at_the_same_sum_of_squares():
    residents = [resident(i, "cardiology") for i in range(1, 5)]
    coaches = [coach(10, "oncology", capacity=2), coach(11, "geriatrics", capacity=2)]

    results = [suggest(residents, coaches, seed=seed) for seed in range(21)]

    assert {r.sum_of_squares for r in results} == {4 + 4}
    assert len({r.pairs for r in results}) >= 2


@pytest.mark.parametrize(
    ("resident_fields", "coach_fields", "shared"),
    [
        pytest.param(("Cardiology",), (" cardiology ",), True, id="case and outer spaces"),
        pytest.param(("primary care",), ("Primary  Care",), True, id="spaces inside collapse"),
        pytest.param(("cardiology", "oncology"), ("ONCOLOGY",), True, id="any one field"),
        pytest.param(("cardiology",), ("oncology", "geriatrics"), False, id="no field in common"),
        pytest.param(("primary care",), ("primarycare",), False, id="different words"),
        pytest.param((), ("oncology",), False, id="a resident with no fields"),
        pytest.param(("cardiology",), (), False, id="a coach with no fields"),
    ],
)
def test_shares_field_compares_names_case_insensitively(resident_fields, coach_fields, shared):
    assert shares_field(resident_fields, coach_fields) is shared
    assert may_pair(resident(1, *resident_fields), coach(2, *coach_fields), frozenset()) is not shared


def test_may_pair_refuses_an_excluded_pair_only():
    ann, coach_a, coach_b = resident(1, "cardiology"), coach(10, "oncology"), coach(11, "oncology")

    assert may_pair(ann, coach_a, frozenset({(1, 11), (2, 10)}))
    assert not may_pair(ann, coach_b, frozenset({(1, 11), (2, 10)}))


# Properties over small random instances, checked against networkx and an exhaustive search.


# How a field may be written in the roster: any case, with stray outer spaces.
SPELLINGS = (str.lower, str.upper, str.title, lambda name: f" {name} ", lambda name: f"{name.title()}  ")


def spelled_fields(max_size: int):
    """Field names from a small pool, each spelled in one of SPELLINGS."""
    return st.lists(
        st.tuples(st.sampled_from(FIELDS), st.sampled_from(SPELLINGS)),
        max_size=max_size,
        unique_by=lambda f: f[0],
    ).map(lambda fields: tuple(spell(name) for name, spell in fields))


@st.composite
def instances(draw):
    """0..7 residents × 0..4 coaches (capacities 0..3, loads 0..2), random exclusions and previous coaches.
    Residents and coaches get ids from one shuffled range, so neither comes in id order."""
    specs = draw(st.lists(st.tuples(spelled_fields(2), st.integers(0, 3), st.integers(0, 2)), max_size=4))
    ids = draw(st.permutations(range(1, 12)))
    coach_ids, resident_ids = ids[: len(specs)], ids[len(specs) :]
    coaches = [CoachSpec(cid, *spec) for cid, spec in zip(coach_ids, specs, strict=True)]
    previous = st.sets(st.sampled_from(coach_ids), max_size=2) if coach_ids else st.just(set())
    residents = [
        ResidentSpec(rid, fields, frozenset(before))
        for rid, (fields, before) in zip(
            resident_ids, draw(st.lists(st.tuples(spelled_fields(3), previous), max_size=7)), strict=False
        )
    ]
    every_pair = [(r.id, c.id) for r in residents for c in coaches]
    exclusions = draw(st.lists(st.sampled_from(every_pair), max_size=8)) if every_pair else []
    return residents, coaches, exclusions


def most_pairable(residents, coaches, exclusions) -> int:
    """The size of a maximum pairing: a maximum flow from residents (1 each) to coaches (their places)."""
    graph = nx.DiGraph()
    graph.add_node("source")
    graph.add_node("sink")
    for r in residents:
        graph.add_edge("source", ("resident", r.id), capacity=1)
        for c in coaches:
            if allowed(r, c, exclusions):
                graph.add_edge(("resident", r.id), ("coach", c.id), capacity=1)
    for c in coaches:
        graph.add_edge(("coach", c.id), "sink", capacity=places(c))
    return nx.maximum_flow_value(graph, "source", "sink")


def outcome(residents, coaches, chosen) -> tuple[int, int, int]:
    """(−paired, sum of squared loads, residents given a previous coach) of an assignment: smaller is better."""
    count = Counter(chosen.values())
    squares = sum((c.load + count[c.id]) ** 2 for c in coaches)
    again = sum(1 for r in residents if chosen.get(r.id) in r.previous_coaches)
    return -len(chosen), squares, again


def exhaustive(residents, coaches, exclusions) -> tuple[int, int, int]:
    """The best outcome over every way to give each resident an allowed coach or none, within places."""
    choices = [[None] + [c.id for c in coaches if allowed(r, c, exclusions)] for r in residents]
    free = {c.id: places(c) for c in coaches}
    best = None
    for combo in product(*choices):
        chosen = {r.id: cid for r, cid in zip(residents, combo, strict=True) if cid is not None}
        if any(n > free[cid] for cid, n in Counter(chosen.values()).items()):
            continue
        found = outcome(residents, coaches, chosen)
        best = found if best is None else min(best, found)
    return best


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(0, 2**32))
def test_rule_exclusions_and_capacities_always_hold_and_everyone_is_answered(instance, seed):
    residents, coaches, exclusions = instance
    by_id = {c.id: c for c in coaches}

    result = suggest(residents, coaches, exclusions, seed)

    paired_ids = [r for r, _ in result.pairs]
    unpaired_ids = [u.resident_id for u in result.unpaired]
    assert sorted(paired_ids + unpaired_ids) == sorted(r.id for r in residents)
    residents_by_id = {r.id: r for r in residents}
    for r, c in result.pairs:
        assert allowed(residents_by_id[r], by_id[c], exclusions)
    count = Counter(c for _, c in result.pairs)
    for c in coaches:
        assert result.loads[c.id] == c.load + count[c.id]
        assert count[c.id] <= places(c)
    assert set(result.loads) == set(by_id)


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(0, 2**32))
def test_as_many_are_paired_as_a_maximum_flow_allows_and_the_unpaired_are_told_why(instance, seed):
    residents, coaches, exclusions = instance

    result = suggest(residents, coaches, exclusions, seed)

    assert len(result.pairs) == most_pairable(residents, coaches, exclusions)
    for left_out in result.unpaired:
        r = next(r for r in residents if r.id == left_out.resident_id)
        with_places = [c for c in coaches if c.capacity > 0]
        unrelated = [c for c in with_places if allowed(r, c, ())]
        possible = [c for c in unrelated if allowed(r, c, exclusions)]
        if left_out.reason == "there are no coaches with coaching places":
            assert not with_places
        elif left_out.reason.startswith(("every coach works in", "every coach shares one of their fields")):
            assert with_places and not unrelated
        elif left_out.reason.endswith("is on their exclusions list"):
            assert unrelated and not possible
        else:
            assert left_out.reason.endswith("is at capacity")
            # Nobody is left out while a coach they may have has a place free.
            assert possible
            assert all(result.loads[c.id] >= c.capacity for c in possible)


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(0, 2**32))
def test_loads_are_as_even_and_previous_coaches_as_few_as_an_exhaustive_search_finds(instance, seed):
    residents, coaches, exclusions = instance

    result = suggest(residents, coaches, exclusions, seed)

    found = outcome(residents, coaches, dict(result.pairs))
    assert found == exhaustive(residents, coaches, exclusions)
    assert found[1] == result.sum_of_squares


@settings(max_examples=100, deadline=None)
@given(instances(), st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_same_seed_gives_the_same_suggestion_whatever_the_input_order(instance, seed, rng):
    residents, coaches, exclusions = instance
    shuffled = [list(residents), list(coaches), list(exclusions)]
    for items in shuffled:
        rng.shuffle(items)

    first = suggest(residents, coaches, exclusions, seed)

    assert suggest(residents, coaches, exclusions, seed) == first
    assert suggest(*shuffled, seed) == first
