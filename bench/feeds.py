"""Calendar feed throughput through gunicorn on PostgreSQL, and the cost of building a feed against icalendar.

Run from the repository root:  .venv/bin/python bench/feeds.py [--clients N] [--duration S] [--items N]

The script creates a database of its own on the PostgreSQL server at --database-url (default:
BENCH_DATABASE_URL, then TEST_DATABASE_URL, then postgresql+psycopg://postgres@127.0.0.1:5432/postgres),
loads the demo program, and gives each of --clients residents the same --items calendar items
(published events across the feed window: timed ones, a few multi-day all-day ones, long Markdown
descriptions, locations with commas, some answered maybe or waitlisted, a few recently cancelled),
and a feed address from issue_feed_token. It starts gunicorn with 2 x cores + 1 workers and
measures, with every client polling its own feed back to back through a requests.Session:

  /healthz           GET of the health check (SELECT 1): the baseline;
  304                conditional GETs whose If-None-Match names the current version;
  warm 200           GETs without If-None-Match, answered from the feed cache (the ETag must not move);
  cold 200           before each GET the client changes every one of its items (a new answer time
                     on each of its RSVPs and a raised calendar version, as the flush listener would
                     write), so every answer is built from scratch (the ETag must move each time).

It then stops gunicorn and builds one resident's feed in this process, single-threaded, with a
database session of its own per build as a request has: items_for + render_calendar (ours), and
items_for + an icalendar.Calendar of icalendar.Event components (the baseline). It prints a table
and the targets with PASS or FAIL. It exits 1 on any 5xx or unexpected answer (a 304 that was not, an
ETag that moved or did not), never because a target was missed: timings depend on the machine.
"""

import argparse
import itertools
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import icalendar  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.serving import scratch_database_or_none, start_gunicorn  # noqa: E402
from wellness import create_app  # noqa: E402
from wellness.calendar import items_for  # noqa: E402
from wellness.calendar.items import CalendarItem  # noqa: E402
from wellness.calendar.versions import person_scope, touch  # noqa: E402
from wellness.config import TestConfig  # noqa: E402
from wellness.dates import program_today, utcnow  # noqa: E402
from wellness.demo.seed import seed_demo  # noqa: E402
from wellness.events.groups import ensure_kinds  # noqa: E402
from wellness.events.models import Event, Rsvp  # noqa: E402
from wellness.extensions import db  # noqa: E402
from wellness.feeds.ical import FeedInfo, render_calendar  # noqa: E402
from wellness.feeds.services import feed_info, feed_window  # noqa: E402
from wellness.feeds.tokens import issue_feed_token  # noqa: E402
from wellness.people.models import Person  # noqa: E402
from wellness.people.services import ensure_roles  # noqa: E402

TARGET_304 = 0.5  # of /healthz
TARGET_WARM = 0.35  # of /healthz
TARGET_COLD = 3.0  # times the icalendar baseline's builds per second


# ---- The database and the server ---------------------------------------------------------------


@dataclass
class Setup:
    app: object
    readers: list[tuple[int, str]]  # (person id, feed path)
    postgres_version: str
    kinds_of_items: str


PLACES = (
    "Ether Dome, Bulfinch Building, 55 Fruit St, Boston, MA",
    "Yawkey 2, Room 210, 55 Fruit St, Boston",
    "Hunnewell gate, Arnold Arboretum, 125 Arborway, Jamaica Plain",
    "Café Gustave, 31 Charles St, Boston; back room",
    "Resident lounge",
    "",
)
TITLES = (
    "Team dinner",
    "Intern potluck",
    "Book club: *Being Mortal*",
    "Yoga before rounds",
    "Harbor cruise",
    "SGIM journal club",
    "Café social — résidents & families",
    "Community health fair, Chelsea",
    "Morning run; 5 km, all paces",
    "Board-game night",
)
SHORT = (
    "Bring a friend.",
    "Light dinner provided; vegetarian and gluten-free options.",
    "",
    "Meet at the front desk, then walk over together.",
)


