"""The day-before shift reminder: one notice per volunteer of tomorrow's shifts, written once, through the outbox."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.outreach.conftest import ADDRESS, PARTNER, at, notices, program_today
from tests.support import fetch
from wellness.dates import academic_year_of
from wellness.extensions import db
from wellness.notifications import reminders
from wellness.notifications.models import Notice
from wellness.outreach.reminders import remind_shifts_tomorrow


def remind(app, today: date) -> int:
    """Run the reminder for `today` as `flask notifications remind` does, committing once."""
    with app.app_context():
        written = remind_shifts_tomorrow(today)
        db.session.commit()
        db.session.remove()
    return written


def first_sunday_of_november(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7)


@pytest.fixture
def days():
    """(today, tomorrow): tomorrow is the autumn clock change in New York, a 25-hour day, in a later year."""
    tomorrow = first_sunday_of_november(academic_year_of(program_today()) + 2)
    return tomorrow - timedelta(days=1), tomorrow


@pytest.fixture
def food_bank(make_project, days):
    today, _tomorrow = days
    return make_project(
        title="Food bank", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=4)
    )


def test_each_volunteer_of_tomorrows_shifts_is_reminded_once(
    app, days, food_bank, make_shift, residents, volunteer
):
    today, tomorrow = days
    first_thing = make_shift(food_bank, role="Unloading", starts_at=at(tomorrow, 0), ends_at=at(tomorrow, 1))
    # 23:00 on the 25-hour day is 04:00 UTC the day after: still tomorrow in New York.
    last_thing = make_shift(
        food_bank, role="Sorting", starts_at=at(tomorrow, 23), ends_at=at(tomorrow, 23, 45)
    )
    tonight = make_shift(food_bank, role="Stacking", starts_at=at(today, 23), ends_at=at(today, 23, 45))
    day_after = make_shift(
        food_bank,
        role="Delivery",
        starts_at=at(tomorrow + timedelta(days=1), 0),
        ends_at=at(tomorrow + timedelta(days=1), 1),
    )
    ada, ben, cy, dan, eve = residents(5)
    volunteer(first_thing, ada)
    volunteer(first_thing, ben)
    volunteer(last_thing, cy)
    volunteer(tonight, dan)
    volunteer(day_after, eve)

    assert remind(app, today) == 3
    assert remind(app, today) == 0

    assert sorted(notices(app, "reminder")) == sorted(
        (person.id, "reminder", "Tomorrow: Food bank") for person in (ada, ben, cy)
    )
    [to_cy] = fetch(app, select(Notice).where(Notice.person_id == cy.id))
    assert "your Sorting shift for Food bank is tomorrow" in to_cy.body
    assert f"Where: {PARTNER}, {ADDRESS}" in to_cy.body
    assert to_cy.link == f"/outreach/{food_bank.id}"
    assert to_cy.mail_status == "pending"  # the outbox sends it


def test_other_days_bring_other_shifts(app, days, food_bank, make_shift, residents, volunteer):
    today, tomorrow = days
    shift = make_shift(food_bank, role="Delivery", starts_at=at(tomorrow + timedelta(days=1), 9))
    [ada] = residents(1)
    volunteer(shift, ada)

    assert remind(app, today - timedelta(days=1)) == 0
    assert remind(app, today) == 0
    assert remind(app, today + timedelta(days=2)) == 0
    assert notices(app, "reminder") == []
    assert remind(app, today + timedelta(days=1)) == 1
    assert notices(app, "reminder") == [(ada.id, "reminder", "Tomorrow: Food bank")]


def test_only_whoever_holds_the_slot_now_is_reminded(
    app, days, food_bank, make_shift, residents, volunteer, drop, offer, take
):
    _today, tomorrow = days
    shift = make_shift(food_bank, role="Unloading", starts_at=at(tomorrow, 9))
    ada, ben, cy = residents(3)
    volunteer(shift, ada)
    volunteer(shift, cy)
    take(shift, ben, offer(shift, ada).id)
    drop(shift, cy)

    assert remind(app, tomorrow - timedelta(days=1)) == 1
    assert notices(app, "reminder") == [(ben.id, "reminder", "Tomorrow: Food bank")]


def test_the_reminder_is_a_registered_source_of_the_daily_run(
    app, days, food_bank, make_shift, residents, volunteer
):
    today, tomorrow = days
    [ada] = residents(1)
    volunteer(make_shift(food_bank, starts_at=at(tomorrow, 9)), ada)

    with app.app_context():
        reminders.write_reminders(today)
        db.session.commit()
        db.session.remove()

    assert remind_shifts_tomorrow in reminders.SOURCES
    assert notices(app, "reminder") == [(ada.id, "reminder", "Tomorrow: Food bank")]
