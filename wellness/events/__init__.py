"""Events: kinds, audiences and groups, RSVPs with a waitlist, check-in, and event history."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from . import calendar_items, door_views, group_views, manage_views, reminders, views  # noqa: E402,F401
