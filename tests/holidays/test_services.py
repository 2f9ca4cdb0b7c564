"""Running the allocation on the records: the preview, seeds, pins, priority, publishing and un-publishing."""

import pytest
from sqlalchemy import select

from tests.holidays.conftest import (
    KEYS,
    LABEL,
    YEAR,
    assignment_rows,
    at,
    audit_actions,
    block_row,
    held_blocks,
    person_row,
    program_today,
    ranking_with_first,
    year_row,
    year_status,
)
from tests.support import database_state, fetch, notices
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.holidays import blocks, preferences, services, swaps
from wellness.holidays.models import Swap

SAME_WISHES = ("christmas", "new_year", "thanksgiving", "high_holidays")


def spec_of(email: str):
    return next(spec for spec in services.gather_inputs(year_row()).residents if spec.key == email)


# --- the preview --------------------------------------------------------------------------------------


def test_allocation_stores_one_block_per_resident_taking_part_as_the_preview(
    app, db, coordinator, residents, holiday_year, rank
):
    ada, ben, cal, dee = residents(2) + residents(2, "primary_care")
    eve = residents(1)[0]
    holiday_year(capacity=2)
    blocks.excuse_resident(person_row(coordinator), year_row(), person_row(eve), "Away all winter")
    db.session.commit()
    rank(ada, *ranking_with_first("christmas"))
    rank(ben, *ranking_with_first("christmas"))
    rank(cal, *ranking_with_first("christmas"), observance="christmas")
    # Dee does not rank.

    _inputs, result = services.allocate_holiday_blocks(person_row(coordinator), YEAR, 7)
    db.session.commit()

    held = held_blocks(app)
    assert set(held) == {ada.email, ben.email, cal.email, dee.email}
    assert held[cal.email] == "christmas"  # the observance comes first
    assert sorted(held.values()).count("christmas") == 2
    rows = assignment_rows(app)
    assert {rows[p.id].rank for p in (ada, ben, cal)} == {1, 2}
    assert rows[dee.id].rank is None
    year = year_status(app)
    assert (year.status, year.seed, year.total_cost) == ("previewed", 7, result.total_cost)
    assert result.total_cost == 1 + 1 + 4  # two first choices and one second; Dee costs nothing
    assert year.allocated_by_id == coordinator.id
    assert audit_actions(app)[-1] == "holidays.allocated"


def test_a_dry_run_solves_but_stores_nothing(app, db, coordinator, residents, holiday_year, rank):
    ada, ben = residents(2)
    holiday_year()
    rank(ada, *ranking_with_first("new_year"))
    before = database_state(app)

    _inputs, result = services.allocate_holiday_blocks(person_row(coordinator), YEAR, 3, dry_run=True)
    db.session.commit()

    assert result.assignments[ada.email] == "new_year"
    assert set(result.assignments) == {ada.email, ben.email}
    assert database_state(app) == before


def test_the_same_seed_gives_the_same_assignments(app, residents, holiday_year, rank, allocate):
    people = residents(4)
    holiday_year(capacity=1)
    for person in people:
        rank(person, *SAME_WISHES)  # everyone wants the same: only the seed decides

    by_seed = {seed: allocate(seed) for seed in (1, 2, 3, 4, 5, 6)}
    again = allocate(3)

    assert again == by_seed[3] == held_blocks(app)
    assert len({tuple(sorted(answer.items())) for answer in by_seed.values()}) > 1


def test_a_run_without_a_seed_draws_one_and_records_it(app, residents, holiday_year, rank, allocate):
    people = residents(3)
    holiday_year(capacity=1)
    for person in people:
        rank(person, *SAME_WISHES)

    first = allocate(None)
    seed = year_status(app).seed
    allocate(seed + 1)

    assert allocate(seed) == first


