"""The bell, the notice list, opening a notice, and the admins' outbox page."""

import re
from urllib.parse import urlsplit

import pytest

from tests.notifications.conftest import notice, notices
from tests.support import database_state
from wellness.extensions import db
from wellness.notifications.models import Notice


def bell_label(page: str) -> str:
    match = re.search(r'href="/notifications" aria-label="([^"]+)"', page)
    assert match, "no bell in the navbar"
    return match.group(1)


def subjects(page: str) -> list[str]:
    return re.findall(r'<h2 class="h6 mb-1">(?:<span class="badge[^>]*>New</span>)?([^<]+)</h2>', page)


def mark_read(app, notice_id: int) -> None:
    with app.app_context():
        db.session.get(Notice, notice_id).read_at = db.func.now()
        db.session.commit()
        db.session.remove()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and urlsplit(response.location).path == "/login"


def test_bell_counts_only_the_viewers_unread_notices(app, client, make_person, login_as, write_notice):
    resident, other = make_person("resident"), make_person("resident")
    write_notice(resident, subject="one")
    write_notice(resident, subject="two")
    mark_read(app, write_notice(resident, subject="read already"))
    for n in range(4):
        write_notice(other, subject=f"theirs {n}")

    login_as(resident)
    page = client.get("/").get_data(as_text=True)

    assert bell_label(page) == "Notifications, 2 unread"
    assert '<span class="badge rounded-pill text-bg-warning notice-count">2</span>' in page


def test_bell_without_unread_notices_shows_no_count(client, make_person, login_as):
    login_as(make_person("faculty"))
    page = client.get("/").get_data(as_text=True)
    assert bell_label(page) == "Notifications" and "notice-count" not in page


def test_list_shows_only_the_viewers_notices_newest_first_with_unread_marked(
    app, client, make_person, login_as, write_notice
):
    resident, other = make_person("resident"), make_person("resident")
    write_notice(resident, subject="older")
    mark_read(app, write_notice(resident, subject="middle"))
    write_notice(resident, subject="newest")
    write_notice(other, subject="not yours")

    login_as(resident)
    page = client.get("/notifications").get_data(as_text=True)

    assert subjects(page) == ["newest", "middle", "older"]
    assert page.count("notice-unread") == 2 and page.count(">New</span>") == 2
    assert "not yours" not in page


def test_list_is_paginated(app, client, make_person, login_as, write_notice):
    resident = make_person("resident")
    for n in range(23):
        write_notice(resident, subject=f"notice {n:02}")
    login_as(resident)

    first = client.get("/notifications").get_data(as_text=True)
    second = client.get("/notifications?page=2").get_data(as_text=True)

    assert len(subjects(first)) == 20 and subjects(first)[0] == "notice 22"
    assert subjects(second) == ["notice 02", "notice 01", "notice 00"]
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("page", ["0", "-3", "9" * 30, "x"])
def test_a_page_number_out_of_range_is_not_an_error(client, make_person, login_as, page):
    login_as(make_person("resident"))
    assert client.get(f"/notifications?page={page}").status_code == 200


def test_viewing_the_list_marks_nothing_read(app, client, make_person, login_as, write_notice):
    resident = make_person("resident")
    write_notice(resident)
    login_as(resident)
    before = database_state(app)
    client.get("/notifications")
    assert database_state(app) == before


def test_open_marks_the_notice_read_and_goes_to_its_link(app, client, make_person, login_as, write_notice):
    resident = make_person("resident")
    notice_id = write_notice(resident, link="/events/12")
    untouched = write_notice(resident, link="/events/13")
    login_as(resident)

    response = client.post(f"/notifications/{notice_id}/open")

    assert response.status_code == 302 and response.location == "/events/12"
    assert notice(app, notice_id).read_at is not None
    assert notice(app, untouched).read_at is None


