"""Retreats: agendas of sessions with facilitators, seat limits and eligibility, and session sign-ups."""

from . import calendar_items, signups  # noqa: F401 - the sessions provider and the leaving hook
