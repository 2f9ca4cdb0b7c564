"""Personal feed addresses: shown once, stored as a hash, ended by rotation, turn-off and deactivation."""

import hashlib
import logging
import re
import secrets
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.feeds.conftest import TOKEN_PATH, change
from tests.support import database_state, fetch, row_counts
from wellness.errors import NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.feeds.models import CalendarFeed, FeedCache
from wellness.feeds.tokens import issue_feed_token, revoke_feed_token
from wellness.people.models import Person
from wellness.people.services import deactivate_person, reactivate_person

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def make_address(client) -> tuple[str, object]:
    """POST /account/calendar as the signed-in person; returns (token, response)."""
    response = client.post("/account/calendar", data={})
    assert response.status_code == 200, response.data[:500]
    tokens = set(TOKEN_PATH.findall(response.get_data(as_text=True)))
    assert len(tokens) == 1, tokens
    return tokens.pop(), response


def path_of(token: str) -> str:
    return f"/calendar/{token}.ics"


def every_value(app) -> list:
    """Every column value of every table, caches included."""
    with app.app_context():
        values = [
            value
            for table in db.metadata.sorted_tables
            for row in db.session.execute(select(table))
            for value in row
        ]
        db.session.remove()
    return values


def holds(value, token: str) -> bool:
    if isinstance(value, str):
        return token in value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return token.encode() in bytes(value)
    return token in repr(value)


# --- making, showing and storing the address ----------------------------------------------------


