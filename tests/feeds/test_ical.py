"""The iCalendar renderer: escaping, folding, whole days, time zones and stable bytes, read back by two parsers."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.feeds.ical_check import content_lines, offset_at, parse_both, text_of, zone_changes
from wellness.calendar.items import CalendarItem
from wellness.feeds.ical import FeedInfo, escape_text, fold, render_calendar, vtimezone

pytestmark = pytest.mark.pure

PROGRAM_TZ = "America/New_York"
NY = ZoneInfo(PROGRAM_TZ)
LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
UPDATED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
DOMAIN = "wellness.example.org"
BASE_URL = "https://wellness.example.org"
PROPERTY = settings(max_examples=60, deadline=None)


def feed_info(**changes) -> FeedInfo:
    info = FeedInfo(
        name="Wellness: my calendar",
        description="Events you are going to",
        uid_domain=DOMAIN,
        tz_name=PROGRAM_TZ,
        base_url=BASE_URL,
        first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31),
    )
    return replace(info, **changes)


def timed(start: datetime, end: datetime, uid: str = "event-1", **fields) -> CalendarItem:
    fields.setdefault("title", "Yoga")
    fields.setdefault("updated_at", UPDATED)
    return CalendarItem(uid=uid, starts_at=start, ends_at=end, **fields)


def whole_days(first: date, last: date, uid: str = "event-1", **fields) -> CalendarItem:
    fields.setdefault("title", "Retreat")
    fields.setdefault("updated_at", UPDATED)
    return CalendarItem(uid=uid, first_day=first, last_day=last, **fields)


def yoga(**fields) -> CalendarItem:
    return timed(datetime(2026, 6, 10, 17, 30, tzinfo=NY), datetime(2026, 6, 10, 18, 30, tzinfo=NY), **fields)


def render(*items: CalendarItem, feed: FeedInfo | None = None) -> bytes:
    return render_calendar(feed or feed_info(), items)


def read_one(body: bytes):
    """The single VEVENT as icalendar and as ical read it, after every structural check."""
    first, second = parse_both(body)
    [event] = first.walk("VEVENT")
    [other] = second.events
    return event, other


def event_line(body: bytes, name: str):
    [line] = [line for line in content_lines(body) if line.component == "VEVENT" and line.name == name]
    return line


def in_utc(moment: datetime) -> datetime:
    assert moment.tzinfo is not None, f"floating time {moment}"
    return moment.astimezone(UTC)


def normalised(text: str) -> str:
    """What a TEXT value can carry, as the renderer documents: CR LF and CR become LF; the other ASCII
    controls (RFC 5545 CONTROL, everything below space but tab and LF, and DEL) and lone surrogates go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        char
        for char in text
        if not ((ord(char) < 0x20 and char not in "\t\n") or char == "\x7f" or 0xD800 <= ord(char) <= 0xDFFF)
    )


def category_read_back(category: str) -> str:
    """A category as clients see it: commas become spaces and whitespace runs one space, then as TEXT."""
    return normalised(" ".join(category.replace(",", " ").split()))


# Any character at all (surrogates and controls included), and the pieces most likely to break a feed.
TRICKY = [
    ",",
    ";",
    "\\",
    ":",
    '"',
    "\n",
    "\r\n",
    "\r",
    "\t",
    "🎉",
    "é",
    "BEGIN:VEVENT",
    "END:VCALENDAR",
    "\\n",
]
texts = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=()), max_size=8)), max_size=12
).map("".join)
LONG = ("Résumé, notes; C:\\path\\n 🎉\r\nBEGIN:VEVENT\r" * 200)[:5000]


# --- the feed as a whole --------------------------------------------------------------------------


def test_feed_with_every_kind_of_item_passes_both_parsers():
    items = [
        yoga(
            uid="event-1",
            location="Room 4",
            description="Bring a mat",
            categories=("Wellness",),
            url="/events/1",
        ),
        whole_days(date(2026, 7, 2), date(2026, 7, 5), uid="event-2", status="tentative"),
        timed(
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
            uid="event-3",
            status="cancelled",
        ),
    ]
    first, second = parse_both(render(*items))

    assert [str(event["UID"]) for event in first.walk("VEVENT")] == [f"event-{n}@{DOMAIN}" for n in (1, 2, 3)]
    assert [event.uid for event in second.events] == [f"event-{n}@{DOMAIN}" for n in (1, 2, 3)]


