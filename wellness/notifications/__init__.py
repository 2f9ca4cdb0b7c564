"""Notifications: in-app notices, the mail outbox that delivers them, and reminders."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import views  # noqa: E402,F401
