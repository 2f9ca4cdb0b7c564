"""Outreach projects and their shifts: proposing, deciding, organising, and the totals of a project."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..audit import record
from ..dates import local_date, utcnow
from ..errors import NotAllowed, ValidationFailed
from ..events.display import program_tz
from ..events.models import Group, group_members
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person, Role
from ..people.permissions import can_manage_events
from .models import MAX_SLOTS, PROJECT_KINDS, Project, Shift, ShiftSignup


@dataclass(frozen=True)
class ProjectData:
    title: str
    kind: str
    partner_name: str
    starts_on: date
    ends_on: date
    partner_address: str = ""
    description: str = ""


@dataclass(frozen=True)
class ShiftData:
    role: str
    starts_at: datetime
    ends_at: datetime
    slots: int


# Members of the coordinators' group with this name (Groups page) approve projects as coordinators do.
OUTREACH_LEADS_GROUP = "Outreach leads"


def is_outreach_lead(person) -> bool:
    person_id = getattr(person, "id", None)
    if person_id is None:
        return False
    return bool(
        db.session.scalar(
            select(group_members.c.person_id)
            .join(Group, Group.id == group_members.c.group_id)
            .where(
                func.lower(Group.name) == OUTREACH_LEADS_GROUP.lower(), group_members.c.person_id == person_id
            )
        )
    )


def can_decide(person) -> bool:
    """Coordinators and outreach leads approve and decline proposed projects."""
    return can_manage_events(person) or is_outreach_lead(person)


def is_project_organiser(person, project: Project) -> bool:
    person_id = getattr(person, "id", None)
    return person_id is not None and any(organiser.id == person_id for organiser in project.organisers)


def can_organise(person, project: Project) -> bool:
    """The project's organisers run it; coordinators may step in."""
    return is_project_organiser(person, project) or can_manage_events(person)


def _check_project(data: ProjectData) -> None:
    if not data.title.strip() or len(data.title.strip()) > 200:
        raise ValidationFailed("Give the project a title of up to 200 characters.", field="title")
    if data.kind not in PROJECT_KINDS:
        raise ValidationFailed("Choose a kind from the list.", field="kind")
    if not data.partner_name.strip() or len(data.partner_name.strip()) > 200:
        raise ValidationFailed("Name the partner organisation in up to 200 characters.", field="partner_name")
    if len(data.partner_address.strip()) > 300:
        raise ValidationFailed("Keep the partner's address to 300 characters.", field="partner_address")
    if data.ends_on < data.starts_on:
        raise ValidationFailed("The project must end on or after its first day.", field="ends_on")
    if (data.ends_on - data.starts_on).days > 366:
        raise ValidationFailed(
            "Keep a project to a year or less; propose the next one later.", field="ends_on"
        )


def _apply_project(project: Project, data: ProjectData) -> None:
    project.title, project.kind = data.title.strip(), data.kind
    project.partner_name, project.partner_address = data.partner_name.strip(), data.partner_address.strip()
    project.starts_on, project.ends_on = data.starts_on, data.ends_on
    project.description = data.description.strip()
    project.updated_at = utcnow()


def propose_project(actor, data: ProjectData) -> Project:
    """A resident proposes a project and becomes its organiser. Raises NotAllowed, ValidationFailed."""
    if not actor.is_resident:
        raise NotAllowed("Residents propose outreach projects.")
    _check_project(data)
    project = Project(status="proposed", proposed_by_id=actor.id, revision=1)
    _apply_project(project, data)
    project.organisers = [db.session.get(Person, actor.id)]
    db.session.add(project)
    db.session.flush()
    record(actor, "outreach.proposed", "outreach_project", project.id, None, {"title": project.title})
    for coordinator in _coordinators():
        notify(coordinator, "outreach_proposed", f"New outreach project: {project.title}",
               f"{actor.name} proposed {project.title} with {project.partner_name}. Approve or decline it.",
               f"/outreach/{project.id}")  # fmt: skip
    return project


