"""The provider registry: each domain registers where its calendar items come from."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC

from .items import CalendarItem, Window

EVERYONE = object()  # a watcher's answer when a change touches every person's calendar


@dataclass(frozen=True)
class PublicScope:
    """Which public feed is asked for: all events, one kind (by slug) or one program (by key)."""

    kind: str | None = None
    program: str | None = None


@dataclass(frozen=True)
class Watch:
    """How a change to rows of `model` reaches feeds.

    `people(session, objects)` returns the ids of the people whose items the changed objects
    affect, or EVERYONE; it runs after the flush, so queries see the new state, and also gets the
    objects' attribute history for what they were before. `public` says whether the change can
    alter a public feed.
    """

    model: type
    people: Callable[[object, list], set[int] | object]
    public: bool = False


@dataclass(frozen=True)
class Provider:
    """A domain's calendar items.

    `personal(person_id, window)` yields the items on that person's calendar overlapping the
    window; `public(scope, window)` (optional) yields items anyone may see, each with privacy
    "public". `watches` lists the models whose changes alter those items.
    """

    name: str
    personal: Callable[[int, Window], Iterable[CalendarItem]]
    public: Callable[[PublicScope, Window], Iterable[CalendarItem]] | None = None
    watches: tuple[Watch, ...] = field(default=())


PROVIDERS: dict[str, Provider] = {}
# listener(session, person_ids): runs before a commit that changed those people's calendars.
CHANGE_LISTENERS: list[Callable[[object, frozenset[int]], None]] = []


def register(provider: Provider) -> Provider:
    """Add a domain's provider (registering the same name again replaces it)."""
    PROVIDERS[provider.name] = provider
    return provider


def on_calendar_change(listener: Callable[[object, frozenset[int]], None]):
    """Register `listener(session, person_ids)`, called before each commit that changed the calendars of
    those people (as the providers' watches report them), inside that transaction. It may write; what it
    writes is committed with the change. Usable as a decorator."""
    if listener not in CHANGE_LISTENERS:
        CHANGE_LISTENERS.append(listener)
    return listener


def watches() -> Mapping[type, list[Watch]]:
    by_model: dict[type, list[Watch]] = {}
    for provider in PROVIDERS.values():
        for watch in provider.watches:
            by_model.setdefault(watch.model, []).append(watch)
    return by_model


def _in_order(items: Iterable[CalendarItem]) -> list[CalendarItem]:
    def key(item: CalendarItem):
        # Deterministic rather than exact: whole days sort before timed items starting that day.
        start = item.starts_at.astimezone(UTC).isoformat() if item.starts_at else item.first_day.isoformat()
        return start, item.uid

    return sorted(items, key=key)


def items_for(person_id: int, window: Window) -> list[CalendarItem]:
    """Every provider's items for the person in the window, by start then uid."""
    return _in_order(item for p in PROVIDERS.values() for item in p.personal(person_id, window))


def public_items(scope: PublicScope, window: Window) -> list[CalendarItem]:
    """Items for a public feed, by start then uid. Anything not marked public is left out."""
    found = (item for p in PROVIDERS.values() if p.public for item in p.public(scope, window))
    return _in_order(item for item in found if item.privacy == "public")
