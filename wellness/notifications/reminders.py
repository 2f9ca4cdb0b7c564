"""Reminder sources: domains register a function that writes the reminders due on a day."""

from collections.abc import Callable
from datetime import date

ReminderSource = Callable[[date], int]
SOURCES: list[ReminderSource] = []


def reminder_source(func: ReminderSource) -> ReminderSource:
    """Register `func(today) -> number of notices written`; it must be idempotent for a day."""
    if func not in SOURCES:
        SOURCES.append(func)
    return func


def write_reminders(today: date) -> int:
    """Run every registered source for `today`; returns the number of notices written.

    Writes into the current transaction; the caller commits once.
    """
    return sum(source(today) for source in SOURCES)
