"""Events answered on another domain's page: the SGIM meeting is answered where going also books the trip."""

from collections.abc import Callable

# finder(event) -> the app path where the event is answered, or None when it takes RSVPs as usual.
FINDERS: list[Callable[[object], str | None]] = []


def answered_elsewhere(finder: Callable[[object], str | None]):
    """Register a finder (usable as a decorator)."""
    if finder not in FINDERS:
        FINDERS.append(finder)
    return finder


def answer_page(event) -> str | None:
    """Where `event` is answered instead of by RSVP, or None."""
    for finder in FINDERS:
        path = finder(event)
        if path:
            return path
    return None
