"""The SGIM national meeting: eligibility, invitations and trips, funding, coverage of duties, clearance."""

from flask import Blueprint

bp = Blueprint("sgim", __name__)

from . import reminders, views  # noqa: E402,F401
