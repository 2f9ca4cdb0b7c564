"""Community Outreach Program: projects residents propose and run, shifts, volunteers, hours and totals."""

from . import calendar_items, reminders  # noqa: F401 - the shifts provider and the day-before reminder
