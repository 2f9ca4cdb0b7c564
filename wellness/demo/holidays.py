"""The demo's holiday blocks: last year's allocation published (so priorities show) and this year's rankings."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete

from ..extensions import db
from ..holidays import blocks, preferences, services
from ..holidays.dates import default_blocks
from ..notifications.models import Notice
from ..people.models import Person
from .seed import DemoContext, demo_step

# How residents' wishes lean: Christmas is the most wanted, then Thanksgiving, New Year, High Holidays.
POPULARITY = {"christmas": 4.0, "thanksgiving": 3.0, "new_year": 2.2, "high_holidays": 1.0}
RANKED_SHARE = 0.85  # this year, most residents have ranked; the rest are reminded
OBSERVANCE_SHARE = 0.07


def collecting_year(today: date) -> int:
    """The academic year whose rankings are open: the first whose blocks all lie at least two weeks ahead."""
    year = today.year - 1
    while default_blocks(year)[0].starts_on <= today + timedelta(days=14):
        year += 1
    return year


def _ranking(rng, keys: list[str]) -> list[str]:
    """A ranking drawn by popularity: repeatedly pick among the blocks left, weighted."""
    left, order = list(keys), []
    while left:
        pick = rng.choices(left, weights=[POPULARITY.get(key, 1.0) for key in left])[0]
        order.append(pick)
        left.remove(pick)
    return order


def _rankings_csv(rng, residents: list[Person], keys: list[str], share: float) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "ranking", "observance"])
    for person in residents:
        if rng.random() > share:
            continue
        order = _ranking(rng, keys)
        observance = ""
        if rng.random() < OBSERVANCE_SHARE:
            observance = "high_holidays" if rng.random() < 0.6 else order[0]
        writer.writerow([person.email, ";".join(order), observance])
    return out.getvalue()


def _cap_programs(year) -> None:
    """At most a quarter of primary care (plus one) off in any block: the clinic must stay open."""
    primary_care = sum(
        1 for p in blocks.eligible_residents(year.academic_year) if p.program == "primary_care"
    )
    for block in year.blocks:
        data = blocks.BlockData(block.key, block.name, block.starts_on, block.ends_on, block.capacity + 2,
                                {"primary_care": primary_care // 4 + 1})  # fmt: skip
        blocks.update_block(None, block, data)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@demo_step
def seed_holidays(ctx: DemoContext) -> None:
    rng = ctx.rng_for("holidays")
    this_year = collecting_year(ctx.today)
    last_year = this_year - 1

    # Last year: ranked in the summer, allocated and published.
    first_block = default_blocks(last_year)[0].starts_on
    opened = first_block - timedelta(days=60)
    year = blocks.setup_year(None, last_year, opened)
    blocks.set_window(None, year, opened, opened + timedelta(days=21))
    _cap_programs(year)
    keys = [block.key for block in year.blocks]
    preferences.import_preferences(
        None, last_year, _rankings_csv(rng, blocks.eligible_residents(last_year), keys, 1.0)
    )
    services.allocate_holiday_blocks(None, last_year, seed=ctx.seed + last_year)
    published = _at(opened + timedelta(days=25), 15)
    services.publish_allocation(None, year, published)
    # The demo sends no mail: last summer's publication notices are long gone.
    db.session.execute(delete(Notice).where(Notice.kind == "holiday_block_published"))

    # This year: the window opened ten days ago; most residents have ranked, Jordan Lee has not yet.
    year = blocks.setup_year(None, this_year, ctx.today - timedelta(days=10))
    blocks.set_window(None, year, ctx.today - timedelta(days=10), ctx.today + timedelta(days=11))
    _cap_programs(year)
    eligible = [p for p in blocks.eligible_residents(this_year) if p.email != "resident@example.org"]
    keys = [block.key for block in year.blocks]
    preferences.import_preferences(None, this_year, _rankings_csv(rng, eligible, keys, RANKED_SHARE))
    flagged, excused = rng.sample(eligible, 2)
    blocks.flag_priority(None, year, flagged, "Worked every holiday block last year covering the ICU")
    blocks.excuse_resident(None, year, excused, "On an away rotation abroad from October to January")
    db.session.flush()
