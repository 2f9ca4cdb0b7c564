"""Holiday blocks on calendars: a resident's own published block, coordinators' "Off:" days, and clashes."""

import re
from datetime import timedelta

import pytest

from tests.holidays.conftest import LABEL, TZ, YEAR, at, block_row, person_row, program_today, year_row
from tests.support import database_state
from wellness.calendar import Window, find_clashes, items_for
from wellness.errors import Conflict
from wellness.holidays import swaps


def window_around(info, *keys: str) -> Window:
    """From the day before the first of these blocks to the day after the last of them."""
    first = min(info.blocks[key].starts_on for key in keys)
    last = max(info.blocks[key].ends_on for key in keys)
    return Window(
        at(first - timedelta(days=1), 0), at(last + timedelta(days=2), 0), as_of=at(program_today(), 9)
    )


def holiday_items(person_id: int, window: Window) -> dict:
    """The holiday provider's items on the person's calendar, by uid."""
    return {item.uid: item for item in items_for(person_id, window) if item.uid.startswith("holiday-")}


def during(info, key: str, day: int = 1, hours: tuple[int, int] = (16, 18)):
    """A stretch of `day`-th day (0 = first) of the block, in the program's time zone."""
    when = info.blocks[key].starts_on + timedelta(days=day)
    return at(when, hours[0]), at(when, hours[1])


def test_a_published_block_is_a_private_all_day_item_on_the_residents_calendar(app, db, published_year):
    info, holders = published_year()
    cal = holders["christmas"]
    christmas = info.blocks["christmas"]

    items = holiday_items(cal.id, window_around(info, "christmas"))

    item = items.pop(f"holiday-block-{YEAR}-{cal.id}")
    assert items == {}
    assert (item.title, item.first_day, item.last_day) == (
        "Holiday block: Christmas",
        christmas.starts_on,
        christmas.ends_on,
    )
    assert (item.privacy, item.is_all_day, item.is_busy, item.url) == ("private", True, True, "/holidays")
    assert item.description == f"Your {LABEL} holiday block, 5 days off."


def test_nothing_is_on_calendars_before_the_allocation_is_published(
    app, db, coordinator, residents, holiday_year, rank, allocate
):
    [ada] = residents(1)
    info = holiday_year()
    rank(ada, "christmas", "new_year", "thanksgiving", "high_holidays")
    allocate(1)  # a preview only
    window = window_around(info, "high_holidays", "new_year")

    assert holiday_items(ada.id, window) == {}
    assert holiday_items(coordinator.id, window) == {}


def test_a_window_ending_as_the_block_begins_holds_no_item(app, db, published_year):
    info, holders = published_year()
    christmas = info.blocks["christmas"]
    cal = holders["christmas"]
    before = Window(
        at(christmas.starts_on - timedelta(days=3), 0), at(christmas.starts_on, 0), at(program_today(), 9)
    )
    after = Window(at(christmas.ends_on + timedelta(days=1), 0), at(christmas.ends_on + timedelta(days=3), 0),
                   at(program_today(), 9))  # fmt: skip
    last_day = Window(
        at(christmas.ends_on, 23), at(christmas.ends_on + timedelta(days=1), 0), at(program_today(), 9)
    )

    assert holiday_items(cal.id, before) == {}
    assert holiday_items(cal.id, after) == {}
    assert list(holiday_items(cal.id, last_day)) == [f"holiday-block-{YEAR}-{cal.id}"]


def test_a_resident_never_sees_another_residents_block(app, db, published_year):
    info, holders = published_year()
    dee = holders["new_year"]

    items = holiday_items(dee.id, window_around(info, "high_holidays", "new_year"))

    assert list(items) == [f"holiday-block-{YEAR}-{dee.id}"]
    others = [person.name for key, person in holders.items() if key != "new_year"]
    assert not any(
        name in item.description or name in item.title for item in items.values() for name in others
    )


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_see_who_is_off_in_free_items(app, db, make_person, published_year, role):
    info, holders = published_year()
    staff = make_person(role)

    items = holiday_items(staff.id, window_around(info, "high_holidays", "new_year"))

    assert set(items) == {f"holiday-off-{info.id(key)}" for key in info.blocks}
    christmas = items[f"holiday-off-{info.id('christmas')}"]
    assert christmas.title == "Off: Christmas (1 resident)"
    assert (christmas.first_day, christmas.last_day) == (
        info.blocks["christmas"].starts_on,
        info.blocks["christmas"].ends_on,
    )
    assert (christmas.is_free, christmas.is_busy, christmas.privacy) == (True, False, "private")
    assert christmas.description.splitlines() == [
        "Residents on their holiday block:",
        "Cal Stone (Categorical)",
    ]
    assert christmas.url == f"/holidays/{YEAR}/off"


