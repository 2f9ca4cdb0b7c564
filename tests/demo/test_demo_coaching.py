"""The demo's coaching: everyone but the intern class paired within the rule (overrides aside), the
exclusions and the capacities, meetings and goals in place, and the suggestion ready for the interns."""

from collections import Counter

from sqlalchemy import select

from tests.demo.test_demo_events import DEMO_DAY, empty_database
from wellness.coaching import matching, services
from wellness.coaching.models import Exclusion, Goal, Meeting, Pairing
from wellness.demo.seed import seed_demo
from wellness.extensions import db


def _names(person) -> tuple[str, ...]:
    return tuple(field.name for field in person.fields)


def test_the_demo_pairs_all_but_the_interns_and_leaves_them_to_the_suggestion(app):
    empty_database(app)
    with app.app_context():
        seed_demo(2026, DEMO_DAY)
        db.session.commit()
        residents = services.residents_in_training(DEMO_DAY)
        active = {p.resident_id: p for p in services.active_pairings()}
        ended = db.session.scalars(select(Pairing).where(Pairing.ends_on.is_not(None))).all()
        excluded = set(db.session.execute(select(Exclusion.resident_id, Exclusion.coach_id)).tuples())
        capacity = {coach.id: coach.coach_capacity for coach in services.coaches()}
        sharing = {p.id: matching.shares_field(_names(p.resident), _names(p.coach)) for p in active.values()}
        overrides = {p.id for p in active.values() if p.override_reason}
        flagged = [p for p in active.values() if services.pairing_flags(p) and not p.override_reason]
        jordan = next(p for p in active.values() if p.resident.email == "resident@example.org")
        jordan_coach = jordan.coach.email
        meetings = Counter(m.status for m in db.session.scalars(select(Meeting)))
        shared_goals = db.session.scalars(select(Goal).where(Goal.resident_id == jordan.resident_id)).all()
        suggestion = services.suggest_pairings(DEMO_DAY, seed=1)
        interns = {r.id for r in residents if r.pgy_on(DEMO_DAY) == 1}
        db.session.remove()

    assert set(active) == {r.id for r in residents} - interns
    assert len(ended) == 1 and ended[0].resident_id in active
    assert (
        all(pairing_id in overrides for pairing_id, shares in sharing.items() if shares) is False
    )  # one flagged
    assert len(overrides) == 2 and len(flagged) == 1
    assert {p.id for p in flagged} == {pid for pid, shares in sharing.items() if shares} - overrides
    assert not excluded & {(p.resident_id, p.coach_id) for p in active.values()} and len(excluded) >= 2
    assert all(n <= capacity[coach] for coach, n in Counter(p.coach_id for p in active.values()).items())
    assert jordan_coach == "faculty@example.org"
    assert meetings["confirmed"] > 50 and meetings["proposed"] == 1
    assert {g.is_shared for g in shared_goals} == {True, False}
    # The intern class is what the suggestion pairs: all of them, within the rule.
    assert {r.id for r, _coach in suggestion.pairs} == interns and not suggestion.unpaired
    assert not any(matching.shares_field(_names(r), _names(c)) for r, c in suggestion.pairs)
