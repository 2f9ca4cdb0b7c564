"""Residents' rankings of a year's blocks: ranking during the window, importing a CSV, and who has ranked."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select

from ..audit import record
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person
from .blocks import discard_preview, eligible_residents, get_year, ranking_window, require_coordinator
from .models import HolidayBlock, HolidayYear, Ranking

MAX_IMPORT_ROWS = 5000


@dataclass(frozen=True)
class RankedBlock:
    block: HolidayBlock
    rank: int | None  # None: left out of an imported ranking (tied last)
    is_observance: bool


def ranking_of(person_id: int, year: HolidayYear) -> list[RankedBlock]:
    """The person's ranking, most wanted first; empty if they have not ranked."""
    rows = {
        row.block_id: row
        for row in db.session.scalars(
            select(Ranking).where(
                Ranking.person_id == person_id, Ranking.block_id.in_([b.id for b in year.blocks])
            )
        )
    }
    if not rows:
        return []
    ranked = [
        RankedBlock(block, rows[block.id].rank if block.id in rows else None,
                    block.id in rows and rows[block.id].is_observance)
        for block in year.blocks
    ]  # fmt: skip
    return sorted(ranked, key=lambda r: (r.rank is None, r.rank or 0, r.block.starts_on))


def window_message(year: HolidayYear, today: date) -> str | None:
    """Why ranking is closed today, or None while it is open."""
    window = ranking_window(year)
    if window is None:
        return f"The {year.label} holiday blocks are not set up yet."
    if year.status == "published":
        return "The allocation is published; rankings are closed."
    opens_on, closes_on = window
    if today < opens_on:
        return f"Ranking opens on {opens_on:%A, %B %-d}."
    if today > closes_on:
        return f"Ranking closed on {closes_on:%A, %B %-d}."
    return None


def _require_eligible(year: HolidayYear, person) -> None:
    if person.id not in {p.id for p in eligible_residents(year.academic_year)}:
        raise NotAllowed(f"Only residents taking part in {year.label} rank its holiday blocks.")


def _replace_ranking(
    person_id: int, year: HolidayYear, ranks: dict[int, int], observance_id: int | None
) -> None:
    db.session.execute(
        delete(Ranking).where(
            Ranking.person_id == person_id, Ranking.block_id.in_([b.id for b in year.blocks])
        )
    )
    db.session.add_all(
        Ranking(person_id=person_id, block_id=block_id, rank=rank, is_observance=block_id == observance_id)
        for block_id, rank in ranks.items()
    )


def record_ranking(
    actor, year: HolidayYear, block_ids: list[int], observance_id: int | None, today: date
) -> None:
    """Store the actor's ranking of every block (`block_ids` most wanted first) and optional observance.

    Raises NotAllowed for people not taking part, and ValidationFailed outside the window, for a block
    ranked twice, an unknown or missing block, or an observance on a block not ranked.
    """
    _require_eligible(year, actor)
    closed = window_message(year, today)
    if closed:
        raise ValidationFailed(closed)
    names = {block.id: block.name for block in year.blocks}
    seen = set()
    for block_id in block_ids:
        if block_id not in names:
            raise ValidationFailed("That ranking names a block this year does not have. Reload the page.")
        if block_id in seen:
            raise ValidationFailed(f"You ranked {names[block_id]} twice; give each block one place.")
        seen.add(block_id)
    missing = [name for block_id, name in names.items() if block_id not in seen]
    if missing:
        raise ValidationFailed(
            f"Rank every block: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing."
        )
    if observance_id is not None and observance_id not in seen:
        raise ValidationFailed("The observance must be one of the blocks you ranked.", field="observance")
    _replace_ranking(actor.id, year, {block_id: n for n, block_id in enumerate(block_ids, 1)}, observance_id)
    discard_preview(year)
    record(actor, "holidays.ranked", "holiday_year", year.academic_year)
    db.session.flush()


@dataclass(frozen=True)
class ImportedRow:
    line: int
    person: Person
    ranks: dict[int, int]
    observance_id: int | None


