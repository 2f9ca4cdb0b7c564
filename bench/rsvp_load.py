"""RSVP throughput through gunicorn on PostgreSQL, as a ratio to a trivial endpoint measured in the same run.

Run from the repository root:  .venv/bin/python bench/rsvp_load.py [--clients N] [--duration S]

The script creates a database of its own on the PostgreSQL server at --database-url (default:
BENCH_DATABASE_URL, then TEST_DATABASE_URL, then postgresql+psycopg://postgres@127.0.0.1:5432/postgres),
loads the demo program, adds the events it drives, starts gunicorn with 2 x cores + 1 workers, signs
in one demo resident per client, and measures each of these for --duration seconds in all, taken in
--rounds interleaved rounds, with every client sending requests back to back:

  /healthz          GET of the health check (SELECT 1): the baseline;
  spread RSVPs      each client flips going / not going on random events among --events;
  one-event RSVPs   every client flips going / not going on the same 10-seat event.

It then checks what the server wrote (no event over capacity, no waitlisted request that fits, no
gaps in the waitlist), stops gunicorn and drops the database. It exits 1 on any 5xx or broken rule.
"""

import argparse
import http.client
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.serving import CSRF, scratch_database_or_none, start_gunicorn  # noqa: E402
from wellness import create_app  # noqa: E402
from wellness.config import TestConfig  # noqa: E402
from wellness.dates import program_today, utcnow  # noqa: E402
from wellness.demo.seed import DEMO_PASSWORD, seed_demo  # noqa: E402
from wellness.events import seats  # noqa: E402
from wellness.events.groups import ensure_kinds  # noqa: E402
from wellness.events.models import Event, EventKind, Rsvp  # noqa: E402
from wellness.events.services import EventData, create_event, publish_event  # noqa: E402
from wellness.extensions import db  # noqa: E402
from wellness.people.models import Person, Role  # noqa: E402
from wellness.people.services import ensure_roles  # noqa: E402

ONE_EVENT_CAPACITY = 10


# ---- The database and the server ---------------------------------------------------------------


@dataclass
class Setup:
    app: object
    emails: list[str]
    spread_ids: list[int]
    one_event_id: int
    postgres_version: str