def long_description(n: int) -> str:
    """About 1,200 characters of Markdown with lists, links, commas, semicolons and non-ASCII text."""
    return (
        f"## Plan for the evening ({n})\n\n"
        "Join us for a relaxed evening away from the wards. We will start with a short welcome, "
        "then split into small groups; each group has a facilitator, a timekeeper and a scribe.\n\n"
        "**What to bring**\n\n"
        "- a water bottle, comfortable shoes, and a light jacket (it gets cold by the water);\n"
        "- your badge, since the building locks at 7 PM;\n"
        "- something to share: a story, a poem, a photo, or nothing at all.\n\n"
        "**Schedule**\n\n"
        "1. 6:00 PM — arrive, food and drinks\n"
        "2. 6:30 PM — small groups, 45 minutes\n"
        "3. 7:15 PM — back together; short reflection\n\n"
        "Dietary needs? Write to [the wellness team](mailto:wellness@example.org) by Friday, "
        "and we will make sure there is something for you. Crème brûlée, naïve questions and "
        "über-long stories welcome.\n\n"
        "> Wellness is not an extra; it is part of how we care for patients, for each other, "
        "and for ourselves.\n\n"
        "Parking: the Fruit Street garage validates tickets until 9 PM, or take the Red Line to "
        "Charles/MGH. Questions, ideas, complaints: reply to the invitation, or find any chief "
        "resident during the week. See you there!"
    )