def _coordinators() -> list[Person]:
    return list(
        db.session.scalars(
            select(Person).join(Person.roles).where(Role.name == "coordinator", Person.is_active.is_(True))
        )
    )


def decide_project(actor, project: Project, approve: bool, reason: str = "") -> Project:
    """Approve or decline a proposed project and tell its organisers.

    Raises NotAllowed for non-coordinators and ValidationFailed when it was decided already or a
    decline has no reason.
    """
    if not can_decide(actor):
        raise NotAllowed("Only coordinators and outreach leads approve or decline projects.")
    if project.status != "proposed":
        raise ValidationFailed(f"This project was already {project.status}.")
    if not approve and not reason.strip():
        raise ValidationFailed("Say why it is declined, so the organisers can rework it.", field="reason")
    project.status = "approved" if approve else "declined"
    project.decline_reason = "" if approve else reason.strip()[:500]
    project.decided_by_id, project.decided_at = actor.id, utcnow()
    project.updated_at = project.decided_at
    record(
        actor,
        f"outreach.{project.status}",
        "outreach_project",
        project.id,
        None,
        {"reason": project.decline_reason},
    )
    for organiser in project.organisers:
        body = (
            f"{project.title} is approved: add its shifts and volunteers can sign up."
            if approve
            else f"{project.title} was declined: {project.decline_reason}"
        )
        notify(
            organiser,
            f"outreach_{project.status}",
            f"{project.title}: {project.status}",
            body,
            f"/outreach/{project.id}",
        )
    return project


def update_project(actor, project: Project, data: ProjectData) -> Project:
    """An organiser changes their project's details; shifts must still fall within its dates.

    Raises NotAllowed (someone else's project) and ValidationFailed.
    """
    if not can_organise(actor, project):
        raise NotAllowed("Only the project's organisers change it.")
    _check_project(data)
    tz = program_tz()
    outside = [
        s for s in project.shifts if not _within(data.starts_on, data.ends_on, s.starts_at, s.ends_at, tz)
    ]
    if outside:
        raise ValidationFailed(
            f"The {outside[0].role} shift would fall outside the new dates.", field="starts_on"
        )
    _apply_project(project, data)
    project.revision += 1
    record(actor, "outreach.updated", "outreach_project", project.id, None, {"title": project.title})
    return project


def add_organiser(actor, project: Project, email: str) -> Person:
    """Make another active resident a co-organiser. Raises NotAllowed and ValidationFailed."""
    if not can_organise(actor, project):
        raise NotAllowed("Only the project's organisers add co-organisers.")
    person = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or not person.is_active or not person.is_resident:
        raise ValidationFailed("No active resident has that address.", field="email")
    if person not in project.organisers:
        project.organisers.append(person)
        record(
            actor, "outreach.organiser_added", "outreach_project", project.id, None, {"person": person.email}
        )
    return person


def record_amount(actor, project: Project, amount: Decimal) -> Project:
    """Record what a fundraiser raised (in dollars). Raises NotAllowed and ValidationFailed."""
    if not can_organise(actor, project):
        raise NotAllowed("Only the project's organisers record its total.")
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000"):
        raise ValidationFailed("Enter an amount from 0 up to $9,999,999.99.", field="amount")
    project.amount_raised = amount.quantize(Decimal("0.01"))
    project.updated_at = utcnow()
    record(
        actor, "outreach.amount", "outreach_project", project.id, None, {"amount": str(project.amount_raised)}
    )
    return project


def _within(first: date, last: date, starts_at: datetime, ends_at: datetime, tz: str) -> bool:
    """Whether a shift starts and ends on the project's days (a shift may end at the last midnight)."""
    last_moment = ends_at - timedelta(microseconds=1)
    return first <= local_date(starts_at, tz) and local_date(last_moment, tz) <= last