@pytest.mark.parametrize("link", [None, "//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_open_goes_to_the_list_when_the_link_is_missing_or_leaves_the_app(
    app, client, make_person, login_as, write_notice, link
):
    resident = make_person("resident")
    notice_id = write_notice(resident, link=link)
    login_as(resident)

    response = client.post(f"/notifications/{notice_id}/open")

    assert response.status_code == 302 and response.location == "/notifications"
    assert notice(app, notice_id).read_at is not None


def test_opening_someone_elses_notice_is_not_found_and_changes_nothing(
    app, client, make_person, login_as, write_notice
):
    theirs = write_notice(make_person("resident"))
    login_as(make_person("admin"))  # not even an admin opens another person's notice
    before = database_state(app)

    assert client.post(f"/notifications/{theirs}/open").status_code == 404
    assert client.post("/notifications/999999/open").status_code == 404
    assert database_state(app) == before


def test_mark_all_read_marks_only_the_viewers_notices(app, client, make_person, login_as, write_notice):
    resident, other = make_person("resident"), make_person("resident")
    write_notice(resident)
    write_notice(resident)
    theirs = write_notice(other)
    login_as(resident)

    response = client.post("/notifications/read-all", follow_redirects=True)

    assert "Marked 2 notifications as read." in response.get_data(as_text=True)
    assert [n.read_at is not None for n in notices(app) if n.person_id == resident.id] == [True, True]
    assert notice(app, theirs).read_at is None
    assert bell_label(response.get_data(as_text=True)) == "Notifications"


@pytest.mark.parametrize("role", ["resident", "faculty", "coordinator"])
def test_outbox_is_for_admins_only(client, make_person, login_as, role):
    login_as(make_person(role))
    assert client.get("/notifications/outbox").status_code == 403


def test_outbox_shows_counts_and_waiting_messages(app, client, make_person, login_as, write_notice):
    resident = make_person("resident")
    write_notice(resident, subject="Waiting one")
    write_notice(make_person("resident", is_active=False), subject="Skipped one")
    login_as(make_person("admin"))

    page = client.get("/notifications/outbox").get_data(as_text=True)

    counts = dict(re.findall(r'id="count-(\w+)">(\d+)<', page))
    assert counts == {"pending": "1", "sending": "0", "sent": "0", "failed": "0", "skipped": "1"}
    waiting = page.split('id="waiting-heading"', 1)[1]
    assert "Waiting one" in waiting and resident.email in waiting and "Skipped one" not in page
    assert "MAIL_SERVER is not set" in page


def test_admin_home_links_to_the_outbox(client, make_person, login_as):
    login_as(make_person("admin"))
    assert 'href="/notifications/outbox"' in client.get("/").get_data(as_text=True)
    login_as(make_person("coordinator"))
    assert 'href="/notifications/outbox"' not in client.get("/").get_data(as_text=True)


def test_admin_retry_button_queues_a_failed_message(app, client, make_person, login_as, write_notice):
    notice_id = write_notice(make_person("resident"))
    with app.app_context():
        row = db.session.get(Notice, notice_id)
        row.mail_status, row.mail_attempts, row.mail_next_attempt_at = "failed", 8, None
        db.session.commit()
        db.session.remove()
    login_as(make_person("admin"))

    response = client.post(f"/notifications/outbox/{notice_id}/retry", follow_redirects=True)

    assert "will be sent on the next run" in response.get_data(as_text=True)
    assert (notice(app, notice_id).mail_status, notice(app, notice_id).mail_attempts) == ("pending", 0)


def test_retrying_a_sent_message_is_refused_with_a_message(app, client, make_person, login_as, write_notice):
    notice_id = write_notice(make_person("resident"))
    with app.app_context():
        db.session.get(Notice, notice_id).mail_status = "sent"
        db.session.commit()
        db.session.remove()
    login_as(make_person("admin"))
    before = database_state(app)

    response = client.post(f"/notifications/outbox/{notice_id}/retry", follow_redirects=True)

    assert "already dealt with" in response.get_data(as_text=True)
    assert database_state(app) == before
