"""Reminders about SGIM needs still uncovered (14 and 7 days before the trips begin, once a day each) and
`flask sgim coverage-report YEAR`."""

import csv
import io
from datetime import timedelta

import pytest

from tests.sgim.conftest import FIRST_DAY, TRIP_FIRST, day
from tests.support import notices
from wellness.extensions import db
from wellness.notifications.reminders import write_reminders


def remind(app, today) -> list[tuple[int, str, str]]:
    """Run every reminder source for `today` and commit, as `flask notifications remind` does; returns the
    SGIM reminders written so far."""
    with app.app_context():
        write_reminders(today)
        db.session.commit()
        db.session.remove()
    return [notice for notice in notices(app, "reminder") if "SGIM" in notice[1]]


@pytest.fixture
def open_needs(going, make_duty, cover, resident, ada, ravi):
    """Ada and Ben going; Ada has two uncovered clinics and one covered, Ben one uncovered."""
    ben = resident("Ben")
    meeting_id, _ = going(ada)
    going(ben, meeting_id)
    make_duty(ada, day(1), "AM"), make_duty(ada, day(1), "PM"), make_duty(ben, day(2), "AM")
    cover(make_duty(ada, day(3), "AM"), ravi)
    return meeting_id


@pytest.mark.parametrize("days_before", [14, 7])
def test_the_organiser_hears_of_uncovered_needs_14_and_7_days_before_once(
    app, coordinator, open_needs, days_before
):
    today = TRIP_FIRST - timedelta(days=days_before)

    [(person_id, subject, text)] = remind(app, today)

    assert person_id == coordinator.id
    assert subject == f"3 SGIM duties uncovered, {days_before} days to go"
    assert text.startswith(f"SGIM Annual Meeting trips begin in {days_before} days")
    assert text.endswith("- Ada Quill: 2 uncovered\n- Ben Ramos: 1 uncovered")
    assert len(remind(app, today)) == 1  # the same day again writes nothing


def test_no_reminder_on_other_days(app, open_needs):
    for days_before in (15, 13, 8, 6, 0):
        assert remind(app, TRIP_FIRST - timedelta(days=days_before)) == []


def test_a_fully_covered_meeting_sends_no_reminder(app, going, make_duty, cover, ada, ravi):
    going(ada)
    cover(make_duty(ada, day(1), "AM"), ravi)

    assert remind(app, TRIP_FIRST - timedelta(days=14)) == []


def test_the_coverage_report_prints_a_header_and_one_row_per_need(app, open_needs):
    result = app.test_cli_runner().invoke(args=["sgim", "coverage-report", str(FIRST_DAY.year)])

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["attendee", "date", "session", "kind", "site", "coverer", "status"]
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows[1:]] == [
        ("Ada Quill", day(1).isoformat(), "AM", "", "uncovered"),
        ("Ada Quill", day(1).isoformat(), "PM", "", "uncovered"),
        ("Ada Quill", day(3).isoformat(), "AM", "Ravi Patel", "covered"),
        ("Ben Ramos", day(2).isoformat(), "AM", "", "uncovered"),
    ]


def test_the_coverage_report_of_a_year_without_a_meeting_says_so(app, open_needs):
    result = app.test_cli_runner().invoke(args=["sgim", "coverage-report", str(FIRST_DAY.year - 3)])

    assert result.exit_code != 0
    assert f"There is no SGIM meeting in {FIRST_DAY.year - 3}." in result.output
