"""The pure seat rules: free seats, what fits, who is promoted, and waitlist positions.

The rule under test (wellness/events/waitlist.py): requests are served strictly in the order they
arrived, among those that fit. Walking the waitlist from the front, every request whose seats
(the person plus their guests) fit in the seats still free is promoted; a request too large for
the free seats keeps its place and does not block a later, smaller one that fits.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.events.waitlist import Waiting, fits, free_seats, positions, promotions

pytestmark = pytest.mark.pure


def waiting(*seats: int) -> list[Waiting]:
    """A waitlist whose requests have ids 1, 2, 3... in arrival order."""
    return [Waiting(number, n) for number, n in enumerate(seats, start=1)]


@pytest.mark.parametrize(
    ("capacity", "taken", "expected"),
    [
        (None, 0, None),
        (None, 500, None),
        (10, 0, 10),
        (10, 7, 3),
        (10, 10, 0),
        (3, 5, 0),  # capacity lowered below the seats taken: no new places, never negative
    ],
)
def test_free_seats_are_what_the_capacity_leaves_and_never_negative(capacity, taken, expected):
    assert free_seats(capacity, taken) == expected


@pytest.mark.parametrize(
    ("capacity", "taken", "seats", "expected"),
    [
        (None, 1000, 11, True),
        (10, 7, 3, True),
        (10, 7, 4, False),
        (10, 10, 1, False),
        (3, 5, 1, False),
    ],
)
def test_a_request_fits_only_in_the_seats_still_free(capacity, taken, seats, expected):
    assert fits(capacity, taken, seats) is expected


@pytest.mark.parametrize(
    ("capacity", "taken", "queue", "promoted"),
    [
        pytest.param(10, 10, waiting(1, 1), [], id="full: nobody moves"),
        pytest.param(10, 9, waiting(1, 1), [1], id="one seat: the first in line"),
        pytest.param(10, 8, waiting(3, 1, 1), [2, 3], id="a large party does not block smaller ones"),
        pytest.param(10, 7, waiting(3, 1), [1], id="the large party first when it fits"),
        pytest.param(10, 6, waiting(2, 3, 2), [1, 3], id="skips what no longer fits, takes what does"),
        pytest.param(None, 400, waiting(4, 1, 11), [1, 2, 3], id="unlimited promotes everyone"),
        pytest.param(3, 5, waiting(1), [], id="capacity lowered below the seats taken"),
        pytest.param(10, 0, [], [], id="empty waitlist"),
        pytest.param(
            5, 0, [Waiting(9, 2), Waiting(4, 2), Waiting(7, 2)], [9, 4], id="waitlist order, not id"
        ),
    ],
)
def test_promotions_walk_the_waitlist_from_the_front_taking_every_request_that_fits(
    capacity, taken, queue, promoted
):
    assert promotions(capacity, taken, queue) == promoted


def test_promotions_do_not_change_the_waitlist_they_are_given():
    queue = waiting(2, 1)

    promotions(5, 3, queue)

    assert queue == waiting(2, 1)


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        ([], {}),
        ([Waiting(7, 1)], {7: 1}),
        ([Waiting(7, 3), Waiting(3, 1), Waiting(9, 2)], {7: 1, 3: 2, 9: 3}),
    ],
)
def test_positions_number_the_waitlist_from_one_in_arrival_order(queue, expected):
    assert positions(queue) == expected


# --- properties -------------------------------------------------------------------------------

capacities = st.one_of(st.none(), st.integers(0, 30))
queues = st.lists(st.integers(1, 8), max_size=12).map(lambda seats: waiting(*seats))


@given(capacity=capacities, taken=st.integers(0, 40), queue=queues)
def test_promotions_never_fill_more_seats_than_the_capacity_allows(capacity, taken, queue):
    seats = {request.id: request.seats for request in queue}
    promoted = promotions(capacity, taken, queue)

    if capacity is None:
        return
    if taken >= capacity:
        assert promoted == []  # a lowered capacity gives no new places
    else:
        assert taken + sum(seats[i] for i in promoted) <= capacity


@given(capacity=capacities, taken=st.integers(0, 40), queue=queues)
def test_after_promotions_no_remaining_request_fits(capacity, taken, queue):
    promoted = promotions(capacity, taken, queue)
    now_taken = taken + sum(request.seats for request in queue if request.id in promoted)

    for request in queue:
        if request.id not in promoted:
            assert not fits(capacity, now_taken, request.seats), request


@given(capacity=capacities, taken=st.integers(0, 40), queue=queues)
def test_a_request_is_passed_over_only_because_those_ahead_of_it_took_the_seats(capacity, taken, queue):
    """First come, first served among those that fit: a request stays only when the seats left
    after everyone promoted *ahead* of it are too few for it, so a later request never takes
    seats an earlier one could have had, and a large request never blocks a smaller later one."""
    promoted = set(promotions(capacity, taken, queue))

    ahead = taken
    for request in queue:
        if request.id in promoted:
            assert fits(capacity, ahead, request.seats)
            ahead += request.seats
        else:
            assert not fits(capacity, ahead, request.seats), request


@given(capacity=capacities, taken=st.integers(0, 40), queue=queues)
def test_promotions_keep_the_waitlist_order(capacity, taken, queue):
    promoted = promotions(capacity, taken, queue)

    assert promoted == [request.id for request in queue if request.id in set(promoted)]
    assert len(promoted) == len(set(promoted))


@given(taken=st.integers(0, 10_000), queue=queues)
def test_unlimited_capacity_promotes_everyone_in_order(taken, queue):
    assert promotions(None, taken, queue) == [request.id for request in queue]


@given(queue=queues)
def test_positions_are_one_to_n_with_no_gaps_in_waitlist_order(queue):
    numbered = positions(queue)

    assert [numbered[request.id] for request in queue] == list(range(1, len(queue) + 1))
