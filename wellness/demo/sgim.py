"""The demo's SGIM meeting: this spring's meeting made by the demo coordinator, the primary care juniors
invited (and one more resident added), their answers, presentations and funding in every state, and cover
for the trips' duties: some trips cleared, some needs still open, and one conflict to resolve.

Everything goes through wellness.sgim.services and wellness.duties (covers and time away), as a
coordinator and the residents would have done it over the autumn and winter, at moments spread between
the meeting's creation and the day before the demo date (or ten days before the meeting, once it is
near or past). The conflict: a resident covering one of the demo resident's sessions later had a long
weekend approved over that day, so the cover was released and the coordinator told why ("Cover needed
again"). Those notices stay; every other notice the services wrote is removed (the demo mails no one),
and the timestamps the services took from the clock are set to the story's moments.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select, update

from ..dates import academic_year_of, local_to_utc
from ..duties import covers
from ..duties.away import AwayData, approve_away, request_away
from ..duties.models import AwayPeriod, Duty
from ..extensions import db
from ..notifications.models import Notice
from ..people.models import Person
from ..sgim import services
from ..sgim.models import Attendance, Meeting
from .seed import DemoContext, demo_step
from .sgim_dates import sgim_city, sgim_meeting_days

TZ = "America/New_York"
DEMO_RESIDENT = "resident@example.org"
BUDGET_PER_RESIDENT = 200_000  # cents
TOTAL_BUDGET = 2_200_000
DESCRIPTION = (
    "The Society of General Internal Medicine's national meeting. The program funds the primary care "
    "juniors' registration, travel, lodging and meals, and covers their clinics and other duties while "
    "they are away (the day before the meeting is for travel).\n\n"
    "- Say whether you are going by the registration deadline\n"
    "- Presenting? Add your abstract's title to your trip\n"
    "- Keep your receipts: reimbursement is submitted on your trip page"
)
PRESENTATIONS = {
    "poster": (
        "Closing the loop on overdue colorectal cancer screening with a resident-led clinic huddle",
        "Hepatitis C treatment in a community health center: from referral to cure in one clinic",
    ),
    "oral": ("Food insecurity screening in continuity clinic: who we miss and why",),
    "workshop": ("Teaching panel management to interns in their first month of clinic",),
}
OVER_BUDGET_REASON = (
    "Presenting an oral abstract on the last morning: the presenter registration rate and a direct flight "
    "home after the session."
)
CONFLICT_NOTE = "My sister's wedding: the date moved up."
# How each going attendee's trip stands: (funding, share of needs covered, presentation kind).
# The demo resident's comes first; the others are dealt in a random order.
JORDAN_PLAN = ("approved", "all", "poster")
PLANS = (
    ("approved", "all", None),
    ("submitted", "all", "workshop"),
    ("over", "most", "oral"),
    ("paid", "most", None),
    ("requested", "all", "poster"),
    ("requested", "some", None),
    ("none", "none", None),
)


class Story:
    """Moments between the meeting's creation (`opened`) and the last thing done (`ends`): at(0) to at(1)."""

    def __init__(self, today: date, meeting_on: date):
        year = academic_year_of(today)
        now = local_to_utc(today, time(9), TZ)
        self.now = now
        self.opened = min(local_to_utc(date(year, 9, 22), time(10), TZ), now - timedelta(days=30))
        self.ends = min(now - timedelta(days=1), local_to_utc(meeting_on - timedelta(days=10), time(16), TZ))

    def at(self, fraction: float) -> datetime:
        moment = self.opened + (self.ends - self.opened) * min(max(fraction, 0.0), 1.0)
        return moment.replace(second=0, microsecond=0)


def _amounts(rng, over: bool = False) -> dict[str, int]:
    """A trip's request in cents: registration, a return flight, four nights and four days' meals."""
    return {
        "registration": 57_500 if over else rng.choice((42_500, 47_500, 52_500)),
        "travel": rng.randrange(74_000, 82_000, 500) if over else rng.randrange(28_000, 62_000, 500),
        "lodging": 4 * rng.choice((18_900, 20_900, 22_900)),
        "meals": 4 * 6_000,
    }


def _within_budget(amounts: dict[str, int]) -> dict[str, int]:
    """The request, with lodging (then meals) cut to fit the budget per resident: a shared room."""
    approved, excess = dict(amounts), sum(amounts.values()) - BUDGET_PER_RESIDENT
    for category in ("lodging", "meals"):
        cut = min(max(excess, 0), approved[category])
        approved[category] -= cut
        excess -= cut
    return approved


