"""Covers under the rules on both databases: every kind of clash refused and named (time away, an
overlapping duty, a holiday block, a retreat), the training-level rules, one's own duty; covers released
when the coverer later stops being free (and a coordinator told); and the order of suggestions."""

from datetime import timedelta

import pytest

from tests.duties.conftest import DAY, ahead, csv_of, duty_row
from tests.events.conftest import at
from tests.holidays.conftest import YEAR as HOLIDAY_YEAR
from tests.support import database_state, notices
from wellness.dates import utcnow
from wellness.duties import covers
from wellness.duties.models import Duty
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person


def refusal(app, duty_id: int, coverer, actor) -> tuple[type, str]:
    """What assign_cover says when `actor` makes `coverer` cover the duty (it must refuse), and that
    nothing was written."""
    before = database_state(app)
    with app.app_context():
        with pytest.raises((Conflict, ValidationFailed, NotAllowed)) as caught:
            covers.assign_cover(
                db.session.get(Person, actor.id), db.session.get(Duty, duty_id),
                db.session.get(Person, coverer.id), utcnow(),
            )  # fmt: skip
        db.session.rollback()
        db.session.remove()
    assert database_state(app) == before
    return type(caught.value), caught.value.message


# --- each kind of clash ------------------------------------------------------------------------------------


def test_a_coverer_on_approved_vacation_is_refused_and_the_vacation_named(
    app, resident, coordinator, make_duty, enter_away
):
    ada, ben = resident("Ada"), resident("Ben")
    duty = make_duty(ada, DAY, "AM")
    enter_away(ben, DAY - timedelta(days=1), DAY + timedelta(days=2))

    assert refusal(app, duty, ben, coordinator) == (Conflict, "Ben Resident is away then: Vacation.")


def test_a_requested_vacation_does_not_keep_anyone_from_covering(
    app, resident, coordinator, make_duty, request_away, cover
):
    ada, ben = resident("Ada"), resident("Ben")
    duty = make_duty(ada, DAY, "AM")
    request_away(ben, DAY, DAY)

    cover(duty, ben)

    assert duty_row(app, duty).covered_by_id == ben.id


@pytest.mark.parametrize(
    ("needed", "own", "clash"),
    [
        ("AM", "DAY", True),
        ("PM", "DAY", True),
        ("DAY", "AM", True),
        ("AM", "AM", True),
        ("AM", "PM", False),
    ],
)
def test_a_coverer_with_a_duty_in_an_overlapping_session_is_refused(
    app, resident, coordinator, make_duty, cover, needed, own, clash
):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    duty = make_duty(ada, DAY, needed, "inpatient")
    make_duty(ben, DAY, own, "inpatient")

    if clash:
        assert refusal(app, duty, ben, coordinator) == (
            Conflict,
            f"Ben Resident is busy then: Inpatient ({own}).",
        )
    else:
        cover(duty, ben)
        assert duty_row(app, duty).covered_by_id == ben.id


@pytest.mark.parametrize(
    ("needed", "own", "own_day"),
    [
        ("DAY", "NIGHT", 0),  # a day shift straight into their night
        ("NIGHT", "DAY", 0),  # a night straight after their day shift
        ("AM", "NIGHT", -1),  # a morning clinic after a night that ended at 7 AM
        ("DAY", "NIGHT", -1),
        ("PM", "NIGHT", 0),  # two hours between the clinic and their night
        ("AM", "NIGHT", 0),  # seven hours
        ("NIGHT", "AM", 1),
    ],
)
def test_a_coverer_without_eight_hours_off_around_a_night_is_refused(
    app, resident, coordinator, make_duty, cover, needed, own, own_day
):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    duty = make_duty(ada, DAY, needed, "inpatient")
    theirs = DAY + timedelta(days=own_day)
    make_duty(ben, theirs, own, "inpatient")

    assert refusal(app, duty, ben, coordinator) == (
        Conflict,
        f"Ben Resident works Inpatient ({own}) on {theirs:%a, %b %-d} and needs eight hours off around a night.",
    )


@pytest.mark.parametrize(
    ("needed", "own", "own_day"),
    [
        ("AM", "NIGHT", 1),  # their night starts the next evening
        ("PM", "NIGHT", -2),
        ("NIGHT", "NIGHT", 1),  # nights in a row hand over from one to the next
        ("NIGHT", "NIGHT", -1),
    ],
)
def test_a_coverer_with_a_night_far_enough_away_may_cover(
    app, resident, coordinator, make_duty, cover, needed, own, own_day
):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    duty = make_duty(ada, DAY, needed, "inpatient")
    make_duty(ben, DAY + timedelta(days=own_day), own, "inpatient")

    cover(duty, ben)

    assert duty_row(app, duty).covered_by_id == ben.id


