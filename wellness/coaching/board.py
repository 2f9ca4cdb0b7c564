"""The coordinators' board: residents in training with their pairing (or none), coaches with their
loads, flags and overrides, filters, the load chart and the CSV export. Meeting counts are the only
thing of meetings shown here."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..charts import Bar
from ..extensions import db
from ..people.models import Field, Person
from ..spreadsheets import csv_text
from . import services
from .meetings import held_this_year
from .models import Exclusion, Pairing


@dataclass(frozen=True)
class Filters:
    program: str = ""
    level: int | None = None
    field: str = ""

    def admits(self, person: Person, today: date) -> bool:
        if self.program and person.program != self.program:
            return False
        if self.level and person.pgy_on(today) != self.level:
            return False
        if self.field:
            return any(f.name.casefold() == self.field.casefold() for f in person.fields)
        return True


@dataclass(frozen=True)
class ResidentRow:
    resident: Person
    pgy: int | None
    pairing: Pairing | None
    meetings: int
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CoachRow:
    coach: Person
    load: int

    @property
    def free(self) -> int:
        return max(0, (self.coach.coach_capacity or 0) - self.load)


@dataclass(frozen=True)
class Board:
    rows: list[ResidentRow]
    coaches: list[CoachRow]
    total_residents: int
    total_paired: int

    @property
    def unpaired(self) -> list[ResidentRow]:
        return [row for row in self.rows if row.pairing is None]

    @property
    def paired(self) -> list[ResidentRow]:
        return [row for row in self.rows if row.pairing is not None]

    @property
    def flagged(self) -> list[ResidentRow]:
        return [row for row in self.rows if row.flags]

    @property
    def places_free(self) -> int:
        return sum(row.free for row in self.coaches)


def build_board(today: date, now, filters: Filters) -> Board:
    """Every resident in training today who passes the filters, and every coach."""
    residents = services.residents_in_training(today)
    pairings = {p.resident_id: p for p in services.active_pairings()}
    held = held_this_year(today, now)
    rows = []
    for resident in residents:
        if not filters.admits(resident, today):
            continue
        pairing = pairings.get(resident.id)
        rows.append(
            ResidentRow(
                resident,
                resident.pgy_on(today),
                pairing,
                held.get(pairing.id, 0) if pairing else 0,
                services.pairing_flags(pairing) if pairing else [],
            )
        )
    loads = services.loads()
    coaches = [CoachRow(coach, loads.get(coach.id, 0)) for coach in services.coaches()]
    paired_ids = set(pairings)
    return Board(rows, coaches, len(residents), sum(1 for r in residents if r.id in paired_ids))


def load_bars(coaches: list[CoachRow]) -> list[Bar]:
    """Each coach's coachees against their capacity, busiest first."""
    ordered = sorted(coaches, key=lambda row: (-row.load, row.coach.last_name, row.coach.first_name))
    return [Bar(row.coach.name, row.load, row.coach.coach_capacity or 0) for row in ordered]


def board_csv(board: Board) -> str:
    """The filtered residents with their coach, start date, meetings held this year and flags."""
    return csv_text(
        ["last_name", "first_name", "email", "program", "level", "fields", "coach", "coach_email",
         "coach_fields", "since", "meetings_this_year", "override_reason", "flags"],
        ([row.resident.last_name, row.resident.first_name, row.resident.email, row.resident.program_label,
          row.pgy or "", "; ".join(services.field_names(row.resident)),
          row.pairing.coach.name if row.pairing else "", row.pairing.coach.email if row.pairing else "",
          "; ".join(services.field_names(row.pairing.coach)) if row.pairing else "",
          row.pairing.starts_on.isoformat() if row.pairing else "", row.meetings if row.pairing else "",
          (row.pairing.override_reason or "") if row.pairing else "", "; ".join(row.flags)]
         for row in board.rows),
    )  # fmt: skip


def field_choices() -> list[str]:
    return list(db.session.scalars(select(Field.name).order_by(Field.name)))


def exclusions() -> list[Exclusion]:
    return list(
        db.session.scalars(select(Exclusion).order_by(Exclusion.created_at.desc(), Exclusion.id.desc()))
    )


def history_of(resident_id: int) -> list[Pairing]:
    """Every pairing the resident has had, newest first."""
    return list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.resident_id == resident_id)
            .order_by(Pairing.starts_on.desc(), Pairing.id.desc())
        )
    )
