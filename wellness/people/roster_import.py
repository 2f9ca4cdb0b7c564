"""Applying a validated roster: creates and updates people by email, never deletes anyone."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .. import audit
from ..errors import NotAllowed
from ..extensions import db
from .models import ClinicSite, Field, Firm, Person
from .permissions import can_edit_person, can_grant_role, can_import_roster
from .programs import ROLE_NAMES
from .roster import ParsedRoster, RosterProblem, RosterRow
from .services import ensure_roles, snapshot

CHUNK = 500


@dataclass(frozen=True)
class RosterChange:
    row: int
    email: str
    name: str
    action: str  # create, update or unchanged
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterReport:
    changes: tuple[RosterChange, ...] = ()
    problems: tuple[RosterProblem, ...] = ()
    new_fields: tuple[str, ...] = ()
    new_firms: tuple[str, ...] = ()
    new_clinic_sites: tuple[str, ...] = ()
    written: bool = False

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Lists:
    """Case-insensitive caches of the managed lists, noting which names the import adds."""

    model: type
    items: dict[str, object] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)

    def load(self) -> "_Lists":
        self.items = {item.name.lower(): item for item in db.session.scalars(select(self.model))}
        return self

    def name_of(self, name: str | None) -> str | None:
        if name is None:
            return None
        existing = self.items.get(name.lower())
        if existing is not None:
            return existing.name
        self.added.setdefault(name.lower(), name)
        return self.added[name.lower()]

    def get(self, name: str | None, write: bool):
        if name is None:
            return None
        key = name.lower()
        if key not in self.items and write:
            self.items[key] = self.model(name=name)
            db.session.add(self.items[key])
        return self.items.get(key)


def _target(row: RosterRow, current: dict | None, lists: dict[str, _Lists]) -> dict:
    """The person as they will be: empty cells keep what is stored; roles are only ever added."""
    base = current or {
        "email": row.email,
        "roles": [],
        "is_active": True,
        "program": None,
        "is_stanbury": False,
        "training_start_year": None,
        "fields": [],
        "firm": None,
        "clinic_site": None,
        "coach_capacity": None,
    }
    target = dict(base)
    target.update(first_name=row.first_name, last_name=row.last_name)
    target["roles"] = sorted(set(base["roles"]) | set(row.roles))
    for key in ("program", "training_start_year", "is_stanbury", "coach_capacity"):
        value = getattr(row, key)
        if value is not None:
            target[key] = value
    if row.fields is not None:
        target["fields"] = sorted((lists["fields"].name_of(name) for name in row.fields), key=str.lower)
    if row.firm is not None:
        target["firm"] = lists["firms"].name_of(row.firm)
    if row.clinic_site is not None:
        target["clinic_site"] = lists["sites"].name_of(row.clinic_site)
    return target


def _existing_people(emails: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        for person in db.session.scalars(select(Person).where(Person.email.in_(chunk))):
            found[person.email] = person
    return found


def _write(person: Person, target: dict, roles, lists: dict[str, _Lists]) -> None:
    person.email = target["email"]
    person.first_name = target["first_name"]
    person.last_name = target["last_name"]
    person.roles = [roles[name] for name in ROLE_NAMES if name in target["roles"]]
    person.program = target["program"]
    person.is_stanbury = target["is_stanbury"]
    person.training_start_year = target["training_start_year"]
    person.coach_capacity = target["coach_capacity"]
    person.fields = [lists["fields"].get(name, True) for name in target["fields"]]
    person.firm = lists["firms"].get(target["firm"], True)
    person.clinic_site = lists["sites"].get(target["clinic_site"], True)


def import_roster(
    actor,
    parsed: ParsedRoster,
    *,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> RosterReport:
    """Create and update people from a parsed roster, all or nothing.

    Args:
        actor: the importing coordinator or admin (None for the command line, which acts as admin).
        parsed: the result of `parse_roster`; a roster with problems writes nothing.
        dry_run: report what would change without writing.
        progress: called with the number of rows handled since the last call.

    Returns a RosterReport. Raises NotAllowed when `actor` may not import.
    A row for someone the actor may not edit (a coordinator updating an admin) is a problem.
    """
    if actor is not None and not can_import_roster(actor):
        raise NotAllowed("You may not import the roster.")
    if not parsed.ok:
        return RosterReport(problems=parsed.problems)

    lists = {"fields": _Lists(Field).load(), "firms": _Lists(Firm).load(), "sites": _Lists(ClinicSite).load()}
    existing = _existing_people([row.email for row in parsed.rows])
    roles = ensure_roles()
    planned: list[tuple[RosterRow, Person | None, dict, dict | None]] = []
    changes: list[RosterChange] = []
    problems: list[RosterProblem] = []
    for row in parsed.rows:
        person = existing.get(row.email)
        current = snapshot(person) if person else None
        target = _target(row, current, lists)
        if current is None:
            changes.append(RosterChange(row.row, row.email, f"{row.first_name} {row.last_name}", "create"))
        else:
            changed = tuple(key for key in target if target[key] != current[key])
            if changed and actor is not None and not can_edit_person(actor, person):
                problems.append(
                    RosterProblem(row.row, "email", f"{row.email} is an admin; only an admin can update them")
                )
            changes.append(
                RosterChange(row.row, row.email, person.name, "update" if changed else "unchanged", changed)
            )
        planned.append((row, person, target, current))
        if progress and len(planned) % 100 == 0:
            progress(100)

    report = RosterReport(
        changes=tuple(changes),
        problems=tuple(problems),
        new_fields=tuple(sorted(lists["fields"].added.values(), key=str.lower)),
        new_firms=tuple(sorted(lists["firms"].added.values(), key=str.lower)),
        new_clinic_sites=tuple(sorted(lists["sites"].added.values(), key=str.lower)),
    )
    if problems or dry_run:
        return report

    written: list[tuple[Person, RosterChange, dict | None, dict]] = []
    for (_row, person, target, current), change in zip(planned, changes, strict=True):
        if change.action == "unchanged":
            continue
        if person is None:
            person = Person()
            db.session.add(person)
        _write(person, target, roles, lists)
        written.append((person, change, current, target))
    db.session.flush()  # one flush assigns every new id
    for person, change, current, target in written:
        audit.record(actor, f"person.import_{change.action}", "person", person.id, current, target)
    db.session.flush()
    if progress:
        progress(len(planned) % 100)
    return RosterReport(**{**report.__dict__, "written": True})


def grantable_roles(actor) -> frozenset[str]:
    """The roles a roster imported by `actor` may name (the command line may name any)."""
    if actor is None:
        return frozenset(ROLE_NAMES)
    return frozenset(name for name in ROLE_NAMES if can_grant_role(actor, name))


def count_people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person)) or 0
