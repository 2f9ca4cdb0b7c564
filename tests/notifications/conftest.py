"""Notification fixtures: a real local SMTP server, and notices written the way domains write them."""

import pytest
from sqlalchemy import select

from tests.serving import free_port
from tests.support import fetch
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.notifications.services import notify
from wellness.people.models import Person


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
