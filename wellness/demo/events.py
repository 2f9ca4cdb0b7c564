"""The demo's year of events: the groups, every kind of event, RSVPs with waitlists, and check-ins.

Events cover the academic year holding the demo date (1 July to 30 June). A few are placed relative
to that date instead, so whatever the date there are past events with check-ins, full upcoming events
with waitlists, and the demo resident (resident@example.org) is going to one and waiting for another.
RSVP rows are written in bulk, following the seat rule of wellness.events.waitlist: requests are
served in arrival order, going takes 1 + guests seats while they fit, later ones wait.
"""

from datetime import date, timedelta

from sqlalchemy import insert

from ..calendar.versions import ALL_PEOPLE, touch
from ..dates import local_date
from ..events.audience import in_audience
from ..events.groups import ensure_kinds
from ..events.models import Event, Group, Rsvp
from ..extensions import db
from ..people.models import Person
from .community_events import plan_outreach, plan_social, plan_wellness
from .event_plans import (
    AUDITORIUM,
    FRI,
    LOUNGE,
    RESTAURANTS,
    SAT,
    THU,
    TUE,
    WED,
    Plan,
    Year,
    before_day,
    bullet_list,
    next_day,
)
from .program_events import plan_celebrations_and_retreats, plan_other, plan_sgim_and_education
from .seed import DemoContext, demo_step


def make_groups(year: Year) -> dict[str, Group]:
    """The coordinators' lists: parents, women in medicine, outreach leads and chief residents.

    Membership is a plausible random pick among residents of the right level (and, for women in
    medicine, some faculty); nothing is inferred from names.
    """
    rng, residents = year.rng, [p for p in year.residents if p not in (year.resident, year.chief)]
    today = year.ctx.today
    seniors = [p for p in residents if (year.pgy(p, today) or 0) >= 2]
    third_years = [p for p in residents if year.pgy(p, today) == 3 and p.program == "categorical"]
    members = {
        "Resident parents": [year.resident, *rng.sample(seniors, 15), *rng.sample(residents, 2)],
        "Women in medicine": rng.sample(residents, 48) + rng.sample(year.faculty, 9),
        "Outreach leads": rng.sample(seniors, 8),
        "Chief residents": [year.chief, *rng.sample(third_years, 3)],
    }
    descriptions = {
        "Resident parents": "Residents with children: family events, get-togethers and advice swaps.",
        "Women in medicine": "Dinners, workshops and mentoring for women residents and faculty.",
        "Outreach leads": "Residents who found and run the Community Outreach Program projects.",
        "Chief residents": "This year's chief residents.",
    }
    created = year.at(date(year.academic_year, 6, 10), 10)
    groups = {}
    for name, people in members.items():
        group = Group(name=name, description=descriptions[name], created_at=created)
        group.members = sorted(set(people), key=lambda p: p.id)
        groups[name] = group
    db.session.add_all(groups.values())
    return groups


def plan_around_today(year: Year, groups: dict[str, Group]) -> None:
    """Events placed relative to the demo date, so every demo shows the same situations."""
    add, rng, today, me = year.add, year.rng, year.ctx.today, year.resident
    chiefs = groups["Chief residents"].members
    add(
        "social",
        "Game night in the residents' lounge",
        before_day(today - timedelta(days=9), THU),
        (18, 21),
        interest=0.15,
        location=LOUNGE,
        organisers=chiefs[:2],
        lead_days=14,
        description="Board games, pizza and the good couch.\n\n" + bullet_list("Codenames tournament at 7"),
    )
    add(
        "wellness",
        "Coffee with the chiefs",
        before_day(today - timedelta(days=4), FRI),
        (7.5, 8.5),
        interest=0.12,
        location=LOUNGE,
        organisers=chiefs,
        lead_days=10,
        description="Real coffee, pastries, and a chance to tell the chiefs what is not working.\n\n"
        + bullet_list("No agenda", "Bring your ideas"),
    )
    mentor = rng.choice(year.faculty)
    add(
        "social",
        "Mentoring dinner: building a career in primary care",
        next_day(today + timedelta(days=8), WED),
        (18, 20.5),
        programs=("primary_care",),
        capacity=12,
        is_full=True,
        who="anyone",
        organisers=[mentor, year.chief],
        location=rng.choice(RESTAURANTS),
        lead_days=21,
        forced={me.id: ("waitlisted", 0)},
        description=f"Dinner with {year.doctor(mentor)} and primary care faculty who built their careers "
        "in community health centers.\n\n"
        + bullet_list(
            "Twelve seats: join the waitlist if it is full", "Questions about jobs and loan repayment welcome"
        ),
    )
    add(
        "wellness",
        "Cooking class: fast weeknight dinners",
        next_day(today + timedelta(days=12), THU),
        (18, 20.5),
        capacity=16,
        is_full=True,
        forced={me.id: ("going", 0)},
        lead_days=21,
        location="Copper Pot Cooking Studio, 58 Berkeley St, Boston",
        description="Three dinners you can make in 20 minutes after a long day, then eat together.\n\n"
        + bullet_list("All ingredients provided", "Tell us about allergies when you RSVP"),
    )
    add(
        "social",
        "Resident families' barbecue",
        next_day(today + timedelta(days=10), SAT, (5, 6, 7, 8, 9)),
        (12, 15),
        groups=(groups["Resident parents"],),
        capacity=36,
        max_guests=4,
        is_full=True,
        forced={me.id: ("going", 2)},
        organisers=[year.coordinator, year.chief],
        lead_days=35,
        location="Larz Anderson Park, picnic shelter, 23 Newton St, Brookline, MA",
        description="A child-friendly barbecue for resident parents and their families.\n\n"
        + bullet_list(
            "Up to four guests each: partners and kids",
            "Bubbles, chalk and a bounce house",
            "Halal and vegetarian grill",
        ),
    )
    add(
        "wellness",
        "Wellness fair",
        next_day(today + timedelta(days=35), WED),
        (11, 14),
        status="draft",
        who="anyone",
        location=AUDITORIUM,
        description="Draft: vendors still to confirm.\n\n"
        + bullet_list("Flu shots", "Financial wellness table"),
    )
    add(
        "other",
        "Advocacy day: housing is health",
        next_day(today + timedelta(days=50), TUE),
        (9, 13),
        status="draft",
        location="Massachusetts State House, 24 Beacon St, Boston",
        description="Draft: waiting for the coalition's schedule.\n\n"
        + bullet_list("Clinic coverage to arrange"),
    )
    add(
        "social",
        "Escape room night",
        before_day(today - timedelta(days=17), FRI),
        (19, 21),
        capacity=24,
        status="cancelled",
        interest=0.15,
        location="Puzzle Vault, 60 State St, Boston",
        description="Cancelled: the venue closed for repairs.\n\n" + bullet_list("Teams of six"),
    )
    add(
        "social",
        "Pottery painting night",
        next_day(today + timedelta(days=22), THU),
        (18.5, 20.5),
        capacity=20,
        status="cancelled",
        interest=0.1,
        location="Color Me Mine, 145 Newbury St, Boston",
        description="Cancelled: the studio double-booked the evening. We will find another date.\n\n"
        + bullet_list("Mugs, plates and tiles"),
    )


