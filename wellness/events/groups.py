"""Groups coordinators keep for audiences, and the managed list of event kinds."""

import re

from sqlalchemy import func, select

from ..audit import record
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..people.models import Person
from ..people.permissions import can_manage_events
from .models import KIND_COLOURS, STANDARD_KINDS, EventKind, Group, event_groups


def _require_staff(actor) -> None:
    if not can_manage_events(actor):
        raise NotAllowed("Only coordinators keep groups and kinds.")


def _name_taken(model, name: str, except_id: int | None = None) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return db.session.scalar(query) is not None


def save_group(actor, group: Group | None, name: str, description: str) -> Group:
    """Create a group (group=None) or rename it. Raises NotAllowed, ValidationFailed, Conflict."""
    _require_staff(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the group a name.", field="name")
    if _name_taken(Group, name, group.id if group else None):
        raise Conflict(f"There is already a group called {name}.", field="name")
    before = None if group is None else {"name": group.name, "description": group.description}
    if group is None:
        group = Group(name=name, description=description.strip())
        db.session.add(group)
    else:
        group.name, group.description = name, description.strip()
    db.session.flush()
    record(
        actor,
        "group.saved",
        "group",
        group.id,
        before,
        {"name": group.name, "description": group.description},
    )
    return group


def add_members(actor, group: Group, text: str) -> list[Person]:
    """Add the people whose addresses appear in `text`; all must exist or none are added.

    Returns the people newly added. Raises NotAllowed, ValidationFailed.
    """
    _require_staff(actor)
    emails = {part.lower() for part in re.split(r"[\s,;]+", text) if part}
    if not emails:
        raise ValidationFailed("Enter at least one e-mail address.", field="emails")
    people = list(db.session.scalars(select(Person).where(Person.email.in_(emails))))
    missing = sorted(emails - {person.email for person in people})
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ValidationFailed(f"No account has the address {shown}.", field="emails")
    added = [person for person in people if person not in group.members]
    group.members.extend(added)
    if added:
        record(
            actor, "group.members_added", "group", group.id, None, {"added": sorted(p.email for p in added)}
        )
    db.session.flush()
    return added


def remove_member(actor, group: Group, person_id: int) -> Person | None:
    _require_staff(actor)
    person = next((member for member in group.members if member.id == person_id), None)
    if person is not None:
        group.members.remove(person)
        record(actor, "group.member_removed", "group", group.id, {"removed": person.email}, None)
        db.session.flush()
    return person


def delete_group(actor, group: Group) -> None:
    """Delete a group no event's audience uses. Raises NotAllowed, Conflict."""
    _require_staff(actor)
    used = db.session.scalar(
        select(func.count()).select_from(event_groups).where(event_groups.c.group_id == group.id)
    )
    if used:
        raise Conflict(
            f"{group.name} is in the audience of {used} event{'s' if used != 1 else ''}, so it stays."
        )
    record(
        actor, "group.deleted", "group", group.id, {"name": group.name, "members": len(group.members)}, None
    )
    db.session.delete(group)
    db.session.flush()


def ensure_kinds() -> dict[str, EventKind]:
    """The standard kinds, created when missing; returns every kind by slug."""
    kinds = {kind.slug: kind for kind in db.session.scalars(select(EventKind))}
    for position, (slug, name, colour) in enumerate(STANDARD_KINDS):
        if slug not in kinds:
            kinds[slug] = EventKind(slug=slug, name=name, colour=colour, position=position)
            db.session.add(kinds[slug])
    db.session.flush()
    return kinds


def save_kind(actor, kind: EventKind | None, name: str, colour: str) -> EventKind:
    """Add a kind (kind=None) or rename and recolour one. Raises NotAllowed, ValidationFailed, Conflict."""
    _require_staff(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the kind a name.", field="name")
    if colour not in KIND_COLOURS:
        raise ValidationFailed("Choose a colour from the list.", field="colour")
    if _name_taken(EventKind, name, kind.id if kind else None):
        raise Conflict(f"There is already a kind called {name}.", field="name")
    before = None if kind is None else {"name": kind.name, "colour": kind.colour}
    if kind is None:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:24] or "kind"
        base, n = slug, 2
        while db.session.scalar(select(EventKind.id).where(EventKind.slug == slug)):
            slug, n = f"{base}-{n}", n + 1
        position = (db.session.scalar(select(func.max(EventKind.position))) or 0) + 1
        kind = EventKind(slug=slug, name=name, colour=colour, position=position)
        db.session.add(kind)
    else:
        kind.name, kind.colour = name, colour
    db.session.flush()
    record(actor, "kind.saved", "event_kind", kind.id, before, {"name": kind.name, "colour": kind.colour})
    return kind
