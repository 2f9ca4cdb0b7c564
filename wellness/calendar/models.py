"""Per-scope calendar versions: what feeds compare to know whether anything changed."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UtcDateTime
from ..extensions import db


class CalendarVersion(db.Model):
    """A counter raised in the same transaction as every change to the items of one scope.

    Scopes are "person:<id>" for one person's calendar, "public" for the public feeds, and
    "everyone" for changes that reach every calendar (e.g. a renamed event kind). `changed_at`
    never moves backwards.
    """

    __tablename__ = "calendar_versions"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
