"""A real local SMTP server (aiosmtpd) that keeps what it is sent, as a pytest fixture for mail tests."""

import asyncio
import email
import threading
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from tests.serving import free_port


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
    def messages(self) -> list[tuple[list[str], str]]:
        """(recipients, the raw message as text) for each message, in arrival order."""
        return [(d.recipients, d.message.as_string()) for d in self.delivered]

    @property
    def message_ids(self) -> list[str]:
        return [d.message_id for d in self.delivered]


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