def test_a_night_someone_else_covers_leaves_its_owner_free_around_it(
    app, resident, coordinator, make_duty, cover
):
    ada, ben, cal = resident("Ada"), resident("Ben", pgy=3), resident("Cal", pgy=3)
    duty = make_duty(ada, DAY, "AM", "inpatient")
    night = make_duty(ben, DAY - timedelta(days=1), "NIGHT", "inpatient")
    cover(night, cal)

    cover(duty, ben)
    assert duty_row(app, duty).covered_by_id == ben.id
    # Cal now works that night, so Cal cannot take the morning after it.
    assert refusal(app, make_duty(ada, DAY, "PM", "inpatient"), cal, coordinator)[0] is Conflict


def test_a_coverer_already_covering_that_session_is_refused(app, resident, coordinator, make_duty, cover):
    ada, cal, ben = resident("Ada"), resident("Cal"), resident("Ben", pgy=3)
    first, second = make_duty(ada, DAY, "AM"), make_duty(cal, DAY, "DAY", "other")
    cover(first, ben)

    assert refusal(app, second, ben, coordinator) == (
        Conflict,
        "Ben Resident is busy then: Covering: Continuity clinic (AM) for Ada Resident.",
    )


def test_a_coverer_on_a_published_holiday_block_is_refused_and_the_block_named(
    app, coordinator, make_duty, published_year, resident
):
    info, holders = published_year()
    christmas = info.blocks["christmas"]
    owner = resident("Ola", training_start_year=HOLIDAY_YEAR - 1, program="categorical")
    duty = make_duty(owner, christmas.starts_on + timedelta(days=1), "DAY", "other")

    assert refusal(app, duty, holders["christmas"], coordinator) == (
        Conflict,
        f"{holders['christmas'].name} is away then: Holiday block: Christmas.",
    )


def test_a_coverer_going_to_a_retreat_that_day_is_refused_and_the_retreat_named(
    app, resident, coordinator, make_duty, make_event, answer
):
    ada, ben = resident("Ada"), resident("Ben")
    duty = make_duty(ada, DAY, "PM")
    retreat = make_event(kind="retreat", title="Spring retreat", starts_at=at(DAY, 9), ends_at=at(DAY, 17))
    answer(retreat, ben, "going")

    assert refusal(app, duty, ben, coordinator) == (Conflict, "Ben Resident is busy then: Spring retreat.")


def test_a_retreat_someone_is_not_going_to_keeps_nobody_busy(
    app, resident, make_duty, make_event, answer, cover
):
    ada, ben = resident("Ada"), resident("Ben")
    duty = make_duty(ada, DAY, "PM")
    retreat = make_event(kind="retreat", starts_at=at(DAY, 9), ends_at=at(DAY, 17))
    answer(retreat, ben, "not_going")

    cover(duty, ben)

    assert duty_row(app, duty).covered_by_id == ben.id


# --- who may cover what -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "owner_pgy", "coverer", "allowed"),
    [
        ("clinic", 2, ("resident", 1), False),
        ("clinic", 1, ("resident", 2), True),
        ("ambulatory", 3, ("resident", 1), False),
        ("clinic", 2, ("faculty", None), True),
        ("inpatient", 3, ("resident", 2), False),
        ("inpatient", 2, ("resident", 2), True),
        ("inpatient", 2, ("resident", 3), True),
        ("inpatient", 3, ("faculty", None), True),
        ("other", 3, ("resident", 1), True),
    ],
)
def test_training_level_rules_decide_who_may_cover_a_kind_of_duty(
    app, resident, faculty, coordinator, make_duty, cover, kind, owner_pgy, coverer, allowed
):
    owner = resident("Ada", pgy=owner_pgy)
    role, pgy = coverer
    who = faculty("Hana") if role == "faculty" else resident("Ben", pgy=pgy)
    duty = make_duty(owner, DAY, "AM", kind)

    if allowed:
        cover(duty, who)
        assert duty_row(app, duty).covered_by_id == who.id
        return
    error, message = refusal(app, duty, who, coordinator)
    need = "PGY-2" if kind in ("clinic", "ambulatory") else f"PGY-{owner_pgy}"
    assert error is ValidationFailed
    assert message.startswith(f"Ben Resident is PGY-{pgy}: ")
    assert message.endswith(f"cover needs {need} or above, or faculty.")


def test_nobody_covers_their_own_duty(app, resident, coordinator, make_duty):
    ada = resident("Ada")
    duty = make_duty(ada, DAY, "AM")

    assert refusal(app, duty, ada, coordinator) == (
        ValidationFailed,
        "Ada Resident cannot cover their own duty.",
    )