def test_empty_feed_is_still_a_valid_calendar():
    first, second = parse_both(render())

    assert first.walk("VEVENT") == [] and second.events == []
    assert len(first.walk("VTIMEZONE")) == 1


def test_feed_describes_itself_to_both_parsers():
    feed = feed_info(name="Wellness, PGY-2; all", description="What's on\nfor you")
    first, second = parse_both(render(yoga(), feed=feed))

    assert text_of(first["NAME"]) == text_of(first["X-WR-CALNAME"]) == "Wellness, PGY-2; all"
    assert text_of(first["DESCRIPTION"]) == text_of(first["X-WR-CALDESC"]) == "What's on\nfor you"
    assert text_of(first["X-WR-TIMEZONE"]) == PROGRAM_TZ
    assert first["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert second.name == ["Wellness, PGY-2; all"]  # ical reads NAME and DESCRIPTION as lists
    assert second.description == ["What's on\nfor you"]
    assert second.refresh_interval == timedelta(hours=1)
    assert second.prodid == "-//wellness//Calendar feeds 1.0//EN"


# --- TEXT escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("plain words", "plain words"),
        ("a\\b", "a\\\\b"),
        ("a;b", "a\\;b"),
        ("a,b", "a\\,b"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\nb"),
        ("a\rb", "a\\nb"),
        ("a\r\n\r\nb", "a\\n\\nb"),
        ("a\n\rb", "a\\n\\nb"),  # LF then CR is two line breaks
        ("\\n", "\\\\n"),  # a backslash and an n stay a backslash and an n
        ("\\,", "\\\\\\,"),
        ("time: 5pm", "time: 5pm"),  # colons need no escape in a value
        ('say "hi"', 'say "hi"'),
        ("tab\there", "tab\there"),
        ("bell\x07 nul\x00 del\x7f esc\x1b", "bell nul del esc"),
        ("lone \ud83c surrogate", "lone  surrogate"),
        ("🎉 é", "🎉 é"),
    ],
)
def test_escape_text_writes_rfc_5545_text(given, written):
    assert escape_text(given) == written


# --- folding ------------------------------------------------------------------------------------------

EMOJI = "😀"  # four octets in UTF-8


@pytest.mark.parametrize(
    ("line", "physical"),
    [
        ("A" * 75, ["A" * 75]),
        ("A" * 76, ["A" * 75, " A"]),
        ("A" * 75 + "B" * 74 + "C", ["A" * 75, " " + "B" * 74, " C"]),
        ("A" * 73 + "é", ["A" * 73 + "é"]),  # exactly 75 octets
        ("A" * 74 + "é", ["A" * 74, " é"]),  # é would straddle octet 75
        ("é" * 37 + "A", ["é" * 37 + "A"]),
        ("é" * 38, ["é" * 37, " é"]),
        ("A" * 71 + EMOJI, ["A" * 71 + EMOJI]),
        ("A" * 72 + EMOJI, ["A" * 72, " " + EMOJI]),
        ("A" * 73 + EMOJI, ["A" * 73, " " + EMOJI]),
        (EMOJI * 19, [EMOJI * 18, " " + EMOJI]),
        (
            "A" * 75 + "é" * 38,
            ["A" * 75, " " + "é" * 37, " é"],
        ),  # a continuation holds 74 octets after its space
        ("A" * 75 + "é" * 37, ["A" * 75, " " + "é" * 37]),
        ("", [""]),
    ],
)
def test_fold_splits_at_75_octets_never_inside_a_character(line, physical):
    folded = fold(line)

    assert folded.split("\r\n") == physical
    assert all(len(part.encode()) <= 75 for part in physical)
    assert folded.replace("\r\n ", "") == line


