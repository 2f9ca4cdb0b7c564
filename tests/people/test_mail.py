"""Invitation and reset links are mailed through a real local SMTP server."""

import re

from tests.conftest import PASSWORD
from tests.serving import free_port


def link_in(message: str) -> str:
    match = re.search(r"http://localhost(/(?:invitation|reset-password)/[\w-]+)", message)
    assert match, message
    return match.group(1)


def test_invitation_is_mailed_and_its_link_sets_the_password(app, client, make_person, login_as, inbox):
    coordinator = make_person("coordinator")
    invitee = make_person("resident", email="new.intern@example.org", password=False)
    login_as(coordinator)
    page = client.post(f"/people/{invitee.id}/invitation")
    assert page.status_code == 200 and b"It was mailed to new.intern@example.org" in page.data
    [(recipients, message)] = inbox.messages
    assert recipients == ["new.intern@example.org"]
    path = link_in(message)
    fresh = app.test_client()
    response = fresh.post(path, data={"password": "intern year phrase", "confirm": "intern year phrase"})
    assert response.status_code == 302 and fresh.get("/").status_code == 200


def test_password_reset_is_mailed_only_for_known_accounts(app, client, make_person, inbox):
    person = make_person("resident")
    client.post("/reset-password", data={"email": "ghost@example.org"})
    assert inbox.messages == []
    client.post("/reset-password", data={"email": person.email.upper()})
    [(recipients, message)] = inbox.messages
    assert recipients == [person.email]
    path = link_in(message)
    assert (
        app.test_client()
        .post(path, data={"password": "fresh new phrase", "confirm": "fresh new phrase"})
        .status_code
        == 302
    )
    old = app.test_client().post("/login", data={"email": person.email, "password": PASSWORD})
    assert old.status_code == 401


def test_failed_mail_still_shows_the_link_to_copy(app, client, make_person, login_as):
    coordinator = make_person("coordinator")
    invitee = make_person("resident", password=False)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    try:
        login_as(coordinator)
        page = client.post(f"/people/{invitee.id}/invitation")
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert page.status_code == 200
    assert b"Mailing it to" in page.data and b'id="invite-link"' in page.data


def test_everyone_not_signed_up_is_mailed_a_working_invitation(app, client, make_person, login_as, inbox):
    coordinator = make_person("coordinator")
    pending = [make_person("resident", password=False) for _ in range(3)]
    make_person("resident")  # already signed up: not mailed
    make_person("resident", password=False, is_active=False)  # deactivated: not mailed
    login_as(coordinator)
    response = client.post("/people/invitations", follow_redirects=True)
    assert b"Mailed 3 invitations." in response.data
    assert sorted(r[0] for r, _ in inbox.messages) == sorted(p.email for p in pending)
    path = link_in(inbox.messages[0][1])
    fresh = app.test_client()
    assert (
        fresh.post(path, data={"password": "a pending phrase", "confirm": "a pending phrase"}).status_code
        == 302
    )


def test_bulk_invitation_without_mail_explains_how_to_invite(client, make_person, login_as):
    login_as(make_person("coordinator"))
    make_person("resident", password=False)
    response = client.post("/people/invitations", follow_redirects=True)
    assert b"Mail is not configured" in response.data
