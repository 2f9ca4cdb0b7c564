"""Coaching suggestions: the pure matcher at scale, and the coordinators' suggestion read from a database.

Run from the repository root:  .venv/bin/python bench/coaching.py [--residents N] [--coaches N] [--seeds N]

1. The matcher (wellness.coaching.matching.suggest, one exact assignment over the coaches' free places)
   on generated programs of --residents unpaired residents (default 400) and --coaches coaches (default
   120), and on a July intern class, 60 residents x 40 coaches. Fields of interest come from twelve,
   weighted as a department's are (primary care, cardiology and hospital medicine most often). Residents
   have one to three fields; coaches have one, a fifth of them two, and a third of the coaches' fields are
   written capitalised, as a roster may have them. Capacities are 3 to 6; half the coaches already have
   coachees (one coach in forty more than the capacity now allows), 5% of residents had a coach before
   and there are 40 exclusions (6 at the small size). Each of --seeds scenarios (default 5) is generated
   from its own seed and suggested with it. The script checks every answer (each resident answered once,
   the rule, the exclusions and the places kept, loads and the sum of squares right, as many paired as a
   maximum flow through networkx allows, and nobody left out while a coach they may have has a place)
   and prints the median and the slowest wall time and CPU time. Target: median under 2 s at the full size.
2. services.suggest_pairings, as the coordinators' board and `flask coaching suggest` call it, on a
   scratch SQLite file and, when a server is reachable at --database-url (default: BENCH_DATABASE_URL,
   then TEST_DATABASE_URL, then postgresql+psycopg://postgres@127.0.0.1:5432/postgres), on a scratch
   PostgreSQL database that is dropped afterwards. Each holds the first scenario of each size: the people
   with their roles and fields, an active pairing (with a resident of its own) for each existing coachee,
   an ended pairing for each previous coach, and the exclusions. Each call gets a fresh app context, and
   so a fresh session, as a request has; the first is timed apart from the next --requests (default 5).
   The answer must pair as many, with the same sum of squares and previous coaches, as the pure run.

It exits 1 when an answer is wrong, never because a target was missed: timings depend on the machine.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Python puts the script's folder first on the path, where bench/holidays.py would shadow the `holidays`
# package that wellness.holidays.dates imports; the repository root takes its place.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import networkx as nx  # noqa: E402
from sqlalchemy import event  # noqa: E402

from tests.serving import scratch_database_or_none  # noqa: E402
from wellness import create_app  # noqa: E402
from wellness.coaching import services  # noqa: E402
from wellness.coaching.matching import CoachSpec, ResidentSpec, Suggestion, suggest  # noqa: E402
from wellness.coaching.models import Exclusion, Pairing  # noqa: E402
from wellness.config import TestConfig  # noqa: E402
from wellness.dates import academic_year_of, program_today  # noqa: E402
from wellness.extensions import db  # noqa: E402
from wellness.people.models import Person  # noqa: E402
from wellness.people.services import ensure_roles, resolve_fields  # noqa: E402

TARGET_SECONDS = 2.0  # median suggestion time at the full size

# Fields of interest, with how often a resident or a coach names each.
FIELD_WEIGHTS = (
    ("primary care", 3.0),
    ("cardiology", 2.5),
    ("hospital medicine", 2.0),
    ("pulmonary and critical care", 1.5),
    ("oncology", 1.5),
    ("medical education", 1.2),
    ("gastroenterology", 1.2),
    ("global health", 1.0),
    ("infectious diseases", 0.9),
    ("health policy", 0.8),
    ("nephrology", 0.6),
    ("geriatrics", 0.5),
)
RESIDENT_FIELD_COUNTS = ((1, 0.4), (2, 0.4), (3, 0.2))
TWO_FIELD_COACHES = 0.2
CAPITALISED = 1 / 3  # coaches' field names written "Cardiology" rather than "cardiology"
CAPACITIES = (3, 6)
LOADED_COACHES = 0.5  # coaches who already have coachees
OVER_CAPACITY = 1 / 40  # coaches with more coachees than their capacity now allows
PREVIOUS_SHARE = 0.05  # residents who had a coach before
EXCLUSIONS_PER_RESIDENT = 0.1  # 40 for 400 residents
SIZES = ((60, 40, "a July intern class"),)


# ---- 1. The pure matcher ------------------------------------------------------------------------


def some_fields(rng: random.Random, count: int) -> list[str]:
    """`count` different fields, drawn by weight."""
    names, weights = zip(*FIELD_WEIGHTS, strict=True)
    chosen: list[str] = []
    while len(chosen) < count:
        name = rng.choices(names, weights=weights)[0]
        if name not in chosen:
            chosen.append(name)
    return chosen


@dataclass
class Scenario:
    residents: list[ResidentSpec]
    coaches: list[CoachSpec]
    exclusions: list[tuple[int, int]]


def scenario(residents: int, coaches: int, seed: int) -> Scenario:
    """A generated program: coaches ids 1..coaches, residents after them; see the module's docstring."""
    rng = random.Random(seed)
    coach_specs = []
    for n in range(1, coaches + 1):
        fields = some_fields(rng, 2 if rng.random() < TWO_FIELD_COACHES else 1)
        fields = [name.capitalize() if rng.random() < CAPITALISED else name for name in fields]
        capacity = rng.randint(*CAPACITIES)
        load = 0
        if rng.random() < OVER_CAPACITY:
            load = capacity + 1
        elif rng.random() < LOADED_COACHES:
            load = rng.randint(1, capacity - 1)
        coach_specs.append(CoachSpec(n, tuple(fields), capacity, load))
    counts, count_weights = zip(*RESIDENT_FIELD_COUNTS, strict=True)
    resident_specs = []
    for n in range(coaches + 1, coaches + residents + 1):
        fields = some_fields(rng, rng.choices(counts, weights=count_weights)[0])
        previous = frozenset({rng.randint(1, coaches)}) if rng.random() < PREVIOUS_SHARE else frozenset()
        resident_specs.append(ResidentSpec(n, tuple(fields), previous))
    every_pair = [(r.id, c.id) for r in resident_specs for c in coach_specs]
    exclusions = sorted(rng.sample(every_pair, round(residents * EXCLUSIONS_PER_RESIDENT)))
    return Scenario(resident_specs, coach_specs, exclusions)