def populate(database_url: str, clients: int, count: int) -> Setup:
    """Schema, the demo program, `clients` readers each with the same `count` items, and their addresses."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    rng = random.Random(4)
    with app.app_context():
        db.create_all()
        roles = ensure_roles()
        kinds = ensure_kinds()
        tz_name = app.config["WELLNESS_TIMEZONE"]
        zone = ZoneInfo(tz_name)
        today = program_today(tz_name)
        seed_demo(2026, today)
        db.session.commit()
        coordinator = db.session.scalar(select(Person).where(Person.email == "coordinator@example.org"))

        def person(email: str, first: str, last: str) -> Person:
            found = Person(
                email=email,
                first_name=first,
                last_name=last,
                roles=[roles["resident"]],
                program="categorical",
                training_start_year=today.year - 1,
            )
            db.session.add(found)
            return found

        readers = [person(f"feed-reader-{n}@example.org", f"Reader{n}", "Feeds") for n in range(clients)]
        holder = person("seat-holder@example.org", "Seat", "Holder")
        db.session.flush()

        now = utcnow()
        first, last = -90, 398  # days from today, inside the window (92 before, 400 after)
        kind_slugs = [slug for slug in kinds if slug != "retreat"]
        answers: list[str] = []
        for n in range(count):
            day = today + timedelta(days=first + round(n * (last - first) / max(count - 1, 1)))
            title = f"{TITLES[n % len(TITLES)]} {n + 1}"
            description = long_description(n) if n % 3 == 0 else SHORT[n % len(SHORT)]
            all_day = n % 30 == 7
            if all_day:  # a retreat over two to four whole days: midnight to the midnight after
                starts_at = datetime.combine(day, clock(), tzinfo=zone)
                ends_at = datetime.combine(day + timedelta(days=rng.randint(2, 4)), clock(), tzinfo=zone)
                kind = kinds["retreat"]
            else:
                starts_at = datetime.combine(
                    day, clock(rng.randint(7, 19), rng.choice((0, 15, 30))), tzinfo=zone
                )
                ends_at = starts_at + timedelta(minutes=rng.choice((60, 90, 120, 180)))
                kind = kinds[kind_slugs[n % len(kind_slugs)]]
            cancelled = n % 100 == 50  # a few, cancelled last week: still on calendars, marked cancelled
            waitlisted = n % 20 == 3
            event = Event(
                kind=kind,
                title=title,
                description=description,
                location=PLACES[n % len(PLACES)],
                starts_at=starts_at.astimezone(UTC),
                ends_at=ends_at.astimezone(UTC),
                is_all_day=all_day,
                status="cancelled" if cancelled else "published",
                capacity=1 if waitlisted else rng.choice((None, 20, 40)),
                has_waitlist=True,
                revision=rng.randint(1, 4),
                created_by_id=coordinator.id,
                created_at=now - timedelta(days=120),
                updated_at=now - timedelta(days=rng.randint(1, 100)),
                published_at=now - timedelta(days=110),
                cancelled_at=now - timedelta(days=6) if cancelled else None,
                organisers=[coordinator],
            )
            db.session.add(event)
            response = "waitlisted" if waitlisted else "maybe" if n % 10 == 5 else "going"
            answers.append("cancelled" if cancelled else "all-day" if all_day else response)
            asked = now - timedelta(days=100)
            if waitlisted:  # the one seat is taken, so every reader waits, in reader order
                event_rsvps = [Rsvp(person=holder, response="going", requested_at=asked, responded_at=asked)]
            else:
                event_rsvps = []
            event_rsvps += [
                Rsvp(
                    person=reader,
                    response=response,
                    requested_at=asked + timedelta(minutes=k + 1),
                    responded_at=asked + timedelta(minutes=k + 1),
                )
                for k, reader in enumerate(readers)
            ]
            for rsvp in event_rsvps:
                rsvp.event = event
                db.session.add(rsvp)
        db.session.flush()
        tokens = [issue_feed_token(None, reader) for reader in readers]
        db.session.commit()

        window = feed_window(today)
        for reader in readers:
            found = items_for(reader.id, window)
            if len(found) != count:
                raise SystemExit(f"{reader.email} has {len(found)} calendar items, not {count}")
        mix = {name: answers.count(name) for name in ("going", "maybe", "waitlisted", "all-day", "cancelled")}
        with_long = sum(1 for n in range(count) if n % 3 == 0)
        kinds_of_items = ", ".join(f"{number} {name}" for name, number in mix.items()) + (
            f"; {with_long} with a long Markdown description"
        )
        result = Setup(
            app,
            [(reader.id, f"/calendar/{token}.ics") for reader, token in zip(readers, tokens, strict=True)],
            db.session.scalar(text("SHOW server_version")),
            kinds_of_items,
        )
        db.session.remove()
    return result


# ---- Clients and measurement -------------------------------------------------------------------


@dataclass
class Reader:
    """One client: a resident polling their own feed over a requests.Session, and the version it holds."""

    person_id: int
    path: str
    session: requests.Session
    etag: str | None = None


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    server_errors: int
    problems: list[str] = field(default_factory=list)
    extra_seconds: float = 0.0  # time each client spent between requests (the cold case's change)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by process group (see Cpu)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @classmethod
    def combined(cls, parts: list["Result"]) -> "Result":
        return cls(
            name=parts[0].name,
            requests=sum(part.requests for part in parts),
            seconds=sum(part.seconds for part in parts),
            latencies=[latency for part in parts for latency in part.latencies],
            server_errors=sum(part.server_errors for part in parts),
            problems=[problem for part in parts for problem in part.problems],
            extra_seconds=sum(part.extra_seconds for part in parts),
            cpu={name: sum(part.cpu.get(name, 0.0) for part in parts) for name in parts[0].cpu},
        )

    def cpu_ms(self, name: str) -> float:
        """CPU milliseconds `name` spent per request."""
        return self.cpu[name] / self.requests * 1000 if name in self.cpu else float("nan")

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000


# A request returns (status, problem or None); `before` runs untimed ahead of each request.
Request = Callable[[Reader], tuple[int, str | None]]


class Cpu:
    """CPU time of the clients (this process), gunicorn's processes and the database's PostgreSQL backends.

    Read from /proc (Linux); where it cannot be read the columns stay empty. Backends are found
    through pg_stat_activity at the start of each measurement, so the pooled connections of the
    workers and of this process are all counted.
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, app, gunicorn_pid: int):
        self.app = app
        self.gunicorn_pid = gunicorn_pid

    @classmethod
    def _stat(cls, pid: int) -> tuple[int, float] | None:
        """(parent pid, CPU seconds) of a process, or None when it is gone or unreadable."""
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / cls.TICK

    def _gunicorn(self) -> list[int]:
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = self._stat(int(entry.name))
                if stat and stat[0] == self.gunicorn_pid:
                    children.append(int(entry.name))
        return [self.gunicorn_pid, *children]

    def _backends(self) -> list[int]:
        with self.app.app_context():
            pids = list(
                db.session.scalars(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
                )
            )
            db.session.remove()
        return pids

    def snapshot(self) -> dict[str, dict[int, float]] | None:
        if not Path("/proc/self/stat").exists():
            return None
        groups = {"gunicorn": self._gunicorn(), "PostgreSQL": self._backends()}
        found = {
            name: {pid: stat[1] for pid in pids if (stat := self._stat(pid))} for name, pids in groups.items()
        }
        found["clients"] = {0: time.process_time()}
        return found

    @staticmethod
    def spent(before, after) -> dict[str, float]:
        """CPU seconds each group spent between two snapshots (processes that appeared count from zero)."""
        if before is None or after is None:
            return {}
        return {
            name: sum(seconds - before[name].get(pid, 0.0) for pid, seconds in after[name].items())
            for name in after
        }