def _check_shift(project: Project, data: ShiftData) -> None:
    if not project.is_approved:
        raise ValidationFailed("Shifts can be added once the project is approved.")
    if not data.role.strip() or len(data.role.strip()) > 120:
        raise ValidationFailed("Name the shift's role in up to 120 characters.", field="role")
    if data.ends_at <= data.starts_at:
        raise ValidationFailed("The shift must end after it starts.", field="end_time")
    if data.ends_at - data.starts_at > timedelta(hours=24):
        raise ValidationFailed("Keep a shift to 24 hours or less.", field="end_time")
    if not 1 <= data.slots <= MAX_SLOTS:
        raise ValidationFailed(f"A shift needs between 1 and {MAX_SLOTS} slots.", field="slots")
    tz = program_tz()
    if not _within(project.starts_on, project.ends_on, data.starts_at, data.ends_at, tz):
        raise ValidationFailed(
            f"The shift must fall within the project's dates ({project.starts_on:%b %-d} – {project.ends_on:%b %-d}).",
            field="day",
        )


def add_shift(actor, project: Project, data: ShiftData) -> Shift:
    """Add a shift to an approved project. Raises NotAllowed and ValidationFailed."""
    if not can_organise(actor, project):
        raise NotAllowed("Only the project's organisers add shifts.")
    _check_shift(project, data)
    shift = Shift(project_id=project.id, role=data.role.strip(), starts_at=data.starts_at, ends_at=data.ends_at,
                  slots=data.slots, revision=1)  # fmt: skip
    db.session.add(shift)
    db.session.flush()
    record(actor, "outreach.shift_added", "outreach_project", project.id, None, {"shift": shift.role})
    return shift


def volunteers(shift_id: int) -> list[ShiftSignup]:
    return list(
        db.session.scalars(
            select(ShiftSignup)
            .where(ShiftSignup.shift_id == shift_id)
            .order_by(ShiftSignup.signed_up_at, ShiftSignup.id)
        )
    )


def can_see_project(person, project: Project) -> bool:
    """Approved projects are for everyone signed in; proposals and declined ones for organisers and deciders."""
    return project.is_approved or can_organise(person, project) or can_decide(person)


@dataclass(frozen=True)
class ProjectLists:
    upcoming: list[Project]
    mine: list[Project]
    to_decide: list[Project]
    past: list[Project]


def project_lists(person, today: date) -> ProjectLists:
    """What the outreach page shows `person`: upcoming approved projects, their own (any status),
    proposals waiting for a decision (coordinators), and the last year's finished projects."""
    projects = list(
        db.session.scalars(
            select(Project)
            .where(Project.ends_on >= today - timedelta(days=365))
            .order_by(Project.starts_on, Project.id)
        )
    )
    return ProjectLists(
        upcoming=[p for p in projects if p.is_approved and p.ends_on >= today],
        mine=[p for p in projects if is_project_organiser(person, p)],
        to_decide=[p for p in projects if p.status == "proposed"] if can_decide(person) else [],
        past=[p for p in reversed(projects) if p.is_approved and p.ends_on < today],
    )


@dataclass(frozen=True)
class ShiftView:
    shift: Shift
    volunteers: list[ShiftSignup]

    @property
    def free(self) -> int:
        return max(0, self.shift.slots - len(self.volunteers))


def shift_views(project: Project) -> list[ShiftView]:
    """The project's shifts in time order, each with its volunteers in sign-up order (one query)."""
    by_shift: dict[int, list[ShiftSignup]] = {shift.id: [] for shift in project.shifts}
    if by_shift:
        for signup in db.session.scalars(
            select(ShiftSignup)
            .where(ShiftSignup.shift_id.in_(by_shift))
            .order_by(ShiftSignup.signed_up_at, ShiftSignup.id)
        ):
            by_shift[signup.shift_id].append(signup)
    return [ShiftView(shift, by_shift[shift.id]) for shift in project.shifts]