def allowed(r: ResidentSpec, c: CoachSpec, exclusions: set[tuple[int, int]]) -> bool:
    """The rule, read here apart from the matcher: no field in common (ignoring case), not excluded."""
    mine = {name.strip().lower() for name in r.fields}
    return not mine & {name.strip().lower() for name in c.fields} and (r.id, c.id) not in exclusions


def most_pairable(s: Scenario) -> int:
    """The size of a maximum pairing: a maximum flow from residents (1 each) to coaches (their places)."""
    excluded = set(s.exclusions)
    graph = nx.DiGraph()
    for r in s.residents:
        graph.add_edge("source", ("resident", r.id), capacity=1)
        for c in s.coaches:
            if allowed(r, c, excluded):
                graph.add_edge(("resident", r.id), ("coach", c.id), capacity=1)
    for c in s.coaches:
        graph.add_edge(("coach", c.id), "sink", capacity=c.free)
    return nx.maximum_flow_value(graph, "source", "sink")


def given_again(result: Suggestion, s: Scenario) -> int:
    previous = {r.id: r.previous_coaches for r in s.residents}
    return sum(1 for r, c in result.pairs if c in previous[r])


def problems_with(result: Suggestion, s: Scenario, most: int) -> list[str]:
    """What is wrong with a suggestion: nothing, when every promise the matcher makes holds."""
    problems = []
    excluded = set(s.exclusions)
    residents = {r.id: r for r in s.residents}
    coaches = {c.id: c for c in s.coaches}
    answered = [r for r, _ in result.pairs] + [u.resident_id for u in result.unpaired]
    if sorted(answered) != sorted(residents):
        problems.append(f"{len(answered)} answers for {len(residents)} residents")
    for r, c in result.pairs:
        if r not in residents or c not in coaches or not allowed(residents[r], coaches[c], excluded):
            problems.append(f"resident {r} paired with coach {c}, which the rule or an exclusion forbids")
    count = Counter(c for _, c in result.pairs)
    for c in s.coaches:
        if count[c.id] > c.free:
            problems.append(f"coach {c.id}: {count[c.id]} new coachees for {c.free} free places")
    if result.loads != {c.id: c.load + count[c.id] for c in s.coaches}:
        problems.append("the loads are not the existing coachees plus the suggested ones")
    if result.sum_of_squares != sum((c.load + count[c.id]) ** 2 for c in s.coaches):
        problems.append("the sum of squared loads does not add up")
    if len(result.pairs) != most:
        problems.append(f"{len(result.pairs)} paired where a maximum flow pairs {most}")
    for left_out in result.unpaired:
        r = residents.get(left_out.resident_id)
        free = [c for c in s.coaches if r and allowed(r, c, excluded) and result.loads[c.id] < c.capacity]
        if free:
            problems.append(f"resident {left_out.resident_id} left out while coach {free[0].id} has a place")
    return problems