def test_the_item_follows_a_swap_with_a_higher_revision(app, db, published_year):
    info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    window = window_around(info, "christmas", "new_year")
    uid = f"holiday-block-{YEAR}-{cal.id}"
    before = holiday_items(cal.id, window)[uid]
    swap = swaps.propose_swap(person_row(cal), year_row(), person_row(dee), block_row("new_year"))
    db.session.commit()
    swaps.answer_swap(person_row(dee), swap, True, at(program_today(), 9))
    db.session.commit()

    after = holiday_items(cal.id, window)[uid]

    assert (after.title, after.first_day, after.last_day) == (
        "Holiday block: New Year", info.blocks["new_year"].starts_on, info.blocks["new_year"].ends_on,
    )  # fmt: skip
    assert after.revision > before.revision


# --- clashes --------------------------------------------------------------------------------------------


def test_the_holiday_block_clashes_for_its_resident_but_off_items_never_clash(
    app, db, coordinator, published_year
):
    info, holders = published_year()
    cal = holders["christmas"]
    start, end = during(info, "christmas")
    now = at(program_today(), 9)

    [clash] = find_clashes(cal.id, start, end, TZ, now)
    assert clash.uid == f"holiday-block-{YEAR}-{cal.id}"
    assert find_clashes(holders["new_year"].id, start, end, TZ, now) == []
    # The coordinator's calendar shows Christmas, but as free time.
    assert [item.uid for item in items_for(coordinator.id, Window(start, end, now))] == [
        f"holiday-off-{info.id('christmas')}"
    ]
    assert find_clashes(coordinator.id, start, end, TZ, now) == []
    after_block = at(info.blocks["christmas"].ends_on + timedelta(days=1), 0)
    assert find_clashes(cal.id, after_block, after_block + timedelta(hours=2), TZ, now) == []


def test_an_outreach_shift_during_the_holiday_block_is_refused_naming_it(
    app, coordinator, published_year, propose, approve, make_shift, volunteer
):
    info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    christmas = info.blocks["christmas"]
    project = approve(
        propose(dee, starts_on=christmas.starts_on, ends_on=christmas.ends_on + timedelta(days=1))
    )
    start, end = during(info, "christmas", day=2)
    shift = make_shift(project, role="Prep", starts_at=start, ends_at=end)
    later = make_shift(project, role="Clean", starts_at=at(christmas.ends_on + timedelta(days=1), 10),
                       ends_at=at(christmas.ends_on + timedelta(days=1), 12))  # fmt: skip
    before = database_state(app)

    with pytest.raises(Conflict, match=re.escape("The Prep shift overlaps Holiday block: Christmas,")):
        volunteer(shift, cal)

    assert database_state(app) == before
    # The day after the block, and for the coordinator (who only sees who is off), there is no clash.
    assert volunteer(later, cal).person_id == cal.id
    assert volunteer(shift, coordinator).person_id == coordinator.id


# --- the personal feed over HTTP -------------------------------------------------------------------------


def test_the_personal_feed_shows_the_block_as_whole_days_ending_the_day_after(
    app, published_year, feed_url, poll
):
    info, holders = published_year()
    cal = holders["christmas"]
    christmas = info.blocks["christmas"]

    response = poll(feed_url(cal))

    assert response.status_code == 200
    text = response.get_data(as_text=True).replace("\r\n ", "")
    events = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S)
    [block] = [event for event in events if f"UID:holiday-block-{YEAR}-{cal.id}@" in event]
    lines = block.split("\r\n")
    assert f"DTSTART;VALUE=DATE:{christmas.starts_on:%Y%m%d}" in lines
    assert f"DTEND;VALUE=DATE:{christmas.ends_on + timedelta(days=1):%Y%m%d}" in lines
    assert "SUMMARY:Holiday block: Christmas" in lines
    assert "CLASS:PRIVATE" in lines
    assert not any(
        f"holiday-block-{YEAR}-{holders[key].id}@" in text for key in holders if key != "christmas"
    )
