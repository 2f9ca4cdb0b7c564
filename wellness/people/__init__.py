"""People: accounts, roles, sign-in, the roster and its import."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from . import auth_views, roster_views, views  # noqa: E402,F401
