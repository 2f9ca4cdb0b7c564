"""The mail outbox: each notice mailed once, concurrent senders, crashes, backoff and failure."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.notifications.conftest import notice, notices
from tests.support import fetch
from wellness.audit import AuditEntry
from wellness.errors import Conflict, NotAllowed
from wellness.extensions import db
from wellness.notifications import outbox
from wellness.notifications.models import Notice
from wellness.people.models import Person

MINUTE = timedelta(minutes=1)


def later(minutes: float = 0) -> datetime:
    """A moment after every notice written so far was due (notices are due when written)."""
    return datetime.now(UTC) + timedelta(seconds=1, minutes=minutes)


def send(app, at: datetime, limit: int = 100) -> outbox.SendReport:
    with app.app_context():
        report = outbox.send_due(limit, clock=lambda: at)
        db.session.remove()
    return report


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, MINUTE),
        (2, 2 * MINUTE),
        (3, 4 * MINUTE),
        (7, 64 * MINUTE),
        (9, 256 * MINUTE),
        (10, timedelta(hours=6)),  # 512 minutes, capped
        (40, timedelta(hours=6)),
    ],
)
def test_retry_delay_doubles_from_a_minute_up_to_six_hours(attempts, wait):
    assert outbox.retry_delay(attempts) == wait


def test_send_mails_each_pending_notice_once_with_its_message_id(app, make_person, write_notice, inbox):
    resident, faculty = make_person("resident"), make_person("faculty")
    first = write_notice(resident, subject="You have a place: Journal club", link="/events/7")
    second = write_notice(faculty, subject="Changed: Grand rounds", link=None)

    report = send(app, later())

    assert (report.sent, report.failed, report.retrying) == (2, 0, 0)
    by_id = {d.message_id: d for d in inbox.delivered}
    assert sorted(by_id) == sorted(n.message_id for n in notices(app))
    mail = by_id[notice(app, first).message_id]
    assert mail.recipients == [resident.email]
    assert mail.message["Subject"] == "You have a place: Journal club"
    assert resident.email in mail.message["To"]
    assert mail.message["Auto-Submitted"] == "auto-generated"  # out-of-office replies stay away
    text = mail.message.get_payload(decode=True).decode()
    assert "You are going." in text and "http://127.0.0.1:5000/events/7" in text
    assert "/events/" not in by_id[notice(app, second).message_id].message.get_payload(decode=True).decode()
    assert {n.mail_status for n in notices(app)} == {"sent"}
    assert all(n.mail_sent_at is not None and n.mail_attempts == 1 for n in notices(app))

    assert send(app, later(60)).sent == 0  # sent is final: a later run mails nothing
    assert len(inbox.delivered) == 2


def test_mail_link_uses_base_url_and_drops_links_outside_the_app(app, make_person, write_notice, inbox):
    person = make_person("resident")
    write_notice(person, subject="inside", link="/events/3")
    write_notice(person, subject="outside", link="//evil.example/phish")
    app.config["BASE_URL"] = "https://wellness.example.org/"
    try:
        send(app, later())
    finally:
        app.config["BASE_URL"] = "http://127.0.0.1:5000"
    bodies = {d.message["Subject"]: d.message.get_payload(decode=True).decode() for d in inbox.delivered}
    assert "https://wellness.example.org/events/3" in bodies["inside"]
    assert "evil.example" not in bodies["outside"]
    assert "https://wellness.example.org/notifications" in bodies["outside"]


def test_a_line_break_in_a_subject_does_not_stop_the_run_or_inject_a_header(
    app, make_person, write_notice, inbox
):
    person = make_person("resident")
    write_notice(person, subject="Changed: Rounds\nBcc: someone@evil.example")
    assert send(app, later()).sent == 1
    [mail] = inbox.delivered
    assert mail.message["Bcc"] is None and mail.recipients == [person.email]


def test_a_limit_caps_how_many_are_sent_in_one_run(app, make_person, write_notice, inbox):
    person = make_person("resident")
    for n in range(13):
        write_notice(person, subject=f"notice {n}")
    assert send(app, later(), limit=12).sent == 12
    assert send(app, later(), limit=12).sent == 1
    assert len(set(inbox.message_ids)) == len(inbox.message_ids) == 13


def test_two_concurrent_runs_never_mail_a_notice_twice(app, make_person, write_notice, inbox):
    people = [make_person("resident") for _ in range(3)]
    for n in range(36):
        write_notice(people[n % 3], subject=f"notice {n}")
    inbox.delay = 0.01  # each message takes a moment, so the runs overlap
    at = later()
    reports, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            reports.append(send(app, at))
        except Exception as error:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sorted(inbox.message_ids) == sorted(n.message_id for n in notices(app))  # every one, exactly once
    assert sum(r.sent for r in reports) == 36
    assert {n.mail_status for n in notices(app)} == {"sent"}
    assert {n.mail_attempts for n in notices(app)} == {1}


def test_a_sender_that_dies_after_sending_is_resent_only_after_the_lease_with_the_same_id(
    app, make_person, write_notice, inbox, monkeypatch
):
    notice_id = write_notice(make_person("resident"))
    claimed_at = later()

    def die(*args, **kwargs):
        raise SystemExit("killed between sending and marking")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", die)
        with pytest.raises(SystemExit):
            send(app, claimed_at)
    assert len(inbox.delivered) == 1
    assert notice(app, notice_id).mail_status == "sending"  # the claim was committed before sending

    within_lease = send(app, claimed_at + outbox.LEASE - MINUTE)
    assert within_lease.sent == 0 and len(inbox.delivered) == 1

    after_lease = send(app, claimed_at + outbox.LEASE + MINUTE)
    assert after_lease.sent == 1
    first, again = inbox.delivered
    assert first.message_id == again.message_id == notice(app, notice_id).message_id
    row = notice(app, notice_id)
    assert (row.mail_status, row.mail_attempts) == ("sent", 2)


def test_a_claim_whose_lease_is_nearly_over_is_left_for_a_later_run(app, make_person, write_notice, inbox):
    notice_id = write_notice(make_person("resident"))
    claimed_at = later()
    moments = iter([claimed_at, claimed_at + outbox.LEASE - outbox.LEASE_MARGIN + MINUTE])

    with app.app_context():
        report = outbox.send_due(10, clock=lambda: next(moments, claimed_at + outbox.LEASE))
        db.session.remove()

    assert (report.sent, report.retrying) == (0, 1)
    assert inbox.delivered == []
    assert notice(app, notice_id).mail_status == "sending"
    assert send(app, claimed_at + outbox.LEASE + MINUTE).sent == 1


def test_an_unreachable_server_is_retried_with_backoff_then_the_notice_fails(
    app, client, make_person, login_as, write_notice, smtp_down
):
    notice_id = write_notice(make_person("resident"), subject="Cancelled: Wellness walk")
    at = later()
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        report = send(app, at)
        row = notice(app, notice_id)
        assert (report.sent, report.failed, report.retrying) == (0, 0, 1)
        assert (row.mail_status, row.mail_attempts) == ("pending", attempt)
        assert "Connection refused" in row.mail_last_error and "Wellness walk" not in row.mail_last_error
        next_at = row.mail_next_attempt_at.replace(tzinfo=UTC)
        waits.append(next_at - at)
        assert send(app, next_at - timedelta(seconds=1)).retrying == 0  # not due before its time
        at = next_at

    report = send(app, at)

    assert [w // MINUTE for w in waits] == [1, 2, 4, 8, 16, 32, 64]
    assert (report.failed, report.retrying) == (1, 0)
    row = notice(app, notice_id)
    assert (row.mail_status, row.mail_attempts, row.mail_next_attempt_at) == ("failed", 8, None)
    assert send(app, at + timedelta(days=2)).failed == 0  # failed is final until an admin retries

    login_as(make_person("admin"))
    page = client.get("/notifications/outbox").get_data(as_text=True)
    failed_section = page.split('id="failed-heading"', 1)[1].split('id="waiting-heading"', 1)[0]
    assert "Cancelled: Wellness walk" in failed_section and "ConnectionRefusedError" in failed_section


def test_mail_for_a_deactivated_person_is_skipped(app, make_person, write_notice, inbox):
    person = make_person("resident")
    notice_id = write_notice(person)
    with app.app_context():
        db.session.get(Person, person.id).is_active = False
        db.session.commit()
        db.session.remove()

    report = send(app, later())

    assert (report.sent, report.skipped) == (0, 1)
    assert inbox.delivered == []
    assert notice(app, notice_id).mail_status == "skipped"


def test_a_dead_sender_on_the_last_attempt_leaves_the_notice_failed(app, make_person, write_notice, inbox):
    notice_id = write_notice(make_person("resident"))
    at = later()
    with app.app_context():
        row = db.session.get(Notice, notice_id)
        row.mail_status, row.mail_attempts, row.mail_claimed_at = "sending", outbox.MAX_ATTEMPTS, at
        db.session.commit()
        db.session.remove()

    report = send(app, at + outbox.LEASE + MINUTE)

    assert (report.sent, report.failed) == (0, 1)
    assert inbox.delivered == []
    assert notice(app, notice_id).mail_last_error == outbox.CRASHED


def fail(app, notice_id: int) -> None:
    with app.app_context():
        row = db.session.get(Notice, notice_id)
        row.mail_status, row.mail_attempts, row.mail_next_attempt_at = "failed", 8, None
        row.mail_last_error = "ConnectionRefusedError: Connection refused"
        db.session.commit()
        db.session.remove()


def test_an_admin_retry_queues_a_failed_notice_with_fresh_attempts(app, make_person, write_notice, inbox):
    admin = make_person("admin")
    notice_id = write_notice(make_person("resident"))
    fail(app, notice_id)
    at = later()

    with app.app_context():
        outbox.retry_now(db.session.get(Person, admin.id), db.session.get(Notice, notice_id), now=at)
        db.session.commit()
        db.session.remove()

    row = notice(app, notice_id)
    assert (row.mail_status, row.mail_attempts) == ("pending", 0)
    [entry] = fetch(app, select(AuditEntry).where(AuditEntry.action == "notice.mail_retry"))
    assert (entry.actor_id, entry.subject_id, entry.before["mail_status"]) == (admin.id, notice_id, "failed")
    assert send(app, at).sent == 1 and inbox.message_ids == [row.message_id]


@pytest.mark.parametrize("status", ["sending", "sent", "skipped"])
def test_retry_refuses_a_notice_that_is_not_failed_or_pending(app, make_person, write_notice, status):
    admin = make_person("admin")
    notice_id = write_notice(make_person("resident"))
    with app.app_context():
        db.session.get(Notice, notice_id).mail_status = status
        db.session.commit()
        with pytest.raises(Conflict):
            outbox.retry_now(db.session.get(Person, admin.id), db.session.get(Notice, notice_id))
        db.session.rollback()
        db.session.remove()
    assert notice(app, notice_id).mail_status == status


def test_only_admins_may_retry(app, make_person, write_notice):
    coordinator = make_person("coordinator")
    notice_id = write_notice(make_person("resident"))
    fail(app, notice_id)
    with app.app_context():
        with pytest.raises(NotAllowed):
            outbox.retry_now(db.session.get(Person, coordinator.id), db.session.get(Notice, notice_id))
        db.session.remove()
    assert notice(app, notice_id).mail_status == "failed"
