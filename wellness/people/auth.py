"""Sign-in: checking passwords, invitation and reset links, and ending sessions."""

import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from .. import audit
from ..database import begin_immediate
from ..dates import utcnow
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from .models import AccessToken, LoginAttempt, Person, new_session_token
from .permissions import can_manage_people
from .security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    digest,
    hash_password,
    new_link_secret,
    verify_password,
)

log = logging.getLogger("wellness.auth")


@dataclass(frozen=True)
class IssuedLink:
    secret: str  # shown or mailed once, never stored
    expires_at: datetime


def check_password_strength(password: str, person: Person | None = None) -> None:
    """Raises ValidationFailed for a password that is too short, too long or trivially guessable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(f"Use at most {MAX_PASSWORD_LENGTH} characters.", field="password")
    if person is not None and password.strip().lower() == person.email:
        raise ValidationFailed("Your password cannot be your email address.", field="password")
    if len(set(password)) < 4:
        raise ValidationFailed("Use a less repetitive password.", field="password")


def authenticate(email: str, password: str, address: str, user_agent: str) -> Person | None:
    """Return the person when email and password match an active account, else None.

    Every attempt is written to the sign-in log (never the password). Unknown email, wrong password,
    no password set yet and a deactivated account are logged apart but look the same to the caller.
    """
    email = email.strip().lower()
    person = db.session.scalar(select(Person).where(Person.email == email)) if email else None
    ok = verify_password(person.password_hash if person else None, password)
    # Every attempt is written. On SQLite a transaction that has read and then writes fails at once
    # with "database is locked" when another worker wrote in between, so take the write lock now,
    # after the slow hash check; the person's columns are re-read under it.
    begin_immediate()
    if person is None:
        outcome = "unknown_email"
    elif not ok:
        outcome = "no_password" if person.password_hash is None else "wrong_password"
    elif not person.is_active:
        outcome = "inactive"
    else:
        outcome = "success"
        person.last_login_at = utcnow()
    db.session.add(
        LoginAttempt(
            email=email[:254],
            person_id=person.id if person else None,
            address=address[:64],
            user_agent=(user_agent or "")[:255],
            outcome=outcome,
        )
    )
    log.info("sign-in attempt email=%s address=%s outcome=%s", email[:254], address, outcome)
    return person if outcome == "success" else None


def issue_link(actor, person: Person, purpose: str, ttl: timedelta) -> IssuedLink:
    """Create an invitation or reset link for `person`; earlier unused links of that kind stop working.

    Raises NotAllowed for a deactivated person.
    """
    if not person.is_active:
        raise NotAllowed(f"{person.name} is deactivated; reactivate them first.")
    now = utcnow()
    db.session.execute(
        update(AccessToken)
        .where(
            AccessToken.person_id == person.id,
            AccessToken.purpose == purpose,
            AccessToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    secret = new_link_secret()
    expires_at = now + ttl
    db.session.add(
        AccessToken(
            person_id=person.id,
            purpose=purpose,
            token_hash=digest(secret),
            expires_at=expires_at,
            created_by_id=getattr(actor, "id", None),
        )
    )
    audit.record(actor, f"person.{purpose}_link", "person", person.id)
    return IssuedLink(secret, expires_at)


def invite_not_signed_up(actor, ttl: timedelta) -> list[tuple[Person, IssuedLink]]:
    """New invitation links for every active person who has not set a password yet.

    Earlier invitations of those people stop working. Raises NotAllowed for non-staff.
    """
    if actor is not None and not can_manage_people(actor):
        raise NotAllowed("You may not invite people.")
    people = db.session.scalars(
        select(Person)
        .where(Person.is_active.is_(True), Person.password_hash.is_(None))
        .order_by(Person.last_name, Person.first_name)
    )
    return [(person, issue_link(actor, person, "invitation", ttl)) for person in people]


def find_link(secret: str, purpose: str) -> AccessToken | None:
    """The unused, unexpired link for `secret`, or None."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(
        select(AccessToken).where(AccessToken.token_hash == digest(secret), AccessToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or not token.person.is_active:
        return None
    expires_at = token.expires_at
    if expires_at.tzinfo is None:  # SQLite returns naive UTC
        expires_at = expires_at.replace(tzinfo=UTC)
    return token if expires_at > utcnow() else None


def set_password(person: Person, password: str) -> None:
    """Set a new password and end every existing session. Raises ValidationFailed."""
    check_password_strength(password, person)
    person.password_hash = hash_password(password)
    person.password_set_at = utcnow()
    person.session_token = new_session_token()


def redeem_link(secret: str, purpose: str, password: str) -> Person:
    """Use a link once to set the password. Raises ValidationFailed when the link is not valid.

    The token row is claimed with a conditional UPDATE so two simultaneous uses cannot both succeed.
    """
    token = find_link(secret, purpose)
    if token is None:
        raise ValidationFailed("This link has expired or was already used. Ask for a new one.")
    person = token.person
    set_password(person, password)
    claimed = db.session.execute(
        update(AccessToken)
        .where(AccessToken.id == token.id, AccessToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise ValidationFailed("This link was just used. Ask for a new one.")
    audit.record(person, f"person.{purpose}_redeemed", "person", person.id)
    return person


def change_password(person: Person, current: str, new: str) -> None:
    """Raises ValidationFailed when `current` is wrong or `new` is too weak."""
    if not verify_password(person.password_hash, current):
        raise ValidationFailed("Your current password is not right.", field="current_password")
    set_password(person, new)
    audit.record(person, "person.password_change", "person", person.id)


def sign_out_everywhere(person: Person) -> None:
    """End every session and remember-me cookie of this person, including the current one."""
    person.session_token = new_session_token()
    audit.record(person, "person.sign_out_everywhere", "person", person.id)


def request_password_reset(email: str, ttl: timedelta) -> tuple[Person, IssuedLink] | None:
    """A reset link for an active account with this email, or None (the caller says the same either way)."""
    person = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or not person.is_active:
        return None
    return person, issue_link(None, person, "reset", ttl)


def load_person_from_session(session_id: str) -> Person | None:
    """Flask-Login loader: "<id>:<session token>" must match an active person's current token."""
    person_id, _, token = (session_id or "").partition(":")
    if not person_id.isdigit() or not token:
        return None
    person = db.session.get(Person, int(person_id))
    if person is None or not person.is_active or not hmac.compare_digest(person.session_token, token):
        return None
    return person


def recent_login_attempts(limit: int = 200) -> list[LoginAttempt]:
    return list(db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id.desc()).limit(limit)))
