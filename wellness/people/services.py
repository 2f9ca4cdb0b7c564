"""People records: create, edit, deactivate, search, and the managed lists (fields, firms, sites)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from .. import audit
from ..database import paginate
from ..dates import utcnow
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..wording import people_count
from .models import ClinicSite, Field, Firm, Person, Role, new_session_token, person_fields, person_roles
from .permissions import can_deactivate_person, can_edit_person, can_grant_role, can_manage_fields
from .programs import PROGRAMS, ROLE_NAMES, start_year_for_pgy


@dataclass(frozen=True)
class PersonData:
    """What a person form or a roster row says about someone."""

    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    program: str | None = None
    is_stanbury: bool = False
    training_start_year: int | None = None
    fields: tuple[str, ...] = ()
    firm: str | None = None
    clinic_site: str | None = None
    coach_capacity: int | None = None


@dataclass(frozen=True)
class PeopleFilter:
    q: str = ""
    role: str = ""
    program: str = ""
    pgy: int | None = None
    firm_id: int | None = None
    field_id: int | None = None
    status: str = "active"  # active, inactive, all


def ensure_roles() -> dict[str, Role]:
    """Return every role by name, creating any that are missing (they are also seeded by migration)."""
    roles = {role.name: role for role in db.session.scalars(select(Role))}
    for name in ROLE_NAMES:
        if name not in roles:
            roles[name] = Role(name=name)
            db.session.add(roles[name])
    return roles


def _named(model, name: str | None):
    """Find a managed-list entry by name ignoring case, creating it when new."""
    if not name:
        return None
    key = name.strip().lower()
    item = db.session.scalar(select(model).where(func.lower(model.name) == key))
    if item is None:
        item = model(name=name.strip())
        db.session.add(item)
    return item


def resolve_fields(names) -> list[Field]:
    """The fields with these names (created when new), each once: names differing only in case are one."""
    unique: dict[str, str] = {}
    for name in names:
        if name.strip():
            unique.setdefault(name.strip().lower(), name)  # the first spelling wins
    return [_named(Field, name) for name in unique.values()]


def snapshot(person: Person) -> dict:
    """The audited view of a person (no secrets)."""
    return {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "roles": sorted(person.role_names),
        "is_active": person.is_active,
        "program": person.program,
        "is_stanbury": person.is_stanbury,
        "training_start_year": person.training_start_year,
        # Sorted here, not by the database, whose collation may or may not ignore case.
        "fields": sorted((f.name for f in person.fields), key=str.lower),
        "firm": person.firm.name if person.firm else None,
        "clinic_site": person.clinic_site.name if person.clinic_site else None,
        "coach_capacity": person.coach_capacity,
    }


def _check_roles(actor, person: Person | None, roles: tuple[str, ...]) -> None:
    current = person.role_names if person else set()
    for name in set(roles) ^ current:
        if not can_grant_role(actor, name):
            verb = "grant" if name in roles else "remove"
            raise NotAllowed(f"Only an admin can {verb} the {name} role.", field="roles")
    if not roles:
        raise ValidationFailed("Choose at least one role.", field="roles")
    if person is not None and person.id == actor.id and "admin" in current and "admin" not in roles:
        raise ValidationFailed("You cannot remove your own admin role.", field="roles")


def _apply(person: Person, data: PersonData, roles_by_name: dict[str, Role]) -> None:
    is_resident = "resident" in data.roles
    person.email = data.email.strip().lower()
    person.first_name = data.first_name.strip()
    person.last_name = data.last_name.strip()
    person.roles = [roles_by_name[name] for name in ROLE_NAMES if name in data.roles]
    person.program = data.program if is_resident else None
    person.is_stanbury = bool(is_resident and data.program == "categorical" and data.is_stanbury)
    person.training_start_year = data.training_start_year if is_resident else None
    person.firm = _named(Firm, data.firm) if is_resident else None
    person.clinic_site = _named(ClinicSite, data.clinic_site) if is_resident else None
    person.coach_capacity = data.coach_capacity if "faculty" in data.roles else None
    person.fields = resolve_fields(data.fields)


def _check_shape(data: PersonData) -> None:
    if "resident" in data.roles:
        if data.program not in PROGRAMS:
            raise ValidationFailed("Choose the resident's program.", field="program")
        if data.training_start_year is None:
            raise ValidationFailed(
                "Enter the year the resident started training.", field="training_start_year"
            )


def _check_email_free(email: str, person_id: int | None) -> None:
    other = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if other is not None and other.id != person_id:
        raise Conflict(f"{email} already belongs to {other.name}.", field="email")


def create_person(actor, data: PersonData) -> Person:
    """Create a person. Raises NotAllowed (roles), Conflict (email taken), ValidationFailed."""
    _check_roles(actor, None, data.roles)
    _check_shape(data)
    _check_email_free(data.email, None)
    person = Person()
    _apply(person, data, ensure_roles())
    db.session.add(person)
    db.session.flush()
    audit.record(actor, "person.create", "person", person.id, None, snapshot(person))
    return person


def update_person(actor, person: Person, data: PersonData) -> Person:
    """Edit a person. Raises NotAllowed, Conflict (email taken) or ValidationFailed."""
    if not can_edit_person(actor, person):
        raise NotAllowed("You may not edit this person.")
    _check_roles(actor, person, data.roles)
    _check_shape(data)
    _check_email_free(data.email, person.id)
    before = snapshot(person)
    _apply(person, data, ensure_roles())
    db.session.flush()
    after = snapshot(person)
    if after != before:
        audit.record(actor, "person.update", "person", person.id, before, after)
    return person


def deactivate_person(actor, person: Person) -> None:
    """Deactivate (never delete) a person and end all their sessions. Raises NotAllowed."""
    if not can_deactivate_person(actor, person):
        raise NotAllowed("You may not deactivate this person.")
    if not person.is_active:
        return
    person.is_active = False
    person.deactivated_at = utcnow()
    person.session_token = new_session_token()
    audit.record(actor, "person.deactivate", "person", person.id, {"is_active": True}, {"is_active": False})


def reactivate_person(actor, person: Person) -> None:
    if not can_edit_person(actor, person):
        raise NotAllowed("You may not reactivate this person.")
    if person.is_active:
        return
    person.is_active = True
    person.deactivated_at = None
    audit.record(actor, "person.reactivate", "person", person.id, {"is_active": False}, {"is_active": True})


def people_query(filters: PeopleFilter, today: date):
    """A select() of people matching the filters, ordered by last then first name."""
    query = select(Person)
    if filters.status == "active":
        query = query.where(Person.is_active.is_(True))
    elif filters.status == "inactive":
        query = query.where(Person.is_active.is_(False))
    words = filters.q.split()
    for word in words[:5]:
        like = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Person.first_name).like(like),
                func.lower(Person.last_name).like(like),
                Person.email.like(like),
            )
        )
    if filters.role:
        query = query.where(
            Person.id.in_(
                select(person_roles.c.person_id)
                .join(Role, Role.id == person_roles.c.role_id)
                .where(Role.name == filters.role)
            )
        )
    if filters.program:
        query = query.where(Person.program == filters.program)
    if filters.pgy:
        # PGY follows from the start year; the Stanbury pathway ends a year early.
        year = start_year_for_pgy(filters.pgy, today)
        query = query.where(Person.training_start_year == year, Person.program.is_not(None))
        longer = [key for key, program in PROGRAMS.items() if program.years >= filters.pgy]
        query = query.where(Person.program.in_(longer))
        if filters.pgy > 2:
            query = query.where(Person.is_stanbury.is_(False))
    if filters.firm_id:
        query = query.where(Person.firm_id == filters.firm_id)
    if filters.field_id:
        query = query.where(
            Person.id.in_(
                select(person_fields.c.person_id).where(person_fields.c.field_id == filters.field_id)
            )
        )
    return query.order_by(func.lower(Person.last_name), func.lower(Person.first_name), Person.id)


def list_people(filters: PeopleFilter, today: date, page: int, per_page: int = 50):
    return paginate(people_query(filters, today), page, per_page)


def all_fields() -> list[Field]:
    return list(db.session.scalars(select(Field).order_by(func.lower(Field.name))))


def all_firms() -> list[Firm]:
    return list(db.session.scalars(select(Firm).order_by(func.lower(Firm.name))))


def all_clinic_sites() -> list[ClinicSite]:
    return list(db.session.scalars(select(ClinicSite).order_by(func.lower(ClinicSite.name))))


def field_usage() -> dict[int, int]:
    rows = db.session.execute(
        select(person_fields.c.field_id, func.count()).group_by(person_fields.c.field_id)
    )
    return {field_id: count for field_id, count in rows}


def _check_field_name(name: str, field_id: int | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("Enter a name.", field="name")
    other = db.session.scalar(select(Field).where(func.lower(Field.name) == name.lower()))
    if other is not None and other.id != field_id:
        raise Conflict(f"There is already a field called {other.name}.", field="name")
    return name


def create_field(actor, name: str) -> Field:
    """Add a field. Raises NotAllowed, ValidationFailed or Conflict (name taken, ignoring case)."""
    if not can_manage_fields(actor):
        raise NotAllowed("You may not manage fields.")
    field = Field(name=_check_field_name(name, None))
    db.session.add(field)
    db.session.flush()
    audit.record(actor, "field.create", "field", field.id, None, {"name": field.name})
    return field


def rename_field(actor, field: Field, name: str) -> Field:
    if not can_manage_fields(actor):
        raise NotAllowed("You may not manage fields.")
    before = field.name
    field.name = _check_field_name(name, field.id)
    audit.record(actor, "field.rename", "field", field.id, {"name": before}, {"name": field.name})
    return field


def delete_field(actor, field: Field) -> None:
    """Remove a field nobody has. Raises Conflict when it is in use."""
    if not can_manage_fields(actor):
        raise NotAllowed("You may not manage fields.")
    used = field_usage().get(field.id, 0)
    if used:
        raise Conflict(f"{field.name} is held by {people_count(used)}; rename it instead.")
    audit.record(actor, "field.delete", "field", field.id, {"name": field.name}, None)
    db.session.delete(field)


def person_history(person: Person, limit: int = 50):
    return list(
        db.session.scalars(
            select(audit.AuditEntry)
            .where(audit.AuditEntry.subject_type == "person", audit.AuditEntry.subject_id == person.id)
            .order_by(audit.AuditEntry.created_at.desc(), audit.AuditEntry.id.desc())
            .limit(limit)
        )
    )