def drive(
    name: str, readers: list[Reader], duration: float, request: Request, before=None, cpu: Cpu | None = None
) -> Result:
    """Each reader sends `request(reader)` back to back for `duration` seconds, all starting together."""
    barrier = threading.Barrier(len(readers) + 1)
    latencies: list[list[float]] = [[] for _ in readers]
    statuses: list[list[int]] = [[] for _ in readers]
    problems: list[list[str]] = [[] for _ in readers]
    extra = [0.0 for _ in readers]
    stop_at = [0.0]

    def run(index: int, reader: Reader) -> None:
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            if before is not None:
                began = time.perf_counter()
                before(reader)
                extra[index] += time.perf_counter() - began
            began = time.perf_counter()
            status, problem = request(reader)
            latencies[index].append(time.perf_counter() - began)
            statuses[index].append(status)
            if problem and len(problems[index]) < 3:
                problems[index].append(problem)

    threads = [threading.Thread(target=run, args=(n, r), daemon=True) for n, r in enumerate(readers)]
    for thread in threads:
        thread.start()
    cpu_before = cpu.snapshot() if cpu else None
    began = time.perf_counter()
    stop_at[0] = began + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    cpu_after = cpu.snapshot() if cpu else None
    every_status = [status for chunk in statuses for status in chunk]
    return Result(
        name=name,
        requests=len(every_status),
        seconds=seconds,
        latencies=[latency for chunk in latencies for latency in chunk],
        server_errors=sum(1 for status in every_status if status >= 500),
        problems=[problem for chunk in problems for problem in chunk],
        extra_seconds=sum(extra),
        cpu=Cpu.spent(cpu_before, cpu_after),
    )


def health(base_url: str) -> Request:
    def request(reader: Reader) -> tuple[int, str | None]:
        response = reader.session.get(f"{base_url}/healthz", timeout=60)
        return (
            response.status_code,
            None if response.status_code == 200 else f"healthz {response.status_code}",
        )

    return request


def fetch_current(base_url: str, readers: list[Reader]) -> None:
    """Each reader fetches its feed once and keeps the ETag (this also leaves the body in the cache)."""
    for reader in readers:
        response = reader.session.get(f"{base_url}{reader.path}", timeout=60)
        if response.status_code != 200 or not response.headers.get("ETag"):
            raise SystemExit(f"{reader.path} answered {response.status_code} without an ETag")
        reader.etag = response.headers["ETag"]


def not_modified(base_url: str) -> Request:
    """If-None-Match with the version the reader holds: the answer must be a 304."""

    def request(reader: Reader) -> tuple[int, str | None]:
        response = reader.session.get(
            f"{base_url}{reader.path}", headers={"If-None-Match": reader.etag}, timeout=60
        )
        if response.status_code != 304:
            return response.status_code, f"conditional GET answered {response.status_code}, not 304"
        return 304, None

    return request


