"""Password hashing and single-use link secrets."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200


def use_fast_hashing(enabled: bool) -> None:
    """Cheaper argon2id parameters for the test suite, which hashes many passwords."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if enabled else PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches. Unknown accounts still cost one hash, so timing leaks nothing."""
    try:
        if password_hash is None:
            _hasher.verify(_DUMMY_HASH, password + "x")
            return False
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_link_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex digest under which a link secret is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
