"""The demo's duties and time away: a term of clinics, ward blocks, nights and ambulatory sessions for
every resident; vacations across the academic year (a couple past the four weeks), a parental leave under
way, and two vacation requests waiting for a coordinator.

The term runs from the start of the half year holding the demo date (1 July or 1 January) to 30 June, so
it holds this spring's SGIM meeting. Residents rotate through runs of weeks: wards (a day shift on
weekdays and every other Saturday), nights (Monday to Friday), ambulatory weeks (morning and afternoon
sessions but one free half-day) and electives (a few specialty sessions). Everyone keeps a weekly
continuity clinic half-day at their own site, on a fixed weekday and session, except on nights. No two
duties of a person overlap, and nobody has duties on approved days away: the schedule was made around
them. The primary care juniors have a light ambulatory week during the SGIM meeting (their clinic and
three sessions), so their trip needs clinic and ambulatory cover. Duties and approved vacations go in as
bulk rows; the requests go through wellness.duties.away, whose notices to the coordinators are removed
(the demo sends none).
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select

from ..calendar.versions import ALL_PEOPLE, touch
from ..dates import academic_year_of, local_to_utc
from ..duties.away import AwayData, request_away
from ..duties.models import AwayPeriod, Duty
from ..extensions import db
from ..notifications.models import Notice
from ..people.models import Person
from .seed import DemoContext, demo_step
from .sgim_dates import sgim_meeting_days

TZ = "America/New_York"
DEMO_RESIDENT = "resident@example.org"
WARDS = (
    "Main Campus, 7 East general medicine",
    "Main Campus, 8 West general medicine",
    "Main Campus, Medical ICU",
    "Main Campus, Cardiac step-down unit",
    "Veterans Affairs Medical Center, 3 North",
)
NIGHT_FLOAT = "Main Campus, night float"
AMBULATORY = (
    "Main Campus, Urgent Care",
    "Main Campus, Women's Health Clinic",
    "Main Campus, Addiction Medicine Clinic",
    "Eastside Community Health Center, Walk-in Clinic",
    "Main Campus, Geriatrics Clinic",
)
ELECTIVES = (
    ("ambulatory", "Main Campus, Cardiology Clinic"),
    ("ambulatory", "Main Campus, Endocrinology Clinic"),
    ("ambulatory", "Main Campus, Rheumatology Clinic"),
    ("ambulatory", "Main Campus, Pulmonary Clinic"),
    ("ambulatory", "Main Campus, Palliative Care Consult Service"),
    ("other", "Clinical Research Center, research block"),
    ("other", "Main Campus, Quality Improvement Office"),
)
# Share of weeks of each kind, by program, and how many weeks a run of that kind lasts.
WEIGHTS = {
    "categorical": {"ward": 44, "night": 6, "ambulatory": 22, "elective": 28},
    "primary_care": {"ward": 30, "night": 4, "ambulatory": 46, "elective": 20},
    "global_medicine": {"ward": 40, "night": 6, "ambulatory": 22, "elective": 32},
    "preliminary": {"ward": 56, "night": 10, "ambulatory": 14, "elective": 20},
    "med_peds": {"ward": 42, "night": 6, "ambulatory": 26, "elective": 26},
}
RUN_WEEKS = {"ward": (2, 3, 4), "night": (1, 1, 2), "ambulatory": (1, 2, 2), "elective": (2, 3, 4)}
HOLIDAY_SEASON = ((11, 20), (1, 3))  # vacation weeks keep clear of the holiday blocks
VACATION_NOTES = ("", "", "", "Family wedding", "Visiting family abroad", "Moving apartments", "Honeymoon")
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def term_days(today: date) -> tuple[date, date]:
    """The demo's term: from the start of the half year holding `today` to the end of its academic year."""
    first = date(today.year, 1, 1) if today.month <= 6 else date(today.year, 7, 1)
    return first, date(academic_year_of(today) + 1, 6, 30)