def test_only_coordinators_allocate(app, db, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only coordinators manage holiday blocks."):
        services.allocate_holiday_blocks(person_row(ada), YEAR, 1)
    db.session.rollback()

    assert database_state(app) == before


def test_a_year_not_set_up_cannot_be_allocated(app, db, coordinator):
    with pytest.raises(ValidationFailed, match=f"Set up the {YEAR} holiday blocks first."):
        services.allocate_holiday_blocks(person_row(coordinator), YEAR, 1)


def test_too_few_places_overall_is_refused_saying_how_many_are_missing(
    app, db, coordinator, residents, holiday_year
):
    residents(6)
    holiday_year(capacity=1)
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        services.allocate_holiday_blocks(person_row(coordinator), YEAR, 1)
    db.session.rollback()

    assert refused.value.message.startswith(
        "The places cannot cover everyone: 2 places missing for 6 residents."
    )
    assert "Raise a capacity or cap, or change a pin." in refused.value.message
    assert database_state(app) == before


def test_a_program_cap_that_leaves_residents_out_is_named(app, db, coordinator, residents, holiday_year):
    residents(1)
    residents(2, "primary_care")
    caps = {key: {"primary_care": 0} for key in KEYS if key != "christmas"}
    holiday_year(capacity={"high_holidays": 3, "thanksgiving": 3, "christmas": 1, "new_year": 3}, caps=caps)

    with pytest.raises(ValidationFailed) as refused:
        services.allocate_holiday_blocks(person_row(coordinator), YEAR, 1)
    db.session.rollback()

    message = refused.value.message
    assert message.startswith("The places cannot cover everyone: 1 place missing for 3 residents.")
    assert "Christmas's 1 place" in message
    assert "Thanksgiving's primary care cap of 0" in message


# --- pins --------------------------------------------------------------------------------------------------


def test_a_pin_reruns_the_preview_with_the_same_seed_and_survives_later_runs(
    app, db, coordinator, residents, holiday_year, rank, allocate
):
    ada, ben = residents(2)
    holiday_year(capacity=1)
    rank(ada, *ranking_with_first("christmas"))
    rank(ben, *ranking_with_first("new_year"))
    assert allocate(5) == {ada.email: "christmas", ben.email: "new_year"}

    services.pin_assignment(person_row(coordinator), year_row(), person_row(ada), block_row("new_year"))
    db.session.commit()

    # Ada takes Ben's block, so the run again moves Ben to his second choice.
    assert held_blocks(app) == {ada.email: "new_year", ben.email: "high_holidays"}
    rows = assignment_rows(app)
    assert (rows[ada.id].is_pinned, rows[ada.id].rank, rows[ben.id].rank) == (True, 4, 2)
    year = year_status(app)
    assert (year.status, year.seed) == ("previewed", 5)
    assert audit_actions(app)[-1] == "holidays.pinned"

    allocate(9)
    assert held_blocks(app)[ada.email] == "new_year"
    assert assignment_rows(app)[ada.id].is_pinned


def test_unpinning_lets_the_next_run_move_the_resident(app, residents, holiday_year, rank, allocate, pin):
    [ada] = residents(1)
    holiday_year(capacity=1)
    rank(ada, *ranking_with_first("christmas"))
    allocate(1)
    pin(ada, "new_year")
    assert held_blocks(app) == {ada.email: "new_year"}

    pin(ada, None)

    assert held_blocks(app) == {ada.email: "christmas"}
    assert not assignment_rows(app)[ada.id].is_pinned


def test_a_pin_that_overfills_a_block_is_refused_with_the_places_missing_and_changes_nothing(
    app, db, coordinator, residents, holiday_year, allocate, pin
):
    ada, ben = residents(2)
    holiday_year(capacity=1)
    allocate(1)
    pin(ada, "christmas")
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        services.pin_assignment(person_row(coordinator), year_row(), person_row(ben), block_row("christmas"))
    db.session.rollback()

    assert refused.value.message.startswith(
        "The places cannot cover everyone: 1 place missing for 2 residents."
    )
    assert "Christmas's 1 place" in refused.value.message
    assert database_state(app) == before


def test_pins_made_before_a_run_that_overfill_a_block_stop_the_run(
    app, db, coordinator, residents, holiday_year, pin
):
    people = residents(3)
    holiday_year(capacity=1)
    for person in people:
        pin(person, "christmas")  # nothing is checked until the allocation runs
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="2 places missing for 3 residents"):
        services.allocate_holiday_blocks(person_row(coordinator), YEAR, 1)
    db.session.rollback()

    assert database_state(app) == before