@dataclass
class MatcherRun:
    size: str
    seconds: list[float]
    cpu_seconds: list[float]  # this process's CPU time, which other processes' load barely changes
    paired: list[int]
    unpaired: list[int]
    sums_of_squares: list[int]
    again: list[int]  # residents suggested a coach they had before
    previous: list[int]  # residents who had a coach before
    places: list[int]  # free places before the suggestion, over all coaches


def time_matcher(residents: int, coaches: int, seeds: int, failures: list[str]) -> MatcherRun:
    run = MatcherRun(f"{residents} residents x {coaches} coaches", [], [], [], [], [], [], [], [])
    for seed in range(1, seeds + 1):
        s = scenario(residents, coaches, seed)
        began, cpu_began = time.perf_counter(), time.process_time()
        result = suggest(s.residents, s.coaches, s.exclusions, seed)
        run.seconds.append(time.perf_counter() - began)
        run.cpu_seconds.append(time.process_time() - cpu_began)
        for problem in problems_with(result, s, most_pairable(s))[:3]:
            failures.append(f"{run.size}, seed {seed}: {problem}")
        run.paired.append(len(result.pairs))
        run.unpaired.append(len(result.unpaired))
        run.sums_of_squares.append(result.sum_of_squares)
        run.again.append(given_again(result, s))
        run.previous.append(sum(1 for r in s.residents if r.previous_coaches))
        run.places.append(sum(c.free for c in s.coaches))
    return run


def span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


# ---- 2. The service, from a database ------------------------------------------------------------


@dataclass
class ServiceRun:
    database: str
    size: str
    first_s: float
    median_s: float
    max_s: float
    median_cpu_s: float  # in this process: the app, not PostgreSQL's server
    statements: int


def fill(s: Scenario, today) -> dict[str, int]:
    """The scenario as rows: coaches, unpaired residents, a resident of its own for each existing coachee
    (an active pairing), an ended pairing for each previous coach, and the exclusions."""
    roles = ensure_roles()
    fields = {field.name.lower(): field for field in resolve_fields(name for name, _ in FIELD_WEIGHTS)}
    year = academic_year_of(today)
    rng = random.Random(len(s.residents))

    def person(kind: str, n: int, names, **extra) -> Person:
        return Person(
            email=f"{kind}{n}@example.org",
            first_name=f"{kind.capitalize()}{n}",
            last_name=f"Bench{n:04d}",
            roles=[roles[kind]],
            fields=[fields[name.lower()] for name in names],
            **extra,
        )

    def resident(n: int, names=()) -> Person:
        program = rng.choice(("categorical", "primary_care"))
        return person("resident", n, names, program=program, training_start_year=year - rng.randint(0, 2))

    coaches = {c.id: person("faculty", c.id, c.fields, coach_capacity=c.capacity) for c in s.coaches}
    residents = {r.id: resident(r.id, r.fields) for r in s.residents}
    db.session.add_all([*coaches.values(), *residents.values()])
    n = max(residents, default=0)
    for c in s.coaches:
        for _ in range(c.load):
            n += 1
            coachee = resident(n, some_fields(rng, 1))
            db.session.add(coachee)
            db.session.add(
                Pairing(resident=coachee, coach=coaches[c.id], starts_on=today - timedelta(days=120))
            )
    for r in s.residents:
        for coach_id in r.previous_coaches:
            db.session.add(
                Pairing(
                    resident=residents[r.id],
                    coach=coaches[coach_id],
                    starts_on=today - timedelta(days=400),
                    ends_on=today - timedelta(days=30),
                    end_reason="The coach went on leave.",
                )
            )
    for resident_id, coach_id in s.exclusions:
        db.session.add(
            Exclusion(resident=residents[resident_id], coach=coaches[coach_id], reason="Research mentor.")
        )
    db.session.flush()
    return {spec_id: row.id for spec_id, row in [*coaches.items(), *residents.items()]}


