"""Community Outreach Program: projects residents propose and run, shifts, volunteers, hours and totals."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)

from . import calendar_items, hours_views, reminders, shift_views, views  # noqa: E402,F401
