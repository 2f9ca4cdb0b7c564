"""Sending e-mail over SMTP with the MAIL_* settings."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template, url_for

LINK_ENDPOINTS = {"invitation": "people.accept_invitation", "reset": "people.reset_password"}


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str, to_name: str | None = None) -> bool:
    """Send one plain-text message. Returns False (and logs, without the body) when sending fails.

    Returns False straight away when MAIL_SERVER is not set.
    """
    config = current_app.config
    if not mail_enabled():
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = formataddr((to_name, to)) if to_name else to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="wellness")
    message.set_content(body)
    try:
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
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
