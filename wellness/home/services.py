"""Figures for the dashboards."""

from datetime import date, timedelta

from sqlalchemy import func, select

from ..dates import utcnow
from ..extensions import db
from ..people.models import LoginAttempt, Person, Role, person_roles
from ..people.programs import PROGRAMS


def program_summary(today: date) -> dict:
    """Active residents by program and PGY, faculty coaching capacity, and who has not signed up."""
    residents = list(
        db.session.scalars(
            select(Person)
            .join(person_roles, person_roles.c.person_id == Person.id)
            .join(Role, Role.id == person_roles.c.role_id)
            .where(Role.name == "resident", Person.is_active.is_(True))
        )
    )
    table: dict[str, dict] = {key: {} for key in PROGRAMS}
    for person in residents:
        label = person.training_status_on(today)
        if person.program in table:
            table[person.program][label] = table[person.program].get(label, 0) + 1
    faculty_count, capacity = db.session.execute(
        select(func.count(Person.id), func.coalesce(func.sum(Person.coach_capacity), 0))
        .join(person_roles, person_roles.c.person_id == Person.id)
        .join(Role, Role.id == person_roles.c.role_id)
        .where(Role.name == "faculty", Person.is_active.is_(True))
    ).one()
    not_signed_up = db.session.scalar(
        select(func.count())
        .select_from(Person)
        .where(Person.is_active.is_(True), Person.password_hash.is_(None))
    )
    return {
        "residents": len(residents),
        "by_program": table,
        "faculty": faculty_count,
        "coach_capacity": capacity,
        "not_signed_up": not_signed_up,
    }


def failed_sign_ins_last_day() -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.created_at >= since, LoginAttempt.outcome != "success")
    )
