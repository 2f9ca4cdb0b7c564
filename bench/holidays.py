"""Holiday block allocation: the pure allocator at scale, and the coordinators' preview page of the demo.

Run from the repository root:  .venv/bin/python bench/holidays.py [--residents N] [--blocks N] [--seeds N]

1. The allocator (wellness.holidays.allocation.allocate, one exact minimum-cost flow) on generated
   programs: --residents residents (default 1,000) in five programs (categorical 45%, primary care
   25%, preliminary 15%, global medicine 8%, med-peds 7%) over --blocks blocks (default 6), with
   places for about 1.05 x the residents (the same capacity in every block) and each program capped
   at its share x capacity x 1.2 per block. Rankings lean towards Christmas and Thanksgiving; 3% of
   residents did not rank, about 5% ask for a religious observance, 10% have priority and five are
   pinned. Each of --seeds scenarios (default 5) is generated from its own seed and allocated with
   it; the script checks every answer (each resident placed once, in a block that exists, no
   capacity or program cap exceeded, pins kept, the reported fill and cost right) and prints the
   median and the slowest wall time. The demo program's size, 200 residents x 4 blocks, is timed the
   same way. Target: median under 1 s at the full size.
2. GET /holidays/<year>/allocation, the coordinators' preview, through the Flask test client as the
   demo coordinator, on a scratch SQLite file and, when a server is reachable at --database-url
   (default: BENCH_DATABASE_URL, then TEST_DATABASE_URL, then
   postgresql+psycopg://postgres@127.0.0.1:5432/postgres), on a scratch PostgreSQL database that is
   dropped afterwards. The demo program is loaded and the newest holiday year with a stored allocation
   (previewed or published) is timed. When the demo has none, the newest year still collecting with
   blocks, or else the next academic year set up with setup_year, is allocated with seed 1 (if nobody
   has ranked it, about 90% of its residents first get random full rankings, imported as CSV as a
   coordinator would) and timed. When the newest allocation is published and a year is still
   collecting, that year is allocated and timed as well: a preview's page also has a pin form for
   every resident. Each year gets a fresh app; its first request (templates compiled, caches cold) is
   timed apart from the next --requests (default 20), whose median and slowest are printed. Every
   answer must be a 200 listing every allocated resident by name.

It exits 1 when an answer is wrong (a broken allocation, a page that is not a 200 or misses a
resident), never because a target was missed: timings depend on the machine.
"""

import argparse
import csv
import io
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Python puts the script's folder first on the path, where this file would shadow the `holidays`
# package that wellness.holidays.dates imports; the repository root takes its place.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from markupsafe import escape  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.serving import scratch_database_or_none  # noqa: E402
from wellness import create_app  # noqa: E402
from wellness.config import TestConfig  # noqa: E402
from wellness.dates import academic_year_of, program_today  # noqa: E402
from wellness.demo.seed import seed_demo  # noqa: E402
from wellness.events.groups import ensure_kinds  # noqa: E402
from wellness.extensions import db  # noqa: E402
from wellness.holidays import blocks, preferences, services  # noqa: E402
from wellness.holidays.allocation import Allocation, BlockSpec, ResidentSpec, allocate  # noqa: E402
from wellness.holidays.models import Assignment, HolidayYear  # noqa: E402
from wellness.people.models import Person  # noqa: E402
from wellness.people.services import ensure_roles  # noqa: E402

TARGET_SECONDS = 1.0  # median allocation time at the full size

# Program shares of a large residency.
PROGRAM_SHARES = (
    ("categorical", 0.45),
    ("primary_care", 0.25),
    ("preliminary", 0.15),
    ("global_medicine", 0.08),
    ("med_peds", 0.07),
)
# Blocks in the order they are used, with how strongly residents lean towards each.
POPULARITY = (
    ("high_holidays", 1.0),
    ("thanksgiving", 3.0),
    ("christmas", 4.0),
    ("new_year", 2.2),
    ("spring_break", 0.8),
    ("july_fourth", 1.2),
)
PLACES_PER_RESIDENT = 1.05  # all blocks' places together, per resident
CAP_SLACK = 1.2  # a program's cap per block: its share of the block's places, times this
UNRANKED_SHARE = 0.03
OBSERVANCE_SHARE = 0.05
PRIORITY_SHARE = 0.10
PINS = 5
RANKED_SHARE = 0.9  # of the demo's residents, when the script has to rank for them


# ---- 1. The pure allocator ----------------------------------------------------------------------


def program_sizes(residents: int) -> list[tuple[str, int]]:
    """Residents per program by share; the last program takes what rounding leaves."""
    sizes = [(program, round(residents * share)) for program, share in PROGRAM_SHARES[:-1]]
    return [*sizes, (PROGRAM_SHARES[-1][0], residents - sum(n for _, n in sizes))]


