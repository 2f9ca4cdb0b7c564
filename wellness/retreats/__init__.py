"""Retreats: agendas of sessions with facilitators, seat limits and eligibility, and session sign-ups."""

from flask import Blueprint

bp = Blueprint("retreats", __name__)

from . import agenda_views, calendar_items, idea_views, signups, views  # noqa: E402,F401