def populate(database_url: str, clients: int, events: int, capacity: int) -> Setup:
    """Schema, the demo program, and the events the benchmark drives, all published and open."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        ensure_roles()
        ensure_kinds()
        seed_demo(2026, program_today(app.config["WELLNESS_TIMEZONE"]))
        db.session.commit()
        coordinator = db.session.scalar(select(Person).where(Person.email == "coordinator@example.org"))
        kind = db.session.scalar(select(EventKind).where(EventKind.slug == "social"))
        residents = list(
            db.session.scalars(
                select(Person)
                .where(Person.is_active.is_(True), Person.roles.any(Role.name == "resident"))
                .where(~Person.roles.any(Role.name.in_(("coordinator", "admin"))))
                .order_by(Person.id)
                .limit(clients)
            )
        )
        if len(residents) < clients:
            raise SystemExit(f"the demo has only {len(residents)} residents; use --clients {len(residents)}")
        start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=7)

        def publish(title: str, seats_: int, day: int) -> int:
            starts_at = start + timedelta(days=day)
            data = EventData(
                title=title,
                kind_id=kind.id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                capacity=seats_,
                has_waitlist=True,
            )
            event = create_event(coordinator, data)
            db.session.commit()  # publishing takes the event lock, which must come before any write
            publish_event(coordinator, event)
            db.session.commit()
            return event.id

        spread_ids = [publish(f"Team dinner {n + 1}", capacity, n) for n in range(events)]
        one_event_id = publish("Residency-wide baseball game", ONE_EVENT_CAPACITY, events)
        emails = [person.email for person in residents]
        version = db.session.scalar(text("SHOW server_version"))
        db.session.remove()
    return Setup(app, emails, spread_ids, one_event_id, version)


# ---- Clients and measurement -------------------------------------------------------------------


@dataclass
class Client:
    """One signed-in resident: the session cookie and CSRF token it got, and what it last answered.

    Every request sends that same cookie and ignores the cookie in the answer, so the flash message
    an RSVP leaves for the next page (which a browser would show on the event page after the
    redirect) does not pile up in the session.
    """

    cookie: str
    token: str
    going: dict[int, bool] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"session={self.cookie}"}


def sign_in(base_url: str, email: str, event_id: int) -> Client:
    with requests.Session() as browser:
        page = browser.get(f"{base_url}/login", timeout=30)
        response = browser.post(
            f"{base_url}/login",
            data={"email": email, "password": DEMO_PASSWORD, "csrf_token": CSRF.search(page.text).group(1)},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 302:
            raise SystemExit(f"signing in {email} answered {response.status_code}")
        page = browser.get(f"{base_url}/events/{event_id}", timeout=30)
        return Client(browser.cookies["session"], CSRF.search(page.text).group(1))


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    server_errors: int
    other_errors: int

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
            other_errors=sum(part.other_errors for part in parts),
        )

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000


def drive(name: str, clients: list[Client], duration: float, request, expected: int) -> Result:
    """Each client sends `request(client, rng)` back to back for `duration` seconds, all starting together."""
    barrier = threading.Barrier(len(clients) + 1)
    latencies: list[list[float]] = [[] for _ in clients]
    statuses: list[list[int]] = [[] for _ in clients]
    stop_at = [0.0]

    def run(index: int, client: Client) -> None:
        rng = random.Random(index)
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            status = request(client, rng)
            latencies[index].append(time.perf_counter() - began)
            statuses[index].append(status)

    threads = [threading.Thread(target=run, args=(n, c), daemon=True) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    every_status = [status for chunk in statuses for status in chunk]
    return Result(
        name=name,
        requests=len(every_status),
        seconds=seconds,
        latencies=[latency for chunk in latencies for latency in chunk],
        server_errors=sum(1 for status in every_status if status >= 500),
        other_errors=sum(1 for status in every_status if status < 500 and status != expected),
    )


def send(base_url: str, method: str, path: str, headers: dict[str, str], body: str | None = None) -> int:
    """One request on a connection of its own (gunicorn's sync workers close it after each answer).

    Plain http.client rather than requests: the clients share the machine with the server, and the
    less CPU they use, the more the figures say about the server.
    """
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def health(base_url: str):
    def request(client: Client, _rng) -> int:
        return send(base_url, "GET", "/healthz", client.headers)

    return request


def flip_rsvp(base_url: str, event_ids: list[int]):
    """Answer the opposite of what this client last answered, on a random event among `event_ids`."""

    def request(client: Client, rng: random.Random) -> int:
        event_id = rng.choice(event_ids)
        going = not client.going.get(event_id, False)
        form = {"response": "going" if going else "not_going", "guests": "0", "csrf_token": client.token}
        headers = client.headers | {"Content-Type": "application/x-www-form-urlencoded"}
        status = send(base_url, "POST", f"/events/{event_id}/rsvp", headers, urlencode(form))
        if status == 302:
            client.going[event_id] = going
        return status

    return request


# ---- Checking what the server wrote ------------------------------------------------------------


def broken_rules(app, event_ids: list[int]) -> list[str]:
    """Every event within capacity, no waitlisted request that fits, waitlist positions 1..n."""
    problems = []
    with app.app_context():
        for event_id in event_ids:
            capacity = db.session.get(Event, event_id).capacity
            taken = seats.seats_taken(event_id)
            waiting = list(
                db.session.scalars(
                    select(Rsvp)
                    .where(Rsvp.event_id == event_id, Rsvp.response == "waitlisted")
                    .order_by(Rsvp.requested_at, Rsvp.id)
                )
            )
            positions = seats.waitlist_positions(event_id)
            if taken > capacity:
                problems.append(f"event {event_id}: {taken} seats taken of {capacity}")
            if any(rsvp.seats <= capacity - taken for rsvp in waiting):
                problems.append(
                    f"event {event_id}: a waitlisted request fits in {capacity - taken} free seats"
                )
            if [positions.get(rsvp.id) for rsvp in waiting] != list(range(1, len(waiting) + 1)):
                problems.append(f"event {event_id}: waitlist positions have gaps")
        db.session.remove()
    return problems


def one_event_summary(app, event_id: int) -> str:
    with app.app_context():
        found = seats.counts(event_id)
        db.session.remove()
    return f"{found.seats} of {ONE_EVENT_CAPACITY} seats taken, {found.waitlisted} waitlisted"


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
    parser.add_argument("--clients", type=int, default=24, help="concurrent signed-in residents")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measurement in all")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds the duration is split into")
    parser.add_argument("--events", type=int, default=40, help="events the spread RSVPs go to")
    parser.add_argument("--capacity", type=int, default=15, help="seats of each of those events")
    options = parser.parse_args()
    if make_url(options.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must name a PostgreSQL server")

    created = scratch_database_or_none(options.database_url, "RSVP load")
    if created is None:
        return 0
    database_url, drop = created
    server = None
    setup = None
    try:
        with tempfile.TemporaryDirectory() as workdir:
            setup = populate(database_url, options.clients, options.events, options.capacity)
            try:
                server = start_gunicorn(database_url, options.workers, Path(workdir), ("--backlog", "2048"))
            except RuntimeError as error:
                raise SystemExit(str(error)) from None
            base_url = server.base_url
            clients = [sign_in(base_url, email, setup.one_event_id) for email in setup.emails]
            drive("warm-up", clients, 2.0, health(base_url), 200)
            measurements = [
                ("`GET /healthz` (baseline)", health(base_url), 200),
                (f"RSVPs spread over {options.events} events", flip_rsvp(base_url, setup.spread_ids), 302),
                ("RSVPs all on one 10-seat event", flip_rsvp(base_url, [setup.one_event_id]), 302),
            ]
            # Interleaved in rounds, so a change in the machine's load falls on every measurement alike.
            parts = [
                [
                    drive(name, clients, options.duration / options.rounds, request, ok)
                    for name, request, ok in measurements
                ]
                for _ in range(options.rounds)
            ]
            results = [Result.combined([part[n] for part in parts]) for n in range(len(measurements))]
            logs = server.logs()
        problems = broken_rules(setup.app, [*setup.spread_ids, setup.one_event_id])
        one_event = one_event_summary(setup.app, setup.one_event_id)
    finally:
        if server is not None:
            server.stop()
        if setup is not None:
            with setup.app.app_context():
                db.engine.dispose()
        drop()

    baseline = results[0].per_second
    print()
    print(
        f"RSVP load: gunicorn {options.workers} sync workers, {options.clients} concurrent clients, "
        f"{options.duration:g} s each in {options.rounds} interleaved rounds "
        f"(Python {platform.python_version()}, PostgreSQL {setup.postgres_version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)"
    )
    print()
    print("| measurement | requests | req/s | vs /healthz | p50 ms | p95 ms | 5xx | other errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {result.name} | {result.requests} | {result.per_second:.0f} "
            f"| {result.per_second / baseline:.2f} | {result.percentile(50):.0f} "
            f"| {result.percentile(95):.0f} | {result.server_errors} | {result.other_errors} |"
        )
    print()
    print(f"One event at the end: {one_event}.")
    failures = list(problems)
    failures += [f"{r.name}: {r.server_errors} server errors" for r in results if r.server_errors]
    failures += [f"{r.name}: {r.other_errors} unexpected answers" for r in results if r.other_errors]
    failures += [f"gunicorn logged {word!r}" for word in ("Traceback", "database is locked") if word in logs]
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("Checked: no event over capacity, no waitlisted request that fits, no waitlist gaps, no 5xx.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