def _added_resident(meeting: Meeting, invited: set[int], residents: list[Person]) -> Person | None:
    """A junior outside primary care with an interest in it and no time away during the trip."""
    first, last = services.trip_days(meeting)
    away = set(
        db.session.scalars(
            select(AwayPeriod.person_id).where(
                AwayPeriod.status.in_(("requested", "approved")),
                AwayPeriod.starts_on <= last,
                AwayPeriod.ends_on >= first,
            )
        )
    )
    juniors = [
        p
        for p in residents
        if p.id not in invited
        and p.id not in away
        and p.program in ("med_peds", "categorical")
        and p.pgy_on(meeting.starts_on) == 2
    ]
    keen = [p for p in juniors if "Primary care" in {f.name for f in p.fields}]
    return (keen or juniors or [None])[0]


def _cover(
    rng, coordinator: Person, needs: list, share: str, story: Story, start: float, undecided: set[int]
) -> None:
    """Cover a share of the needs, each with the first person suggested for it (the fairest free choice),
    passing over invitees who have not answered yet: they may still be going."""
    if share == "none" or not needs:
        return
    left_open = {"all": 0, "most": 1 if len(needs) <= 4 else 2, "some": max(1, len(needs) * 2 // 3)}[share]
    chosen = sorted(rng.sample(range(len(needs)), max(0, len(needs) - left_open)))
    for n, index in enumerate(chosen):
        duty = needs[index].duty
        moment = story.at(start + 0.02 * n / max(1, len(chosen)))
        found = [
            s.person for s in covers.suggest_coverers(duty, moment, limit=2) if s.person.id not in undecided
        ]
        if found:
            covers.assign_cover(coordinator, duty, found[0], moment)


def _conflict(rng, coordinator: Person, jordan_attendance: Attendance, story: Story) -> None:
    """A resident covering one of the demo resident's sessions gets a long weekend over that day approved;
    the cover no longer holds, so it is released and the coordinator told why."""
    covered = [need.duty for need in services.needs_of(jordan_attendance) if need.is_covered]
    rng.shuffle(covered)
    for duty in covered:
        coverer = db.session.get(Person, duty.covered_by_id)
        first, last = duty.duty_on, duty.duty_on + timedelta(days=3)
        others = db.session.scalar(
            select(func.count())
            .select_from(Duty)
            .where(Duty.covered_by_id == coverer.id, Duty.duty_on >= first, Duty.duty_on <= last)
        )
        clear = not db.session.scalar(
            select(AwayPeriod.id).where(
                AwayPeriod.person_id == coverer.id,
                AwayPeriod.status.in_(("requested", "approved")),
                AwayPeriod.starts_on <= last,
                AwayPeriod.ends_on >= first,
            )
        )
        if coverer.is_resident and others == 1 and clear:
            break
    else:
        return
    asked = story.at(0.97)
    period = request_away(coverer, AwayData("vacation", first, last, CONFLICT_NOTE), asked.date(), now=asked)
    approve_away(coordinator, period, now=story.ends)
    _release_clashing_covers(coverer, story.ends)


def _release_clashing_covers(coverer: Person, now: datetime) -> None:
    """What covers.recheck_covers does before the commit, at the story's moment rather than the real
    clock's (which decides which days it looks at), so the demo is the same whenever it is built."""
    for duty in db.session.scalars(select(Duty).where(Duty.covered_by_id == coverer.id).order_by(Duty.id)):
        covers.release_if_not_free(duty, now)


@demo_step
def seed_sgim(ctx: DemoContext) -> None:
    """This spring's SGIM meeting with its invitations, answers, funding and covers."""
    rng = ctx.rng_for("sgim")
    year = academic_year_of(ctx.today)
    starts_on, ends_on = sgim_meeting_days(year, ctx.seed)
    story = Story(ctx.today, starts_on)
    by_email = {p.email: p for people in ctx.people.values() for p in people}
    coordinator, chief = by_email["coordinator@example.org"], by_email["chief@example.org"]
    residents = sorted(set(ctx.people["resident"]), key=lambda p: p.id)
    first_notice = db.session.scalar(select(func.coalesce(func.max(Notice.id), 0)))

    data = services.MeetingData(
        name=f"SGIM Annual Meeting {starts_on.year}",
        city=sgim_city(year),
        starts_on=starts_on,
        ends_on=ends_on,
        travel_days_before=1,
        abstract_deadline_on=date(year, 12, 8),
        registration_deadline_on=date(year + 1, 2, 15),
        budget_per_resident_cents=BUDGET_PER_RESIDENT,
        total_budget_cents=TOTAL_BUDGET,
        description=DESCRIPTION,
    )
    meeting = services.create_meeting(coordinator, data, now=story.opened)
    meeting.created_at = meeting.updated_at = story.opened
    event = meeting.event
    event.organisers = [coordinator, chief]
    event.created_at, event.published_at = story.opened - timedelta(hours=2), story.opened
    event.updated_at = story.opened
    invited = {a.person_id for a in services.attendances(meeting)}
    added = _added_resident(meeting, invited, residents)
    if added is not None:
        services.invite_resident(coordinator, meeting, added)
    db.session.flush()
    attendances = services.attendances(meeting)
    changed: dict[int, datetime] = {}
    for attendance in attendances:
        attendance.created_at = story.opened if not attendance.is_added else story.at(0.04)
        changed[attendance.id] = attendance.created_at

    jordan = next((a for a in attendances if a.person.email == DEMO_RESIDENT), None)
    others = [a for a in attendances if a is not jordan and not a.is_added]
    rng.shuffle(others)
    declined, going = others[:2], others[3:]
    undecided = {others[2].person_id}  # invited, not answered yet
    going += [a for a in attendances if a.is_added]
    rng.shuffle(going)
    plans = list(zip(going, PLANS, strict=False))
    if jordan is not None:
        plans.insert(0, (jordan, JORDAN_PLAN))
    titles = {kind: list(options) for kind, options in PRESENTATIONS.items()}

    def answer(attendance: Attendance, is_going: bool, moment: datetime) -> None:
        services.answer_invitation(attendance.person, attendance, is_going, now=moment)
        if attendance.away_period is not None:
            attendance.away_period.created_at = moment
        changed[attendance.id] = moment

    for n, attendance in enumerate(declined):
        answer(attendance, False, story.at(0.12 + 0.1 * n))
    for n, (attendance, (funding, _share, presenting)) in enumerate(plans):
        late = funding == "none"
        answer(attendance, True, story.at(0.85 if late else 0.05 + 0.03 * n))
        if presenting:
            services.record_presentation(attendance.person, attendance, titles[presenting].pop(0), presenting)
            changed[attendance.id] = story.at(0.3 + 0.01 * n)
        if late:
            continue
        amounts = _amounts(rng, over=funding == "over")
        services.request_funding(attendance.person, attendance, amounts)
        changed[attendance.id] = story.at(0.4 + 0.01 * n)
        if funding == "requested":
            continue
        approved_at = story.at(0.55 + 0.01 * n)
        if funding == "over":
            services.approve_funding(coordinator, attendance, amounts, OVER_BUDGET_REASON, now=approved_at)
        else:
            services.approve_funding(coordinator, attendance, _within_budget(amounts), now=approved_at)
        changed[attendance.id] = approved_at
        if funding in ("submitted", "paid"):
            changed[attendance.id] = story.at(0.7 + 0.01 * n)
            services.set_reimbursement(attendance.person, attendance, "submitted", now=changed[attendance.id])
        if funding == "paid":
            changed[attendance.id] = story.at(0.8 + 0.01 * n)
            services.set_reimbursement(coordinator, attendance, "paid", now=changed[attendance.id])
    db.session.flush()

    for n, (attendance, (_funding, share, _presenting)) in enumerate(plans):
        _cover(rng, coordinator, services.needs_of(attendance), share, story, 0.6 + 0.04 * n, undecided)
    if jordan is not None:
        before_conflict = db.session.scalar(select(func.coalesce(func.max(Notice.id), 0)))
        _conflict(rng, coordinator, jordan, story)
    for attendance in attendances:
        attendance.updated_at = changed[attendance.id]
    db.session.flush()

    # The demo mails no one: only the conflict's notices stay, dated when it happened and not sent.
    kept = Notice.kind == "cover_released"
    if jordan is not None:
        kept &= Notice.id > before_conflict
    db.session.execute(delete(Notice).where(Notice.id > first_notice, ~kept))
    db.session.execute(
        update(Notice)
        .where(Notice.id > first_notice)
        .values(created_at=story.ends, mail_status="skipped", mail_next_attempt_at=None)
    )