def is_sgim_junior(person: Person, meeting_on: date) -> bool:
    """A primary care PGY-2 on the meeting's first day: invited to the SGIM meeting."""
    return person.program == "primary_care" and person.pgy_on(meeting_on) == 2


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _in_holiday_season(monday: date) -> bool:
    (from_month, from_day), (to_month, to_day) = HOLIDAY_SEASON
    for day in (monday + timedelta(days=n) for n in range(7)):
        if (day.month, day.day) >= (from_month, from_day) or (day.month, day.day) <= (to_month, to_day):
            return True
    return False


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), TZ)


class TimeAway:
    """The academic year's approved vacations and the parental leave, as rows and as days away per person."""

    def __init__(self, ctx: DemoContext, rng, meeting_on: date, coordinator: Person):
        self.ctx, self.rng, self.coordinator = ctx, rng, coordinator
        self.now = _at(ctx.today, 9)
        year = academic_year_of(ctx.today)
        july = date(year, 7, 1)
        first_monday = july + timedelta(days=(7 - july.weekday()) % 7)
        self.mondays = [
            first_monday + WEEK * n
            for n in range(53)
            if first_monday + WEEK * n + 6 * DAY <= date(year + 1, 6, 30)
            and not _in_holiday_season(first_monday + WEEK * n)
        ]
        self.meeting_weeks = {monday_of(meeting_on) + WEEK * n for n in (-1, 0, 1)}
        self.rows: list[dict] = []
        self.days: dict[int, set[date]] = {}
        self.weeks: dict[int, int] = {}

    def add(self, person: Person, kind: str, first: date, last: date, note: str = "") -> None:
        rng = self.rng
        created = min(
            _at(first - timedelta(days=rng.randint(40, 120)), rng.randint(8, 21)), self.now - 3 * DAY
        )
        decided = created + timedelta(days=rng.randint(1, 2), hours=rng.randint(1, 6))
        self.rows.append(dict(
            person_id=person.id, kind=kind, title="", note=note, starts_on=first, ends_on=last,
            status="approved", decision_reason="", requested_by_id=person.id,
            decided_by_id=self.coordinator.id,
            decided_at=decided, revision=2, created_at=created, updated_at=decided,
        ))  # fmt: skip
        self.days.setdefault(person.id, set()).update(first + DAY * n for n in range((last - first).days + 1))

    def vacation_weeks(self, person: Person, count: int, avoid: set[date]) -> list[date]:
        """`count` Mondays of vacation weeks for `person`, none in `avoid`, no two next to each other."""
        chosen: list[date] = []
        for monday in self.rng.sample(self.mondays, len(self.mondays)):
            if monday in avoid or any(abs((monday - other).days) <= 7 for other in chosen):
                continue
            chosen.append(monday)
            if len(chosen) == count:
                break
        for monday in sorted(chosen):
            self.add(person, "vacation", monday, monday + 6 * DAY, self.rng.choice(VACATION_NOTES))
        self.weeks[person.id] = len(chosen)
        return chosen


