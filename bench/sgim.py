"""SGIM coverage and duties: importing a term of duties, the coordinators' board, a trip's cover suggestions.

Run from the repository root:  .venv/bin/python bench/sgim.py [--weeks N] [--requests N]

On a scratch SQLite file and, when a server is reachable at --database-url (default: BENCH_DATABASE_URL,
then TEST_DATABASE_URL, then postgresql+psycopg://postgres@127.0.0.1:5432/postgres), on a scratch
PostgreSQL database that is dropped afterwards, the demo program is loaded and then:

1. Duties import (wellness.duties.importing.import_duties, what `flask duties import` and the upload page
   run): a generated term two years after the demo's, --weeks weeks (default 24) of every active
   resident's weekday mornings and afternoons' first half (clinic on one weekday, inpatient the others),
   about 20,000 rows for the demo's 170 residents. Timed into the database with the commit, then the same
   file again (nothing changes). The first import must add every row, the second none.
2. GET /sgim/<meeting>/board, the coordinators' board of the demo's SGIM meeting, as the demo
   coordinator through the Flask test client: a fresh app's first request, then the median and slowest
   of --requests (default 20). Every answer must be a 200 naming every invited resident.
3. GET /sgim/<meeting>/trips/<attendance>?suggest=<duty>: the trip page of the attendee with the most
   uncovered needs, with the cover suggestions for the first of them, timed the same way; and
   wellness.duties.covers.suggest_coverers for each uncovered need of the meeting (median and slowest).
   Every suggestion must pass cover_problem (free and eligible).

It exits 1 when an answer is wrong, never because of a timing: timings depend on the machine.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from markupsafe import escape  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.serving import scratch_database_or_none  # noqa: E402
from wellness import create_app  # noqa: E402
from wellness.config import TestConfig  # noqa: E402
from wellness.dates import program_today, utcnow  # noqa: E402
from wellness.demo.seed import seed_demo  # noqa: E402
from wellness.duties.covers import cover_problem, suggest_coverers  # noqa: E402
from wellness.duties.importing import import_duties  # noqa: E402
from wellness.events.groups import ensure_kinds  # noqa: E402
from wellness.extensions import db  # noqa: E402
from wellness.people.models import Person  # noqa: E402
from wellness.people.services import ensure_roles  # noqa: E402
from wellness.sgim import services  # noqa: E402


def duties_csv(today, weeks: int) -> tuple[str, int]:
    """A term of duties for every active resident, two years after `today`; returns (text, rows)."""
    residents = services.residents()
    first = today + timedelta(days=730 - today.weekday())  # a Monday
    lines = ["email,date,session,kind,site"]
    for n, person in enumerate(residents):
        site = person.clinic_site.name if person.clinic_site else ""
        for day in (first + timedelta(days=d) for d in range(weeks * 7)):
            if day.weekday() >= 5:
                continue
            kind = "clinic" if day.weekday() == n % 5 else "inpatient"
            lines.append(
                f"{person.email},{day.isoformat()},AM,{kind},{site if kind == 'clinic' else 'Main hospital'}"
            )
    return "\n".join(lines) + "\n", len(lines) - 1


def signed_in_client(app, email: str):
    with app.app_context():
        user_id = db.session.scalar(select(Person).where(Person.email == email)).get_id()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def time_get(client, path: str, expected: list[str], requests: int, what: str, failures: list[str]):
    """(first ms, median ms, max ms) of GET path; every answer must be a 200 containing `expected`."""

    def get() -> float:
        began = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - began) * 1000
        body = response.get_data(as_text=True)
        if response.status_code != 200:
            failures.append(f"{what}: GET {path} answered {response.status_code}")
        elif missing := [text for text in expected if text not in body]:
            failures.append(f"{what}: GET {path} misses {missing[0]!r}")
        return elapsed

    first = get()
    times = [get() for _ in range(requests)]
    return first, statistics.median(times), max(times)


def run(database: str, url: str, weeks: int, requests: int, failures: list[str]) -> dict:
    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    result = {"database": database}
    with app.app_context():
        db.create_all()
        ensure_roles()
        ensure_kinds()
        today = program_today(app.config["WELLNESS_TIMEZONE"])
        seed_demo(2026, today)
        db.session.commit()
        text, rows = duties_csv(today, weeks)
        result["rows"] = rows
        for label in ("import", "reimport"):
            began = time.perf_counter()
            report = import_duties(None, text)
            db.session.commit()
            result[label] = time.perf_counter() - began
            wanted = rows if label == "import" else 0
            if not report.ok or report.added != wanted:
                failures.append(
                    f"{database}: {label} added {report.added} of {wanted} ({report.problems[:1]})"
                )
        meeting = services.meetings()[0]
        statuses = [services.trip_status(a) for a in services.attendances(meeting)]
        names = [str(escape(s.attendance.person.name)) for s in statuses]
        worst = max(statuses, key=lambda s: len(s.uncovered))
        uncovered = [need for s in statuses for need in s.uncovered]
        now, suggestion_ms = utcnow(), []
        for need in uncovered:
            began = time.perf_counter()
            found = suggest_coverers(need.duty, now)
            suggestion_ms.append((time.perf_counter() - began) * 1000)
            for suggestion in found:
                if cover_problem(need.duty, suggestion.person, now) is not None:
                    failures.append(f"{database}: suggested {suggestion.person.name}, who cannot cover")
            if not found:
                failures.append(f"{database}: no one suggested for {need.duty.id}")
        result.update(
            meeting_id=meeting.id, invited=len(names), uncovered=len(uncovered), suggestion_ms=suggestion_ms,
            trip=(worst.attendance.id, worst.uncovered[0].duty.id if worst.uncovered else None,
                  str(escape(worst.attendance.person.name))),
        )  # fmt: skip
        db.session.remove()
    client = signed_in_client(app, "coordinator@example.org")
    result["board"] = time_get(
        client, f"/sgim/{result['meeting_id']}/board", names, requests, database, failures
    )
    attendance_id, duty_id, name = result["trip"]
    path = f"/sgim/{result['meeting_id']}/trips/{attendance_id}" + (f"?suggest={duty_id}" if duty_id else "")
    result["trip_page"] = time_get(client, path, [name], requests, database, failures)
    with app.app_context():
        db.engine.dispose()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=24, help="weeks of duties in the imported term")
    parser.add_argument("--requests", type=int, default=20, help="page requests timed after the first")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to create a scratch database on (SQLite is always measured)",
    )
    options = parser.parse_args()
    started, failures, results = time.perf_counter(), [], []
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        results.append(run("SQLite", url, options.weeks, options.requests, failures))
    created = scratch_database_or_none(options.database_url, "The PostgreSQL run")
    if created is not None:
        database_url, drop = created
        try:
            results.append(run("PostgreSQL", database_url, options.weeks, options.requests, failures))
        finally:
            drop()

    print()
    print(
        f"SGIM coverage and duties on the demo program (Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)"
    )
    print()
    print("| duties import | rows | SQLite s | PostgreSQL s |")
    print("| --- | ---: | ---: | ---: |")
    for label, key in (
        ("new term, into the database", "import"),
        ("same file again, nothing changes", "reimport"),
    ):
        cells = " | ".join(f"{r[key]:.2f}" for r in results)
        print(f"| {label} | {results[0]['rows']:,} | {cells} |")
    print()
    print(
        f"Pages through the Flask test client as the demo coordinator: first request, then {options.requests} more"
    )
    print()
    print("| page | database | first ms | median ms | max ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for r in results:
        print(f"| board, {r['invited']} invited, {r['uncovered']} uncovered | {r['database']} | "
              + " | ".join(f"{v:.0f}" for v in r["board"]) + " |")  # fmt: skip
        print(
            f"| trip page with suggestions | {r['database']} | "
            + " | ".join(f"{v:.0f}" for v in r["trip_page"])
            + " |"
        )
    print()
    print("| suggest_coverers per uncovered need | database | needs | median ms | max ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for r in results:
        times = r["suggestion_ms"] or [0.0]
        print(
            f"| | {r['database']} | {len(r['suggestion_ms'])} | {statistics.median(times):.0f} | {max(times):.0f} |"
        )
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s.")
    sys.stdout.flush()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
