"""Configuration read from the environment, with a test subclass."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("WELLNESS_INSTANCE_PATH", BASE_DIR / "instance"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def instance_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """Return the key kept in the instance folder, generating it on first use.

    The file is created with mode 0600 so only the service account can read it.
    """
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key
    except FileExistsError:  # pragma: no cover - two workers racing on first start
        return path.read_text().strip()


def default_database_url(instance_dir: Path = INSTANCE_DIR) -> str:
    instance_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_dir / 'wellness.sqlite3'}"


class Config:
    """Settings for a running installation; every value can be set from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or None  # filled from the instance folder when unset
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WELLNESS_TIMEZONE = os.environ.get("WELLNESS_TIMEZONE", "America/New_York")
    WELLNESS_PROGRAM_NAME = os.environ.get("WELLNESS_PROGRAM_NAME", "Internal Medicine Residency")

    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)
    # Links in mail sent outside a request (`flask notifications send`), where no host is known.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Calendar feeds cover FEED_PAST_DAYS before today to FEED_FUTURE_DAYS after. Item UIDs end in
    # CALENDAR_UID_DOMAIN (default: the host of SERVER_NAME or BASE_URL); never change it once
    # people subscribe, or their calendars see every item as new.
    FEED_PAST_DAYS = _int("FEED_PAST_DAYS", 92)
    FEED_FUTURE_DAYS = _int("FEED_FUTURE_DAYS", 400)
    CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN") or None

    # Session and remember-me cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", PREFERRED_URL_SCHEME == "https")
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * _int("REMEMBER_DAYS", 30)

    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms do not expire

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # If the shared storage is unreachable, each worker keeps counting on its own rather than failing.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 5 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 5 minutes")

    INVITATION_TTL_HOURS = _int("INVITATION_TTL_HOURS", 24 * 14)
    PASSWORD_RESET_TTL_MINUTES = _int("PASSWORD_RESET_TTL_MINUTES", 60)

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "wellness@localhost")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None


class TestConfig(Config):
    """Settings for the test suite: a database of its own, fast hashing, no shared state."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    SERVER_NAME = None
    MAIL_SERVER = None
    PASSWORD_HASH_FAST = True