def make_event(year: Year, plan: Plan, kinds) -> Event:
    rng, now = year.rng, year.now
    ahead = timedelta(days=plan.lead_days + rng.randint(0, 7), hours=rng.randint(0, 6))
    published = min(plan.starts_at - ahead, now - timedelta(days=rng.randint(1, 14), hours=rng.randint(1, 8)))
    created = published - timedelta(hours=rng.randint(2, 72))
    cancelled = None
    if plan.status == "draft":
        created = now - timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 8))
        published = None
    elif plan.status == "cancelled":
        cancelled = max(
            min(plan.starts_at - timedelta(days=2), now - timedelta(days=1)), published + timedelta(hours=1)
        )
    return Event(
        kind=kinds[plan.kind],
        title=plan.title,
        description=plan.description,
        location=plan.location,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        is_all_day=plan.is_all_day,
        status=plan.status,
        capacity=plan.capacity,
        has_waitlist=plan.has_waitlist,
        rsvp_closes_at=plan.starts_at - plan.rsvp_closes_before if plan.rsvp_closes_before else None,
        allows_guests=plan.max_guests > 0,
        max_guests=plan.max_guests,
        is_for_everyone=not (plan.programs or plan.levels or plan.groups),
        audience_programs=",".join(sorted(plan.programs)),
        audience_levels=",".join(str(level) for level in sorted(plan.levels)),
        groups=list(plan.groups),
        organisers=list(plan.organisers),
        revision=2 if cancelled else 1,  # the cancellation is the one change a subscribed calendar saw
        created_by_id=year.coordinator.id,
        created_at=created,
        published_at=published,
        updated_at=cancelled or published or created,
        cancelled_at=cancelled,
    )