@PROPERTY
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=400))
def test_fold_is_greedy_and_unfolds_to_the_line(line):
    parts = fold(line).split("\r\n")

    assert all(part.startswith(" ") and len(part) > 1 for part in parts[1:])
    assert parts[0] + "".join(part[1:] for part in parts[1:]) == line
    sizes = [len(part.encode()) for part in parts]
    assert all(size <= 75 for size in sizes)
    for part, size, following in zip(parts, sizes, parts[1:], strict=False):
        # A line is folded only when the next character would not fit on it.
        assert size + len(following[1].encode()) > 75, (part, following)


# --- any text survives ----------------------------------------------------------------------------------


@PROPERTY
@given(title=texts, location=texts, description=texts, categories=st.lists(texts, max_size=3))
@example(title=LONG, location=LONG, description=LONG, categories=[LONG])
@example(title="é" * 5000, location=EMOJI * 5000, description="x" * 5000, categories=["a,b", " c  d "])
@example(title="BEGIN:VEVENT", location="END:VCALENDAR", description="\r\nEND:VEVENT\r\n", categories=[])
def test_any_text_gives_a_valid_feed_and_reads_back(title, location, description, categories):
    item = yoga(title=title, location=location, description=description, categories=tuple(categories))
    event, other = read_one(render(item))

    assert text_of(event.get("SUMMARY")) == normalised(title)
    assert text_of(event.get("LOCATION")) == normalised(location)
    assert text_of(event.get("DESCRIPTION")) == normalised(description)
    assert other.summary == normalised(title)
    assert (other.location or "") == normalised(location)
    assert (other.description or "") == normalised(description)
    read = [str(name) for name in event["CATEGORIES"].cats] if categories else []
    assert read == [category_read_back(category) for category in categories]


@PROPERTY
@given(name=texts, description=texts)
@example(name=LONG, description=LONG)
def test_any_feed_name_gives_a_valid_feed_and_reads_back(name, description):
    first, second = parse_both(render(yoga(), feed=feed_info(name=name, description=description)))

    assert text_of(first.get("NAME")) == text_of(first.get("X-WR-CALNAME")) == normalised(name)
    assert text_of(first.get("DESCRIPTION")) == normalised(description)
    assert second.name == [normalised(name)]
    assert second.description == [normalised(description)]


def test_categories_with_commas_become_one_category_each():
    event, other = read_one(render(yoga(categories=("Sleep, rest", "Food;drink", "back\\slash"))))

    assert [str(name) for name in event["CATEGORIES"].cats] == ["Sleep rest", "Food;drink", "back\\slash"]
    assert other.categories == ["Sleep rest", "Food;drink", "back\\slash"]


# --- whole days --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "last_day", "dtstart", "dtend"),
    [
        (date(2026, 7, 2), date(2026, 7, 5), "20260702", "20260706"),  # Thursday to Sunday ends Monday
        (date(2026, 3, 8), date(2026, 3, 8), "20260308", "20260309"),  # one day, the day clocks change
        (date(2026, 12, 31), date(2026, 12, 31), "20261231", "20270101"),
        (date(2028, 2, 28), date(2028, 2, 29), "20280228", "20280301"),
    ],
)
def test_whole_days_end_the_day_after_the_last(first_day, last_day, dtstart, dtend):
    body = render(whole_days(first_day, last_day))
    event, other = read_one(body)

    assert (event_line(body, "DTSTART").params, event_line(body, "DTSTART").value) == (
        {"VALUE": "DATE"},
        dtstart,
    )
    assert (event_line(body, "DTEND").params, event_line(body, "DTEND").value) == ({"VALUE": "DATE"}, dtend)
    end = last_day + timedelta(days=1)
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (first_day, end)
    assert (other.dtstart, other.dtend) == (first_day, end)
    assert not isinstance(other.dtstart, datetime) and not isinstance(event["DTSTART"].dt, datetime)