def time_service(
    database: str, database_url: str, sizes: list[tuple[int, int]], requests: int, failures: list[str]
) -> list[ServiceRun]:
    """Each size's first scenario in a fresh schema, then suggest_pairings timed, each call in its own
    app context (and so its own session), as a request is."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    statements = []

    def count(*_) -> None:
        statements.append(1)

    runs = []
    for residents, coaches in sizes:
        s = scenario(residents, coaches, 1)
        expected = suggest(s.residents, s.coaches, s.exclusions, 1)
        with app.app_context():
            db.drop_all()
            db.create_all()
            today = program_today(app.config["WELLNESS_TIMEZONE"])
            ids = fill(s, today)
            db.session.commit()
            db.session.remove()
            event.listen(db.engine, "before_cursor_execute", count)
        seconds, cpu, per_call = [], [], []
        for _ in range(requests + 1):
            with app.app_context():
                statements.clear()
                began, cpu_began = time.perf_counter(), time.process_time()
                view = services.suggest_pairings(today, 1)
                seconds.append(time.perf_counter() - began)
                cpu.append(time.process_time() - cpu_began)
                per_call.append(len(statements))
                db.session.remove()
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)

        size = f"{residents} residents x {coaches} coaches"
        got = view.suggestion
        previous = {ids[r.id]: {ids[c] for c in r.previous_coaches} for r in s.residents}
        again = sum(1 for r, c in got.pairs if c in previous.get(r, ()))
        want = (
            len(expected.pairs),
            len(expected.unpaired),
            expected.sum_of_squares,
            given_again(expected, s),
        )
        found = (len(got.pairs), len(got.unpaired), got.sum_of_squares, again)
        if found != want:
            failures.append(
                f"{database}, {size}: suggest_pairings gave (paired, unpaired, sum of squares, previous "
                f"coaches) {found}, the pure matcher {want}"
            )
        runs.append(
            ServiceRun(
                database,
                size,
                seconds[0],
                statistics.median(seconds[1:]),
                max(seconds[1:]),
                statistics.median(cpu[1:]),
                max(per_call),
            )
        )
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return runs


# ---- Main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=400, help="unpaired residents at the full size")
    parser.add_argument("--coaches", type=int, default=120, help="coaches at the full size")
    parser.add_argument("--seeds", type=int, default=5, help="scenarios timed at each size")
    parser.add_argument("--requests", type=int, default=5, help="service calls timed after the first")
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
    sizes = [(options.residents, options.coaches), *((r, c) for r, c, _ in SIZES)]
    runs = [time_matcher(residents, coaches, options.seeds, failures) for residents, coaches in sizes]

    services_runs: list[ServiceRun] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        services_runs += time_service("SQLite", url, sizes, options.requests, failures)
    created = scratch_database_or_none(options.database_url, "The PostgreSQL service timing")
    if created is not None:
        database_url, drop = created
        try:
            services_runs += time_service("PostgreSQL", database_url, sizes, options.requests, failures)
        finally:
            drop()

    print()
    print(
        f"Coaching suggestions: {options.seeds} generated scenarios per size, suggest() "
        f"(Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )
    print()
    print(
        "| matcher | runs | median s | max s | median CPU s | max CPU s | free places | paired | unpaired "
        "| sum of squared loads | previous coach again |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in runs:
        print(
            f"| {run.size} | {len(run.seconds)} | {statistics.median(run.seconds):.3f} | {max(run.seconds):.3f} "
            f"| {statistics.median(run.cpu_seconds):.3f} | {max(run.cpu_seconds):.3f} | {span(run.places)} "
            f"| {span(run.paired)} "
            f"| {span(run.unpaired)} | {span(run.sums_of_squares)} "
            f"| {span(run.again)} of {span(run.previous)} |"
        )
    print()
    print(
        f"services.suggest_pairings on the first scenario of each size, a fresh session per call, "
        f"first call, then {options.requests} more"
    )
    print()
    print("| service | size | first s | median s | max s | median CPU s | SQL statements |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for run in services_runs:
        print(
            f"| {run.database} | {run.size} | {run.first_s:.3f} | {run.median_s:.3f} | {run.max_s:.3f} "
            f"| {run.median_cpu_s:.3f} | {run.statements} |"
        )
    print("(CPU: this process's; PostgreSQL's server work is not in it.)")

    median = statistics.median(runs[0].seconds)
    print()
    print("| target | measured | verdict |")
    print("| --- | ---: | --- |")
    print(
        f"| matcher, {runs[0].size}: median target < {TARGET_SECONDS:g} s | {median:.3f} s "
        f"| {'PASS' if median < TARGET_SECONDS else 'FAIL'} |"
    )
    print()
    print(f"Whole run: {time.perf_counter() - started:.0f} s.")
    if failures:
        print()
        print("WRONG ANSWERS:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
