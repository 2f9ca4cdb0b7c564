"""Clinical duties and their cover, away periods, and who is free when."""

from flask import Blueprint

bp = Blueprint("duties", __name__)

from . import calendar_items, cover_views, covers, views  # noqa: E402,F401
