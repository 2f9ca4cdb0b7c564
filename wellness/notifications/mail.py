"""Sending e-mail over SMTP with the MAIL_* settings: one-off link mails and the outbox's connection."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template, url_for

LINK_ENDPOINTS = {"invitation": "people.accept_invitation", "reset": "people.reset_password"}
# Failures worth retrying later: the server is down, refused us, or timed out.
SEND_ERRORS = (OSError, smtplib.SMTPException)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _one_line(text: str) -> str:
    # A line break in a header would raise in EmailMessage (and is how headers get injected).
    return " ".join(str(text).split())


def build_message(
    to: str, subject: str, body: str, *, to_name: str | None = None, message_id: str | None = None
) -> EmailMessage:
    """A plain-text message from MAIL_DEFAULT_SENDER; a new Message-ID unless one is given."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = formataddr((_one_line(to_name), to)) if to_name else to
    message["Subject"] = _one_line(subject)
    message["Message-ID"] = message_id or make_msgid(domain="wellness")
    message.set_content(body)
    return message


def connect() -> smtplib.SMTP:
    """Open an SMTP connection with the MAIL_* settings (STARTTLS and login as configured).

    Raises OSError or smtplib.SMTPException when the server cannot be reached or refuses the login.
    The caller closes it (it is a context manager).
    """
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_mail(to: str, subject: str, body: str, to_name: str | None = None) -> bool:
    """Send one plain-text message. Returns False (and logs, without the body) when sending fails.

    Returns False straight away when MAIL_SERVER is not set.
    """
    if not mail_enabled():
        return False
    message = build_message(to, subject, body, to_name=to_name)
    try:
        with connect() as smtp:
            smtp.send_message(message)
    except SEND_ERRORS as error:
        current_app.logger.warning("mail to %s failed: %s", to, type(error).__name__)
        return False
    return True


def link_url(purpose: str, secret: str) -> str:
    return url_for(LINK_ENDPOINTS[purpose], secret=secret, _external=True)


def send_link_mails(people_links, purpose: str) -> tuple[int, int]:
    """Mail many links; returns (sent, failed)."""
    results = [send_link_mail(person, purpose, link) for person, link in people_links]
    return sum(results), len(results) - sum(results)


def send_link_mail(person, purpose: str, link) -> bool:
    """Mail an invitation or reset link. The secret exists only in this message, never in storage."""
    body = render_template(
        f"mail/{purpose}.txt", person=person, url=link_url(purpose, link.secret), expires_at=link.expires_at
    )
    subject = {"invitation": "Your wellness account", "reset": "Reset your wellness password"}[purpose]
    return send_mail(person.email, subject, body, to_name=person.name)