def test_new_address_is_shown_once_with_no_store_and_no_referrer(client, login_as, resident):
    login_as(resident)
    token, response = make_address(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = response.get_data(as_text=True)
    assert f'value="http://localhost/calendar/{token}.ics"' in page
    assert f'href="webcal://localhost/calendar/{token}.ics"' in page

    later = client.get("/account/calendar")
    assert later.status_code == 200
    assert token not in later.get_data(as_text=True)
    assert not TOKEN_PATH.search(later.get_data(as_text=True))
    assert 'data-testid="feed-on"' in later.get_data(as_text=True)


def test_token_is_long_and_url_safe_and_each_is_new(client, login_as, resident):
    login_as(resident)
    first, _ = make_address(client)
    second, _ = make_address(client)
    for token in (first, second):
        assert len(token) >= 22  # at least 128 random bits in url-safe base64
        assert URL_SAFE.match(token)
    assert first != second


def test_only_the_sha256_of_the_token_is_stored(app, client, login_as, resident, poll):
    login_as(resident)
    token, _ = make_address(client)
    assert poll(path_of(token)).status_code == 200  # fills the feed cache too

    feeds = fetch(app, select(CalendarFeed))
    assert [(feed.person_id, feed.token_hash) for feed in feeds] == [
        (resident.id, hashlib.sha256(token.encode()).hexdigest())
    ]
    assert not [value for value in every_value(app) if holds(value, token)]
    state = database_state(app)
    assert not [(name, row) for name, rows in state.items() for row in rows if token in repr(row)]


def test_page_offers_to_make_an_address_when_there_is_none(client, login_as, resident):
    login_as(resident)
    page = client.get("/account/calendar").get_data(as_text=True)
    assert 'data-testid="feed-off"' in page
    assert not TOKEN_PATH.search(page)


def test_anonymous_is_sent_to_sign_in_from_the_address_page(client):
    for response in (client.get("/account/calendar"), client.post("/account/calendar", data={})):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_making_an_address_needs_the_csrf_token(app, client, login_as, resident):
    login_as(resident)
    before = database_state(app)
    assert client.post("/account/calendar", data={}, csrf=False).status_code == 400
    assert database_state(app) == before


def test_only_the_person_or_an_admin_issues_their_address(app, make_person, resident):
    other, admin = make_person("resident"), make_person("admin")
    with app.app_context():
        person = db.session.get(Person, resident.id)
        with pytest.raises(NotAllowed):
            issue_feed_token(db.session.get(Person, other.id), person)
        with pytest.raises(NotAllowed):
            revoke_feed_token(db.session.get(Person, other.id), person)
        assert issue_feed_token(db.session.get(Person, admin.id), person)
        db.session.rollback()
        db.session.remove()


# --- ending an address ----------------------------------------------------------------------------


def test_rotating_ends_the_old_address_at_once(client, login_as, resident, poll):
    login_as(resident)
    old, first = make_address(client)
    assert "earlier address" not in first.get_data(as_text=True)  # there was none
    assert poll(path_of(old)).status_code == 200
    new, response = make_address(client)
    assert "Your earlier address has stopped working" in response.get_data(as_text=True)
    assert poll(path_of(old)).status_code == 404
    assert poll(path_of(new)).status_code == 200


def test_turning_off_ends_the_address(client, login_as, resident, poll):
    login_as(resident)
    token, _ = make_address(client)
    assert poll(path_of(token)).status_code == 200
    response = client.post("/account/calendar/turn-off", data={}, follow_redirects=True)
    assert "Your calendar address is turned off" in response.get_data(as_text=True)
    assert 'data-testid="feed-off"' in response.get_data(as_text=True)
    assert poll(path_of(token)).status_code == 404


def test_deactivation_ends_the_address_and_reactivation_restores_it(
    app, resident, make_person, feed_url, poll
):
    admin = make_person("admin")
    path = feed_url(resident)
    assert poll(path).status_code == 200
    with change(app) as session:
        deactivate_person(session.get(Person, admin.id), session.get(Person, resident.id))
    assert poll(path).status_code == 404
    with app.app_context():
        with pytest.raises(ValidationFailed):
            issue_feed_token(None, db.session.get(Person, resident.id))
        db.session.remove()
    # The address row is kept while the account is off, so the same address works again.
    with change(app) as session:
        reactivate_person(session.get(Person, admin.id), session.get(Person, resident.id))
    assert poll(path).status_code == 200


def _signature(response) -> tuple:
    return response.status_code, response.data, sorted(response.headers.items())


def test_unknown_rotated_revoked_and_deactivated_addresses_get_the_same_404(
    app, client, login_as, resident, make_person, feed_url, poll
):
    login_as(resident)
    rotated, _ = make_address(client)
    make_address(client)
    revoked_person, deactivated_person, admin = (
        make_person("resident"),
        make_person("resident"),
        make_person("admin"),
    )
    revoked = feed_url(revoked_person)
    deactivated = feed_url(deactivated_person)
    assert poll(revoked).status_code == poll(deactivated).status_code == 200
    with change(app) as session:
        revoke_feed_token(None, session.get(Person, revoked_person.id))
        deactivate_person(session.get(Person, admin.id), session.get(Person, deactivated_person.id))

    paths = [
        path_of(secrets.token_urlsafe(32)),
        path_of(rotated),
        revoked,
        deactivated,
        path_of("x" * 101),
        path_of("not-a-token"),
    ]
    cached = row_counts(app, FeedCache)
    responses = [poll(path) for path in paths]
    assert row_counts(app, FeedCache) == cached  # a wrong address builds and caches nothing
    first = _signature(responses[0])
    assert first[0] == 404
    assert dict(first[2])["Cache-Control"] == "no-store"
    assert dict(first[2])["Referrer-Policy"] == "no-referrer"
    assert "ETag" not in dict(first[2]) and "Set-Cookie" not in dict(first[2])
    for path, response in zip(paths[1:], responses[1:], strict=True):
        assert _signature(response) == first, path


# --- a token is not a sign-in -------------------------------------------------------------------


def test_the_feed_signs_nobody_in(app, resident, feed_url):
    path = feed_url(resident)
    token = TOKEN_PATH.search(path).group(1)
    browser = app.test_client()
    response = browser.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    account = browser.get("/account/calendar")
    assert account.status_code == 302 and "/login" in account.headers["Location"]

    elsewhere = [
        f"/calendar/{token}",
        f"/calendar/{token}.ics/",
        f"/calendars/kind/{token}.ics",
        f"/calendars/program/{token}.ics",
        f"/invitation/{token}",
        f"/reset-password/{token}",
    ]
    for path in elsewhere:
        response = browser.get(path)
        assert response.status_code in (404, 410), (path, response.status_code)
        assert b"BEGIN:VCALENDAR" not in response.data
        assert b"Subscriber" not in response.data, path
        assert browser.get("/account/calendar").status_code == 302, path


# --- the command line ---------------------------------------------------------------------------


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["feeds", *args])