def plan_time_away(ctx: DemoContext, rng, residents: list[Person], meeting_on: date, coordinator) -> TimeAway:
    """Most residents take two to four vacation weeks; two go past the four-week allowance (one by a
    fifth week, one by a long weekend more); a senior is on parental leave that began three weeks ago.
    SGIM juniors keep the meeting's weeks free, and the demo resident the weeks around the demo date."""
    away = TimeAway(ctx, rng, meeting_on, coordinator)
    today = ctx.today
    near_today = {monday_of(today) + WEEK * n for n in range(-3, 4)}
    others = [p for p in residents if p.email != DEMO_RESIDENT and not is_sgim_junior(p, meeting_on)]
    seniors = [p for p in others if p.pgy_on(today) == 3]
    on_leave = rng.choice(seniors or others)
    leave_from = monday_of(today) - 3 * WEEK
    leave_to = leave_from + 10 * WEEK - DAY
    away.add(on_leave, "parental", leave_from, leave_to, "Welcome, baby!")
    over = rng.sample([p for p in others if p is not on_leave], 2)
    for person in residents:
        avoid = set()
        if is_sgim_junior(person, meeting_on):
            avoid |= away.meeting_weeks
        if person.email == DEMO_RESIDENT:
            avoid |= near_today
        if person is on_leave:
            avoid |= {m for m in away.mondays if leave_from - 2 * WEEK <= m <= leave_to + 2 * WEEK}
            away.vacation_weeks(person, 2, avoid)
            continue
        count = 5 if person is over[0] else 4 if person is over[1] else rng.choice((2, 3, 3, 4, 4))
        chosen = away.vacation_weeks(person, count, avoid)
        if person is over[1]:
            # A long weekend on top of four weeks: Thursday to Sunday, in a week of no other vacation.
            free = [m for m in away.mondays if m not in avoid and all(abs((m - c).days) > 7 for c in chosen)]
            if free:
                monday = rng.choice(free)
                away.add(
                    person, "vacation", monday + 3 * DAY, monday + 6 * DAY, "Long weekend: a friend's wedding"
                )
    return away


def _week_kinds(rng, person: Person, weeks: list[date], meeting_week: date | None) -> list[str]:
    """The kind of each week of the term: runs of a kind drawn by the program's shares, never two runs of
    nights in a row; SGIM juniors have a light ambulatory week during the meeting."""
    weights = WEIGHTS.get(person.program or "categorical", WEIGHTS["categorical"])
    kinds: list[str] = []
    while len(kinds) < len(weeks):
        choices = [k for k in weights if not (kinds and kinds[-1] == "night" and k == "night")]
        kind = rng.choices(choices, weights=[weights[k] for k in choices])[0]
        kinds += [kind] * rng.choice(RUN_WEEKS[kind])
    kinds = kinds[: len(weeks)]
    if meeting_week in weeks:
        kinds[weeks.index(meeting_week)] = "light"
    return kinds


def _week_duties(
    rng, kind: str, monday: date, clinic: tuple[int, str, str], n: int, place: int
) -> list[tuple]:
    """(day, session, kind, site, source) of the term's `n`-th week; sessions of a day never overlap.
    `place` picks the ward or elective, which changes every four weeks."""
    clinic_day, clinic_session, clinic_site = clinic
    other_half = "PM" if clinic_session == "AM" else "AM"
    days = [monday + DAY * d for d in range(7)]
    duties: list[tuple] = []
    if kind == "night":
        return [(day, "NIGHT", "inpatient", NIGHT_FLOAT, "import") for day in days[:5]]
    duties.append((days[clinic_day], clinic_session, "clinic", clinic_site, "clinic"))
    if kind == "ward":
        ward = WARDS[place % len(WARDS)]
        for d, day in enumerate(days[:5]):
            if d == clinic_day:
                duties.append((day, other_half, "inpatient", ward, "import"))
            else:
                duties.append((day, "DAY", "inpatient", ward, "import"))
        if n % 2 == 0:
            duties.append((days[5], "DAY", "inpatient", ward, "import"))
        return duties
    slots = [(d, s) for d in range(5) for s in ("AM", "PM") if (d, s) != (clinic_day, clinic_session)]
    if kind == "ambulatory":
        free = rng.choice(slots)  # a half-day of personal wellness time
        for d, session in slots:
            if (d, session) != free:
                duties.append((days[d], session, "ambulatory", rng.choice(AMBULATORY), "import"))
    elif kind == "light":
        for d, session in sorted(rng.sample(slots, 3)):
            duties.append((days[d], session, "ambulatory", rng.choice(AMBULATORY), "import"))
    else:
        elective_kind, site = ELECTIVES[place % len(ELECTIVES)]
        for d, session in sorted(rng.sample(slots, rng.choice((4, 5, 5, 6)))):
            duties.append((days[d], session, elective_kind, site, "import"))
    return duties


