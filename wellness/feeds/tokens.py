"""Personal feed addresses: issuing, rotating and revoking the secret token, and finding its owner.

A token is 256 random bits. Only its SHA-256 is stored, so the address is shown once, when it is
made; a lost address is replaced by making a new one, which ends the old one at once.
"""

import hashlib
import secrets

from ..audit import record
from ..calendar.versions import person_scope
from ..dates import utcnow
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from ..people.models import Person
from ..people.permissions import is_admin
from .models import CalendarFeed, FeedCache

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _check_actor(actor, person: Person) -> None:
    # `actor` is None for the command line, which only admins can run on the server.
    if actor is not None and actor.id != person.id and not is_admin(actor):
        raise NotAllowed("Only the person themselves or an admin manages their calendar address.")


def feed_of(person: Person) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, person.id)


def issue_feed_token(actor, person: Person) -> str:
    """Make a new feed address for `person`, replacing any old one; returns the token.

    Raises NotAllowed unless `actor` is the person, an admin, or None (the command line), and
    ValidationFailed for a deactivated person.
    """
    _check_actor(actor, person)
    if not person.is_active:
        raise ValidationFailed(f"{person.name}'s account is deactivated.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = feed_of(person)
    action = "feed.rotated" if feed else "feed.issued"
    if feed is None:
        feed = CalendarFeed(person_id=person.id)
        db.session.add(feed)
    feed.token_hash = hash_token(token)
    feed.created_at = utcnow()  # a rotation counts as a new address
    db.session.flush()
    record(actor, action, "person", person.id)
    return token


def revoke_feed_token(actor, person: Person) -> bool:
    """Turn the person's feed address off; returns whether there was one. Raises NotAllowed."""
    _check_actor(actor, person)
    feed = feed_of(person)
    if feed is None:
        return False
    db.session.delete(feed)
    cached = db.session.get(FeedCache, person_scope(person.id))
    if cached is not None:
        db.session.delete(cached)
    db.session.flush()
    record(actor, "feed.revoked", "person", person.id)
    return True
