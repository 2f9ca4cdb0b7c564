"""Setting up a year's blocks, editing blocks and places, the window, and who takes part."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.holidays.conftest import (
    KEYS,
    YEAR,
    audit_actions,
    block_row,
    data_of,
    held_blocks,
    person_row,
    program_today,
    stored_ranks,
    year_row,
    year_status,
)
from tests.support import database_state, fetch
from wellness.audit import AuditEntry
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.holidays import blocks
from wellness.holidays.models import HolidayBlock

NEXT = YEAR + 1  # a year whose blocks are all months away, so the window's close is three weeks out


def block_rows(app, academic_year: int) -> list[HolidayBlock]:
    query = (
        select(HolidayBlock)
        .where(HolidayBlock.academic_year == academic_year)
        .order_by(HolidayBlock.starts_on)
    )
    return fetch(app, query)


# --- setting up a year ----------------------------------------------------------------------------------


def test_setup_creates_four_dated_blocks_with_places_for_everyone_and_a_three_week_window(
    app, db, coordinator, residents, make_person
):
    residents(3)
    residents(2, "primary_care")
    make_person("resident", training_start_year=NEXT - 3)  # graduated before the year starts
    make_person("resident", training_start_year=NEXT + 1)  # not started yet
    make_person("faculty")
    today = program_today()

    blocks.setup_year(person_row(coordinator), NEXT, today)
    db.session.commit()

    stored = block_rows(app, NEXT)
    assert [block.key for block in stored] == list(KEYS)
    by_key = {block.key: block for block in stored}
    assert (by_key["christmas"].starts_on, by_key["christmas"].ends_on) == (
        date(NEXT, 12, 23),
        date(NEXT, 12, 27),
    )
    assert (by_key["new_year"].starts_on, by_key["new_year"].ends_on) == (
        date(NEXT, 12, 30),
        date(NEXT + 1, 1, 3),
    )
    thanksgiving = by_key["thanksgiving"]
    assert (thanksgiving.starts_on.weekday(), thanksgiving.days) == (2, 5)  # Wednesday to Sunday
    assert by_key["high_holidays"].days == 4
    # Five residents take part: ceil(5 / 4) = 2 places in each block, eight in all.
    assert {block.capacity for block in stored} == {2}
    assert {(block.opens_on, block.closes_on) for block in stored} == {(today, today + timedelta(days=21))}
    assert year_status(app, NEXT).status == "collecting"
    assert audit_actions(app) == ["holidays.setup"]


def test_the_window_closes_a_week_before_the_first_block_when_that_comes_sooner(
    app, db, coordinator, residents
):
    residents(1)
    first_block = blocks.default_blocks(NEXT)[0].starts_on
    today = first_block - timedelta(days=10)

    year = blocks.setup_year(person_row(coordinator), NEXT, today)
    db.session.commit()

    assert blocks.ranking_window(year) == (today, first_block - timedelta(days=7))


def test_setup_from_the_command_line_needs_no_person(app, db, residents):
    residents(4)

    blocks.setup_year(None, NEXT, program_today())
    db.session.commit()

    assert [block.capacity for block in block_rows(app, NEXT)] == [1, 1, 1, 1]


def test_a_second_setup_of_the_same_year_is_refused_and_changes_nothing(app, db, coordinator, residents):
    residents(2)
    blocks.setup_year(person_row(coordinator), NEXT, program_today())
    db.session.commit()
    residents(3)  # more residents now: a second setup would give other places
    before = database_state(app)

    with pytest.raises(
        Conflict, match=f"The {NEXT}–{(NEXT + 1) % 100:02d} holiday blocks are already set up."
    ):
        blocks.setup_year(person_row(coordinator), NEXT, program_today())
    db.session.rollback()

    assert database_state(app) == before


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_only_coordinators_set_up_a_year(app, db, make_person, role):
    person = make_person(role)
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only coordinators manage holiday blocks."):
        blocks.setup_year(person_row(person), NEXT, program_today())
    db.session.rollback()

    assert database_state(app) == before


def test_an_implausible_year_is_refused(app, db, coordinator):
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Give the year the academic year starts in"):
        blocks.setup_year(person_row(coordinator), 26, program_today())
    db.session.rollback()

    assert database_state(app) == before


# --- editing blocks -----------------------------------------------------------------------------------


def test_a_coordinator_changes_a_block_and_the_change_is_audited(
    app, db, coordinator, residents, holiday_year
):
    residents(2)
    holiday_year()
    christmas = block_row("christmas")
    first = date(YEAR, 12, 22)

    blocks.update_block(
        person_row(coordinator), christmas,
        data_of(christmas, name="Christmas Eve", starts_on=first, ends_on=first + timedelta(days=3), capacity=3,
                program_caps={"primary_care": 1}),
    )  # fmt: skip
    db.session.commit()

    [stored] = [block for block in block_rows(app, YEAR) if block.key == "christmas"]
    assert (stored.name, stored.starts_on, stored.ends_on, stored.capacity) == (
        "Christmas Eve", first, date(YEAR, 12, 25), 3,
    )  # fmt: skip
    assert stored.revision == 2
    [entry] = fetch(app, select(AuditEntry).where(AuditEntry.action == "holidays.block_changed"))
    assert (entry.before["capacity"], entry.after["capacity"], entry.after["caps"]) == (
        1,
        3,
        {"primary_care": 1},
    )


def with_dates(start: date, days: int) -> dict:
    return {"starts_on": start, "ends_on": start + timedelta(days=days - 1)}


BAD_EDITS = [
    pytest.param(with_dates(date(YEAR, 12, 23), 3), ValidationFailed, "A block is 4 or 5 days; these dates make 3.",
                 id="three-days"),
    pytest.param(with_dates(date(YEAR, 12, 21), 6), ValidationFailed, "A block is 4 or 5 days; these dates make 6.",
                 id="six-days"),
    pytest.param(with_dates(date(YEAR, 12, 27), 5), ValidationFailed,
                 "These dates overlap New Year (Dec 30 – Jan 3).", id="overlapping"),
    pytest.param(with_dates(date(YEAR + 1, 6, 28), 4), ValidationFailed,
                 f"The dates must fall within the {YEAR}–{(YEAR + 1) % 100:02d} academic year.", id="after-june"),
    pytest.param(with_dates(date(YEAR, 6, 28), 4), ValidationFailed,
                 f"The dates must fall within the {YEAR}–{(YEAR + 1) % 100:02d} academic year.", id="before-july"),
    pytest.param({"capacity": -1}, ValidationFailed, "Places cannot be below zero.", id="negative-capacity"),
    pytest.param({"program_caps": {"categorical": -2}}, ValidationFailed, "Places cannot be below zero.",
                 id="negative-cap"),
    pytest.param({"program_caps": {"surgery": 1}}, ValidationFailed, "Unknown program surgery.", id="unknown-program"),
    pytest.param({"key": "new_year"}, Conflict, "New Year already uses the key new_year.", id="key-taken"),
    pytest.param({"key": "Xmas!"}, ValidationFailed, "A key is up to 32 lower-case letters", id="key-shape"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "error", "message"), BAD_EDITS)
def test_a_block_edit_breaking_a_rule_is_refused_with_its_message_and_changes_nothing(
    app, db, coordinator, residents, holiday_year, changes, error, message
):
    residents(2)
    holiday_year()
    before = database_state(app)
    christmas = block_row("christmas")

    with pytest.raises(error) as refused:
        blocks.update_block(person_row(coordinator), christmas, data_of(christmas, **changes))
    db.session.rollback()

    assert refused.value.message.startswith(message)
    assert database_state(app) == before


def test_a_new_block_overlapping_another_is_refused(app, db, coordinator, residents, holiday_year):
    residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=r"These dates overlap Christmas \(Dec 23 – Dec 27\)"):
        blocks.add_block(person_row(coordinator), year_row(), blocks.BlockData(
            "boxing_day", "Boxing Day", date(YEAR, 12, 26), date(YEAR, 12, 29), 1, {}))  # fmt: skip
    db.session.rollback()

    assert database_state(app) == before


def test_a_new_block_takes_the_years_window(app, db, coordinator, residents, holiday_year):
    residents(1)
    info = holiday_year()

    block = blocks.add_block(person_row(coordinator), year_row(), blocks.BlockData(
        "summer", "Summer", date(YEAR, 8, 10), date(YEAR, 8, 13), 2, {"primary_care": 1}))  # fmt: skip
    db.session.commit()

    stored = block_row("summer")
    assert (stored.opens_on, stored.closes_on, stored.caps()) == (
        info.opens_on,
        info.closes_on,
        {"primary_care": 1},
    )
    assert [b.key for b in year_row().blocks][0] == "summer" == block.key


def test_changing_a_block_drops_a_stale_preview_but_keeps_the_pins(
    app, db, coordinator, residents, holiday_year, allocate, pin
):
    ada, ben = residents(2)
    holiday_year(capacity=2)
    allocate(1)
    pin(ada, "christmas")
    christmas = block_row("christmas")

    blocks.update_block(person_row(coordinator), christmas, data_of(christmas, capacity=3))
    db.session.commit()

    assert year_status(app).status == "collecting"
    assert held_blocks(app) == {ada.email: "christmas"}


def test_a_block_holding_pins_cannot_be_removed(app, db, coordinator, residents, holiday_year, pin):
    [ada] = residents(1)
    holiday_year()
    pin(ada, "new_year")
    before = database_state(app)

    with pytest.raises(Conflict, match="Residents are pinned to New Year. Unpin them before removing it."):
        blocks.remove_block(person_row(coordinator), block_row("new_year"))
    db.session.rollback()

    assert database_state(app) == before


def test_removing_a_block_removes_its_rankings(app, db, coordinator, residents, holiday_year, rank):
    [ada] = residents(1)
    info = holiday_year()
    rank(ada, "christmas", "new_year", "thanksgiving", "high_holidays")

    blocks.remove_block(person_row(coordinator), block_row("high_holidays"))
    db.session.commit()

    assert [block.key for block in block_rows(app, YEAR)] == ["thanksgiving", "christmas", "new_year"]
    assert info.id("high_holidays") not in set(fetch(app, select(HolidayBlock.id)))
    assert set(stored_ranks(app, ada.id)) == set(info.ids("christmas", "new_year", "thanksgiving"))


def test_the_last_block_cannot_be_removed(app, db, coordinator, residents, holiday_year):
    residents(1)
    holiday_year()
    for key in ("high_holidays", "thanksgiving", "new_year"):
        blocks.remove_block(person_row(coordinator), block_row(key))
    db.session.commit()
    before = database_state(app)

    with pytest.raises(Conflict, match="A year needs at least one block; edit this one instead."):
        blocks.remove_block(person_row(coordinator), block_row("christmas"))
    db.session.rollback()

    assert database_state(app) == before
    assert [block.key for block in block_rows(app, YEAR)] == ["christmas"]


EDITS_AFTER_PUBLISHING = {
    "update": lambda actor: blocks.update_block(actor, block_row("christmas"), data_of(block_row("christmas"), capacity=9)),
    "add": lambda actor: blocks.add_block(actor, year_row(), blocks.BlockData(
        "summer", "Summer", date(YEAR, 8, 10), date(YEAR, 8, 13), 2, {})),
    "remove": lambda actor: blocks.remove_block(actor, block_row("christmas")),
    "excuse": lambda actor: blocks.excuse_resident(actor, year_row(), actor, "Leave"),
}  # fmt: skip


@pytest.mark.parametrize("edit", sorted(EDITS_AFTER_PUBLISHING))
def test_once_published_the_blocks_cannot_change(app, db, coordinator, published_year, edit):
    published_year()
    before = database_state(app)

    with pytest.raises(
        Conflict, match="The allocation is published. Un-publish it before changing the blocks."
    ):
        EDITS_AFTER_PUBLISHING[edit](person_row(coordinator))
    db.session.rollback()

    assert database_state(app) == before


def test_a_resident_cannot_edit_a_block(app, db, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only coordinators manage holiday blocks."):
        blocks.update_block(
            person_row(ada), block_row("christmas"), data_of(block_row("christmas"), capacity=9)
        )
    db.session.rollback()

    assert database_state(app) == before


# --- the window, approval and who takes part ---------------------------------------------------------


def test_the_window_is_set_for_every_block_and_must_not_close_before_it_opens(
    app, db, coordinator, residents, holiday_year
):
    residents(1)
    holiday_year()
    today = program_today()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="The window must close on or after the day it opens."):
        blocks.set_window(person_row(coordinator), year_row(), today, today - timedelta(days=1))
    db.session.rollback()
    assert database_state(app) == before

    blocks.set_window(
        person_row(coordinator), year_row(), today + timedelta(days=2), today + timedelta(days=9)
    )
    db.session.commit()
    assert {(b.opens_on, b.closes_on) for b in block_rows(app, YEAR)} == {
        (today + timedelta(days=2), today + timedelta(days=9))
    }


def test_taking_part_means_an_active_resident_in_training_and_not_excused(
    app, db, coordinator, residents, make_person, holiday_year
):
    ada, ben, cal = residents(3)
    dee = make_person("resident", training_start_year=YEAR - 1, is_active=False)
    make_person("coordinator")
    holiday_year()

    blocks.excuse_resident(person_row(coordinator), year_row(), person_row(ben), "Parental leave")
    db.session.commit()

    assert [person.email for person in blocks.eligible_residents(YEAR)] == [ada.email, cal.email]
    everyone = {person.email for person in blocks.eligible_residents(YEAR, with_excused=True)}
    assert everyone == {ada.email, ben.email, cal.email}
    assert dee.email not in everyone


def test_excusing_needs_a_reason_and_cannot_be_done_twice(app, db, coordinator, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Say why the resident is excused."):
        blocks.excuse_resident(person_row(coordinator), year_row(), person_row(ada), "  ")
    db.session.rollback()
    assert database_state(app) == before

    blocks.excuse_resident(person_row(coordinator), year_row(), person_row(ada), "Leave")
    db.session.commit()
    with pytest.raises(Conflict, match="Ada Quill is already excused."):
        blocks.excuse_resident(person_row(coordinator), year_row(), person_row(ada), "Again")
    db.session.rollback()

    blocks.include_resident(person_row(coordinator), year_row(), person_row(ada))
    db.session.commit()
    assert [person.id for person in blocks.eligible_residents(YEAR)] == [ada.id]


def test_excusing_a_resident_drops_their_assignment_and_the_preview(
    app, db, coordinator, residents, holiday_year, allocate
):
    ada, ben = residents(2)
    holiday_year()
    allocate(1)

    blocks.excuse_resident(person_row(coordinator), year_row(), person_row(ada), "Leave")
    db.session.commit()

    assert held_blocks(app) == {}
    assert year_status(app).status == "collecting"
