"""How the demo plans events: the Plan of one event, the academic year's dates, and shared places."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app

from ..dates import academic_year_of, local_to_utc
from ..events.models import Group
from ..people.models import Person
from .seed import DemoContext

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
RESTAURANTS = (
    "Trattoria Bellini, 85 Hanover St, Boston",
    "The Beacon Grill, 112 Charles St, Boston",
    "Saffron House, 401 Massachusetts Ave, Cambridge",
    "Harbor Fish Co., 24 Atlantic Ave, Boston",
    "Casa Verde, 1250 Washington St, Boston",
    "Lotus Garden, 7 Tyler St, Boston",
)
CONFERENCE_ROOM = "Main Campus, Medicine Conference Room 4A"
AUDITORIUM = "Main Campus, Grand Rounds Auditorium"
LOUNGE = "Main Campus, Residents' Lounge (2nd floor)"
EASTSIDE = "Eastside Community Health Center, Community Room"


@dataclass
class Plan:
    """One event to build and how its audience answers it."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    organisers: list[Person]
    is_all_day: bool = False
    capacity: int | None = None
    has_waitlist: bool = True
    max_guests: int = 0
    programs: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    groups: tuple[Group, ...] = ()
    status: str = "published"
    interest: float = 0.3  # share of the audience that answers going
    is_full: bool = False  # requests keep coming until a few people wait
    who: str = "residents"  # "residents" or "anyone" in the audience answers
    firm: str = ""  # team dinners: only that firm's residents answer
    takes_check_in: bool = True
    lead_days: int = 28  # published this long before it starts
    rsvp_closes_before: timedelta | None = None
    forced: dict[int, tuple[str, int]] = field(default_factory=dict)  # person id: (going|waitlisted, guests)


class Year:
    """The academic year being built: dates, local times, people and the plans made so far."""

    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng, self.fake = ctx, ctx.rng, ctx.fake
        self.tz = current_app.config["WELLNESS_TIMEZONE"]
        self.academic_year = academic_year_of(ctx.today)
        self.now = local_to_utc(ctx.today, time(9), self.tz)  # the moment the demo is built for
        self.plans: list[Plan] = []
        self.everyone = sorted({p for people in ctx.people.values() for p in people}, key=lambda p: p.id)
        self.by_email = {p.email: p for p in self.everyone}
        self.by_id = {p.id: p for p in self.everyone}
        self.coordinator = self.by_email["coordinator@example.org"]
        self.chief = self.by_email["chief@example.org"]
        self.resident = self.by_email["resident@example.org"]
        self.faculty = sorted(set(ctx.people.get("faculty", [])), key=lambda p: p.id)
        self.residents = sorted(set(ctx.people.get("resident", [])), key=lambda p: p.id)
        self.resident_ids = {p.id for p in self.residents}
        self._pgy: dict[tuple[int, int], int | None] = {}

    def pgy(self, person: Person, day: date) -> int | None:
        """The resident's PGY on `day`, remembered per academic year (it changes only on 1 July)."""
        key = (person.id, academic_year_of(day))
        if key not in self._pgy:
            self._pgy[key] = person.pgy_on(day)
        return self._pgy[key]

    def month(self, month: int) -> int:
        return self.academic_year if month >= 7 else self.academic_year + 1

    def nth(self, month: int, weekday: int, n: int) -> date:
        """The n-th (or, with n = -1, the last) given weekday of a month of this academic year."""
        year = self.month(month)
        if n > 0:
            first = date(year, month, 1)
            return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=n - 1)
        last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)

    def at(self, day: date, hour: float) -> datetime:
        return local_to_utc(day, time(int(hour), int(hour % 1 * 60)), self.tz)

    def add(self, kind: str, title: str, day: date, hours: tuple[float, float] | int, **details) -> Plan:
        """Plan an event on `day`: hours (start, end) local, or a number of whole days."""
        if isinstance(hours, int):
            start, end = self.at(day, 0), self.at(day + timedelta(days=hours), 0)
            details["is_all_day"] = True
        else:
            start, end = self.at(day, hours[0]), self.at(day, hours[1])
        details.setdefault("organisers", [self.coordinator])
        plan = Plan(kind=kind, title=title, starts_at=start, ends_at=end, **details)
        self.plans.append(plan)
        return plan

    def some_faculty(self, n: int = 1) -> list[Person]:
        return self.rng.sample(self.faculty, n)

    def doctor(self, person: Person) -> str:
        return f"Dr. {person.first_name} {person.last_name}"


def next_day(start: date, weekday: int, months: tuple[int, ...] = tuple(range(1, 13))) -> date:
    """The first `weekday` on or after `start` that falls in one of `months`."""
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    while day.month not in months:
        day += timedelta(days=7)
    return day


def before_day(start: date, weekday: int) -> date:
    return start - timedelta(days=(start.weekday() - weekday) % 7)


def bullet_list(*lines: str) -> str:
    return "\n".join(f"- {line}" for line in lines)
