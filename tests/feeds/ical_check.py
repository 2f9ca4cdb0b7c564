"""What every calendar feed in the tests must satisfy: RFC 5545's line rules, our feed headers, and two parsers.

`parse_both(body)` checks the raw bytes line by line (CRLF endings, 75-octet lines folded with one
space and never inside a UTF-8 character, well-formed content lines, balanced components), the
calendar's own properties (VERSION, PRODID, NAME, X-WR-CALNAME, the refresh hints, no METHOD), that
every TZID used is defined by a VTIMEZONE, and then parses the feed with icalendar and with the
independent `ical` package, returning both calendars.

`zone_changes(lines, tzid)` reads a VTIMEZONE the way a client without a time zone database has
to: each onset is a local time in its TZOFFSETFROM; `offset_at` then answers the offset at a moment.
"""

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
from ical.calendar import Calendar as IcalCalendar
from ical.calendar_stream import IcsCalendarStream

LIMIT = 75
# name *(";" param) ":" value, where a parameter value may be quoted (RFC 5545 §3.1).
_PARAM_VALUE = r'(?:"[^"\x00-\x1f]*"|[^";:,\x00-\x1f]*)'
_CONTENT_LINE = re.compile(
    rf"(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[A-Za-z0-9-]+={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)*):(?P<value>.*)",
    re.DOTALL,
)
_PARAM = re.compile(rf";(?P<name>[A-Za-z0-9-]+)=(?P<value>{_PARAM_VALUE}(?:,{_PARAM_VALUE})*)")
# RFC 5545 CONTROL: every ASCII control except HTAB; none may appear in a value.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_ESCAPED = re.compile(r"\\([\\;,nN])")


@dataclass(frozen=True)
class ContentLine:
    name: str
    params: dict[str, str]
    value: str
    component: str  # the innermost component the line is in, e.g. "VEVENT"


def physical_lines(body: bytes) -> list[bytes]:
    """The lines as sent, without their CRLFs; fails unless every line ends in CRLF and no CR or LF is bare."""
    assert body.endswith(b"\r\n"), "the feed must end with CRLF"
    lines = body[:-2].split(b"\r\n")
    for number, line in enumerate(lines, 1):
        assert b"\r" not in line and b"\n" not in line, f"line {number} has a bare CR or LF: {line!r}"
    return lines


def unfold(body: bytes) -> list[str]:
    """The content lines: physical lines checked for length and encoding, continuations joined."""
    lines: list[str] = []
    for number, raw in enumerate(physical_lines(body), 1):
        assert raw, f"line {number} is empty"
        assert len(raw) <= LIMIT, f"line {number} is {len(raw)} octets: {raw!r}"
        try:
            text = raw.decode("utf-8")  # on its own: a fold inside a character fails here
        except UnicodeDecodeError as error:
            raise AssertionError(f"line {number} is not UTF-8 on its own: {raw!r}") from error
        if text.startswith((" ", "\t")):
            assert lines, "the first line cannot be a continuation"
            assert text.startswith(" ") and len(text) > 1, f"line {number} is an empty continuation"
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def content_lines(body: bytes) -> list[ContentLine]:
    """Every content line parsed into name, parameters and value, with the component it sits in."""
    parsed, open_components = [], []
    for line in unfold(body):
        match = _CONTENT_LINE.fullmatch(line)
        assert match, f"not a content line: {line!r}"
        name, value = match["name"].upper(), match["value"]
        assert not _CONTROL.search(value), f"control character in {line!r}"
        params = {param["name"].upper(): param["value"] for param in _PARAM.finditer(match["params"])}
        if name == "BEGIN":
            open_components.append(value)
        parsed.append(ContentLine(name, params, value, open_components[-1] if open_components else ""))
        if name == "END":
            assert open_components and open_components[-1] == value, f"END:{value} closes nothing open"
            open_components.pop()
    assert not open_components, f"components left open: {open_components}"
    return parsed


def _check_structure(lines: list[ContentLine]) -> None:
    assert (lines[0].name, lines[0].value) == ("BEGIN", "VCALENDAR"), (
        "the feed must start with BEGIN:VCALENDAR"
    )
    assert (lines[-1].name, lines[-1].value) == ("END", "VCALENDAR"), "the feed must end with END:VCALENDAR"
    assert sum(line.name == "BEGIN" and line.value == "VCALENDAR" for line in lines) == 1
    own = [line for line in lines if line.component == "VCALENDAR" and line.name not in ("BEGIN", "END")]

    def values(name: str) -> list[str]:
        return [line.value for line in own if line.name == name]

    assert values("VERSION") == ["2.0"]
    assert len(values("PRODID")) == 1 and values("PRODID")[0]
    assert len(values("NAME")) == 1 and values("NAME") == values("X-WR-CALNAME")
    refresh = [line for line in own if line.name == "REFRESH-INTERVAL"]
    assert [(line.params, line.value) for line in refresh] == [({"VALUE": "DURATION"}, "PT1H")]
    assert values("X-PUBLISHED-TTL") == ["PT1H"]
    assert not any(line.name == "METHOD" for line in lines), "a subscribed feed must not carry METHOD"

    defined = [line.value for line in lines if line.component == "VTIMEZONE" and line.name == "TZID"]
    assert len(defined) == len(set(defined)), f"a VTIMEZONE is repeated: {defined}"
    used = {line.params["TZID"].strip('"') for line in lines if "TZID" in line.params}
    assert used <= set(defined), f"TZIDs without a VTIMEZONE: {used - set(defined)}"

    events: dict[int, list[str]] = {}
    number = 0
    for line in lines:
        if line.name == "BEGIN" and line.value == "VEVENT":
            number += 1
        elif line.component == "VEVENT" and line.name not in ("BEGIN", "END"):
            events.setdefault(number, []).append(line.name)
    for names in events.values():
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert names.count(required) == 1, f"a VEVENT needs one {required}: {names}"


