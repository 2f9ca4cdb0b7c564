"""Residents' rankings: ranking in the window, the rules a ranking keeps, importing a CSV, and reminders."""

from datetime import timedelta

import pytest

from tests.holidays.conftest import (
    KEYS,
    LABEL,
    YEAR,
    audit_actions,
    block_row,
    person_row,
    program_today,
    ranking_with_first,
    stored_ranks,
    year_row,
    year_status,
)
from tests.support import database_state, notices
from wellness.errors import NotAllowed, ValidationFailed
from wellness.holidays import blocks, preferences, services


def record(db, person, keys, observance=None, *, today=None, ids=None):
    """record_ranking in the test's session (block ids given directly, or from keys)."""
    preferences.record_ranking(
        person_row(person), year_row(), ids if ids is not None else [block_row(k).id for k in keys],
        block_row(observance).id if observance else None, today or program_today(),
    )  # fmt: skip


# --- ranking ---------------------------------------------------------------------------------------------


def test_a_resident_ranks_every_block_with_an_observance(app, db, residents, holiday_year):
    [ada] = residents(1)
    info = holiday_year()

    record(db, ada, ["christmas", "high_holidays", "new_year", "thanksgiving"], observance="high_holidays")
    db.session.commit()

    assert stored_ranks(app, ada.id) == {
        info.id("christmas"): (1, False), info.id("high_holidays"): (2, True),
        info.id("new_year"): (3, False), info.id("thanksgiving"): (4, False),
    }  # fmt: skip
    assert audit_actions(app) == ["holidays.setup", "holidays.window_set", "holidays.ranked"]
    assert [(r.block.key, r.rank, r.is_observance) for r in preferences.ranking_of(ada.id, year_row())] == [
        ("christmas", 1, False), ("high_holidays", 2, True), ("new_year", 3, False), ("thanksgiving", 4, False),
    ]  # fmt: skip


def test_ranking_again_replaces_the_earlier_ranking(app, db, residents, holiday_year, rank):
    [ada] = residents(1)
    info = holiday_year()
    rank(ada, *ranking_with_first("christmas"), observance="christmas")

    record(db, ada, ranking_with_first("new_year"))
    db.session.commit()

    ranks = stored_ranks(app, ada.id)
    assert ranks[info.id("new_year")] == (1, False)
    assert ranks[info.id("christmas")] == (4, False)
    assert len(ranks) == 4


def test_a_new_ranking_makes_a_stored_preview_stale(app, db, residents, holiday_year, allocate):
    [ada] = residents(1)
    holiday_year()
    allocate(1)

    record(db, ada, ranking_with_first("christmas"))
    db.session.commit()

    assert year_status(app).status == "collecting"


def other_years_block(db) -> int:
    """The id of a block of the year after (a block this year does not have)."""
    blocks.setup_year(None, YEAR + 1, program_today())
    db.session.commit()
    return block_row("christmas", YEAR + 1).id


BAD_RANKINGS = [
    pytest.param(["christmas", "christmas", "new_year", "thanksgiving"], None,
                 "You ranked Christmas twice; give each block one place.", id="block-twice"),
    pytest.param(["christmas", "new_year", "thanksgiving"], None,
                 "Rank every block: High Holidays is missing.", id="block-missing"),
    pytest.param(["christmas", "new_year"], None,
                 "Rank every block: High Holidays, Thanksgiving are missing.", id="two-missing"),
    pytest.param([*KEYS, "other-year"], None,
                 "That ranking names a block this year does not have. Reload the page.", id="unknown-block"),
    pytest.param(list(KEYS), "other-year",
                 "The observance must be one of the blocks you ranked.", id="observance-not-ranked"),
]  # fmt: skip


@pytest.mark.parametrize(("keys", "observance", "message"), BAD_RANKINGS)
def test_a_ranking_breaking_a_rule_is_refused_and_changes_nothing(
    app, db, residents, holiday_year, rank, keys, observance, message
):
    [ada] = residents(1)
    holiday_year()
    rank(ada, *ranking_with_first("new_year"))
    foreign = other_years_block(db)
    ids = [foreign if key == "other-year" else block_row(key).id for key in keys]
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        preferences.record_ranking(
            person_row(ada), year_row(), ids, foreign if observance else None, program_today()
        )
    db.session.rollback()

    assert refused.value.message == message
    assert database_state(app) == before


@pytest.mark.parametrize(
    ("day", "message"),
    [
        pytest.param(lambda info: info.opens_on - timedelta(days=1), "Ranking opens on {opens:%A, %B %-d}.", id="before"),
        pytest.param(lambda info: info.closes_on + timedelta(days=1), "Ranking closed on {closes:%A, %B %-d}.", id="after"),
    ],
)  # fmt: skip
def test_ranking_outside_the_window_is_refused_and_changes_nothing(
    app, db, residents, holiday_year, day, message
):
    [ada] = residents(1)
    info = holiday_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        record(db, ada, ranking_with_first("christmas"), today=day(info))
    db.session.rollback()

    assert refused.value.message == message.format(opens=info.opens_on, closes=info.closes_on)
    assert database_state(app) == before


