"""A notice to one person: shown in the app and, as an outbox row, delivered by mail."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime
from ..dates import utcnow
from ..extensions import db

MAIL_STATUSES = ("pending", "sending", "sent", "failed", "skipped")


class Notice(db.Model):
    """Written in the same transaction as the change that causes it (the transactional outbox).

    The mail_* columns track delivery by `flask notifications send`; message_id is fixed when the
    notice is written, so a message sent again after a crash carries the same Message-ID.
    """

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(
            "mail_status IN ({})".format(", ".join(f"'{s}'" for s in MAIL_STATUSES)), name="mail_status_known"
        ),
        Index("ix_notices_person_unread", "person_id", "read_at"),
        Index("ix_notices_mail_due", "mail_status", "mail_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    mail_status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mail_next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    mail_claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    mail_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    mail_last_error: Mapped[str | None] = mapped_column(String(300))

    person = relationship("Person")