def test_a_resident_not_taking_part_cannot_be_pinned(
    app, db, coordinator, residents, make_person, holiday_year
):
    residents(1)
    holiday_year()
    faculty = make_person("faculty", first_name="Fran", last_name="Faculty")
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=f"Fran Faculty is not taking part in {LABEL}."):
        services.pin_assignment(
            person_row(coordinator), year_row(), person_row(faculty), block_row("christmas")
        )
    db.session.rollback()

    assert database_state(app) == before


# --- priority ---------------------------------------------------------------------------------------------


def test_a_flagged_resident_has_priority_with_the_reason_and_their_cost_counts_double(
    app, db, coordinator, residents, holiday_year, rank, allocate
):
    ada, ben = residents(2)
    holiday_year(capacity=1)
    for person in (ada, ben):
        rank(person, *SAME_WISHES)
    allocate(1)
    assert year_status(app).total_cost == 1 + 4

    blocks.flag_priority(person_row(coordinator), year_row(), person_row(ben), "Worked last Christmas")
    db.session.commit()

    inputs = services.gather_inputs(year_row())
    assert {spec.key: spec.has_priority for spec in inputs.residents} == {ada.email: False, ben.email: True}
    assert inputs.priority_reasons == {ben.email: "Worked last Christmas"}
    for seed in (1, 2, 3, 4):
        assert allocate(seed)[ben.email] == "christmas"
        assert year_status(app).total_cost == 2 * 1 + 4
    assert assignment_rows(app)[ben.id].has_priority