def weighted_ranking(rng: random.Random, keys: list[str], weights: dict[str, float]) -> list[str]:
    """Every block, most wanted first: repeatedly pick among the blocks left, by popularity."""
    left, order = list(keys), []
    while left:
        pick = rng.choices(left, weights=[weights[key] for key in left])[0]
        order.append(pick)
        left.remove(pick)
    return order


def scenario(residents: int, block_count: int, seed: int) -> tuple[list[ResidentSpec], list[BlockSpec]]:
    """A generated program: blocks with places and program caps, residents with rankings and requests."""
    if not 1 <= block_count <= len(POPULARITY):
        raise SystemExit(f"--blocks must be between 1 and {len(POPULARITY)}")
    rng = random.Random(seed)
    weights = dict(POPULARITY[:block_count])
    keys = list(weights)
    capacity = math.ceil(residents * PLACES_PER_RESIDENT / block_count)
    caps = tuple((program, math.ceil(share * capacity * CAP_SLACK)) for program, share in PROGRAM_SHARES)
    block_specs = [BlockSpec(key, capacity, caps) for key in keys]
    programs = [program for program, size in program_sizes(residents) for _ in range(size)]
    rng.shuffle(programs)
    pinned = set(rng.sample(range(residents), min(PINS, residents)))
    specs = []
    for n, program in enumerate(programs):
        ranking, observance = (), None
        if rng.random() >= UNRANKED_SHARE:
            order = weighted_ranking(rng, keys, weights)
            ranking = tuple((key, rank) for rank, key in enumerate(order, 1))
            if rng.random() < OBSERVANCE_SHARE:
                observance = keys[0] if rng.random() < 0.6 else order[0]
        specs.append(
            ResidentSpec(
                key=f"resident{n:05d}@example.org",
                program=program,
                ranking=ranking,
                observance=observance,
                has_priority=rng.random() < PRIORITY_SHARE,
                pinned_to=rng.choice(keys) if n in pinned else None,
            )
        )
    return specs, block_specs


def problems_with(
    result: Allocation, residents: list[ResidentSpec], block_specs: list[BlockSpec]
) -> list[str]:
    """What is wrong with an allocation: nothing, when every rule the allocator promises holds."""
    problems = []
    keys = {block.key for block in block_specs}
    if set(result.assignments) != {r.key for r in residents}:
        missing = {r.key for r in residents} - set(result.assignments)
        problems.append(f"{len(missing)} resident(s) not placed, {len(result.assignments)} placements")
    stray = [key for key, block in result.assignments.items() if block not in keys]
    if stray:
        problems.append(f"{stray[0]} placed in a block that does not exist")
    by_key = {r.key: r for r in residents}
    fill = Counter(result.assignments.values())
    per_program = Counter(
        (block, by_key[key].program) for key, block in result.assignments.items() if key in by_key
    )
    for block in block_specs:
        if fill[block.key] > block.capacity:
            problems.append(f"{block.key}: {fill[block.key]} placed for {block.capacity} places")
        for program, cap in block.program_caps:
            if per_program[(block.key, program)] > cap:
                problems.append(
                    f"{block.key}: {per_program[(block.key, program)]} {program} over the cap {cap}"
                )
        if result.fill.get(block.key) != fill[block.key]:
            problems.append(
                f"{block.key}: reported fill {result.fill.get(block.key)}, counted {fill[block.key]}"
            )
    for r in residents:
        if r.pinned_to is not None and result.assignments.get(r.key) != r.pinned_to:
            problems.append(f"{r.key} pinned to {r.pinned_to} but placed in {result.assignments.get(r.key)}")
    cost = sum(by_key[key].cost_of(block) for key, block in result.assignments.items() if key in by_key)
    if cost != result.total_cost:
        problems.append(f"reported total cost {result.total_cost}, counted {cost}")
    return problems


@dataclass
class AllocatorRun:
    size: str
    seconds: list[float]
    cpu_seconds: list[float]  # this process's CPU time, which other processes' load barely changes
    first_choice: float  # share of the residents who ranked that got their first choice, over all runs
    observance: str
    pins: int