# --- timed items and time zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "start_written", "end_written"),
    [
        # Overnight across the spring change: 22:00 EST to 04:00 EDT, five hours.
        (
            datetime(2026, 3, 7, 22, 0, tzinfo=NY),
            datetime(2026, 3, 8, 4, 0, tzinfo=NY),
            "20260307T220000",
            "20260308T040000",
        ),
        # Across the autumn change: 00:30 EDT to 03:00 EST, three and a half hours.
        (
            datetime(2026, 11, 1, 0, 30, tzinfo=NY),
            datetime(2026, 11, 1, 3, 0, tzinfo=NY),
            "20261101T003000",
            "20261101T030000",
        ),
        # Starting in the first pass of the repeated hour (01:30 EDT) is named by local time.
        (
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 7, 0, tzinfo=UTC),
            "20261101T013000",
            "20261101T020000",
        ),
        # The second pass (01:30 EST, fold=1) cannot be named by local time, so it is written in UTC.
        (
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
            "20261101T063000Z",
            "20261101T030000",
        ),
        (
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 45, tzinfo=UTC),
            "20261101T013000",
            "20261101T064500Z",
        ),
        # Given in another zone, written in the program's.
        (
            datetime(2026, 6, 10, 18, 0, tzinfo=LONDON),
            datetime(2026, 6, 10, 23, 0, tzinfo=KOLKATA),
            "20260610T130000",
            "20260610T133000",
        ),
    ],
)
def test_timed_items_read_back_as_the_same_moments(start, end, start_written, end_written):
    body = render(timed(start, end))
    event, other = read_one(body)

    for name, written in (("DTSTART", start_written), ("DTEND", end_written)):
        line = event_line(body, name)
        assert line.value == written
        assert line.params == ({} if written.endswith("Z") else {"TZID": PROGRAM_TZ})
    assert (in_utc(event["DTSTART"].dt), in_utc(event["DTEND"].dt)) == (in_utc(start), in_utc(end))
    assert (in_utc(other.dtstart), in_utc(other.dtend)) == (in_utc(start), in_utc(end))


moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 12, 31),
    timezones=st.sampled_from([UTC, NY, LONDON, KOLKATA, ZoneInfo("Australia/Lord_Howe")]),
    allow_imaginary=False,
).map(lambda moment: moment.replace(microsecond=0))  # iCalendar times have whole seconds


@PROPERTY
@given(start=moments, length=st.integers(1, 3 * 24 * 3600).map(lambda seconds: timedelta(seconds=seconds)))
@example(start=datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY), length=timedelta(minutes=30))
@example(start=datetime(2026, 3, 8, 1, 59, 59, tzinfo=NY), length=timedelta(seconds=1))
def test_any_moment_reads_back_as_the_same_moment_in_both_parsers(start, length):
    end = start + length
    event, other = read_one(render(timed(start, end)))

    assert (in_utc(event["DTSTART"].dt), in_utc(event["DTEND"].dt)) == (in_utc(start), in_utc(end))
    assert (in_utc(other.dtstart), in_utc(other.dtend)) == (in_utc(start), in_utc(end))


def test_vtimezone_alone_gives_the_moments_to_a_reader_without_the_zone_database():
    # Renamed, the TZID means nothing to icalendar's zone lookup, so it builds the zone from the
    # VTIMEZONE (through dateutil's tzical): an independent reading of what the renderer wrote.
    items = [
        timed(datetime(2026, 3, 7, 22, 0, tzinfo=NY), datetime(2026, 3, 8, 4, 0, tzinfo=NY), uid="a"),
        timed(datetime(2026, 11, 1, 0, 30, tzinfo=NY), datetime(2026, 11, 1, 3, 0, tzinfo=NY), uid="b"),
        timed(datetime(2026, 7, 1, 9, 0, tzinfo=NY), datetime(2026, 7, 1, 10, 0, tzinfo=NY), uid="c"),
        timed(datetime(2026, 1, 15, 9, 0, tzinfo=NY), datetime(2026, 1, 15, 10, 0, tzinfo=NY), uid="d"),
    ]
    body = render(*items).replace(PROGRAM_TZ.encode(), b"Wellness program time")
    calendar = icalendar.Calendar.from_ical(body)

    read = [(in_utc(event["DTSTART"].dt), in_utc(event["DTEND"].dt)) for event in calendar.walk("VEVENT")]
    assert read == [(in_utc(item.starts_at), in_utc(item.ends_at)) for item in items]


