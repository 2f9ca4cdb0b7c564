"""A person's duties by hand on both databases: weekly continuity clinics (kept, not duplicated), one duty
added under the overlap rule, and a deleted duty releasing its cover with the coverer told."""

from datetime import date, timedelta

import pytest

from tests.duties.conftest import DAY, ahead, duty_row, duty_rows
from tests.support import database_state, notices
from wellness.dates import utcnow
from wellness.duties import clinics
from wellness.duties.models import Duty
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person


def generate(app, actor, person, weekday=1, session="AM", site="Brookside", first=DAY, last=None):
    with app.app_context():
        run = clinics.generate_clinics(
            db.session.get(Person, actor.id), db.session.get(Person, person.id), weekday, session, site,
            first, last or first + timedelta(weeks=4), utcnow(),
        )  # fmt: skip
        db.session.commit()
        db.session.remove()
    return run


@pytest.mark.pure
@pytest.mark.parametrize(
    ("weekday", "first", "last", "days"),
    [
        (1, date(2027, 4, 13), date(2027, 4, 27), [date(2027, 4, 13), date(2027, 4, 20), date(2027, 4, 27)]),
        (0, date(2027, 4, 13), date(2027, 4, 27), [date(2027, 4, 19), date(2027, 4, 26)]),
        (4, date(2027, 4, 13), date(2027, 4, 15), []),
        (2, date(2027, 4, 14), date(2027, 4, 14), [date(2027, 4, 14)]),
    ],
)
def test_weekly_days_are_every_weekday_in_the_range(weekday, first, last, days):
    assert clinics.weekly_days(weekday, first, last) == days


def test_clinics_are_made_weekly_and_a_second_run_makes_none(app, resident, coordinator):
    ada = resident("Ada")

    run = generate(app, coordinator, ada, weekday=DAY.weekday(), session="PM")
    again = generate(app, coordinator, ada, weekday=DAY.weekday(), session="PM")

    stored = [(d.duty_on, d.session, d.kind, d.site, d.source) for d in duty_rows(app, ada.id)]
    assert stored == [(DAY + timedelta(weeks=n), "PM", "clinic", "Brookside", "clinic") for n in range(5)]
    assert (run.made, run.kept) == (5, 0)
    assert (again.made, again.kept) == (0, 5)


def test_without_a_site_the_clinics_are_at_the_persons_clinic_site(app, resident, coordinator):
    ada = resident("Ada", site="Jamaica Plain CHC")

    generate(app, coordinator, ada, weekday=DAY.weekday(), site="  ", last=DAY)

    assert [d.site for d in duty_rows(app, ada.id)] == ["Jamaica Plain CHC"]


def test_days_with_a_duty_in_or_over_that_session_are_kept_as_they_are(app, resident, coordinator, make_duty):
    ada = resident("Ada")
    make_duty(ada, DAY, "DAY", "inpatient", "Main")  # overlaps the morning
    make_duty(ada, ahead(7), "AM", "ambulatory", "Elsewhere")  # the same session
    make_duty(ada, ahead(14), "PM", "other")  # another session: the clinic is still made

    run = generate(app, coordinator, ada, weekday=DAY.weekday(), session="AM")

    assert (run.made, run.kept) == (3, 2)
    by_day = {(d.duty_on, d.session): (d.kind, d.source) for d in duty_rows(app, ada.id)}
    assert by_day[(DAY, "DAY")] == ("inpatient", "manual")
    assert by_day[(ahead(7), "AM")] == ("ambulatory", "manual")
    assert by_day[(ahead(14), "AM")] == ("clinic", "clinic")
    assert (DAY, "AM") not in by_day


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"session": "DAY"},
            ValidationFailed,
            "A continuity clinic is a morning (AM) or afternoon (PM) session.",
        ),
        ({"last": DAY - timedelta(days=1)}, ValidationFailed, "The last day must be on or after the first."),
        (
            {"last": DAY + timedelta(days=366)},
            ValidationFailed,
            "Make clinic sessions for at most a year at a time.",
        ),
        ({"site": "x" * 121}, ValidationFailed, "Keep the site to 120 characters."),
    ],
)
def test_a_clinic_run_that_cannot_be_is_refused_and_nothing_written(
    app, resident, coordinator, options, error, message
):
    ada = resident("Ada")
    before = database_state(app)

    with pytest.raises(error) as caught:
        generate(app, coordinator, ada, **options)

    assert caught.value.message == message
    assert database_state(app) == before


def test_only_coordinators_make_clinics(app, resident):
    ada = resident("Ada")
    before = database_state(app)

    with pytest.raises(NotAllowed):
        generate(app, ada, ada)

    assert database_state(app) == before


def test_a_coordinator_has_no_clinics(app, coordinator, make_person):
    other = make_person("coordinator")

    with pytest.raises(ValidationFailed):
        generate(app, coordinator, other)


# --- one duty ---------------------------------------------------------------------------------------------


def test_a_duty_added_by_hand_is_manual(app, resident, make_duty):
    ada = resident("Ada")

    duty = duty_row(app, make_duty(ada, DAY, "NIGHT", "inpatient", "  Main   campus "))

    assert (duty.duty_on, duty.session, duty.kind, duty.site, duty.source, duty.revision) == (
        DAY, "NIGHT", "inpatient", "Main campus", "manual", 1,
    )  # fmt: skip


@pytest.mark.parametrize(("stored", "added"), [("AM", "AM"), ("DAY", "PM"), ("PM", "DAY")])
def test_a_duty_overlapping_one_that_day_is_refused_naming_it(app, resident, make_duty, stored, added):
    ada = resident("Ada")
    make_duty(ada, DAY, stored, "inpatient")
    before = database_state(app)

    with pytest.raises(Conflict) as caught:
        make_duty(ada, DAY, added, "clinic")

    assert caught.value.message == (
        f"Ada Resident already has Inpatient ({stored}) on {DAY.strftime('%a, %b %-d, %Y')}, "
        f"which overlaps the {added} session."
    )
    assert database_state(app) == before


def test_deleting_a_covered_duty_releases_the_cover_and_tells_the_coverer_and_the_owner(
    app, resident, coordinator, make_duty, cover
):
    ada, ben = resident("Ada"), resident("Ben")
    duty_id = make_duty(ada, DAY, "AM")
    cover(duty_id, ben)

    with app.app_context():
        clinics.delete_duty(db.session.get(Person, coordinator.id), db.session.get(Duty, duty_id))
        db.session.commit()
        db.session.remove()

    assert duty_row(app, duty_id) is None
    [(coverer, subject, body)] = notices(app, "cover_released")
    assert (coverer, subject) == (ben.id, "No longer covering: Continuity clinic (AM)")
    assert body.endswith("The duty was deleted, so no cover is needed.")
    [(owner, subject, _body)] = notices(app, "duty_deleted")
    assert (owner, subject) == (ada.id, "Duty removed: Continuity clinic (AM)")
