"""Coaching: residents paired with faculty coaches outside their fields, suggestions, meetings, goals."""

from flask import Blueprint

bp = Blueprint("coaching", __name__)

from . import board_views, calendar_items, reminders, views  # noqa: E402,F401
