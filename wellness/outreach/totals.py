"""A project's totals (volunteers, confirmed hours, money raised) and a race's runners and teams."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ..audit import record
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from ..people.models import Person
from .models import Project, RaceEntry, Shift, ShiftSignup
from .services import can_organise


@dataclass(frozen=True)
class ProjectTotals:
    shifts: int
    volunteers: int  # different people with a slot
    confirmed_hours: Decimal
    amount_raised: Decimal | None
    teams: dict[str, list[str]] = field(default_factory=dict)  # team -> runners' names


def project_totals(project: Project) -> ProjectTotals:
    """What the project adds up to, from its shifts, sign-ups, amount and race entries."""
    rows = db.session.execute(
        select(ShiftSignup.person_id, ShiftSignup.attended, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(Shift.project_id == project.id)
    ).all()
    hours = sum(
        (
            Decimal(str(round((end - start).total_seconds() / 3600, 2)))
            for _, came, start, end in rows
            if came
        ),
        Decimal("0"),
    )
    teams: dict[str, list[str]] = defaultdict(list)
    for entry in db.session.scalars(
        select(RaceEntry).where(RaceEntry.project_id == project.id).order_by(RaceEntry.id)
    ):
        teams[entry.team or "No team"].append(entry.person.name if entry.person else entry.name)
    return ProjectTotals(
        shifts=len(project.shifts),
        volunteers=len({person_id for person_id, *_ in rows}),
        confirmed_hours=hours,
        amount_raised=project.amount_raised,
        teams=dict(sorted(teams.items())),
    )


def add_runner(actor, project: Project, who: str, team: str = "") -> RaceEntry:
    """Enter a runner in a race project: a person by e-mail, or a guest by name. Raises NotAllowed, ValidationFailed."""
    if not can_organise(actor, project):
        raise NotAllowed("Only the project's organisers enter runners.")
    if project.kind != "race":
        raise ValidationFailed("Runners are entered for races only.")
    who, team = who.strip(), " ".join(team.split())
    if not who or len(who) > 200 or len(team) > 120:
        raise ValidationFailed("Give the runner's e-mail or name (up to 200 characters) and a team of up to 120.",
                               field="who")  # fmt: skip
    person = db.session.scalar(select(Person).where(Person.email == who.lower())) if "@" in who else None
    if "@" in who and person is None:
        raise ValidationFailed("No account has that address; enter a guest's name instead.", field="who")
    entry = RaceEntry(project_id=project.id, person_id=person.id if person else None,
                      name="" if person else who, team=team)  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    record(
        actor, "outreach.runner_added", "outreach_project", project.id, None, {"runner": who, "team": team}
    )
    return entry