def time_allocator(residents: int, block_count: int, seeds: int, failures: list[str]) -> AllocatorRun:
    seconds, cpu_seconds, firsts, ranked, asked, honoured, pins = [], [], 0, 0, 0, 0, 0
    for seed in range(1, seeds + 1):
        specs, block_specs = scenario(residents, block_count, seed)
        began, cpu_began = time.perf_counter(), time.process_time()
        result = allocate(specs, block_specs, seed)
        seconds.append(time.perf_counter() - began)
        cpu_seconds.append(time.process_time() - cpu_began)
        for problem in problems_with(result, specs, block_specs)[:3]:
            failures.append(f"{residents} x {block_count}, seed {seed}: {problem}")
        firsts += result.rank_counts.get(1, 0)
        ranked += len(result.ranks)
        asked += result.observance_requested
        honoured += result.observance_honoured
        pins += sum(1 for r in specs if r.pinned_to)
    return AllocatorRun(
        f"{residents:,} residents x {block_count} blocks",
        seconds,
        cpu_seconds,
        firsts / ranked if ranked else 0.0,
        f"{honoured} of {asked}",
        pins,
    )


# ---- 2. The preview page ------------------------------------------------------------------------


@dataclass
class PageRun:
    database: str
    year: str
    how: str
    residents: int
    kilobytes: float
    first_ms: float
    median_ms: float
    max_ms: float
    median_cpu_ms: float  # in this process: the app and the test client, not PostgreSQL's server


def rankings_csv(rng: random.Random, people: list[Person], keys: list[str]) -> str:
    weights = {key: dict(POPULARITY).get(key, 1.0) for key in keys}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "ranking", "observance"])
    for person in people:
        if rng.random() >= RANKED_SHARE:
            continue
        order = weighted_ranking(rng, keys, weights)
        observance = ""
        if rng.random() < OBSERVANCE_SHARE:
            observance = "high_holidays" if "high_holidays" in keys and rng.random() < 0.6 else order[0]
        writer.writerow([person.email, ";".join(order), observance])
    return out.getvalue()


def rank_and_allocate(year: HolidayYear, how: str) -> str:
    """Allocate the year with seed 1; when nobody has ranked yet, about 90% rank first (a CSV import)."""
    if not any(status.ranked_at for status in preferences.ranking_statuses(year)):
        people = blocks.eligible_residents(year.academic_year)
        text = rankings_csv(random.Random(1), people, [block.key for block in year.blocks])
        imported = preferences.import_preferences(None, year.academic_year, text)
        how += f", {imported} of {len(people)} residents ranked here"
    services.allocate_holiday_blocks(None, year.academic_year, seed=1)
    db.session.commit()
    return f"{how}, allocated here with seed 1"


def years_to_time(today) -> list[tuple[int, str]]:
    """The newest year with a stored allocation (previewed or published) and how it came about.

    When the demo has none, the newest year still collecting with blocks (or else the next academic
    year, set up here) is ranked and allocated. When the newest allocation is published and a year is
    still collecting, that year is allocated too: a preview's page also has a pin form per resident.
    """
    years = db.session.scalars(select(HolidayYear).order_by(HolidayYear.academic_year.desc())).all()
    allocated = [year for year in years if year.status in ("previewed", "published")]
    collecting = [year for year in years if year.status == "collecting" and year.blocks]
    chosen = []
    if allocated:
        chosen.append((allocated[0].academic_year, f"the demo's, {allocated[0].status}"))
    if not allocated or (allocated[0].is_published and collecting):
        if collecting:
            year, how = collecting[0], "the demo's, collecting"
        else:
            year, how = blocks.setup_year(None, academic_year_of(today) + 1, today), "set up here"
        chosen.append((year.academic_year, rank_and_allocate(year, how)))
    return chosen


