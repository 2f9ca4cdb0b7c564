"""The calendar spine: items every domain provides, read by feeds and conflict checks.

It imports no domain; domains register a Provider here. Importing this package also installs
the flush listener that keeps calendar versions current.
"""

from . import versions  # noqa: F401 - installs the flush listener
from .conflicts import clashes, find_clashes
from .items import CalendarItem, Window, overlaps
from .registry import (
    EVERYONE,
    Provider,
    PublicScope,
    Watch,
    items_for,
    on_calendar_change,
    public_items,
    register,
)

__all__ = [
    "EVERYONE",
    "CalendarItem",
    "Provider",
    "PublicScope",
    "Watch",
    "Window",
    "clashes",
    "find_clashes",
    "items_for",
    "on_calendar_change",
    "overlaps",
    "public_items",
    "register",
]
