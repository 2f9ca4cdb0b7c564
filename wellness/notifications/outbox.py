"""The mail outbox: claiming due notices, sending each over SMTP once, and recording the outcome.

Delivery rule: at least once, never by two senders at the same time, and with the same Message-ID
on the rare second delivery.
- A run claims a batch (status "sending", a lease of LEASE) and commits the claim before it sends,
  so a concurrent run cannot take the same rows: PostgreSQL skips rows another claimer has locked
  (FOR UPDATE SKIP LOCKED), SQLite lets one claimer at a time in (BEGIN IMMEDIATE).
- The outcome is committed straight after each message. A sender that dies between sending and
  recording leaves the row "sending"; after the lease another run sends it again, carrying the
  Message-ID fixed when the notice was written, so mail systems can drop the duplicate.
- A run stops sending from a claim whose lease is nearly over, so a message is never in flight in
  two runs at once.

Unlike services, these functions commit: a claim must be durable before the SMTP conversation
starts, and each outcome before the next message, or a crash would resend a whole batch.
"""

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from ..audit import record
from ..database import begin_immediate
from ..dates import utcnow
from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..people.models import Person
from ..people.permissions import can_view_outbox
from .mail import SEND_ERRORS, build_message, connect
from .models import MAIL_STATUSES, Notice
from .services import safe_link

LEASE = timedelta(minutes=10)
LEASE_MARGIN = timedelta(minutes=2)  # time left on a lease below which a claimed message is not sent
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
MAX_ATTEMPTS = 8
CLAIM_BATCH = 10  # small, so a batch is sent well within its lease even when SMTP is slow
OVERVIEW_ROWS = 100
CRASHED = "The sender stopped before recording the outcome."


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt: 1 minute, doubling each time, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, copied out of the session so sending needs no database."""

    notice_id: int
    attempt: int  # mail_attempts after this claim; the claim is ours while the row still shows it
    claimed_at: datetime
    message_id: str
    to: str
    to_name: str
    subject: str
    body: str


@dataclass
class Claim:
    outgoing: list[Outgoing] = field(default_factory=list)
    failed: int = 0  # ran out of attempts (a sender died during the last one)
    skipped: int = 0  # the recipient was deactivated


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def absolute_url(path: str) -> str:
    """An app path as a full address, from BASE_URL (mail is sent outside any request)."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def mail_body(notice: Notice) -> str:
    link = safe_link(notice.link)
    return render_template(
        "notifications/mail.txt",
        notice=notice,
        url=absolute_url(link) if link else None,
        notices_url=absolute_url(current_app.url_map.bind("").build("notifications.list_notices")),
    )


def claim_due(now: datetime, limit: int) -> Claim:
    """Claim up to `limit` messages due at `now` and commit the claim.

    Due: pending with its next attempt at or before `now`, or "sending" with a claim older than
    LEASE (its sender died). Each claimed row becomes "sending" with mail_claimed_at=now and one
    more attempt. Rows of deactivated people become "skipped"; a dead sender's row that has used
    all MAX_ATTEMPTS becomes "failed". Earliest due first.
    """
    begin_immediate()
    due = or_(
        and_(
            Notice.mail_status == "pending",
            or_(Notice.mail_next_attempt_at.is_(None), Notice.mail_next_attempt_at <= now),
        ),
        and_(Notice.mail_status == "sending", Notice.mail_claimed_at < now - LEASE),
    )
    rows = db.session.execute(
        select(Notice, Person)
        .join(Person, Person.id == Notice.person_id)
        .where(due)
        .order_by(Notice.mail_next_attempt_at, Notice.id)
        .limit(limit)
        .with_for_update(of=Notice, skip_locked=True)
    ).all()
    claim = Claim()
    for notice, person in rows:
        if not person.is_active:
            notice.mail_status, notice.mail_claimed_at, notice.mail_next_attempt_at = "skipped", None, None
            claim.skipped += 1
        elif notice.mail_attempts >= MAX_ATTEMPTS:
            notice.mail_status, notice.mail_claimed_at, notice.mail_next_attempt_at = "failed", None, None
            notice.mail_last_error = CRASHED
            claim.failed += 1
        else:
            notice.mail_status, notice.mail_claimed_at = "sending", now
            notice.mail_attempts += 1
            claim.outgoing.append(
                Outgoing(
                    notice_id=notice.id,
                    attempt=notice.mail_attempts,
                    claimed_at=now,
                    message_id=notice.message_id,
                    to=person.email,
                    to_name=person.name,
                    subject=notice.subject,
                    body=mail_body(notice),
                )
            )
    db.session.commit()
    return claim


