"""The demo's outreach projects keep the volunteering rules: slots, no clashes, confirmed past shifts."""

from collections import defaultdict

from sqlalchemy import select

from tests.demo.test_demo_events import DEMO_DAY
from wellness.events.models import Event, Rsvp
from wellness.extensions import db
from wellness.outreach.models import Project, RaceEntry, Shift, ShiftSignup
from wellness.outreach.shifts import service_hours


def test_the_demo_outreach_program_keeps_the_rules_and_tells_a_story(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        projects = list(db.session.scalars(select(Project)))
        shifts = {shift.id: shift for shift in db.session.scalars(select(Shift))}
        signups = list(db.session.scalars(select(ShiftSignup)))
        going = list(
            db.session.execute(
                select(Rsvp.person_id, Event.starts_at, Event.ends_at)
                .join(Event, Event.id == Rsvp.event_id)
                .where(Rsvp.response == "going", Event.status == "published")
            )
        )
        runners = db.session.scalar(select(RaceEntry.id).limit(1))
        hours = service_hours(2026)
        db.session.remove()

    approved = [p for p in projects if p.status == "approved"]
    assert len(approved) == 8 and any(p.status == "proposed" for p in projects)
    assert any(p.amount_raised for p in approved), [
        (p.title, p.kind, p.ends_on, p.amount_raised) for p in approved
    ]
    assert runners is not None
    per_shift = defaultdict(int)
    shifts_of = defaultdict(list)
    for signup in signups:
        shift = shifts[signup.shift_id]
        per_shift[shift.id] += 1
        shifts_of[signup.person_id].append((shift.starts_at, shift.ends_at))
        if shift.ends_at.date() < DEMO_DAY:
            assert signup.attended is not None, "a past shift without confirmed attendance"
    assert all(per_shift[shift_id] <= shifts[shift_id].slots for shift_id in per_shift)
    events_of = defaultdict(list)
    for person_id, start, end in going:
        events_of[person_id].append((start, end))
    for person_id, held in shifts_of.items():
        for n, (start, end) in enumerate(held):
            others = held[:n] + held[n + 1 :] + events_of[person_id]
            assert not any(s < end and start < e for s, e in others), "a volunteer's shift clashes"
    assert hours and max(entry.hours for entry in hours.values()) > 0