def test_ranking_on_the_first_and_last_day_of_the_window_is_accepted(app, db, residents, holiday_year):
    ada, ben = residents(2)
    info = holiday_year()

    record(db, ada, ranking_with_first("christmas"), today=info.opens_on)
    record(db, ben, ranking_with_first("new_year"), today=info.closes_on)
    db.session.commit()

    assert (len(stored_ranks(app, ada.id)), len(stored_ranks(app, ben.id))) == (4, 4)


def test_once_published_rankings_are_closed(app, db, published_year):
    _info, holders = published_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="The allocation is published; rankings are closed."):
        record(db, holders["christmas"], ranking_with_first("new_year"))
    db.session.rollback()

    assert database_state(app) == before


def test_an_excused_resident_cannot_rank(app, db, coordinator, residents, holiday_year):
    ada, ben = residents(2)
    holiday_year()
    blocks.excuse_resident(person_row(coordinator), year_row(), person_row(ada), "On leave")
    db.session.commit()
    before = database_state(app)

    with pytest.raises(NotAllowed, match=f"Only residents taking part in {LABEL} rank its holiday blocks."):
        record(db, ada, ranking_with_first("christmas"))
    db.session.rollback()

    assert database_state(app) == before


@pytest.mark.parametrize("role", ["faculty", "coordinator"])
def test_people_who_are_not_residents_cannot_rank(app, db, make_person, residents, holiday_year, role):
    residents(1)
    holiday_year()
    person = make_person(role)
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only residents taking part"):
        record(db, person, ranking_with_first("christmas"))
    db.session.rollback()

    assert database_state(app) == before


def test_first_choices_counts_residents_per_block_without_saying_who(app, db, residents, holiday_year, rank):
    ada, ben, cal = residents(3)
    info = holiday_year()
    rank(ada, *ranking_with_first("christmas"))
    rank(ben, *ranking_with_first("christmas"))
    rank(cal, *ranking_with_first("thanksgiving"))

    counts = preferences.first_choices(year_row())

    assert counts == {
        info.id("high_holidays"): 0, info.id("thanksgiving"): 1, info.id("christmas"): 2, info.id("new_year"): 0,
    }  # fmt: skip


def test_ranking_statuses_say_who_has_ranked(app, db, residents, holiday_year, rank):
    ada, ben = residents(2)
    holiday_year()
    rank(ben, *ranking_with_first("christmas"))

    statuses = {status.person.email: status.ranked_at for status in preferences.ranking_statuses(year_row())}

    assert statuses[ada.email] is None
    assert statuses[ben.email] is not None


# --- reminders --------------------------------------------------------------------------------------------


def test_reminders_go_to_residents_who_have_not_ranked_at_most_once_a_day(
    app, db, coordinator, residents, holiday_year, rank
):
    ada, ben, cal = residents(3)
    info = holiday_year()
    rank(ben, *ranking_with_first("christmas"))
    today = program_today()

    first = preferences.remind_unranked(person_row(coordinator), year_row(), today)
    db.session.commit()
    again = preferences.remind_unranked(person_row(coordinator), year_row(), today)
    db.session.commit()

    assert (first, again) == (2, 0)
    reminders = notices(app, "holiday_ranking_reminder")
    assert [person_id for person_id, _subject, _body in reminders] == [ada.id, cal.id]
    assert {subject for _id, subject, _body in reminders} == {f"Rank the {LABEL} holiday blocks"}
    assert f"by {info.closes_on:%A, %B %-d}" in reminders[0][2]

    next_day = preferences.remind_unranked(person_row(coordinator), year_row(), today + timedelta(days=1))
    db.session.commit()
    assert next_day == 2


def test_reminders_are_refused_while_ranking_is_closed(app, db, coordinator, residents, holiday_year):
    residents(2)
    info = holiday_year()
    before = database_state(app)

    with pytest.raises(
        ValidationFailed, match="Ranking is not open, so there is nothing to remind anyone of."
    ):
        preferences.remind_unranked(person_row(coordinator), year_row(), info.closes_on + timedelta(days=1))
    db.session.rollback()

    assert database_state(app) == before


