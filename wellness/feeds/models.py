"""Personal feed addresses (stored as hashes) and the cache of built feeds."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UtcDateTime
from ..dates import utcnow
from ..extensions import db


class CalendarFeed(db.Model):
    """A person's secret feed address. Only the SHA-256 of the token is kept; one address per person."""

    __tablename__ = "calendar_feeds"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FeedCache(db.Model):
    """The last body built for a feed, and the versions and day it was built for.

    `build_key` names the calendar versions and the day the body reflects; a request whose
    current versions give the same key can be answered from here, and a 304 needs only the etag.
    """

    __tablename__ = "feed_cache"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    build_key: Mapped[str] = mapped_column(String(120))
    etag: Mapped[str] = mapped_column(String(80))
    body: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    built_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