def warm(base_url: str) -> Request:
    """A plain GET of an unchanged feed: a 200 with the same ETag as before."""

    def request(reader: Reader) -> tuple[int, str | None]:
        response = reader.session.get(f"{base_url}{reader.path}", timeout=60)
        if response.status_code != 200:
            return response.status_code, f"warm GET answered {response.status_code}"
        if response.headers.get("ETag") != reader.etag or not response.content.startswith(b"BEGIN:VCALENDAR"):
            return 200, f"warm GET changed the ETag from {reader.etag} to {response.headers.get('ETag')}"
        return 200, None

    return request


def change_every_item(app) -> Callable[[Reader], None]:
    """Give each of the reader's RSVPs a new answer time and raise the reader's calendar version.

    Every item's DTSTAMP and LAST-MODIFIED (the latest of the event's and the answer's times)
    move, so the body and its ETag do. The UPDATE is one statement for all of the reader's RSVPs;
    a bulk UPDATE skips the flush listener, so the version is raised here with touch(), as the
    listener does for an ORM change. Times step one second per change (DTSTAMP has whole seconds).
    """
    base = utcnow().replace(microsecond=0) + timedelta(seconds=1)
    steps = itertools.count(1)

    def change(reader: Reader) -> None:
        moment = base + timedelta(seconds=next(steps))
        with app.app_context():
            db.session.execute(
                update(Rsvp).where(Rsvp.person_id == reader.person_id).values(responded_at=moment),
                execution_options={"synchronize_session": False},
            )
            touch(db.session, [person_scope(reader.person_id)], now=moment)
            db.session.commit()
            db.session.remove()

    return change


def cold(base_url: str) -> Request:
    """A GET right after every item changed: a 200 with a new ETag."""

    def request(reader: Reader) -> tuple[int, str | None]:
        response = reader.session.get(f"{base_url}{reader.path}", timeout=60)
        if response.status_code != 200:
            return response.status_code, f"cold GET answered {response.status_code}"
        etag = response.headers.get("ETag")
        if etag == reader.etag or not response.content.startswith(b"BEGIN:VCALENDAR"):
            return 200, f"cold GET kept the ETag {etag} after every item changed"
        reader.etag = etag
        return 200, None

    return request


# ---- Building in this process: ours and icalendar's ---------------------------------------------


