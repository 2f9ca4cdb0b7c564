"""`flask notifications send` and `flask notifications remind`."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.notifications.conftest import notices
from tests.support import row_counts
from wellness.dates import program_today
from wellness.extensions import db
from wellness.notifications import reminders
from wellness.notifications.models import Notice
from wellness.notifications.services import notify
from wellness.people.models import Person


def flask(app, *args: str):
    return app.test_cli_runner().invoke(args=["notifications", *args])


def test_send_without_mail_server_refuses_and_sends_nothing(app, make_person, write_notice):
    write_notice(make_person("resident"))

    result = flask(app, "send")

    assert result.exit_code != 0
    assert "MAIL_SERVER is not set" in result.output
    assert [n.mail_status for n in notices(app)] == ["pending"]


def test_send_mails_what_is_due_and_reports_the_counts(app, make_person, write_notice, inbox):
    person = make_person("resident")
    for n in range(3):
        write_notice(person, subject=f"notice {n}")

    result = flask(app, "send", "--limit", "2")

    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0, will retry 0" in result.output
    assert len(inbox.delivered) == 2
    assert "sent 1, failed 0, will retry 0" in flask(app, "send").output
    assert sorted(inbox.message_ids) == sorted(n.message_id for n in notices(app))


def test_send_reports_a_failure_it_will_retry(app, make_person, write_notice, smtp_down):
    write_notice(make_person("resident"))

    result = flask(app, "send")

    assert result.exit_code == 0, result.output
    assert "sent 0, failed 0, will retry 1" in result.output
    [row] = notices(app)
    assert (row.mail_status, row.mail_attempts) == ("pending", 1)


@pytest.fixture
def every_active_person_reminded(monkeypatch, app):
    """A reminder source registered for the test only: one notice per active person and day."""
    seen: list[date] = []
    monkeypatch.setattr(reminders, "SOURCES", list(reminders.SOURCES))

    @reminders.reminder_source
    def remind_everyone(today: date) -> int:
        seen.append(today)
        written = 0
        for person in db.session.scalars(select(Person).where(Person.is_active.is_(True))):
            key = f"test-reminder:{person.id}:{today.isoformat()}"
            if notify(person, "reminder", f"Reminder for {today}", "Tomorrow.", dedupe_key=key):
                written += 1
        return written

    return seen


def test_remind_writes_each_reminder_once_however_often_it_runs(
    app, make_person, every_active_person_reminded
):
    make_person("resident")
    make_person("faculty")

    first = flask(app, "remind", "--today", "2026-03-02")
    again = flask(app, "remind", "--today", "2026-03-02")
    next_day = flask(app, "remind", "--today", "2026-03-03")

    assert first.exit_code == again.exit_code == next_day.exit_code == 0
    assert "wrote 2 reminders for 2026-03-02" in first.output
    assert "wrote 0 reminders for 2026-03-02" in again.output
    assert "wrote 2 reminders for 2026-03-03" in next_day.output
    assert row_counts(app, Notice) == (4,)
    assert every_active_person_reminded == [date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 3)]


def test_remind_defaults_to_the_program_today(app, make_person, every_active_person_reminded):
    make_person("resident")

    result = flask(app, "remind")

    today = program_today(app.config["WELLNESS_TIMEZONE"])
    assert result.exit_code == 0 and f"wrote 1 reminder for {today.isoformat()}" in result.output
    assert every_active_person_reminded == [today]


def test_remind_refuses_a_malformed_date(app):
    result = flask(app, "remind", "--today", "02/03/2026")
    assert result.exit_code != 0 and "does not match the format '%Y-%m-%d'" in result.output
    assert row_counts(app, Notice) == (0,)
