"""The seat rules, free of the database: who gets a place, and who is promoted when seats free up.

The rule: requests are served strictly in the order they arrived, among those that fit. When seats
free up, the waitlist is walked from the front and every request whose seats (the person plus their
guests) fit in the seats still free is promoted; a request too large for the free seats keeps its
place and does not block a later, smaller request that fits. A new request takes a place straight
away when it fits, which never jumps anyone: after every change no waiting request fits.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Waiting:
    """A waitlisted request: its id and the seats it needs. Waitlists are passed in arrival order."""

    id: int
    seats: int


def free_seats(capacity: int | None, taken: int) -> int | None:
    """Seats still free (never negative: a lowered capacity stops new places), or None when unlimited."""
    if capacity is None:
        return None
    return max(0, capacity - taken)


def fits(capacity: int | None, taken: int, seats: int) -> bool:
    free = free_seats(capacity, taken)
    return free is None or seats <= free


def promotions(capacity: int | None, taken: int, waitlist: list[Waiting]) -> list[int]:
    """The ids to promote, in waitlist order, given the seats `taken` by people going.

    Every request that fits in what remains is promoted; larger ones stay and keep their place.
    """
    promoted = []
    for request in waitlist:
        if fits(capacity, taken, request.seats):
            promoted.append(request.id)
            taken += request.seats
    return promoted


def positions(waitlist: list[Waiting]) -> dict[int, int]:
    """Waitlist positions 1..n in arrival order."""
    return {request.id: number for number, request in enumerate(waitlist, start=1)}