def test_priority_needs_a_reason(app, db, coordinator, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Record the reason for the priority."):
        blocks.flag_priority(person_row(coordinator), year_row(), person_row(ada), " ")
    db.session.rollback()

    assert database_state(app) == before


def test_a_third_choice_last_year_gives_priority_this_year(
    app, db, coordinator, residents, holiday_year, allocate, pin, publish, rank
):
    ada, ben, cal = residents(3)  # interns last year, juniors this year
    last_year = YEAR - 1
    holiday_year(last_year, capacity=1)
    rows = "".join(f"{person.email},{';'.join(SAME_WISHES)}\n" for person in (ada, ben, cal))
    preferences.import_preferences(None, last_year, "email,ranking\n" + rows)
    db.session.commit()
    pin(ada, "thanksgiving", academic_year=last_year)  # her third choice
    pin(ben, "christmas", academic_year=last_year)  # his first
    pin(cal, "new_year", academic_year=last_year)  # her second
    allocate(1, academic_year=last_year)
    publish(academic_year=last_year)
    holiday_year(capacity=1)
    for person in (ada, ben, cal):
        rank(person, *SAME_WISHES)

    inputs = services.gather_inputs(year_row())

    assert {spec.key for spec in inputs.residents if spec.has_priority} == {ada.email}
    assert inputs.priority_reasons == {ada.email: "last year's block was their third choice"}
    assert allocate(1)[ada.email] == "christmas"
    assert year_status(app).total_cost == 2 * 1 + 4 + 9


def test_last_years_rank_gives_no_priority_until_it_is_published(
    app, db, residents, holiday_year, allocate, pin
):
    [ada] = residents(1)
    holiday_year(YEAR - 1, capacity=1)
    pin(ada, "new_year", academic_year=YEAR - 1)
    allocate(1, academic_year=YEAR - 1)
    holiday_year()

    assert services.priority_reasons(YEAR, [person_row(ada)]) == {}


# --- publishing ---------------------------------------------------------------------------------------------


def test_publishing_tells_every_resident_their_block_and_freezes_the_allocation(
    app, db, coordinator, residents, holiday_year, rank, allocate
):
    ada, ben = residents(2)
    holiday_year(capacity=1)
    rank(ada, *SAME_WISHES)
    rank(ben, *SAME_WISHES)
    held = allocate(1)

    told = services.publish_allocation(person_row(coordinator), year_row(), program_today_at_nine())
    db.session.commit()

    assert told == 2
    year = year_status(app)
    assert (year.status, year.published_by_id) == ("published", coordinator.id)
    rows = assignment_rows(app)
    assert {rows[p.id].published_rank for p in (ada, ben)} == {1, 2}
    assert all(row.published_rank == row.rank for row in rows.values())
    published = notices(app, "holiday_block_published")
    assert sorted(person_id for person_id, _s, _b in published) == sorted([ada.id, ben.id])
    names = {"christmas": "Christmas", "new_year": "New Year"}
    for person_id, subject, body in published:
        email = ada.email if person_id == ada.id else ben.email
        assert subject == f"Your holiday block: {names[held[email]]}"
        assert f"Your {LABEL} holiday block is {names[held[email]]}" in body

    before = database_state(app)
    with pytest.raises(Conflict, match="The allocation is published. Un-publish it before running it again."):
        services.allocate_holiday_blocks(person_row(coordinator), YEAR, 2)
    db.session.rollback()
    with pytest.raises(Conflict, match="Un-publish it before running it again."):
        services.pin_assignment(person_row(coordinator), year_row(), person_row(ada), None)
    db.session.rollback()
    with pytest.raises(Conflict, match="The allocation is already published."):
        services.publish_allocation(person_row(coordinator), year_row(), program_today_at_nine())
    db.session.rollback()
    assert database_state(app) == before


def program_today_at_nine():
    return at(program_today(), 9)


def test_publishing_needs_a_preview(app, db, coordinator, residents, holiday_year):
    residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(Conflict, match="Run the allocation and check the preview before publishing."):
        services.publish_allocation(person_row(coordinator), year_row(), program_today_at_nine())
    db.session.rollback()

    assert database_state(app) == before


def test_publishing_is_refused_when_residents_joined_since_the_preview(
    app, db, coordinator, residents, holiday_year, allocate
):
    residents(2)
    holiday_year(capacity=2)
    allocate(1)
    residents(1)  # a resident added to the roster after the run
    before = database_state(app)

    with pytest.raises(
        Conflict, match="Residents have joined or left since this preview was run. Run it again"
    ):
        services.publish_allocation(person_row(coordinator), year_row(), program_today_at_nine())
    db.session.rollback()

    assert database_state(app) == before


def test_unpublishing_needs_a_reason(app, db, coordinator, published_year):
    published_year()
    before = database_state(app)

    with pytest.raises(
        ValidationFailed, match="Say why the allocation is being withdrawn; residents are told."
    ):
        services.unpublish_allocation(person_row(coordinator), year_row(), "   ")
    db.session.rollback()

    assert database_state(app) == before


def test_unpublishing_tells_residents_why_lapses_open_swaps_and_allows_a_new_run(
    app, db, coordinator, published_year, allocate
):
    _info, holders = published_year(programs=("categorical",) * 4)
    ada, ben, cal, dee = (holders[key] for key in KEYS)
    swaps.propose_swap(person_row(dee), year_row(), person_row(ben), block_row("thanksgiving"))
    done = swaps.propose_swap(person_row(cal), year_row(), person_row(ada), block_row("high_holidays"))
    db.session.commit()
    swaps.answer_swap(person_row(ada), db.session.get(Swap, done.id), True, program_today_at_nine())
    db.session.commit()

    services.unpublish_allocation(person_row(coordinator), year_row(), "Christmas dates changed.")
    db.session.commit()

    year = year_status(app)
    assert (year.status, year.published_at) == ("previewed", None)
    assert all(row.published_rank is None for row in assignment_rows(app).values())
    withdrawn = notices(app, "holiday_block_withdrawn")
    assert sorted(person_id for person_id, _s, _b in withdrawn) == sorted(p.id for p in holders.values())
    assert all("Christmas dates changed." in body for _id, _s, body in withdrawn)
    assert {subject for _id, subject, _b in withdrawn} == {f"{LABEL} holiday blocks withdrawn for changes"}
    statuses = {(s.proposer_id, s.status, s.reason) for s in fetch(app, select(Swap))}
    assert statuses == {(dee.id, "lapsed", "The allocation was withdrawn."), (cal.id, "done", "")}
    assert audit_actions(app)[-1] == "holidays.unpublished"
    allocate(2)
    assert year_status(app).seed == 2


def test_unpublishing_what_is_not_published_is_refused(
    app, db, coordinator, residents, holiday_year, allocate
):
    residents(1)
    holiday_year()
    allocate(1)

    with pytest.raises(Conflict, match="The allocation is not published."):
        services.unpublish_allocation(person_row(coordinator), year_row(), "Why not")