def plan_duties(
    ctx: DemoContext, rng, residents: list[Person], meeting_on: date, away: TimeAway
) -> list[dict]:
    """The term's duty rows for every resident, none on their days away."""
    first, last = term_days(ctx.today)
    imported = _at(first - 10 * DAY, 14)
    weeks = [monday_of(first) + WEEK * n for n in range((last - monday_of(first)).days // 7 + 1)]
    rows = []
    for person in residents:
        clinic = (
            rng.randrange(5),
            rng.choice(("AM", "PM")),
            person.clinic_site.name if person.clinic_site else "",
        )
        meeting_week = monday_of(meeting_on) if is_sgim_junior(person, meeting_on) else None
        days_away = away.days.get(person.id, set())
        offset = rng.randrange(len(WARDS) * len(ELECTIVES))
        for n, (monday, kind) in enumerate(
            zip(weeks, _week_kinds(rng, person, weeks, meeting_week), strict=True)
        ):
            place = offset + n // 4
            for day, session, duty_kind, site, source in _week_duties(rng, kind, monday, clinic, n, place):
                if first <= day <= last and day not in days_away:
                    rows.append(dict(
                        person_id=person.id, duty_on=day, session=session, kind=duty_kind, site=site,
                        source=source, revision=1, created_at=imported, updated_at=imported,
                    ))  # fmt: skip
    return rows


def _requests(ctx: DemoContext, rng, residents: list[Person], meeting_on: date, away: TimeAway) -> None:
    """Two vacation requests waiting for a coordinator, a few weeks ahead: one from a resident who already
    has four weeks approved, so deciding it shows the allowance warning."""
    today = ctx.today
    candidates = [
        p for p in residents
        if p.email != DEMO_RESIDENT and p.pgy_on(today) in (1, 2) and not is_sgim_junior(p, meeting_on)
        and p.id in away.weeks and len(away.days[p.id]) in (21, 28)
    ]  # fmt: skip
    full = [p for p in candidates if len(away.days[p.id]) == 28]
    people = [rng.choice(full)] if full else []
    people.append(rng.choice([p for p in candidates if p not in people]))
    for n, person in enumerate(people):
        taken = away.days.get(person.id, set())
        monday = monday_of(today) + (4 + 3 * n) * WEEK
        while any(monday + DAY * d in taken for d in range(-7, 14)) or _in_holiday_season(monday):
            monday += WEEK
        asked = _at(today - timedelta(days=1 + 2 * n), 21 - n, 15)
        period = request_away(
            person,
            AwayData("vacation", monday, monday + 6 * DAY, "Visiting family" if n else "Friend's wedding"),
            today, now=asked,
        )  # fmt: skip
        period.created_at = period.updated_at = asked


@demo_step
def seed_duties(ctx: DemoContext) -> None:
    """A term of duties and the academic year's time away for every resident in training."""
    rng = ctx.rng_for("duties")
    year = academic_year_of(ctx.today)
    meeting_on, _ = sgim_meeting_days(year, ctx.seed)
    coordinator = next(p for p in ctx.people["coordinator"] if p.email == "coordinator@example.org")
    residents = sorted(
        {p for p in ctx.people.get("resident", []) if p.pgy_on(ctx.today) is not None}, key=lambda p: p.id
    )
    db.session.flush()
    away = plan_time_away(ctx, rng, residents, meeting_on, coordinator)
    db.session.execute(insert(AwayPeriod.__table__), away.rows)
    db.session.execute(insert(Duty.__table__), plan_duties(ctx, rng, residents, meeting_on, away))
    touch(db.session, {ALL_PEOPLE})  # bulk rows raise no calendar versions of their own
    first_notice = db.session.scalar(select(func.coalesce(func.max(Notice.id), 0)))
    _requests(ctx, rng, residents, meeting_on, away)
    db.session.flush()
    db.session.execute(
        delete(Notice).where(Notice.id > first_notice)
    )  # the coordinators' "requested" notices
