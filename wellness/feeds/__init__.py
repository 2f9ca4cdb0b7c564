"""Calendar feeds: personal and public .ics subscriptions, one event's .ics, and add-to-calendar links."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from . import views  # noqa: E402,F401