def icalendar_build(info: FeedInfo, items: list[CalendarItem]) -> bytes:
    """The same feed through icalendar's component objects, as a straightforward implementation would."""
    zone = ZoneInfo(info.tz_name)
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", info.prodid)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", info.name)
    calendar.add("x-wr-calname", info.name)
    calendar.add("description", info.description)
    calendar.add("x-wr-caldesc", info.description)
    calendar.add("x-wr-timezone", info.tz_name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    first, last = info.first_day, info.last_day
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{info.uid_domain}")
        event.add("dtstamp", item.updated_at.astimezone(UTC))
        if item.is_all_day:
            event.add("dtstart", item.first_day)
            event.add("dtend", item.last_day + timedelta(days=1))
            first, last = min(first, item.first_day), max(last, item.last_day + timedelta(days=1))
        else:
            event.add("dtstart", item.starts_at.astimezone(zone))
            event.add("dtend", item.ends_at.astimezone(zone))
            first, last = min(first, item.starts_at.date()), max(last, item.ends_at.date())
        event.add("summary", item.title)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", item.status.upper())
        event.add("class", item.privacy.upper())
        event.add("transp", "TRANSPARENT" if item.status == "cancelled" else "OPAQUE")
        event.add("sequence", item.revision)
        event.add("last-modified", item.updated_at.astimezone(UTC))
        if item.categories:
            event.add("categories", list(item.categories))
        if item.url:
            event.add("url", f"{info.base_url}{item.url}")
        calendar.add_component(event)
    # The same whole years our renderer's VTIMEZONE spans (the default would be 1970 to 2038).
    calendar.add_missing_timezones(date(first.year, 1, 1), date(last.year + 1, 1, 1))
    return calendar.to_ical()


@dataclass
class Builds:
    name: str
    builds: int = 0
    items_seconds: float = 0.0
    render_seconds: float = 0.0
    size: int = 0

    @property
    def seconds(self) -> float:
        return self.items_seconds + self.render_seconds

    @property
    def per_second(self) -> float:
        return self.builds / self.seconds

    def ms(self, part: float) -> float:
        return part / self.builds * 1000


def build_for(app, person_id: int, builds: Builds, render, seconds: float) -> None:
    """Build the reader's feed back to back for `seconds`: items_for, then `render`; a new session each time.

    A fresh session per build, as each request has, so no build reuses objects loaded by the one before.
    """
    with app.app_context():
        window = feed_window(program_today(app.config["WELLNESS_TIMEZONE"]))
        info = feed_info("Wellness: bench reader", "Everything on the bench reader's calendar.", window)
        stop_at = time.perf_counter() + seconds
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            items = items_for(person_id, window)
            middle = time.perf_counter()
            body = render(info, items)
            ended = time.perf_counter()
            db.session.remove()
            builds.builds += 1
            builds.items_seconds += middle - began
            builds.render_seconds += ended - middle
            builds.size = len(body)


def check_bodies(app, person_id: int, count: int) -> None:
    """Both builders' output parses with icalendar and holds every item (not timed)."""
    with app.app_context():
        window = feed_window(program_today(app.config["WELLNESS_TIMEZONE"]))
        info = feed_info("Wellness: bench reader", "Everything on the bench reader's calendar.", window)
        items = items_for(person_id, window)
        for name, render in (("ours", render_calendar), ("icalendar", icalendar_build)):
            parsed = icalendar.Calendar.from_ical(render(info, items))
            events = parsed.walk("VEVENT")
            if len(events) != count:
                raise SystemExit(f"{name}: {len(events)} events parsed back, not {count}")
        db.session.remove()


# ---- Main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to create the benchmark's database on",
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent readers, each polling their own feed"
    )
    parser.add_argument("--items", type=int, default=300, help="calendar items on each reader's feed")
    parser.add_argument("--duration", type=float, default=12.0, help="seconds per HTTP measurement in all")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds the duration is split into")
    parser.add_argument(
        "--build-seconds", type=float, default=8.0, help="seconds per in-process builder in all"
    )
    options = parser.parse_args()
    if make_url(options.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must name a PostgreSQL server")

    started = time.perf_counter()
    created = scratch_database_or_none(options.database_url, "Feed benchmark")
    if created is None:
        return 0
    database_url, drop = created
    server = None
    setup = None
    readers: list[Reader] = []
    try:
        with tempfile.TemporaryDirectory() as workdir:
            setup = populate(database_url, options.clients, options.items)
            try:
                server = start_gunicorn(database_url, options.workers, Path(workdir), ("--backlog", "2048"))
            except RuntimeError as error:
                raise SystemExit(str(error)) from None
            base_url = server.base_url
            readers = [Reader(person_id, path, requests.Session()) for person_id, path in setup.readers]
            change = change_every_item(setup.app)
            cpu = Cpu(setup.app, server.process.pid)
            fetch_current(base_url, readers)
            drive("warm-up", readers, 2.0, health(base_url))
            drive("warm-up", readers, 1.0, cold(base_url), before=change)
            drive("warm-up", readers, 1.0, warm(base_url))
            measurements = [
                ("`GET /healthz` (baseline)", health(base_url), None),
                ("(a) 304, If-None-Match current", not_modified(base_url), None),
                ("(b) warm 200, from the cache", warm(base_url), None),
                ("(c) cold 200, every item changed", cold(base_url), change),
            ]
            # Interleaved in rounds, so a change in the machine's load falls on every measurement alike.
            parts = []
            for _ in range(options.rounds):
                fetch_current(base_url, readers)  # the last cold build is the version (a) and (b) hold
                parts.append(
                    [
                        drive(name, readers, options.duration / options.rounds, request, before, cpu)
                        for name, request, before in measurements
                    ]
                )
            results = [Result.combined([part[n] for part in parts]) for n in range(len(measurements))]
            logs = server.logs()
            server.stop()
            server = None

            person_id = setup.readers[0][0]
            check_bodies(setup.app, person_id, options.items)
            ours, theirs = Builds("items_for + render_calendar (ours)"), Builds("items_for + icalendar")
            for _ in range(options.rounds):
                share = options.build_seconds / options.rounds
                build_for(setup.app, person_id, ours, render_calendar, share)
                build_for(setup.app, person_id, theirs, icalendar_build, share)
    finally:
        for reader in readers:
            reader.session.close()
        if server is not None:
            server.stop()
        if setup is not None:
            with setup.app.app_context():
                db.engine.dispose()
        drop()

    baseline = results[0].per_second
    cold_result = results[3]
    print()
    print(
        f"Calendar feeds: gunicorn {options.workers} sync workers, {options.clients} concurrent readers "
        f"(requests.Session each), {options.items} items per feed, {options.duration:g} s per line in "
        f"{options.rounds} interleaved rounds (Python {platform.python_version()}, PostgreSQL "
        f"{setup.postgres_version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )
    print(
        f"Each feed: {setup.kinds_of_items}; {ours.size:,} bytes (ours), {theirs.size:,} bytes (icalendar)."
    )
    print()
    print(
        "| over HTTP | requests | req/s | vs /healthz | p50 ms | p95 ms | 5xx | other errors "
        "| CPU ms per request: clients | gunicorn | PostgreSQL |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {result.name} | {result.requests} | {result.per_second:.0f} "
            f"| {result.per_second / baseline:.2f} | {result.percentile(50):.0f} "
            f"| {result.percentile(95):.0f} | {result.server_errors} | {len(result.problems)} "
            f"| {result.cpu_ms('clients'):.1f} | {result.cpu_ms('gunicorn'):.1f} | {result.cpu_ms('PostgreSQL'):.1f} |"
        )
    print()
    print(
        f"Cold: each request came after a change to every item, which took the client "
        f"{cold_result.extra_seconds / cold_result.requests * 1000:.1f} ms on average (counted in req/s)."
    )
    print()
    print("| in this process, one thread | builds | builds/s | ms per build | of which items_for | render |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for builds in (ours, theirs):
        print(
            f"| {builds.name} | {builds.builds} | {builds.per_second:.1f} | {builds.ms(builds.seconds):.1f} "
            f"| {builds.ms(builds.items_seconds):.1f} | {builds.ms(builds.render_seconds):.1f} |"
        )
    render_ratio = theirs.ms(theirs.render_seconds) / ours.ms(ours.render_seconds)
    print()
    print(f"Rendering alone (items already read): ours is {render_ratio:.1f}x as fast as icalendar.")

    targets = [
        ("(a) 304 >= 0.5x /healthz", results[1].per_second / baseline, TARGET_304, "x /healthz"),
        ("(b) warm 200 >= 0.35x /healthz", results[2].per_second / baseline, TARGET_WARM, "x /healthz"),
        (
            "(c) cold build >= 3x icalendar (in process, items_for included)",
            ours.per_second / theirs.per_second,
            TARGET_COLD,
            "x icalendar",
        ),
    ]
    print()
    print("| target | measured | verdict |")
    print("| --- | ---: | --- |")
    for name, measured, wanted, unit in targets:
        print(f"| {name} | {measured:.3f}{unit} | {'PASS' if measured >= wanted else 'FAIL'} |")
    print(
        f"\nCold over HTTP: {cold_result.per_second:.0f} req/s with {options.clients} clients, against "
        f"{theirs.per_second:.1f} icalendar builds/s on one thread in this process. "
        f"Total run time {time.perf_counter() - started:.0f} s."
    )

    failures = [f"{r.name}: {r.server_errors} server errors" for r in results if r.server_errors]
    failures += [f"{r.name}: {problem}" for r in results for problem in r.problems[:3]]
    failures += [f"gunicorn logged {word!r}" for word in ("Traceback",) if word in logs]
    sys.stdout.flush()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
