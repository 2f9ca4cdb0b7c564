"""The demo's holiday blocks: last year published within every cap, this year's rankings open, priorities shown."""

from collections import Counter
from datetime import time, timedelta

from sqlalchemy import select

from tests.demo.test_demo_events import DEMO_DAY
from wellness.dates import local_to_utc
from wellness.extensions import db
from wellness.holidays import blocks, preferences, services
from wellness.holidays.models import Assignment, HolidayYear
from wellness.outreach.models import Shift, ShiftSignup

TZ = "America/New_York"


def test_the_demo_publishes_last_year_and_collects_this_year_with_priorities(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        years = {year.academic_year: year for year in db.session.scalars(select(HolidayYear))}
        last, this = sorted(years)
        published = years[last]
        rows = db.session.scalars(select(Assignment).where(Assignment.academic_year == last)).all()
        eligible_last = {p.id for p in blocks.eligible_residents(last)}
        caps = {block.id: (block.capacity, block.caps()) for block in published.blocks}
        programs = {row.person_id: row.person.program for row in rows}
        collecting = years[this]
        window = blocks.ranking_window(collecting)
        statuses = preferences.ranking_statuses(collecting)
        inputs = services.gather_inputs(collecting)
        late_last_year = {row.person.email for row in rows if (row.published_rank or 0) >= 3}
        volunteering = db.session.execute(
            select(ShiftSignup.person_id, Shift.starts_at, Shift.ends_at).join(
                Shift, Shift.id == ShiftSignup.shift_id
            )
        ).all()
        blocks_held = {row.person_id: row.block for row in rows}
        db.session.remove()

    assert this == last + 1 and published.status == "published" and collecting.status == "collecting"
    # Everyone taking part last year has exactly one block, within every block and program cap.
    assert {row.person_id for row in rows} == eligible_last
    fill = Counter(row.block_id for row in rows)
    for block_id, (capacity, program_caps) in caps.items():
        assert fill[block_id] <= capacity
        per_program = Counter(programs[row.person_id] for row in rows if row.block_id == block_id)
        assert all(per_program[program] <= cap for program, cap in program_caps.items())
    assert all(row.published_rank == row.rank for row in rows)
    # This year's window is open on the demo day; most have ranked, the demo resident has not.
    assert window[0] <= DEMO_DAY <= window[1]
    ranked = {status.person.email for status in statuses if status.ranked_at}
    assert 0.75 * len(statuses) <= len(ranked) < len(statuses)
    assert "resident@example.org" not in ranked
    # Priorities show: last year's late choices and a coordinator's flag carry into this year.
    priority = set(inputs.priority_reasons)
    assert late_last_year & {spec.key for spec in inputs.residents} <= priority
    assert any("last year's block" in reason for reason in inputs.priority_reasons.values())
    assert any("ICU" in reason for reason in inputs.priority_reasons.values())
    # No demo volunteer has a shift during their own published holiday block.
    for person_id, starts_at, ends_at in volunteering:
        block = blocks_held.get(person_id)
        if block is not None:
            off_from = local_to_utc(block.starts_on, time(), TZ)
            off_until = local_to_utc(block.ends_on + timedelta(days=1), time(), TZ)
            assert not (starts_at < off_until and off_from < ends_at), (person_id, block.name, starts_at)
