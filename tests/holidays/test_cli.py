"""`flask holidays setup|import-preferences|allocate|publish`, run through Flask's CLI runner."""

import json

from sqlalchemy import select

from tests.holidays.conftest import (
    KEYS,
    YEAR,
    assignment_rows,
    held_blocks,
    ranking_with_first,
    stored_ranks,
    year_status,
)
from tests.support import database_state, fetch, notices
from wellness.holidays.dates import default_blocks
from wellness.holidays.models import HolidayBlock, HolidayYear


def flask(app, *args: str):
    return app.test_cli_runner().invoke(args=["holidays", *args])


def test_setup_creates_the_blocks_and_prints_them(app, residents):
    residents(6)

    result = flask(app, "setup", str(YEAR))

    assert result.exit_code == 0, result.output
    stored = fetch(
        app, select(HolidayBlock).where(HolidayBlock.academic_year == YEAR).order_by(HolidayBlock.starts_on)
    )
    assert [block.key for block in stored] == list(KEYS)
    assert {block.capacity for block in stored} == {2}
    lines = result.output.splitlines()
    christmas = next(block for block in default_blocks(YEAR) if block.key == "christmas")
    assert any(
        line.split()[:2] == ["christmas", "Christmas"]
        and f"{christmas.starts_on} – {christmas.ends_on}" in line
        and line.endswith("2 places")
        for line in lines
    ), result.output
    assert lines[-1].startswith("Rankings open ")


def test_a_second_setup_fails_with_the_reason_and_changes_nothing(app, residents):
    residents(2)
    flask(app, "setup", str(YEAR))
    before = database_state(app)

    result = flask(app, "setup", str(YEAR))

    assert result.exit_code != 0
    assert "already set up" in result.output
    assert database_state(app) == before


def test_import_preferences_reads_the_file(app, residents, holiday_year, tmp_path):
    ada, ben = residents(2)
    info = holiday_year()
    path = tmp_path / "rankings.csv"
    path.write_text(
        f"email,ranking,observance\n{ada.email},new_year;christmas,new_year\n{ben.email},christmas,\n"
    )

    result = flask(app, "import-preferences", str(YEAR), str(path))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported 2 rankings."
    assert stored_ranks(app, ada.id) == {info.id("new_year"): (1, True), info.id("christmas"): (2, False)}
    assert stored_ranks(app, ben.id) == {info.id("christmas"): (1, False)}


def test_import_preferences_with_a_bad_row_names_it_and_imports_nothing(
    app, residents, holiday_year, tmp_path
):
    ada, ben = residents(2)
    holiday_year()
    path = tmp_path / "rankings.csv"
    path.write_text(
        f"email,ranking\n{ada.email},christmas\nnobody@example.org,new_year\n{ben.email},easter\n"
    )
    before = database_state(app)

    result = flask(app, "import-preferences", str(YEAR), str(path))

    assert result.exit_code != 0
    output = " ".join(result.output.split())
    assert "Nothing was imported. Line 3 (nobody@example.org): unknown email." in output
    assert f"Line 4 ({ben.email}): unknown block easter" in output
    assert database_state(app) == before


def test_import_preferences_refuses_a_file_that_is_not_utf8(app, residents, holiday_year, tmp_path):
    residents(1)
    holiday_year()
    path = tmp_path / "rankings.csv"
    path.write_bytes(b"email,ranking\n\xff\xfe,christmas\n")

    result = flask(app, "import-preferences", str(YEAR), str(path))

    assert result.exit_code != 0
    assert "The file is not UTF-8 text." in result.output


def ranked_four(residents, holiday_year, rank):
    """Four residents, each ranking a different block first, one place per block."""
    people = residents(2) + residents(2, "primary_care")
    holiday_year(capacity=1)
    for person, key in zip(people, KEYS, strict=True):
        rank(person, *ranking_with_first(key), observance=key if key == "high_holidays" else None)
    return people


def test_allocate_prints_the_result_as_json_and_stores_the_preview(app, residents, holiday_year, rank):
    people = ranked_four(residents, holiday_year, rank)

    result = flask(app, "allocate", str(YEAR), "--seed", "3", "--json")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    expected = {person.email: key for person, key in zip(people, KEYS, strict=True)}
    assert answer["assignments"] == expected
    assert (answer["total_cost"], answer["seed"], answer["ranks_received"], answer["unranked"]) == (
        4,
        3,
        {"1": 4},
        0,
    )
    assert answer["fill"] == {key: {"assigned": 1, "capacity": 1} for key in KEYS}
    assert answer["observance"] == {"requested": 1, "honoured": 1}
    assert held_blocks(app) == expected
    year = year_status(app)
    assert (year.status, year.seed, year.total_cost) == ("previewed", 3, 4)


def test_allocate_dry_run_stores_nothing(app, residents, holiday_year, rank):
    people = ranked_four(residents, holiday_year, rank)
    before = database_state(app)

    result = flask(app, "allocate", str(YEAR), "--seed", "3", "--dry-run", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["assignments"][people[0].email] == "high_holidays"
    assert database_state(app) == before


def test_allocate_prints_a_summary_with_the_seed(app, residents, holiday_year, rank):
    ranked_four(residents, holiday_year, rank)

    result = flask(app, "allocate", str(YEAR), "--seed", "11")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "4 residents placed (4 got their first choice); cost 4."
    assert lines[1] == "Observance honoured for 1 of 1."
    assert "  christmas       1/1" in lines
    assert lines[-1] == "Seed 11. Stored as the preview."


def test_allocate_with_too_few_places_says_how_many_are_missing(app, residents, holiday_year):
    residents(5)
    holiday_year(capacity=1)
    before = database_state(app)

    result = flask(app, "allocate", str(YEAR), "--seed", "1")

    assert result.exit_code != 0
    assert "1 place missing for 5 residents" in " ".join(result.output.split())
    assert database_state(app) == before


def test_allocate_before_setup_fails(app):
    result = flask(app, "allocate", str(YEAR))

    assert result.exit_code != 0
    assert f"Set up the {YEAR} holiday blocks first." in result.output
    assert fetch(app, select(HolidayYear)) == []


def test_publish_tells_every_resident(app, residents, holiday_year, rank):
    people = ranked_four(residents, holiday_year, rank)
    flask(app, "allocate", str(YEAR), "--seed", "3")

    result = flask(app, "publish", str(YEAR))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Published; 4 residents told."
    assert year_status(app).status == "published"
    assert sorted(person_id for person_id, _s, _b in notices(app, "holiday_block_published")) == sorted(
        person.id for person in people
    )
    assert {row.published_rank for row in assignment_rows(app).values()} == {1}


def test_publish_without_a_preview_or_a_year_fails(app, residents, holiday_year):
    assert "There are no" in flask(app, "publish", str(YEAR)).output
    residents(1)
    holiday_year()

    result = flask(app, "publish", str(YEAR))

    assert result.exit_code != 0
    assert "Run the allocation and check the preview before publishing." in result.output
    assert year_status(app).status == "collecting"
