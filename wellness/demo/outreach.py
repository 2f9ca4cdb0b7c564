"""The demo's Community Outreach Program: eight projects across the year with shifts, volunteers and hours."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..dates import local_to_utc
from ..events.models import Event, Rsvp
from ..extensions import db
from ..holidays.models import Assignment, HolidayBlock, HolidayYear
from ..outreach.models import ExtraHours, Project, RaceEntry, Shift, ShiftSignup
from ..people.models import Person
from .seed import DemoContext, demo_step

TZ = "America/New_York"


@dataclass(frozen=True)
class Plan:
    title: str
    kind: str
    partner: str
    address: str
    months: tuple[int, ...]  # months of the academic year with a shift day
    weekday: int  # 0 = Monday
    week: int  # the nth such weekday of the month
    shifts: tuple[tuple[str, str, str, int], ...]  # role, start, end, slots
    description: str


PLANS = (
    Plan(
        "Dinner at Harbor Light Family Shelter",
        "meal_service",
        "Harbor Light Family Shelter",
        "407 Shawmut Ave, Boston",
        (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6),
        1,
        2,
        (("Prep", "16:00", "17:30", 4), ("Serving", "17:30", "19:30", 4)),
        "Cook and serve dinner for about 60 guests, most of them families. Closed-toe shoes; hair tied back.",
    ),
    Plan(
        "Breakfast at Cityside Women's Shelter",
        "meal_service",
        "Cityside Women's Shelter",
        "12 Dudley St, Roxbury, MA",
        (8, 10, 12, 2, 4, 6),
        5,
        4,
        (("Cooking", "07:00", "08:30", 3), ("Serving", "08:30", "10:00", 3)),
        "Prepare and serve a hot breakfast. Coffee for the volunteers is on us.",
    ),
    Plan(
        "Winter coat drive",
        "drive",
        "Boston Warm Coats",
        "180 Dudley St, Roxbury, MA",
        (11,),
        5,
        1,
        (("Sorting and sizing", "10:00", "13:00", 6),),
        "Collect coats in the residents' lounge all November; sort and deliver them on the last Saturday.",
    ),
    Plan(
        "Holiday toy drive",
        "drive",
        "Franklin Park Family Center",
        "30 Seaver St, Boston",
        (12,),
        5,
        2,
        (("Wrapping", "13:00", "16:00", 6),),
        "Wrap donated toys for 80 families.",
    ),
    Plan(
        "Fall bake-off for the free clinic",
        "fundraiser",
        "Community Free Clinic",
        "55 Dimock St, Roxbury, MA",
        (10,),
        2,
        2,
        (("Bake table", "11:00", "14:00", 4),),
        "Bake something or staff the table; every dollar funds the clinic's medications.",
    ),
    Plan(
        "Doctors' Dash 5K for the free clinic",
        "race",
        "Community Free Clinic",
        "Franklin Park, Boston",
        (4,),
        5,
        3,
        (("Registration", "07:00", "08:30", 4), ("Water station", "08:30", "10:30", 4)),
        "Run as the residency team, or volunteer at registration and the water station.",
    ),
    Plan(
        "Spring clean-up of Ramsay Park",
        "other",
        "Friends of Ramsay Park",
        "Ramsay Park, Boston",
        (5,),
        5,
        1,
        (("Clean-up crew", "09:00", "12:00", 8),),
        "Gloves and bags provided; lunch after.",
    ),
    Plan(
        "Habitat for Humanity build day",
        "other",
        "Habitat for Humanity Greater Boston",
        "15 Kearsarge Ave, Roxbury, MA",
        (3,),
        5,
        3,
        (("Build crew", "08:00", "15:00", 6),),
        "No experience needed; wear work clothes and closed-toe shoes.",
    ),
)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _busy(person_ids: list[int]) -> dict[int, list[tuple]]:
    """Each person's times taken by events they are going to and by their published holiday block, so demo
    volunteers have no clashes."""
    busy: dict[int, list[tuple]] = {person_id: [] for person_id in person_ids}
    for person_id, starts_at, ends_at in db.session.execute(
        select(Rsvp.person_id, Event.starts_at, Event.ends_at)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.response == "going", Event.status == "published")
    ):
        if person_id in busy:
            busy[person_id].append((starts_at, ends_at))
    for person_id, first_day, last_day in db.session.execute(
        select(Assignment.person_id, HolidayBlock.starts_on, HolidayBlock.ends_on)
        .join(HolidayBlock, HolidayBlock.id == Assignment.block_id)
        .join(HolidayYear, HolidayYear.academic_year == Assignment.academic_year)
        .where(HolidayYear.status == "published")
    ):
        if person_id in busy:
            off = (
                local_to_utc(first_day, time(), TZ),
                local_to_utc(last_day + timedelta(days=1), time(), TZ),
            )
            busy[person_id].append(off)
    return busy


@demo_step
def seed_outreach(ctx: DemoContext) -> None:
    """Eight approved projects with shifts; past shifts have confirmed hours, coming ones open slots."""
    rng, today = ctx.rng_for("outreach"), ctx.today
    year = today.year if today.month >= 7 else today.year - 1
    coordinator = next(p for p in ctx.people["coordinator"] if p.email == "coordinator@example.org")
    residents = sorted((p for p in ctx.people["resident"] if p.is_active), key=lambda p: p.id)
    demo_resident = next(p for p in residents if p.email == "resident@example.org")
    busy = _busy([p.id for p in residents])
    now = local_to_utc(today, time(12), TZ)
    for n, plan in enumerate(PLANS):
        days = [_nth_weekday(year + (m < 7), m, plan.weekday, plan.week) for m in plan.months]
        leads = rng.sample(residents, 2)
        project = Project(
            title=plan.title, kind=plan.kind, partner_name=plan.partner, partner_address=plan.address,
            starts_on=date(year, 7, 1) if len(days) > 1 else days[0] - timedelta(days=21 if plan.kind == "drive" else 0),
            ends_on=days[-1], description=plan.description, status="approved", proposed_by_id=leads[0].id,
            decided_by_id=coordinator.id, decided_at=local_to_utc(date(year, 6, 20), time(9), TZ),
            created_at=local_to_utc(date(year, 6, 15), time(9), TZ), updated_at=local_to_utc(date(year, 6, 20), time(9), TZ),
        )  # fmt: skip
        project.organisers = leads
        db.session.add(project)
        for day in days:
            for role, start, end, slots in plan.shifts:
                shift = Shift(project=project, role=role, slots=slots,
                              starts_at=local_to_utc(day, time.fromisoformat(start), TZ),
                              ends_at=local_to_utc(day, time.fromisoformat(end), TZ))  # fmt: skip
                db.session.add(shift)
                db.session.flush()
                _volunteer(rng, shift, project, residents, busy, now, demo_resident if n == 0 else None)
        if plan.kind == "fundraiser" and days[-1] < today:
            project.amount_raised = Decimal("2315.00")
        if plan.kind == "race":
            for runner in rng.sample(residents, 12):
                db.session.add(
                    RaceEntry(project_id=project.id, person_id=runner.id, team="Residency Runners")
                )
            db.session.add(RaceEntry(project_id=project.id, name="Dr. Ana Lopez", team="Faculty Flyers"))
    _proposal(ctx, demo_resident, year)
    db.session.flush()


def _volunteer(rng, shift: Shift, project: Project, residents, busy, now, regular: Person | None) -> None:
    """Fill a shift: past ones mostly full with confirmed attendance, coming ones partly."""
    past = shift.ends_at <= now
    wanted = shift.slots if past else rng.randint(0, shift.slots)
    chosen = [regular] if regular and rng.random() < 0.5 else []
    for person in rng.sample(residents, min(len(residents), 4 * shift.slots)):
        if len(chosen) >= wanted:
            break
        if person in chosen or any(s < shift.ends_at and shift.starts_at < e for s, e in busy[person.id]):
            continue
        chosen.append(person)
    signed = shift.starts_at - timedelta(days=rng.randint(2, 20))
    for person in chosen[: shift.slots]:
        busy[person.id].append((shift.starts_at, shift.ends_at))
        signup = ShiftSignup(shift_id=shift.id, person_id=person.id, signed_up_at=signed)
        if past:
            signup.attended = rng.random() < 0.9
            signup.confirmed_by_id, signup.confirmed_at = (
                project.organisers[0].id,
                shift.ends_at + timedelta(hours=2),
            )
        elif rng.random() < 0.1:
            signup.offered_at = now - timedelta(days=1)
        db.session.add(signup)
        db.session.flush()
        if past and signup.attended and rng.random() < 0.15:
            status = "approved" if rng.random() < 0.7 else "pending"
            db.session.add(ExtraHours(signup_id=signup.id, hours=Decimal("1.00"), note="Stayed to clean up",
                                      status=status, created_at=shift.ends_at + timedelta(days=1)))  # fmt: skip


def _proposal(ctx: DemoContext, resident: Person, year: int) -> None:
    """Jordan Lee's own proposal, waiting for a coordinator's decision."""
    day = ctx.today + timedelta(days=40)
    project = Project(
        title="Health fair at the Roxbury YMCA", kind="other", partner_name="Roxbury YMCA",
        partner_address="285 Martin Luther King Jr Blvd, Roxbury, MA", starts_on=day, ends_on=day,
        description="Blood pressure checks and flu-shot sign-ups for the neighbourhood.",
        status="proposed", proposed_by_id=resident.id,
    )  # fmt: skip
    project.organisers = [resident]
    db.session.add(project)