def test_cli_issue_prints_a_working_address_and_replaces_the_old_one(app, resident, poll):
    base = app.config["BASE_URL"].rstrip("/")
    first = _cli(app, "issue", "PAT@example.org")
    assert first.exit_code == 0, first.output
    old = first.output.strip()
    assert old.startswith(f"{base}/calendar/") and old.endswith(".ics")
    assert poll(old.removeprefix(base)).status_code == 200

    second = _cli(app, "issue", resident.email)
    assert second.exit_code == 0, second.output
    new = second.output.strip()
    assert new != old
    assert poll(old.removeprefix(base)).status_code == 404
    assert poll(new.removeprefix(base)).status_code == 200


def test_cli_revoke_turns_the_address_off(app, resident, feed_url, poll):
    path = feed_url(resident)
    result = _cli(app, "revoke", resident.email)
    assert result.exit_code == 0, result.output
    assert "Feed address turned off." in result.output
    assert poll(path).status_code == 404
    again = _cli(app, "revoke", resident.email)
    assert again.exit_code == 0
    assert "There was no feed address to turn off." in again.output


@pytest.mark.parametrize("command", ["issue", "revoke"])
def test_cli_refuses_an_unknown_address(app, resident, command):
    before = database_state(app)
    result = _cli(app, command, "nobody@example.org")
    assert result.exit_code != 0
    assert "No account has the address nobody@example.org" in result.output
    assert database_state(app) == before


def test_cli_refuses_to_issue_for_a_deactivated_person(app, resident, make_person):
    admin = make_person("admin")
    with change(app) as session:
        deactivate_person(session.get(Person, admin.id), session.get(Person, resident.id))
    before = database_state(app)
    result = _cli(app, "issue", resident.email)
    assert result.exit_code != 0
    assert "deactivated" in result.output
    assert database_state(app) == before


# --- logs -----------------------------------------------------------------------------------------


@pytest.fixture
def served(app):
    """The app behind a real werkzeug server on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="feed-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _get(url: str, etag: str | None = None) -> tuple[int, str | None]:
    """(status, ETag) of a GET, optionally with If-None-Match."""
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a local test server
            response.read()
            return response.status, response.headers["ETag"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["ETag"]


def test_access_log_shows_the_feed_path_redacted(served, resident, feed_url, caplog):
    path = feed_url(resident)
    token = TOKEN_PATH.search(path).group(1)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        status, etag = _get(served + path)
        assert status == 200
        assert _get(served + path, etag) == (304, etag)
        assert _get(served + path_of(token[::-1]))[0] == 404
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    feed_lines = [line for line in lines if "/calendar/" in line]
    assert len(feed_lines) == 3, lines
    assert all("/calendar/[redacted]" in line for line in feed_lines), feed_lines
    assert not [line for line in lines if token in line or token[::-1] in line]


def test_wellness_logs_never_hold_the_token(app, client, login_as, resident, poll, caplog, monkeypatch):
    with caplog.at_level(logging.DEBUG, logger="wellness"):
        login_as(resident)
        token, _ = make_address(client)
        first = poll(path_of(token))
        assert poll(path_of(token), first.headers["ETag"]).status_code == 304
        assert poll(path_of(token), method="HEAD").status_code == 200
        rotated = token
        token, _ = make_address(client)
        assert poll(path_of(rotated)).status_code == 404
        # A feed that fails to build is logged with the request path: the token must not be in it.
        monkeypatch.setattr("wellness.feeds.services.render_calendar", _broken_renderer)
        client.post("/account/calendar/turn-off", data={})
        token, _ = make_address(client)
        assert poll(path_of(token)).status_code == 500
    assert [record for record in caplog.records if record.name == "wellness"], "the failure was not logged"
    for secret in (token, rotated):
        assert secret not in caplog.text


def _broken_renderer(*args, **kwargs):
    raise RuntimeError("renderer failed")
