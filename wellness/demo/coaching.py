"""The demo's coaching: most residents paired since they started (a few by override, one re-paired, one
now sharing a field), exclusions, meetings held and coming, and goals. The new intern class is left
unpaired, so the board's suggestion has something to show."""

from datetime import date, datetime, time, timedelta

from ..coaching import matching
from ..coaching.models import Exclusion, Goal, Meeting, Pairing
from ..dates import academic_year_of, local_to_utc
from ..extensions import db
from ..people.models import Person
from .seed import DemoContext, demo_step

TZ = "America/New_York"
PLACES = (
    "Faculty office, Room 4B",
    "Clinic conference room",
    "Coffee at the hospital atrium",
    "Video call: https://meet.example.org/coaching",
    "Walking meeting from the main lobby",
)
OVERRIDES = (
    "Asked for this coach by name after a hard ICU month; their shared field is secondary to the relationship.",
    "The only coach who works in Spanish; the resident asked for coaching in their first language.",
)
EXCLUSIONS = ("Research mentor", "Relative (sister-in-law)", "Supervises their quality-improvement project")
GOALS = (
    ("goal", "Lead a morning report by the end of the year.", True),
    ("reflection", "The family meeting on 7 East went better than I feared. I want to remember why.", False),
    ("goal", "Protect one evening a week for something that is not medicine.", True),
    ("accomplishment", "Presented my case at the regional ACP meeting.", True),
    ("goal", "Decide between hospital medicine and a fellowship by spring.", False),
)


def _fields(person: Person) -> tuple[str, ...]:
    return tuple(f.name for f in person.fields)


def _meeting_at(day: date, hour: int) -> tuple[datetime, datetime]:
    start = local_to_utc(day, time(hour), TZ)
    return start, start + timedelta(hours=1)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@demo_step
def seed_coaching(ctx: DemoContext) -> None:
    rng = ctx.rng_for("coaching")
    today = ctx.today
    residents = [p for p in ctx.people["resident"] if p.pgy_on(today) is not None]
    interns = {p.id for p in residents if p.pgy_on(today) == 1}
    coaches = [p for p in ctx.people["faculty"] if p.coach_capacity]
    jordan = next(p for p in residents if p.email == "resident@example.org")
    dana = next(p for p in coaches if p.email == "faculty@example.org")
    db.session.flush()

    # Exclusions first, so no pairing below breaks one.
    excluded = set()
    for reason in EXCLUSIONS:
        resident, coach = rng.choice(residents), rng.choice(coaches)
        if resident is jordan or coach is dana or (resident.id, coach.id) in excluded:
            continue
        excluded.add((resident.id, coach.id))
        db.session.add(Exclusion(resident_id=resident.id, coach_id=coach.id, reason=reason))

    def start_of(person: Person) -> date:
        return date(person.training_start_year, 7, 1) if person.training_start_year else today

    pairings: list[Pairing] = []
    loads = {coach.id: 0 for coach in coaches}

    def pair(resident: Person, coach: Person, starts_on: date, **extra) -> Pairing:
        pairing = Pairing(resident_id=resident.id, coach_id=coach.id, starts_on=starts_on, **extra)
        db.session.add(pairing)
        loads[coach.id] += 1
        pairings.append(pairing)
        return pairing

    # Jordan Lee is Dana Whitfield's coachee, the pair the README's logins show.
    if not matching.shares_field(_fields(jordan), _fields(dana)):
        pair(jordan, dana, start_of(jordan))

    # Two overrides: a coach who shares a field, for a written reason.
    seniors = [p for p in residents if p.id not in interns]
    rng.shuffle(seniors)
    overridden = []
    for resident in seniors:
        if len(overridden) == len(OVERRIDES):
            break
        if resident is jordan:
            continue
        sharing = [
            c for c in coaches if c is not dana and matching.shares_field(_fields(resident), _fields(c))
        ]
        if sharing and resident.fields:
            coach = rng.choice(sharing)
            if (resident.id, coach.id) not in excluded:
                pair(resident, coach, start_of(resident), override_reason=OVERRIDES[len(overridden)])
                overridden.append(resident.id)

    # Everyone else but the interns, through the matcher, as the coordinators would have done.
    taken = {p.resident_id for p in pairings}
    suggestion = matching.suggest(
        [matching.ResidentSpec(r.id, _fields(r)) for r in seniors if r.id not in taken],
        [matching.CoachSpec(c.id, _fields(c), c.coach_capacity, loads[c.id]) for c in coaches],
        excluded,
        seed=ctx.seed,
    )
    by_id = {p.id: p for p in residents + coaches}
    for resident_id, coach_id in suggestion.pairs:
        pair(by_id[resident_id], by_id[coach_id], start_of(by_id[resident_id]))
    db.session.flush()

    # One resident re-paired when their first coach went on sabbatical; their first pairing is history.
    plain = [p for p in pairings if not p.override_reason and p.resident_id != jordan.id]
    moved = rng.choice(plain)
    first_coach = moved.coach_id
    choices = [
        c
        for c in coaches
        if c.id != first_coach
        and loads[c.id] < c.coach_capacity
        and not matching.shares_field(_fields(by_id[moved.resident_id]), _fields(c))
        and (moved.resident_id, c.id) not in excluded
    ]
    if choices:
        new_coach = rng.choice(choices)
        restart = _weekday(today - timedelta(days=75))
        moved.ends_on, moved.end_reason = restart, "Coach on sabbatical for the rest of the year"
        db.session.flush()
        pair(by_id[moved.resident_id], new_coach, restart)

    # One pairing now shares a field: the resident added an interest after being paired.
    shifting = rng.choice(
        [p for p in pairings if p.is_active and not p.override_reason and by_id[p.coach_id].fields]
    )
    resident = by_id[shifting.resident_id]
    resident.fields = sorted({*resident.fields, by_id[shifting.coach_id].fields[0]}, key=lambda f: f.name)
    db.session.flush()

    _meetings(rng, ctx, [p for p in pairings if p.is_active], jordan, dana)
    _goals(rng, residents, jordan)
    db.session.flush()