# --- the VTIMEZONE ------------------------------------------------------------------------------------


def hours(start: datetime, end: datetime):
    moment = start
    while moment < end:
        yield moment
        moment += timedelta(hours=1)


def assert_zone_agrees(changes, zone: ZoneInfo, start: datetime, end: datetime) -> None:
    """The VTIMEZONE's offset, name and kind agree with the zone database every hour of [start, end)."""
    for moment in hours(start, end):
        change, local = offset_at(changes, moment), moment.astimezone(zone)
        assert change.offset == local.utcoffset(), moment
        assert change.name == local.tzname(), moment
        assert change.daylight == (local.dst() > timedelta(0)), moment


@pytest.mark.parametrize(
    ("tz_name", "first_year", "last_year"),
    [
        ("America/New_York", 2020, 2030),
        ("Europe/London", 2025, 2027),
        ("Australia/Lord_Howe", 2025, 2027),  # daylight saving of thirty minutes
        ("Asia/Kolkata", 2025, 2027),  # no daylight saving
    ],
)
def test_vtimezone_agrees_with_the_zone_database_every_hour(tz_name, first_year, last_year):
    zone = ZoneInfo(tz_name)
    body = ("\r\n".join(fold(line) for line in vtimezone(tz_name, first_year, last_year)) + "\r\n").encode()
    changes = zone_changes(body, tz_name)

    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    assert changes[0].at == start and changes[0].offset_from == changes[0].offset
    assert_zone_agrees(changes, zone, start, end)
    for change in changes[1:]:
        # Each onset is the exact moment of a change: the old offset a second before, the new one at it.
        assert (change.at - timedelta(seconds=1)).astimezone(zone).utcoffset() == change.offset_from
        assert change.at.astimezone(zone).utcoffset() == change.offset


@pytest.mark.parametrize(
    "tz_name", ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
)
def test_feed_in_any_zone_passes_both_parsers(tz_name):
    zone = ZoneInfo(tz_name)
    feed = feed_info(tz_name=tz_name)
    item = timed(datetime(2026, 4, 5, 1, 45, tzinfo=zone), datetime(2026, 10, 4, 2, 45, tzinfo=zone))
    event, other = read_one(render(item, feed=feed))

    assert (in_utc(event["DTSTART"].dt), in_utc(event["DTEND"].dt)) == (
        in_utc(item.starts_at),
        in_utc(item.ends_at),
    )
    assert (in_utc(other.dtstart), in_utc(other.dtend)) == (in_utc(item.starts_at), in_utc(item.ends_at))


def test_us_daylight_onset_is_written_as_two_in_the_morning_local_time():
    # RFC 5545 §3.6.5's own example: the onset is the local time before the change, 02:00 EST,
    # not 03:00 (the wall clock after it), which is what icalendar's generator writes.
    lines = list(vtimezone("America/New_York", 2026, 2026))
    blocks = "\n".join(lines).split("BEGIN:")

    [daylight] = [block for block in blocks if block.startswith("DAYLIGHT")]
    assert "DTSTART:20260308T020000\nRDATE:20260308T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400" in daylight
    autumn = [block for block in blocks if block.startswith("STANDARD") and "TZOFFSETFROM:-0400" in block]
    assert len(autumn) == 1 and "DTSTART:20261101T020000" in autumn[0]


