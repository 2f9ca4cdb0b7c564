"""Roster import timings: a generated 5,000-row roster into fresh SQLite and PostgreSQL databases.

Run from the repository root:  .venv/bin/python bench/roster_import.py [--rows N] [--repeat N]

PostgreSQL is used when reachable at BENCH_DATABASE_URL (default: TEST_DATABASE_URL, then
postgresql+psycopg://postgres@127.0.0.1:5432/postgres); the script creates a database of its own
there and drops it afterwards. Each figure is the best of --repeat runs, in seconds.
"""

import argparse
import csv
import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.serving import create_scratch_database  # noqa: E402
from wellness import create_app  # noqa: E402
from wellness.config import TestConfig  # noqa: E402
from wellness.dates import program_today  # noqa: E402
from wellness.extensions import db  # noqa: E402
from wellness.people.models import Person  # noqa: E402
from wellness.people.roster import COLUMNS, parse_roster  # noqa: E402
from wellness.people.roster_import import import_roster  # noqa: E402
from wellness.people.services import ensure_roles  # noqa: E402

PROGRAMS = ("categorical", "primary_care", "global_medicine", "preliminary", "med_peds")


def generate_roster(rows: int) -> str:
    """A deterministic roster: four residents to each faculty member, with fields, firms and sites."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for n in range(rows):
        person = {
            "email": f"person{n:05d}@example.org",
            "first_name": f"First{n}",
            "last_name": f"Last{n % 997}",
        }
        if n % 5:
            person |= {
                "roles": "resident",
                "program": PROGRAMS[n % len(PROGRAMS)],
                "training_start_year": str(2023 + n % 3),
                "fields": f"Field {n % 37}; Field {(n + 11) % 37}",
                "firm": f"Firm {n % 6}",
                "clinic_site": f"Clinic site {n % 4}",
            }
        else:
            person |= {"roles": "faculty", "fields": f"Field {n % 37}", "coach_capacity": str(n % 6)}
        writer.writerow(person)
    return buffer.getvalue()


def best_of(repeat: int, run: Callable[[], None], before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def postgres_database():
    """Create a database of the benchmark's own; returns (url, drop) or None when unreachable."""
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    try:
        return create_scratch_database(base, "wellness_bench")
    except Exception as error:  # no server: report SQLite only
        print(
            f"PostgreSQL skipped: {make_url(base).render_as_string(hide_password=True)} is not reachable ({error})"
        )
        return None


def measure(database_url: str, roster: str, rows: int, repeat: int, workdir: Path) -> dict[str, float]:
    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    path = workdir / "roster.csv"
    path.write_text(roster, encoding="utf-8")
    year = program_today(app.config["WELLNESS_TIMEZONE"]).year
    results: dict[str, float] = {}

    # Every run gets an application context (and so a database session) of its own, as each
    # request and each CLI invocation does.
    def in_context(work: Callable[[], object]) -> Callable[[], object]:
        def run():
            with app.app_context():
                try:
                    return work()
                finally:
                    db.session.remove()

        return run

    def empty() -> None:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        ensure_roles()
        db.session.commit()

    def service_import(expected: str) -> Callable[[], None]:
        def run() -> None:
            report = import_roster(None, parse_roster(roster, year), dry_run=False)
            db.session.commit()
            assert report.ok and report.count(expected) == rows, "the import did not do what was measured"

        return in_context(run)

    def cli_import() -> None:
        result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
        assert result.exit_code == 0, result.output

    def people() -> int:
        return db.session.scalar(select(func.count()).select_from(Person))

    in_context(db.create_all)()
    results["import a new roster (service)"] = best_of(
        repeat, service_import("create"), before=in_context(empty)
    )
    assert in_context(people)() == rows
    results["re-import, all unchanged (service)"] = best_of(repeat, service_import("unchanged"))
    results["flask roster import, new"] = best_of(repeat, cli_import, before=in_context(empty))
    results["flask roster import, unchanged"] = best_of(repeat, cli_import)
    assert in_context(people)() == rows
    in_context(db.drop_all)()
    with app.app_context():
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    roster = generate_roster(options.rows)
    parse_time = best_of(options.repeat, lambda: parse_roster(roster, 2026))
    columns: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        columns["SQLite"] = measure(
            f"sqlite:///{Path(workdir) / 'bench.sqlite3'}",
            roster,
            options.rows,
            options.repeat,
            Path(workdir),
        )
        postgres = postgres_database()
        if postgres is not None:
            url, drop = postgres
            try:
                columns["PostgreSQL"] = measure(url, roster, options.rows, options.repeat, Path(workdir))
            finally:
                drop()

    names = list(columns)
    steps = list(next(iter(columns.values())))
    width = max(len(step) for step in steps)
    print()
    print(
        f"Roster import, {options.rows:,} rows, best of {options.repeat}, seconds "
        f"(Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end)"
    )
    print(f"parse and validate only (pure, no database): {parse_time:.2f}")
    print()
    print(f"| {'step':<{width}} | " + " | ".join(f"{name:>10}" for name in names) + " |")
    print(f"| {'-' * width} | " + " | ".join("-" * 10 for _ in names) + " |")
    for step in steps:
        print(f"| {step:<{width}} | " + " | ".join(f"{columns[name][step]:>10.2f}" for name in names) + " |")


if __name__ == "__main__":
    main()
