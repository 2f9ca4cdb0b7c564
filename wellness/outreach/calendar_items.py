"""Outreach on calendars: each volunteer's shifts, and approved projects in the public feeds."""

from datetime import timedelta

from sqlalchemy import select

from ..calendar import CalendarItem, Provider, PublicScope, Watch, Window, register
from ..dates import local_date
from ..events.display import program_tz
from ..extensions import db
from .models import PROJECT_KINDS, Project, Shift, ShiftSignup

OUTREACH_KIND = "outreach"  # the event kind whose public feed also lists approved projects


def _shift_item(shift: Shift, project: Project, signup: ShiftSignup) -> CalendarItem:
    note = (
        "You offered this slot; it is yours until someone takes it."
        if signup.offered_at
        else "You have a slot."
    )
    return CalendarItem(
        uid=f"outreach-shift-{shift.id}",
        title=f"{project.title}: {shift.role}",
        updated_at=max(
            m for m in (shift.updated_at, project.updated_at, signup.signed_up_at, signup.offered_at) if m
        ),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        location=", ".join(part for part in (project.partner_name, project.partner_address) if part),
        description="\n\n".join(part for part in (project.description, note) if part),
        status="confirmed",
        categories=("Community outreach",),
        privacy="public",
        revision=shift.revision + project.revision - 1,
        url=f"/outreach/{project.id}",
    )


def personal_items(person_id: int, window: Window) -> list[CalendarItem]:
    """The shifts the person has a slot in, of approved projects, overlapping the window."""
    rows = db.session.execute(
        select(Shift, Project, ShiftSignup)
        .join(Project, Project.id == Shift.project_id)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(
            ShiftSignup.person_id == person_id,
            Project.status == "approved",
            Shift.ends_at > window.start,
            Shift.starts_at < window.end,
        )
    ).all()
    return [_shift_item(shift, project, signup) for shift, project, signup in rows]


def public_items(scope: PublicScope, window: Window) -> list[CalendarItem]:
    """Approved projects as whole days, in the all-events, outreach and every program feed."""
    if scope.kind not in (None, OUTREACH_KIND):
        return []
    tz = program_tz()
    first, last = local_date(window.start, tz), local_date(window.end - timedelta(microseconds=1), tz)
    projects = db.session.scalars(
        select(Project).where(
            Project.status == "approved", Project.ends_on >= first, Project.starts_on <= last
        )
    )
    return [
        CalendarItem(
            uid=f"outreach-project-{project.id}",
            title=f"Outreach: {project.title}",
            updated_at=project.updated_at,
            first_day=project.starts_on,
            last_day=project.ends_on,
            location=", ".join(part for part in (project.partner_name, project.partner_address) if part),
            description="\n\n".join(
                part for part in (PROJECT_KINDS.get(project.kind, ""), project.description) if part
            ),
            status="confirmed",
            categories=("Community outreach",),
            privacy="public",
            revision=project.revision,
            url=f"/outreach/{project.id}",
        )
        for project in projects
    ]


def _volunteers(session, shift_ids: set[int]) -> set[int]:
    if not shift_ids:
        return set()
    return set(session.scalars(select(ShiftSignup.person_id).where(ShiftSignup.shift_id.in_(shift_ids))))


def _project_volunteers(session, project_ids: set[int]) -> set[int]:
    if not project_ids:
        return set()
    return set(
        session.scalars(
            select(ShiftSignup.person_id)
            .join(Shift, Shift.id == ShiftSignup.shift_id)
            .where(Shift.project_id.in_(project_ids))
        )
    )


register(
    Provider(
        name="outreach",
        personal=personal_items,
        public=public_items,
        watches=(
            Watch(ShiftSignup, lambda session, signups: {signup.person_id for signup in signups}),
            Watch(Shift, lambda session, shifts: _volunteers(session, {shift.id for shift in shifts})),
            Watch(
                Project,
                lambda session, projects: _project_volunteers(session, {p.id for p in projects}),
                public=True,
            ),
        ),
    )
)
