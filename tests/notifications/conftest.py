"""Notification fixtures: a real local SMTP server, and notices written the way domains write them."""

import asyncio
import email
import socket
import threading
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.support import fetch
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.notifications.services import notify
from wellness.people.models import Person


@dataclass(frozen=True)
class Delivered:
    recipients: list[str]
    message: email.message.Message

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts (optionally slowly, to overlap senders)."""

    def __init__(self):
        self.delivered: list[Delivered] = []
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.delivered.append(
                Delivered(list(envelope.rcpt_tos), email.message_from_bytes(envelope.content))
            )
        return "250 Message accepted"

    @property
    def message_ids(self) -> list[str]:
        return [d.message_id for d in self.delivered]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield handler
    app.config.update(saved)
    controller.stop()


@pytest.fixture
def smtp_down(app):
    """MAIL_SERVER points at a port where nothing listens."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    yield
    app.config.update(saved)


@pytest.fixture
def write_notice(app):
    """Write and commit one notice for a person, as a domain service would; returns its id."""

    def write(person, subject="Your place is confirmed", body="You are going.", link="/events/1", **kwargs):
        with app.app_context():
            notice = notify(
                db.session.get(Person, person.id),
                kwargs.pop("kind", "promoted"),
                subject,
                body,
                link,
                **kwargs,
            )
            db.session.commit()
            notice_id = notice.id if notice else None
            db.session.remove()
        return notice_id

    return write


def notice(app, notice_id: int) -> Notice:
    [found] = fetch(app, select(Notice).where(Notice.id == notice_id))
    return found


def notices(app) -> list[Notice]:
    return fetch(app, select(Notice).order_by(Notice.id))
