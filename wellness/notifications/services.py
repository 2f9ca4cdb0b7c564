"""Writing notices (one call per person and cause, inside the caller's transaction) and reading them."""

from datetime import datetime
from email.utils import make_msgid
from urllib.parse import urlsplit

from sqlalchemy import func, select, update

from ..database import paginate
from ..dates import utcnow
from ..errors import NotAllowed
from ..extensions import db
from .models import Notice

PER_PAGE = 20


def notify(person, kind: str, subject: str, body: str, link: str | None = None, *, dedupe_key=None):
    """Add a notice for `person` to the current transaction; the caller commits with its change.

    kind names the cause (e.g. "promoted", "event_changed"); link is an app path such as
    "/events/12". With dedupe_key, a notice already written under that key is not written again
    and None is returned. Mail is queued as pending; `flask notifications send` delivers it.
    """
    if dedupe_key and db.session.scalar(select(Notice.id).where(Notice.dedupe_key == dedupe_key)):
        return None
    notice = Notice(
        person_id=person.id,
        kind=kind,
        subject=subject[:200],
        body=body,
        link=link,
        dedupe_key=dedupe_key,
        message_id=make_msgid(domain="wellness"),
        mail_status="pending" if person.is_active else "skipped",
        mail_next_attempt_at=utcnow(),
    )
    db.session.add(notice)
    return notice


def safe_link(link: str | None) -> str | None:
    """`link` if it is a path within this app, else None.

    "//host" and "/\\host" are refused: browsers read both as another site's address.
    """
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in link):
        return None
    parts = urlsplit(link)
    return link if not parts.scheme and not parts.netloc else None


def unread_count(person) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.person_id == person.id, Notice.read_at.is_(None))
    )


def list_notices(person, page: int, per_page: int = PER_PAGE):
    """A page of `person`'s own notices, newest first (pages past the last are empty, not errors)."""
    query = (
        select(Notice)
        .where(Notice.person_id == person.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    return paginate(query, page, per_page)


def mark_read(person, notice: Notice, now: datetime | None = None) -> None:
    """Mark `person`'s own notice read (a notice already read keeps its first read time).

    Raises NotAllowed when the notice belongs to someone else.
    """
    if notice.person_id != person.id:
        raise NotAllowed("That notice is not yours.")
    if notice.read_at is None:
        notice.read_at = now or utcnow()


def mark_all_read(person, now: datetime | None = None) -> int:
    """Mark all of `person`'s unread notices read; returns how many."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.person_id == person.id, Notice.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