@pytest.mark.parametrize(
    ("first_day", "last_day", "items"),
    [
        (date(2026, 3, 1), date(2027, 4, 5), []),
        (
            date(2026, 3, 1),
            date(2027, 2, 15),
            [
                whole_days(date(2025, 6, 10), date(2025, 6, 12), uid="before"),
                timed(
                    datetime(2028, 7, 4, 9, 0, tzinfo=NY), datetime(2028, 7, 4, 10, 0, tzinfo=NY), uid="after"
                ),
            ],
        ),
        # A New Year's Eve party held as UTC moments: it starts on 31 December in the program's zone,
        # though its UTC date is already 1 January.
        (
            date(2026, 1, 1),
            date(2026, 6, 30),
            [
                timed(
                    datetime(2026, 1, 1, 3, 0, tzinfo=UTC),
                    datetime(2026, 1, 1, 6, 0, tzinfo=UTC),
                    uid="party",
                )
            ],
        ),
        # The same at the far end: a last item ending in the early hours of a new year, in the program's
        # zone, given in a zone where it is still the old year.
        (
            date(2026, 1, 1),
            date(2026, 6, 30),
            [
                timed(
                    datetime(2026, 12, 31, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
                    datetime(2026, 12, 31, 22, 30, tzinfo=ZoneInfo("America/Los_Angeles")),
                    uid="late",
                )
            ],
        ),
        (
            date(2026, 1, 1),
            date(2026, 6, 30),
            [whole_days(date(2026, 12, 31), date(2027, 1, 2), uid="new-year")],
        ),
    ],
)
def test_vtimezone_covers_the_feed_window_and_every_item(first_day, last_day, items):
    body = render(*items, feed=feed_info(first_day=first_day, last_day=last_day))
    parse_both(body)
    changes = zone_changes(body, PROGRAM_TZ)

    spans = [item.span(PROGRAM_TZ) for item in items]
    start = min([datetime.combine(first_day, time(), NY)] + [span[0] for span in spans])
    end = max([datetime.combine(last_day + timedelta(days=1), time(), NY)] + [span[1] for span in spans])
    assert changes[0].at <= start
    assert_zone_agrees(changes, NY, start.astimezone(UTC), end.astimezone(UTC))


# --- stable, faithful event properties ------------------------------------------------------------------------


def test_same_inputs_give_the_same_bytes():
    items = [
        yoga(uid="event-1", description="Bring a mat", categories=("Wellness", "Sleep")),
        whole_days(date(2026, 7, 2), date(2026, 7, 5), uid="event-2"),
    ]
    first = render(*items)
    vtimezone.cache_clear()
    second = render(*items)

    assert first == second


def test_dtstamp_and_last_modified_are_the_items_updated_at_in_utc():
    updated = datetime(2026, 5, 1, 9, 30, 15, 123456, tzinfo=NY)
    body = render(yoga(updated_at=updated))
    event, other = read_one(body)

    assert event_line(body, "DTSTAMP").value == event_line(body, "LAST-MODIFIED").value == "20260501T133015Z"
    expected = datetime(2026, 5, 1, 13, 30, 15, tzinfo=UTC)
    assert in_utc(event["DTSTAMP"].dt) == in_utc(event["LAST-MODIFIED"].dt) == expected
    assert in_utc(other.dtstamp) == in_utc(other.last_modified) == expected


def test_uid_sequence_and_url_come_from_the_item():
    body = render(yoga(uid="event-12", revision=7, url="/events/12"))
    event, other = read_one(body)

    assert str(event["UID"]) == other.uid == "event-12@wellness.example.org"
    assert event["SEQUENCE"] == other.sequence == 7
    assert str(event["URL"]) == other.url == "https://wellness.example.org/events/12"


def test_item_without_url_location_or_description_leaves_them_out():
    event, other = read_one(render(yoga()))

    assert "URL" not in event and "LOCATION" not in event and "DESCRIPTION" not in event
    assert "CATEGORIES" not in event
    assert other.url is None and other.location is None and other.description is None


@pytest.mark.parametrize(
    ("status", "written", "transparency"),
    [
        ("confirmed", "CONFIRMED", "OPAQUE"),
        ("tentative", "TENTATIVE", "OPAQUE"),
        ("cancelled", "CANCELLED", "TRANSPARENT"),
    ],
)
def test_status_is_written_and_a_cancelled_item_shows_free(status, written, transparency):
    event, other = read_one(render(yoga(status=status)))

    assert str(event["STATUS"]) == other.status.value == written
    assert str(event["TRANSP"]) == other.transparency == transparency


@pytest.mark.parametrize(
    ("privacy", "written"), [("public", "PUBLIC"), ("private", "PRIVATE"), ("confidential", "CONFIDENTIAL")]
)
def test_privacy_is_written_as_class(privacy, written):
    event, other = read_one(render(yoga(privacy=privacy)))

    assert str(event["CLASS"]) == other.classification.value == written