def _meetings(rng, ctx: DemoContext, pairings: list[Pairing], jordan: Person, dana: Person) -> None:
    """Meetings held this academic year, and Jordan's and Dana's coming ones."""
    today = ctx.today
    year_start = date(academic_year_of(today), 7, 1)
    for pairing in pairings:
        begun = max(year_start, pairing.starts_on)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            span = (today - begun).days - 1
            if span < 1:
                break
            day = _weekday(begun + timedelta(days=rng.randrange(span)))
            if day >= today:
                continue
            starts_at, ends_at = _meeting_at(day, rng.choice((7, 12, 16, 17)))
            db.session.add(
                Meeting(pairing_id=pairing.id, starts_at=starts_at, ends_at=ends_at, place=rng.choice(PLACES),
                        status="confirmed", proposed_by_id=pairing.resident_id, confirmed_at=starts_at - timedelta(days=3),
                        revision=2, created_at=starts_at - timedelta(days=5), updated_at=starts_at - timedelta(days=3))
            )  # fmt: skip
    mine = next((p for p in pairings if p.resident_id == jordan.id), None)
    if mine is not None:
        stamp = local_to_utc(today - timedelta(days=2), time(15), TZ)
        starts_at, ends_at = _meeting_at(_weekday(today + timedelta(days=6)), 16)
        db.session.add(
            Meeting(pairing_id=mine.id, starts_at=starts_at, ends_at=ends_at, place=PLACES[0], status="confirmed",
                    proposed_by_id=jordan.id, confirmed_at=stamp, revision=2, created_at=stamp, updated_at=stamp)
        )  # fmt: skip
    # A coachee of Dana's proposes a time; it waits for her answer.
    other = next((p for p in pairings if p.coach_id == dana.id and p.resident_id != jordan.id), None)
    if other is not None:
        starts_at, ends_at = _meeting_at(_weekday(today + timedelta(days=9)), 12)
        stamp = local_to_utc(today - timedelta(days=1), time(20), TZ)
        db.session.add(
            Meeting(pairing_id=other.id, starts_at=starts_at, ends_at=ends_at, place=PLACES[3], status="proposed",
                    proposed_by_id=other.resident_id, created_at=stamp, updated_at=stamp)
        )  # fmt: skip


def _goals(rng, residents: list[Person], jordan: Person) -> None:
    """Jordan's goals (shared and private, one achieved), and a few other residents' own."""
    for kind, text, shared in GOALS[:4]:
        achieved = jordan.training_start_year and kind == "accomplishment"
        db.session.add(
            Goal(resident_id=jordan.id, kind=kind, text=text, is_shared=shared,
                 achieved_on=date(jordan.training_start_year + 1, 3, 14) if achieved else None)
        )  # fmt: skip
    for resident in rng.sample(residents, 20):
        if resident is jordan:
            continue
        kind, text, shared = rng.choice(GOALS)
        db.session.add(Goal(resident_id=resident.id, kind=kind, text=text, is_shared=shared))
