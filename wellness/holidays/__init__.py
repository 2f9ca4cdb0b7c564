"""Holiday blocks: the year's blocks, residents' rankings, an optimal allocation, publishing and swaps."""

from flask import Blueprint

bp = Blueprint("holidays", __name__)

from . import admin_views, allocation_views, calendar_items, views  # noqa: E402,F401
