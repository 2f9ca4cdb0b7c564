"""The SGIM national meeting: eligibility, invitations and trips, funding, coverage of duties, clearance."""

from flask import Blueprint

bp = Blueprint("sgim", __name__)

from . import board_views, reminders, trip_views, views  # noqa: E402,F401