def test_a_resident_arranges_cover_only_for_their_own_duty_on_a_day_they_are_away(
    app, resident, make_duty, enter_away, cover
):
    ada, ben, cal = resident("Ada"), resident("Ben"), resident("Cal")
    duty = make_duty(ada, DAY, "AM")

    assert refusal(app, duty, ben, ada)[0] is NotAllowed  # not away then
    assert refusal(app, duty, ben, cal)[0] is NotAllowed  # not theirs
    enter_away(ada, DAY, DAY)
    cover(duty, ben, actor=ada)

    assert duty_row(app, duty).covered_by_id == ben.id


# --- covers released when the coverer is no longer free -----------------------------------------------------


def test_approving_the_coverers_vacation_releases_the_cover_and_tells_a_coordinator(
    app, resident, coordinator, make_duty, cover, request_away, approve
):
    ada, ben = resident("Ada"), resident("Ben")
    duty, later = make_duty(ada, DAY, "AM"), make_duty(ada, ahead(7), "AM")
    cover(duty, ben)
    cover(later, ben)
    period = request_away(ben, DAY, DAY + timedelta(days=2))

    approve(period)

    assert duty_row(app, duty).covered_by_id is None
    assert duty_row(app, later).covered_by_id == ben.id  # outside the vacation: kept
    told = {person_id: (subject, body) for person_id, subject, body in notices(app, "cover_released")}
    assert set(told) == {ben.id, ada.id, coordinator.id}
    subject, body = told[coordinator.id]
    assert subject == "Cover needed again: Ada Resident, Continuity clinic (AM)"
    assert body.endswith("is no longer covered by Ben Resident. Ben Resident is away then: Vacation.")


def test_a_coverer_going_to_a_retreat_later_loses_the_cover(
    app, resident, coordinator, make_duty, cover, make_event, answer
):
    ada, ben = resident("Ada"), resident("Ben")
    duty = make_duty(ada, DAY, "PM")
    cover(duty, ben)
    retreat = make_event(kind="retreat", title="Spring retreat", starts_at=at(DAY, 9), ends_at=at(DAY, 17))

    answer(retreat, ben, "going")

    assert duty_row(app, duty).covered_by_id is None
    assert any(
        person_id == coordinator.id and body.endswith("Ben Resident is busy then: Spring retreat.")
        for person_id, _subject, body in notices(app, "cover_released")
    )


def test_an_imported_duty_that_clashes_with_a_cover_its_owner_gives_releases_the_cover(
    app, resident, coordinator, make_duty, cover, import_csv
):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    duty = make_duty(ada, DAY, "AM")
    cover(duty, ben)

    import_csv(csv_of(f"{ben.email},{DAY},DAY,inpatient,Main"))

    assert duty_row(app, duty).covered_by_id is None
    told = {person_id: body for person_id, _subject, body in notices(app, "cover_released")}
    assert sorted(told) == sorted([ada.id, ben.id, coordinator.id])
    # The coverer and the coordinator read why; Ada, a colleague, is not told what Ben's calendar holds.
    assert told[ben.id].endswith("Ben Resident is busy then: Inpatient (DAY).")
    assert told[coordinator.id] == told[ben.id]
    assert told[ada.id].endswith("is no longer covered by Ben Resident. Ben Resident is no longer free then.")


# --- suggestions ------------------------------------------------------------------------------------------


def test_suggestions_put_fewest_covers_first_then_the_same_clinic_site_then_the_same_firm(
    app, resident, faculty, make_duty, cover
):
    owner = resident("Ola", site="Brookside", firm="Blue")
    busy = resident("Bea", pgy=3)
    make_duty(busy, DAY, "AM", "other")  # busy then: never suggested
    resident("Pat", pgy=3)
    resident("Fin", pgy=3, firm="Blue")
    resident("Sid", pgy=3, site="Brookside")
    resident("Bo", pgy=3, site="Brookside", firm="Blue")
    much_asked = resident("Max", pgy=3, site="Brookside", firm="Blue")
    intern = resident("Ivy", pgy=1, site="Brookside", firm="Blue")  # too junior for a clinic
    faculty("Hana")  # faculty come after every resident
    for n in range(2):
        cover(make_duty(resident(f"Other{n}", pgy=1), ahead(n + 1), "AM", "other"), much_asked)
    duty = make_duty(owner, DAY, "AM", "clinic", "Brookside")

    with app.app_context():
        found = covers.suggest_coverers(db.session.get(Duty, duty), utcnow(), limit=10)
        order = [(s.person.first_name, s.covers_given, s.same_site, s.same_firm) for s in found]
        db.session.remove()

    assert order == [
        ("Bo", 0, True, True),
        ("Sid", 0, True, False),
        ("Fin", 0, False, True),
        ("Pat", 0, False, False),
        ("Max", 2, True, True),
        ("Hana", 0, False, False),
    ]
    assert {busy.first_name, intern.first_name, owner.first_name}.isdisjoint(name for name, *_ in order)