def parse_both(body: bytes) -> tuple[icalendar.Calendar, IcalCalendar]:
    """Check the feed's structure, then parse it with icalendar and with ical; returns both calendars."""
    lines = content_lines(body)
    _check_structure(lines)
    events = sum(line.name == "BEGIN" and line.value == "VEVENT" for line in lines)

    first = icalendar.Calendar.from_ical(body)
    # icalendar does not raise on a value it cannot read: it keeps the error on the component.
    for component in first.walk():
        assert not component.errors, f"icalendar could not read {component.name}: {component.errors}"
    assert len(first.walk("VEVENT")) == events

    second = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    assert len(second.events) == events
    return first, second


def text_of(value) -> str:
    """An icalendar text property as a plain string ("" when absent).

    icalendar does not know RFC 7986's NAME or the X-WR- properties, so it hands them over still
    escaped (as vUnknown); those are unescaped here as RFC 5545 §3.3.11 says.
    """
    if value is None:
        return ""
    if isinstance(value, icalendar.vUnknown):
        return _ESCAPED.sub(lambda match: "\n" if match[1] in "nN" else match[1], str(value))
    return str(value)


# -- reading a VTIMEZONE without a time zone database ---------------------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime  # UTC
    offset_from: timedelta
    offset: timedelta
    name: str
    daylight: bool


def _utc_offset(value: str) -> timedelta:
    match = re.fullmatch(r"([+-])(\d\d)(\d\d)(\d\d)?", value)
    assert match, f"not a UTC offset: {value!r}"
    size = timedelta(hours=int(match[2]), minutes=int(match[3]), seconds=int(match[4] or 0))
    return -size if match[1] == "-" else size


def _local(value: str) -> datetime:
    assert re.fullmatch(r"\d{8}T\d{6}", value), f"an onset must be a local date-time: {value!r}"
    return datetime.strptime(value, "%Y%m%dT%H%M%S")


def zone_changes(lines: Sequence[ContentLine] | bytes, tzid: str) -> list[Change]:
    """The onsets of the VTIMEZONE with this TZID, in time order, as UTC moments.

    Only what our renderer may write is understood (DTSTART, RDATE, offsets, TZNAME); anything else
    in an observance, such as an RRULE, fails the check rather than being misread.
    """
    if isinstance(lines, bytes):
        lines = content_lines(lines)
    changes, inside, current, block = [], False, None, None
    for line in lines:
        if line.name == "BEGIN" and line.value == "VTIMEZONE":
            inside, current = True, None
        elif inside and line.name == "TZID" and line.component == "VTIMEZONE":
            current = line.value
        elif inside and line.name == "END" and line.value == "VTIMEZONE":
            inside = False
        elif inside and current == tzid and line.name == "BEGIN":
            block = {"KIND": line.value, "RDATE": []}
        elif inside and current == tzid and line.name == "END":
            # The renderer repeats DTSTART as the first RDATE (for clients that need an RDATE).
            onsets = sorted({_local(block["DTSTART"]), *(_local(v) for v in block["RDATE"])})
            offset_from, offset_to = _utc_offset(block["TZOFFSETFROM"]), _utc_offset(block["TZOFFSETTO"])
            for onset in onsets:
                changes.append(
                    Change(
                        at=(onset - offset_from).replace(tzinfo=UTC),
                        offset_from=offset_from,
                        offset=offset_to,
                        name=block.get("TZNAME", ""),
                        daylight=block["KIND"] == "DAYLIGHT",
                    )
                )
            block = None
        elif block is not None:
            assert line.name in ("DTSTART", "RDATE", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"), line
            if line.name == "RDATE":
                block["RDATE"] += line.value.split(",")
            else:
                assert line.name not in block, f"{line.name} repeated in an observance"
                block[line.name] = line.value
    assert changes, f"no VTIMEZONE for {tzid}"
    changes.sort(key=lambda change: change.at)
    assert len({change.at for change in changes}) == len(changes), "two onsets at one moment"
    return changes


def offset_at(changes: list[Change], moment: datetime) -> Change:
    """The observance in force at `moment`; fails for a moment before the first onset (not covered)."""
    index = bisect.bisect_right([change.at for change in changes], moment.astimezone(UTC))
    assert index > 0, f"{moment} is before the VTIMEZONE's first onset {changes[0].at}"
    return changes[index - 1]