def load_demo(database_url: str) -> tuple[type, list[tuple[int, str]], float]:
    """Schema and the demo program in the database; returns the app's config, the years to time, seconds."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        ensure_roles()
        ensure_kinds()
        today = program_today(app.config["WELLNESS_TIMEZONE"])
        began = time.perf_counter()
        seed_demo(2026, today)
        db.session.commit()
        demo_seconds = time.perf_counter() - began
        years = years_to_time(today)
        db.session.remove()
        db.engine.dispose()
    return BenchConfig, years, demo_seconds


def time_page(
    database: str, config: type, academic_year: int, how: str, requests: int, failures: list[str]
) -> PageRun:
    """The preview page as the demo coordinator: a fresh app, so the first request compiles the templates."""
    app = create_app(config)
    with app.app_context():
        year = db.session.get(HolidayYear, academic_year)
        label = f"{year.label}, {year.status}"
        names = [
            str(escape(person.sort_name))
            for person in db.session.scalars(
                select(Person).join(Assignment, Assignment.person_id == Person.id)
                .where(Assignment.academic_year == academic_year)
            )
        ]  # fmt: skip
        coordinator = db.session.scalar(select(Person).where(Person.email == "coordinator@example.org"))
        user_id = coordinator.get_id()
        db.session.remove()
    if not names:
        failures.append(f"{database}: the {label} allocation places nobody")

    client = app.test_client()
    with client.session_transaction() as session:  # signed in, as Flask-Login does after a password check
        session["_user_id"] = user_id
        session["_fresh"] = True
    path = f"/holidays/{academic_year}/allocation"
    sizes, cpu = [], []

    def get() -> float:
        began, cpu_began = time.perf_counter(), time.process_time()
        response = client.get(path)
        seconds = time.perf_counter() - began
        cpu.append((time.process_time() - cpu_began) * 1000)
        body = response.get_data(as_text=True)
        sizes.append(len(response.data))
        if response.status_code != 200:
            failures.append(f"{database}: GET {path} answered {response.status_code}")
        else:
            missing = [name for name in names if name not in body]
            if missing:
                failures.append(
                    f"{database}: GET {path} misses {len(missing)} resident(s), e.g. {missing[0]}"
                )
        return seconds * 1000

    first = get()
    times = [get() for _ in range(requests)]
    cpu_ms = statistics.median(cpu[1:])
    with app.app_context():
        db.engine.dispose()
    return PageRun(
        database,
        label,
        how,
        len(names),
        max(sizes) / 1000,
        first,
        statistics.median(times),
        max(times),
        cpu_ms,
    )


def time_pages(
    database: str, database_url: str, requests: int, failures: list[str]
) -> tuple[list[PageRun], float]:
    config, years, demo_seconds = load_demo(database_url)
    return [time_page(database, config, year, how, requests, failures) for year, how in years], demo_seconds


# ---- Main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1000, help="residents in the large allocation")
    parser.add_argument("--blocks", type=int, default=6, help="blocks in the large allocation (at most 6)")
    parser.add_argument("--seeds", type=int, default=5, help="scenarios timed at each size")
    parser.add_argument("--requests", type=int, default=20, help="page requests timed after the first")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to create a scratch database on (SQLite is always measured)",
    )
    options = parser.parse_args()
    if options.seeds < 1 or options.requests < 1:
        parser.error("--seeds and --requests must be at least 1")

    started = time.perf_counter()
    failures: list[str] = []
    runs = [
        time_allocator(options.residents, options.blocks, options.seeds, failures),
        time_allocator(200, 4, options.seeds, failures),
    ]

    pages: list[PageRun] = []
    demo_seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        found, demo_seconds["SQLite"] = time_pages("SQLite", url, options.requests, failures)
        pages += found
    created = scratch_database_or_none(options.database_url, "The PostgreSQL page timing")
    if created is not None:
        database_url, drop = created
        try:
            found, demo_seconds["PostgreSQL"] = time_pages(
                "PostgreSQL", database_url, options.requests, failures
            )
            pages += found
        finally:
            drop()

    print()
    print(
        f"Holiday allocation: {options.seeds} generated scenarios per size, wall time of allocate() "
        f"(Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )
    print()
    print(
        "| allocator | runs | median s | max s | median CPU s | first choice | observances honoured "
        "| pins (all kept) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in runs:
        print(
            f"| {run.size} | {len(run.seconds)} | {statistics.median(run.seconds):.3f} | {max(run.seconds):.3f} "
            f"| {statistics.median(run.cpu_seconds):.3f} | {run.first_choice:.0%} | {run.observance} "
            f"| {run.pins} |"
        )
    print()
    print(
        f"Coordinators' preview page, GET /holidays/<year>/allocation through the Flask test client, "
        f"first request, then {options.requests} more"
    )
    print()
    print("| preview page | year | residents | kB | first ms | median ms | max ms | median CPU ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page in pages:
        print(
            f"| {page.database} | {page.year} | {page.residents} | {page.kilobytes:.0f} | {page.first_ms:.0f} "
            f"| {page.median_ms:.0f} | {page.max_ms:.0f} | {page.median_cpu_ms:.0f} |"
        )
    print("(CPU: this process's, the app and the test client; PostgreSQL's server work is not in it.)")
    print()
    for page in {(page.year, page.how): page for page in pages}.values():
        print(f"{page.year}: {page.how}.")
    print(f"Loading the demo took {', '.join(f'{s:.1f} s on {name}' for name, s in demo_seconds.items())}.")

    median = statistics.median(runs[0].seconds)
    print()
    print("| target | measured | verdict |")
    print("| --- | ---: | --- |")
    print(
        f"| allocator, {runs[0].size}: median target < {TARGET_SECONDS:g} s | {median:.3f} s "
        f"| {'PASS' if median < TARGET_SECONDS else 'FAIL'} |"
    )
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s.")

    sys.stdout.flush()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