def _parse_import(year: HolidayYear, text: str) -> list[ImportedRow]:
    by_key = {block.key: block for block in year.blocks}
    eligible = {person.email: person for person in eligible_residents(year.academic_year)}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {name.strip().lower() for name in reader.fieldnames or []}
    if not {"email", "ranking"} <= headers:
        raise ValidationFailed("The file needs the columns email,ranking and optionally observance.")
    problems, rows, emails = [], [], set()
    for line, raw in enumerate(reader, start=2):
        if line > MAX_IMPORT_ROWS + 1:
            raise ValidationFailed(f"A file holds at most {MAX_IMPORT_ROWS} rows.")
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items() if key}
        email = row.get("email", "").lower()
        keys = [key.strip().lower() for key in row.get("ranking", "").split(";") if key.strip()]
        observance = row.get("observance", "").lower() or None
        where = f"Line {line} ({email or 'no email'})"
        if email not in eligible:
            known = db.session.scalar(select(Person.id).where(func.lower(Person.email) == email))
            problems.append(
                f"{where}: {'not a resident taking part this year' if known else 'unknown email'}."
            )
            continue
        if email in emails:
            problems.append(f"{where}: this email is already on an earlier line.")
            continue
        emails.add(email)
        unknown = [key for key in keys + ([observance] if observance else []) if key not in by_key]
        if not keys:
            problems.append(f"{where}: the ranking is empty.")
        elif unknown:
            problems.append(f"{where}: unknown block {unknown[0]} (the keys are {', '.join(by_key)}).")
        elif len(set(keys)) != len(keys):
            problems.append(f"{where}: a block is ranked twice.")
        elif observance and observance not in keys:
            problems.append(f"{where}: the observance {observance} is not in the ranking.")
        else:
            ranks = {by_key[key].id: n for n, key in enumerate(keys, 1)}
            rows.append(
                ImportedRow(line, eligible[email], ranks, by_key[observance].id if observance else None)
            )
    if problems:
        raise ValidationFailed("Nothing was imported. " + " ".join(problems))
    return rows


def import_preferences(actor, academic_year: int, text: str) -> int:
    """Import rankings from CSV text with columns email,ranking,observance; returns how many were stored.

    `ranking` lists block keys separated by ";", most wanted first; blocks left out count as tied last.
    All or nothing: raises ValidationFailed naming every bad row (unknown email, unknown or repeated
    block, observance not ranked), and when the year has no blocks or is published.
    """
    require_coordinator(actor)
    year = get_year(academic_year)
    if year is None or not year.blocks:
        raise ValidationFailed(f"Set up the {academic_year} holiday blocks first.")
    if year.is_published:
        raise ValidationFailed("The allocation is published; un-publish it before importing rankings.")
    rows = _parse_import(year, text)
    for row in rows:
        _replace_ranking(row.person.id, year, row.ranks, row.observance_id)
    discard_preview(year)
    record(actor, "holidays.rankings_imported", "holiday_year", academic_year, after={"rows": len(rows)})
    db.session.flush()
    return len(rows)


@dataclass(frozen=True)
class RankingStatus:
    person: Person
    ranked_at: datetime | None


def ranking_statuses(year: HolidayYear) -> list[RankingStatus]:
    """Every resident taking part, with when they last ranked (None: not yet)."""
    last = dict(
        db.session.execute(
            select(Ranking.person_id, func.max(Ranking.ranked_at))
            .where(Ranking.block_id.in_([b.id for b in year.blocks]))
            .group_by(Ranking.person_id)
        ).all()
    )
    return [RankingStatus(person, last.get(person.id)) for person in eligible_residents(year.academic_year)]


def remind_unranked(actor, year: HolidayYear, today: date) -> int:
    """Send every resident who has not ranked a reminder (once a day at most); returns how many were sent."""
    require_coordinator(actor)
    window = ranking_window(year)
    if window_message(year, today) or window is None:
        raise ValidationFailed("Ranking is not open, so there is nothing to remind anyone of.")
    sent = 0
    for status in ranking_statuses(year):
        if status.ranked_at is None:
            notice = notify(
                status.person, "holiday_ranking_reminder", f"Rank the {year.label} holiday blocks",
                f"Please rank the holiday blocks by {window[1]:%A, %B %-d}. Every block gets a place in your "
                "ranking; you can change it until the window closes.",
                "/holidays", dedupe_key=f"holidays-remind-{year.academic_year}-{status.person.id}-{today}",
            )  # fmt: skip
            sent += notice is not None
    record(actor, "holidays.reminded", "holiday_year", year.academic_year, after={"sent": sent})
    return sent


def first_choices(year: HolidayYear) -> dict[int, int]:
    """How many residents ranked each block first (block id → count); never who."""
    counts = dict(
        db.session.execute(
            select(Ranking.block_id, func.count())
            .where(Ranking.block_id.in_([b.id for b in year.blocks]), Ranking.rank == 1)
            .group_by(Ranking.block_id)
        ).all()
    )
    return {block.id: counts.get(block.id, 0) for block in year.blocks}
