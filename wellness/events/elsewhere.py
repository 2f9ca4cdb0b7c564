"""Events answered on another domain's page: the SGIM meeting is answered where going also books the trip."""

from collections.abc import Callable, Sequence

# finder(events) -> {event id: the app path where that event is answered} for those of `events` (Events or
# rows with an id) that take no RSVPs here; one call for many events, so a feed asks once.
FINDERS: list[Callable[[Sequence], dict[int, str]]] = []


def answered_elsewhere(finder: Callable[[Sequence], dict[int, str]]):
    """Register a finder (usable as a decorator)."""
    if finder not in FINDERS:
        FINDERS.append(finder)
    return finder


def answer_pages(events: Sequence) -> dict[int, str]:
    """Where each of `events` answered elsewhere is answered, by event id; the rest take RSVPs as usual."""
    pages: dict[int, str] = {}
    if events:
        for finder in FINDERS:
            pages.update(finder(events))
    return pages


def answer_page(event) -> str | None:
    """Where `event` is answered instead of by RSVP, or None."""
    return answer_pages([event]).get(event.id)
