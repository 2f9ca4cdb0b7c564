"""The default holiday blocks of an academic year (wellness/holidays/dates.py).

Thanksgiving runs Wednesday to Sunday around the fourth Thursday of November; Christmas 23–27 December;
New Year 30 December – 3 January into the next calendar year; the High Holidays four days from the eve
of Rosh Hashanah. The academic year starting in July Y has all four in the autumn and winter of Y.
"""

from datetime import date, timedelta

import holidays
import pytest

from wellness.holidays.dates import default_blocks

pytestmark = pytest.mark.pure

YEARS = [2025, 2026, 2027, 2030]


def by_key(academic_year: int) -> dict:
    return {block.key: block for block in default_blocks(academic_year)}


def fourth_thursday_of_november(year: int) -> date:
    first = date(year, 11, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + timedelta(weeks=3)


@pytest.mark.parametrize("year", YEARS)
def test_thanksgiving_runs_wednesday_to_sunday_around_the_fourth_thursday_of_november(year):
    block = by_key(year)["thanksgiving"]

    thursday = fourth_thursday_of_november(year)
    assert (block.starts_on, block.ends_on) == (thursday - timedelta(days=1), thursday + timedelta(days=3))
    assert (block.starts_on.strftime("%A"), block.ends_on.strftime("%A")) == ("Wednesday", "Sunday")
    assert block.name == "Thanksgiving"


@pytest.mark.parametrize("year", YEARS)
def test_christmas_runs_23_to_27_december_of_the_academic_years_first_calendar_year(year):
    block = by_key(year)["christmas"]

    assert (block.starts_on, block.ends_on) == (date(year, 12, 23), date(year, 12, 27))
    assert block.name == "Christmas"


@pytest.mark.parametrize("year", YEARS)
def test_new_year_runs_30_december_to_3_january_into_the_next_calendar_year(year):
    block = by_key(year)["new_year"]

    assert (block.starts_on, block.ends_on) == (date(year, 12, 30), date(year + 1, 1, 3))
    assert block.name == "New Year"


@pytest.mark.parametrize("year", YEARS)
def test_high_holidays_are_four_days_from_the_eve_of_rosh_hashanah(year):
    block = by_key(year)["high_holidays"]

    rosh_hashanah = min(day for day, name in holidays.IL(years=year).items() if "Rosh Hashanah" in name)
    assert (block.starts_on, block.ends_on) == (
        rosh_hashanah - timedelta(days=1),
        rosh_hashanah + timedelta(days=2),
    )
    assert block.name == "High Holidays"


@pytest.mark.parametrize(
    ("year", "eve"),
    [
        (2025, date(2025, 9, 22)),  # Rosh Hashanah 5786 begins at sundown on 22 September 2025
        (2026, date(2026, 9, 11)),  # 5787: sundown on 11 September 2026
        (2027, date(2027, 10, 1)),  # 5788: sundown on 1 October 2027
    ],
)
def test_high_holidays_start_on_the_known_eve_of_rosh_hashanah(year, eve):
    block = by_key(year)["high_holidays"]

    assert (block.starts_on, block.ends_on) == (eve, eve + timedelta(days=3))


@pytest.mark.parametrize("year", YEARS)
def test_blocks_are_in_date_order_do_not_overlap_and_last_four_or_five_days(year):
    blocks = default_blocks(year)

    assert [block.key for block in blocks] == ["high_holidays", "thanksgiving", "christmas", "new_year"]
    for earlier, later in zip(blocks, blocks[1:], strict=False):
        assert earlier.ends_on < later.starts_on
    assert all((block.ends_on - block.starts_on).days + 1 in (4, 5) for block in blocks)
    assert all(
        date(year, 7, 1) <= block.starts_on and block.ends_on < date(year + 1, 7, 1) for block in blocks
    )
