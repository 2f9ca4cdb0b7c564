"""Rendering calendar items as iCalendar text (RFC 5545 with RFC 7986's calendar properties).

A pure function of its inputs: the same items and feed details always give the same bytes, so
a feed's ETag only moves when its content does. DTSTAMP and LAST-MODIFIED come from each item's
`updated_at`, never from the clock.

Written by hand rather than through icalendar's component objects: a feed is rebuilt on every
change, and this renderer is many times faster. icalendar and a second parser read every feed
in the tests. The VTIMEZONE is also generated here: icalendar's generator gives the daylight-
saving onset as the local time after the change, where RFC 5545 wants the local time before it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..calendar.items import CalendarItem

LIMIT = 75  # octets per line, before the CRLF
# Controls other than tab cannot appear in TEXT; lone surrogates cannot be written as UTF-8.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TEXT_SPECIALS = re.compile(r"([\\;,])")


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself.

    `uid_domain` makes item UIDs unique beyond this installation ("event-12@wellness.example.org");
    `base_url` turns item paths into links; `first_day`/`last_day` are the window the feed covers,
    which the VTIMEZONE spans together with every item in it.
    """

    name: str
    description: str
    uid_domain: str
    tz_name: str
    base_url: str
    first_day: date
    last_day: date
    prodid: str = "-//wellness//Calendar feeds 1.0//EN"
    refresh: str = "PT1H"


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon and comma get a backslash; newlines become \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNWRITABLE.sub("", value)
    return _TEXT_SPECIALS.sub(r"\\\1", value).replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets with CRLF + space, never inside a UTF-8 character."""
    if len(line) <= LIMIT and line.isascii():
        return line
    data = line.encode()
    if len(data) <= LIMIT:
        return line
    parts, start, limit = [], 0, LIMIT
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, LIMIT - 1  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def _zone_state(zone: ZoneInfo, moment: datetime) -> tuple:
    local = moment.astimezone(zone)
    return local.utcoffset(), local.dst(), local.tzname()


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, tuple, tuple]]:
    """Each change of offset, daylight saving or abbreviation in [start, end): (UTC moment, before, after)."""
    found = []
    day = timedelta(days=1)
    moment, state = start, _zone_state(zone, start)
    while moment < end:
        following = moment + day
        after = _zone_state(zone, following)
        if after != state:
            low, high = moment, following  # the change happens in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _zone_state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            found.append((high, state, _zone_state(zone, high)))
        moment, state = following, after
    return found


@lru_cache(maxsize=64)
def vtimezone(tz_name: str, first_year: int, last_year: int) -> tuple[str, ...]:
    """A VTIMEZONE for `tz_name` valid from 1 January of first_year to 1 January after last_year.

    Every change in the range is listed as an onset (DTSTART, then RDATEs) in the local time
    before the change, as RFC 5545 §3.6.5 asks, grouped by the offsets and name they switch to.
    """
    zone = ZoneInfo(tz_name)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    offset, dst, name = _zone_state(zone, start)
    onsets: dict[tuple, list[datetime]] = {(bool(dst), offset, offset, name): [datetime(first_year, 1, 1)]}
    for moment, before, after in _transitions(zone, start, end):
        key = (bool(after[1]), before[0], after[0], after[2])
        onsets.setdefault(key, []).append((moment + before[0]).replace(tzinfo=None))
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz_name}"]
    for (is_daylight, offset_from, offset_to, abbreviation), moments in sorted(
        onsets.items(), key=lambda entry: entry[1][0]
    ):
        block = "DAYLIGHT" if is_daylight else "STANDARD"
        lines += [f"BEGIN:{block}", f"DTSTART:{moments[0]:%Y%m%dT%H%M%S}"]
        # Every onset is also an RDATE, the first included: RFC 5545 ignores the repeat, and clients
        # that skip a block with neither RRULE nor RDATE (ical4j before 2026, the ical package) then
        # still read it.
        lines.append("RDATE:" + ",".join(f"{moment:%Y%m%dT%H%M%S}" for moment in moments))
        lines += [
            f"TZOFFSETFROM:{_offset(offset_from)}",
            f"TZOFFSETTO:{_offset(offset_to)}",
            f"TZNAME:{escape_text(abbreviation or _offset(offset_to))}",
            f"END:{block}",
        ]
    lines.append("END:VTIMEZONE")
    return tuple(lines)


def _when(item: CalendarItem, zone: ZoneInfo, tz_name: str) -> list[str]:
    if item.is_all_day:
        # DTEND of a whole-day item is exclusive: a Thursday-to-Sunday block ends on Monday.
        return [
            f"DTSTART;VALUE=DATE:{_day(item.first_day)}",
            f"DTEND;VALUE=DATE:{_day(item.last_day + timedelta(days=1))}",
        ]
    lines = []
    for name, moment in (("DTSTART", item.starts_at), ("DTEND", item.ends_at)):
        local = moment.astimezone(zone)
        if local.fold:
            # The second pass through the autumn's repeated hour cannot be named by local time
            # (a repeated local time means its first occurrence), so it is given in UTC.
            lines.append(f"{name}:{_utc(moment)}")
        else:
            lines.append(f"{name};TZID={tz_name}:{local:%Y%m%dT%H%M%S}")
    return lines


def render_event(item: CalendarItem, feed: FeedInfo, zone: ZoneInfo) -> list[str]:
    """The VEVENT lines for one item, unfolded."""
    stamp = _utc(item.updated_at)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(item.uid)}@{feed.uid_domain}",
        f"DTSTAMP:{stamp}",
        *_when(item, zone, feed.tz_name),
        f"SUMMARY:{escape_text(item.title)}",
    ]
    if item.location:
        lines.append(f"LOCATION:{escape_text(item.location)}")
    if item.description:
        lines.append(f"DESCRIPTION:{escape_text(item.description)}")
    lines += [
        f"STATUS:{item.status.upper()}",
        f"CLASS:{item.privacy.upper()}",
        f"TRANSP:{'TRANSPARENT' if item.status == 'cancelled' or item.is_free else 'OPAQUE'}",
        f"SEQUENCE:{item.revision}",
        f"LAST-MODIFIED:{stamp}",
    ]
    if item.categories:
        # Commas separate categories; an escaped comma inside one is split apart by some clients.
        names = (" ".join(category.replace(",", " ").split()) for category in item.categories)
        lines.append("CATEGORIES:" + ",".join(escape_text(name) for name in names))
    if item.url:
        lines.append(f"URL:{feed.base_url}{item.url}")
    lines.append("END:VEVENT")
    return lines


def _years(feed: FeedInfo, items: list[CalendarItem], zone: ZoneInfo) -> tuple[int, int]:
    first, last = feed.first_day, feed.last_day
    for item in items:
        if item.is_all_day:
            first, last = min(first, item.first_day), max(last, item.last_day + timedelta(days=1))
        else:
            # Dates in the feed's zone, where DTSTART and DTEND are written, not in the item's own.
            start, end = item.starts_at.astimezone(zone).date(), item.ends_at.astimezone(zone).date()
            first, last = min(first, start), max(last, end)
    # Whole years keep the VTIMEZONE, and so the feed's bytes, the same from one day to the next.
    return first.year, last.year


def render_calendar(feed: FeedInfo, items: Iterable[CalendarItem]) -> bytes:
    """The whole VCALENDAR as UTF-8 bytes with CRLF line endings, lines folded at 75 octets."""
    items = list(items)
    zone = ZoneInfo(feed.tz_name)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(feed.prodid)}",
        "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(feed.name)}",
        f"X-WR-CALNAME:{escape_text(feed.name)}",
        f"DESCRIPTION:{escape_text(feed.description)}",
        f"X-WR-CALDESC:{escape_text(feed.description)}",
        f"X-WR-TIMEZONE:{feed.tz_name}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{feed.refresh}",
        f"X-PUBLISHED-TTL:{feed.refresh}",
    ]
    lines += vtimezone(feed.tz_name, *_years(feed, items, zone))
    for item in items:
        lines += render_event(item, feed, zone)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