def answers_of_audience(
    year: Year, plan: Plan, event: Event, member_groups: dict[int, set[int]]
) -> list[dict]:
    """The RSVP rows of one event, as people in its audience would have answered it over time.

    Going requests are served in arrival order by the seat rule; someone whose party no longer
    fits but finds seats free comes with fewer guests. Past events where check-in is used get
    most of the people going checked in, so some are no-shows.
    """
    if plan.status == "draft":
        return []
    rng, day = year.rng, local_date(event.starts_at, year.tz)
    opens = event.published_at
    closes = min(
        event.starts_at, event.rsvp_closes_at or event.starts_at, event.cancelled_at or year.now, year.now
    )
    if closes <= opens:
        return []
    pool = [
        person
        for person in year.everyone
        if person.id not in plan.forced
        and answers_for(year, plan, person, day)
        and in_audience(event, person, member_groups.get(person.id, set()), day)
    ]
    rng.shuffle(pool)
    progress = 1.0 if event.starts_at <= closes else ((closes - opens) / (event.starts_at - opens)) ** 0.5
    wanted = (
        len(pool) if plan.is_full else round(len(pool) * plan.interest * rng.uniform(0.8, 1.2) * progress)
    )
    requests = [
        (year.by_id[pid], guests) for pid, (response, guests) in plan.forced.items() if response == "going"
    ]
    requests += [(person, party_guests(rng, plan.max_guests)) for person in pool[:wanted]]
    requests += [
        (year.by_id[pid], g) for pid, (response, g) in plan.forced.items() if response == "waitlisted"
    ]

    capacity = event.capacity
    if plan.is_full and capacity is not None:
        # When fewer people can come than planned (in late June the seniors have left), the event
        # gets fewer seats, so that it still fills and people still wait.
        demanded = sum(1 + guests for _, guests in requests)
        capacity = event.capacity = max(4, min(capacity, demanded * 2 // 3))
    # Once a few people wait, the rest see the event is full and do not join the waitlist.
    enough_waiting = rng.randint(2, 5) if plan.is_full else max(3, (capacity or 0) // 4)
    rows, taken, waiting = [], 0, 0
    for person, guests in requests:
        if waiting >= enough_waiting and person.id not in plan.forced:
            continue
        free = None if capacity is None else capacity - taken
        if free is None or 1 + guests <= free:
            response = "going"
        elif free >= 1:
            response, guests = "going", free - 1
        elif plan.has_waitlist:
            response, waiting = "waitlisted", waiting + 1
        else:
            continue  # full with no waitlist: the answer was refused, so there is no row
        taken += 1 + guests if response == "going" else 0
        rows.append(rsvp_row(event, person, response, guests))
    rest = pool[wanted:]
    n_maybe, n_not = (round(len(rest) * rng.uniform(0.01, 0.05) * progress) for _ in range(2))
    for n, person in enumerate(rest[: n_maybe + n_not]):
        rows.insert(
            rng.randint(0, len(rows)), rsvp_row(event, person, "maybe" if n < n_maybe else "not_going", 0)
        )

    # Distinct, increasing request times: waitlist positions never hang on the id tie-break.
    span = int((closes - opens).total_seconds())
    offsets = sorted(rng.sample(range(1, span), len(rows))) if span > len(rows) else range(1, len(rows) + 1)
    for row, offset in zip(rows, offsets, strict=True):
        row["requested_at"] = row["responded_at"] = opens + timedelta(seconds=offset)
    if event.ends_at <= year.now and event.status == "published" and plan.takes_check_in:
        check_in_most(year, event, [row for row in rows if row["response"] == "going"])
    return rows


def check_in_most(year: Year, event: Event, going: list[dict]) -> None:
    """Check in most of the people going to a past event; someone always misses a larger one."""
    rng = year.rng
    absent = {id(row) for row in going if rng.random() >= 0.87}
    if len(going) >= 5 and not absent:
        absent.add(id(rng.choice(going)))
    doors = year.at(local_date(event.starts_at, year.tz), 8) if event.is_all_day else event.starts_at
    for row in going:
        if id(row) not in absent:
            row["checked_in_at"] = doors + timedelta(minutes=rng.randint(-10, 40))
            row["checked_in_by_id"] = event.organisers[0].id


def answers_for(year: Year, plan: Plan, person: Person, day: date) -> bool:
    """Who answers: residents in training that day, or anyone in the audience; team dinners, one firm."""
    is_resident = person.id in year.resident_ids
    in_training = is_resident and year.pgy(person, day) is not None
    if plan.firm:
        return in_training and person.firm is not None and person.firm.name == plan.firm
    return in_training or (plan.who == "anyone" and not is_resident)


def party_guests(rng, max_guests: int) -> int:
    if not max_guests:
        return 0
    choices = (1, 2, 2, 3, 3, 4) if max_guests >= 4 else (0, 0, 0, 1, 1, 2)
    return min(max_guests, rng.choice(choices))


def rsvp_row(event: Event, person: Person, response: str, guests: int) -> dict:
    return dict(
        event_id=event.id,
        person_id=person.id,
        response=response,
        guests=guests,
        promoted_at=None,
        checked_in_at=None,
        checked_in_by_id=None,
        answered_by_id=person.id,
    )


@demo_step
def seed_events(ctx: DemoContext) -> None:
    """A year of events of every kind with groups, RSVPs, waitlists and check-ins (no notices)."""
    kinds = ensure_kinds()
    year = Year(ctx)
    groups = make_groups(year)
    plan_celebrations_and_retreats(year, groups["Chief residents"].members)
    plan_sgim_and_education(year, groups)
    plan_outreach(year, groups)
    plan_wellness(year)
    plan_social(year, groups)
    plan_other(year)
    plan_around_today(year, groups)
    events = [make_event(year, plan, kinds) for plan in year.plans]
    db.session.add_all(events)
    db.session.flush()
    member_groups: dict[int, set[int]] = {}
    for group in groups.values():
        for person in group.members:
            member_groups.setdefault(person.id, set()).add(group.id)
    rows = [
        row
        for plan, event in zip(year.plans, events, strict=True)
        for row in answers_of_audience(year, plan, event, member_groups)
    ]
    if rows:
        db.session.execute(insert(Rsvp.__table__), rows)  # Core executemany: no ORM bookkeeping
        # ...and so no calendar versions either: mark every calendar changed.
        touch(db.session, {ALL_PEOPLE})