def test_only_coordinators_send_reminders(app, db, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(NotAllowed):
        preferences.remind_unranked(person_row(ada), year_row(), program_today())
    db.session.rollback()

    assert database_state(app) == before


# --- importing a CSV ----------------------------------------------------------------------------------


def import_csv(db, text: str, actor=None) -> int:
    return preferences.import_preferences(person_row(actor) if actor else None, YEAR, text)


def test_import_stores_rankings_and_leaves_blocks_left_out_tied_last(
    app, db, coordinator, residents, holiday_year
):
    ada, ben = residents(2)
    info = holiday_year()
    text = (
        "\ufeffEmail,Ranking,Observance\n"
        f"{ada.email.upper()},christmas; new_year,christmas\n"
        f"{ben.email},thanksgiving;high_holidays;new_year;christmas,\n"
    )

    count = import_csv(db, text, coordinator)
    db.session.commit()

    assert count == 2
    assert stored_ranks(app, ada.id) == {info.id("christmas"): (1, True), info.id("new_year"): (2, False)}
    assert len(stored_ranks(app, ben.id)) == 4
    # The allocator reads the two blocks Ada left out as tied third.
    spec = next(spec for spec in services.gather_inputs(year_row()).residents if spec.key == ada.email)
    assert {key: spec.rank_of(key) for key in KEYS} == {
        "christmas": 1, "new_year": 2, "thanksgiving": 3, "high_holidays": 3,
    }  # fmt: skip
    assert spec.observance == "christmas"
    assert [(r.block.key, r.rank) for r in preferences.ranking_of(ada.id, year_row())] == [
        ("christmas", 1), ("new_year", 2), ("high_holidays", None), ("thanksgiving", None),
    ]  # fmt: skip
    assert audit_actions(app)[-1] == "holidays.rankings_imported"


def test_import_replaces_a_ranking_given_on_the_page(app, db, residents, holiday_year, rank):
    [ada] = residents(1)
    info = holiday_year()
    rank(ada, *ranking_with_first("new_year"), observance="new_year")

    import_csv(db, f"email,ranking\n{ada.email},thanksgiving\n")
    db.session.commit()

    assert stored_ranks(app, ada.id) == {info.id("thanksgiving"): (1, False)}


BAD_FILES = [
    pytest.param("{ada},christmas\nnobody@example.org,christmas\n",
                 "Nothing was imported. Line 3 (nobody@example.org): unknown email.", id="unknown-email"),
    pytest.param("{ada},christmas\n{faculty},new_year\n",
                 "Nothing was imported. Line 3 ({faculty}): not a resident taking part this year.", id="faculty"),
    pytest.param("{ada},xmas;new_year\n",
                 "Nothing was imported. Line 2 ({ada}): unknown block xmas "
                 "(the keys are high_holidays, thanksgiving, christmas, new_year).", id="unknown-block"),
    pytest.param("{ada},christmas;new_year;christmas\n",
                 "Nothing was imported. Line 2 ({ada}): a block is ranked twice.", id="repeated-block"),
    pytest.param("{ada},christmas;new_year,thanksgiving\n",
                 "Nothing was imported. Line 2 ({ada}): the observance thanksgiving is not in the ranking.",
                 id="observance-not-ranked"),
    pytest.param("{ada},christmas\n{ada},new_year\n",
                 "Nothing was imported. Line 3 ({ada}): this email is already on an earlier line.", id="twice"),
    pytest.param("{ada},\n", "Nothing was imported. Line 2 ({ada}): the ranking is empty.", id="empty-ranking"),
    pytest.param("{ada},xmas\n{ben},christmas\nnobody@example.org,christmas\n",
                 "Nothing was imported. Line 2 ({ada}): unknown block xmas (the keys are high_holidays, "
                 "thanksgiving, christmas, new_year). Line 4 (nobody@example.org): unknown email.", id="every-bad-row"),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "message"), BAD_FILES)
def test_a_file_with_a_bad_row_imports_nothing_and_names_the_row(
    app, db, residents, make_person, holiday_year, rank, rows, message
):
    ada, ben = residents(2)
    faculty = make_person("faculty")
    holiday_year()
    rank(ben, *ranking_with_first("high_holidays"))
    people = {"ada": ada.email, "ben": ben.email, "faculty": faculty.email}
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        import_csv(db, "email,ranking,observance\n" + rows.format(**people))
    db.session.rollback()

    assert refused.value.message == message.format(**people)
    assert database_state(app) == before


def test_a_file_without_the_columns_is_refused(app, db, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(
        ValidationFailed, match="The file needs the columns email,ranking and optionally observance."
    ):
        import_csv(db, f"mail,choices\n{ada.email},christmas\n")
    db.session.rollback()

    assert database_state(app) == before


def test_import_needs_the_year_set_up_and_not_published(app, db, published_year):
    published_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=f"Set up the {YEAR + 1} holiday blocks first."):
        preferences.import_preferences(None, YEAR + 1, "email,ranking\n")
    with pytest.raises(ValidationFailed, match="The allocation is published; un-publish it before importing"):
        preferences.import_preferences(None, YEAR, "email,ranking\n")
    db.session.rollback()

    assert database_state(app) == before


def test_only_coordinators_import(app, db, residents, holiday_year):
    [ada] = residents(1)
    holiday_year()
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only coordinators manage holiday blocks."):
        import_csv(db, f"email,ranking\n{ada.email},christmas\n", actor=ada)
    db.session.rollback()

    assert database_state(app) == before