def _finish(item: Outgoing, **values) -> bool:
    """Record an outcome if the claim is still ours; commit. False when another run has reclaimed it."""
    begin_immediate()
    result = db.session.execute(
        update(Notice)
        .where(
            Notice.id == item.notice_id, Notice.mail_status == "sending", Notice.mail_attempts == item.attempt
        )
        .values(mail_claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def mark_sent(item: Outgoing, now: datetime) -> bool:
    """Record that `item` was handed to the SMTP server at `now`."""
    return _finish(
        item, mail_status="sent", mail_sent_at=now, mail_next_attempt_at=None, mail_last_error=None
    )


def mark_failed(item: Outgoing, error: Exception, now: datetime) -> str:
    """Record a failed attempt: back to "pending" after retry_delay, or "failed" after MAX_ATTEMPTS.

    Returns the new status.
    """
    final = item.attempt >= MAX_ATTEMPTS
    status = "failed" if final else "pending"
    _finish(
        item,
        mail_status=status,
        mail_next_attempt_at=None if final else now + retry_delay(item.attempt),
        mail_last_error=describe_error(error),
    )
    return status


def describe_error(error: Exception) -> str:
    """A short reason for admins: the error's kind and the server's reply, never the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        detail = f"{error.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    elif isinstance(error, OSError) and error.strerror:
        detail = error.strerror
    else:
        detail = str(error)
    return " ".join(f"{type(error).__name__}: {detail}".split())[:300]


def _lease_left(item: Outgoing, now: datetime) -> timedelta:
    claimed = item.claimed_at if item.claimed_at.tzinfo else item.claimed_at.replace(tzinfo=UTC)
    return claimed + LEASE - now


def send_due(limit: int, *, clock: Callable[[], datetime] = utcnow) -> SendReport:
    """Send up to `limit` due messages over one SMTP connection (reopened after a failure).

    `clock` gives the current UTC time for claims, outcomes and backoff. A message whose claim has
    less than LEASE_MARGIN left is not sent and counts as retrying: a later run reclaims it.
    """
    report = SendReport()
    smtp = None
    taken = 0
    try:
        while taken < limit:
            claim = claim_due(clock(), min(CLAIM_BATCH, limit - taken))
            taken += len(claim.outgoing) + claim.failed + claim.skipped
            report.failed += claim.failed
            report.skipped += claim.skipped
            if not (claim.outgoing or claim.failed or claim.skipped):
                break
            for item in claim.outgoing:
                if _lease_left(item, clock()) < LEASE_MARGIN:
                    report.retrying += 1
                    continue
                message = build_message(
                    item.to, item.subject, item.body, to_name=item.to_name, message_id=item.message_id
                )
                message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
                try:
                    smtp = smtp or connect()
                    smtp.send_message(message)
                except SEND_ERRORS as error:
                    smtp = _close(smtp)
                    current_app.logger.warning(
                        "mail for notice %s failed: %s", item.notice_id, type(error).__name__
                    )
                    if mark_failed(item, error, clock()) == "failed":
                        report.failed += 1
                    else:
                        report.retrying += 1
                    continue
                mark_sent(item, clock())
                report.sent += 1
    finally:
        _close(smtp, polite=True)
    return report


def _close(smtp, *, polite: bool = False) -> None:
    """Drop the connection; QUIT only when it is known to be healthy."""
    if smtp is None:
        return None
    try:
        if polite:
            smtp.quit()
    except SEND_ERRORS:
        pass
    finally:
        smtp.close()
    return None


def retry_now(actor, notice: Notice, now: datetime | None = None) -> None:
    """Queue a failed or pending message for the next `flask notifications send`, with fresh attempts.

    Raises NotAllowed unless `actor` may view the outbox, and Conflict when the message is being
    sent, was sent or was skipped (the status is re-checked in the UPDATE, so a sender's claim
    taken meanwhile is never overwritten).
    """
    if not can_view_outbox(actor):
        raise NotAllowed("Only admins can retry mail.")
    now = now or utcnow()
    begin_immediate()  # before reading: on SQLite the "before" values are then read under the write lock
    before = {"mail_status": notice.mail_status, "mail_attempts": notice.mail_attempts}
    result = db.session.execute(
        update(Notice)
        .where(Notice.id == notice.id, Notice.mail_status.in_(("failed", "pending")))
        .values(mail_status="pending", mail_attempts=0, mail_next_attempt_at=now, mail_claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("That message is being sent or was already dealt with; it was not queued again.")
    db.session.expire(notice)
    record(
        actor,
        "notice.mail_retry",
        "notice",
        notice.id,
        before,
        {"mail_status": "pending", "mail_attempts": 0},
    )


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[str, int]
    failed: list[Notice]
    waiting: list[Notice]  # pending and sending, next attempt first


def outbox_overview() -> OutboxOverview:
    """Counts by status, and up to OVERVIEW_ROWS failed (newest first) and waiting messages."""
    counts = dict.fromkeys(MAIL_STATUSES, 0)
    counts.update(
        db.session.execute(select(Notice.mail_status, func.count()).group_by(Notice.mail_status))
        .tuples()
        .all()
    )
    listed = select(Notice).options(selectinload(Notice.person)).limit(OVERVIEW_ROWS)
    failed = db.session.scalars(
        listed.where(Notice.mail_status == "failed").order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    waiting = db.session.scalars(
        listed.where(Notice.mail_status.in_(("pending", "sending"))).order_by(
            Notice.mail_next_attempt_at, Notice.id
        )
    )
    return OutboxOverview(counts=counts, failed=list(failed), waiting=list(waiting))
