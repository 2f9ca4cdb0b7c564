"""Sign-in, sessions that can be revoked, and link secrets."""

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD
from wellness.people import auth
from wellness.people.models import AccessToken, LoginAttempt, Person
from wellness.people.security import digest


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_sign_in_with_right_password_lands_on_home(client, make_person):
    person = make_person("resident")
    response = sign_in(client, person.email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_unknown_email_and_wrong_password_get_the_same_message(client, make_person):
    person = make_person("resident")
    unknown = sign_in(client, "nobody@example.org")
    wrong = sign_in(client, person.email, "wrong password here")
    assert unknown.status_code == wrong.status_code == 401
    message = b"That email and password do not match an active account."
    assert message in unknown.data and message in wrong.data


def test_every_attempt_is_logged_without_the_password(client, make_person, db, caplog):
    person = make_person("resident")
    caplog.set_level("INFO", logger="wellness.auth")
    sign_in(client, person.email, "a-wrong-secret-123")
    sign_in(client, person.email)
    outcomes = [a.outcome for a in db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id))]
    assert outcomes == ["wrong_password", "success"]
    assert "a-wrong-secret-123" not in caplog.text and PASSWORD not in caplog.text
    assert "outcome=wrong_password" in caplog.text


def test_deactivated_person_cannot_sign_in(client, make_person):
    person = make_person("resident", is_active=False)
    assert sign_in(client, person.email).status_code == 401


def test_open_redirect_is_refused_after_sign_in(client, make_person):
    person = make_person("resident")
    response = client.post("/login?next=//evil.example/", data={"email": person.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_login_is_rate_limited_per_account(client, make_person):
    person = make_person("resident")
    statuses = [sign_in(client, person.email, f"wrong-password-{n}").status_code for n in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    # The right password is refused too while the account is locked.
    assert sign_in(client, person.email).status_code == 429


def test_login_is_rate_limited_per_address_across_accounts(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        statuses = [sign_in(client, f"user{n}@example.org", "whatever-pass").status_code for n in range(4)]
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "20 per 5 minutes"
    assert statuses == [401, 401, 401, 429]


def test_login_without_csrf_token_is_refused(client, make_person):
    person = make_person("resident")
    response = client.post("/login", data={"email": person.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_other_sessions(app, make_person):
    person = make_person("resident")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person.email, remember="y")
    sign_in(phone, person.email, remember="y")
    assert phone.get("/").status_code == 200
    assert laptop.post("/account/sign-out-everywhere").status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302


def test_remember_cookie_stops_working_after_password_change(app, make_person):
    person = make_person("resident")
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, person.email, remember="y")
    remember = phone.get_cookie("remember_token")
    assert remember is not None
    sign_in(laptop, person.email)
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a brand new phrase",
            "confirm": "a brand new phrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it carries on
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/").status_code == 302


def test_deactivation_ends_existing_sessions(app, make_person, login_as):
    coordinator = make_person("coordinator")
    resident = make_person("resident")
    resident_client = app.test_client()
    sign_in(resident_client, resident.email)
    assert resident_client.get("/").status_code == 200
    login_as(coordinator)
    staff = login_as.__self__ if hasattr(login_as, "__self__") else None  # noqa: F841
    coordinator_client = app.test_client()
    sign_in(coordinator_client, coordinator.email)
    assert coordinator_client.post(f"/people/{resident.id}/deactivate").status_code == 302
    assert resident_client.get("/").status_code == 302


def test_change_password_refuses_wrong_current_password(client, make_person, login_as):
    person = make_person("resident")
    login_as(person)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not it at all",
            "password": "another phrase 1",
            "confirm": "another phrase 1",
        },
    )
    assert response.status_code == 400
    assert b"Your current password is not right." in response.data


def invitation_secret(app, person, db):
    with app.test_request_context():
        link = auth.issue_link(None, db.session.get(Person, person.id), "invitation", timedelta(hours=1))
        db.session.commit()
    return link.secret


def test_invitation_link_sets_password_once(app, client, make_person, db):
    person = make_person("resident", password=False)
    secret = invitation_secret(app, person, db)
    stored = db.session.scalars(select(AccessToken.token_hash)).all()
    assert stored == [digest(secret)] and secret not in stored
    assert client.get(f"/invitation/{secret}").status_code == 200
    data = {"password": "my new passphrase", "confirm": "my new passphrase"}
    assert client.post(f"/invitation/{secret}", data=data).status_code == 302
    assert client.get("/").status_code == 200
    again = app.test_client()
    assert again.post(f"/invitation/{secret}", data=data).status_code == 404
    assert sign_in(app.test_client(), person.email, "my new passphrase").status_code == 302


def test_new_invitation_replaces_the_old_one(app, client, make_person, db):
    person = make_person("resident", password=False)
    first = invitation_secret(app, person, db)
    second = invitation_secret(app, person, db)
    assert client.get(f"/invitation/{first}").status_code == 404
    assert client.get(f"/invitation/{second}").status_code == 200


def test_expired_invitation_is_refused(app, client, make_person, db):
    person = make_person("resident", password=False)
    with app.test_request_context():
        link = auth.issue_link(None, db.session.get(Person, person.id), "invitation", timedelta(seconds=-1))
        db.session.commit()
    assert client.get(f"/invitation/{link.secret}").status_code == 404


def test_weak_password_is_refused_with_a_message(app, client, make_person, db):
    person = make_person("resident", password=False)
    secret = invitation_secret(app, person, db)
    response = client.post(
        f"/invitation/{secret}", data={"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}
    )
    assert response.status_code == 400, response.data.decode()
    assert b"less repetitive" in response.data


def test_reset_request_says_the_same_for_unknown_email(client, make_person):
    person = make_person("resident")
    known = client.post("/reset-password", data={"email": person.email}, follow_redirects=True)
    unknown = client.post("/reset-password", data={"email": "ghost@example.org"}, follow_redirects=True)
    pattern = re.compile(rb"If that address has an account")
    assert pattern.search(known.data) and pattern.search(unknown.data)


def test_secret_paths_are_redacted_from_access_logs():
    import logging

    from wellness.redaction import RedactSecrets

    record = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '"GET /invitation/abcDEF123 HTTP/1.1" 200', (), None
    )
    RedactSecrets().filter(record)
    assert "abcDEF123" not in record.getMessage()


def test_each_request_loads_the_signed_in_person_afresh(client, make_person, login_as, db):
    # The test holds an app context open (db); requests must not reuse its cached user.
    login_as(make_person("coordinator"))
    assert client.get("/people").status_code == 200
    login_as(make_person("resident"))
    assert client.get("/people").status_code == 403
