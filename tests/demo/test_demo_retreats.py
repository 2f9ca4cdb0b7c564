"""The demo's retreat agendas keep the sign-up rules: places within seats, no double booking, only goers."""

from collections import defaultdict
from datetime import date, time

import pytest
from sqlalchemy import select

from tests.demo.test_demo_events import DEMO_DAY, TZ
from wellness.dates import as_local
from wellness.events.models import Rsvp
from wellness.extensions import db
from wellness.retreats.models import RetreatIdea, RetreatSession, SessionSignup
from wellness.retreats.signups import is_eligible


@pytest.fixture
def agendas(app, demo):
    """Load the demo for a day and read back every session with its sign-ups."""

    def build(today: date):
        demo(today)
        with app.app_context():
            sessions = list(db.session.scalars(select(RetreatSession).order_by(RetreatSession.starts_at)))
            signups = defaultdict(list)
            for signup in db.session.scalars(select(SessionSignup).order_by(SessionSignup.requested_at)):
                signups[signup.session_id].append(signup)
            going = {
                (rsvp.event_id, rsvp.person_id)
                for rsvp in db.session.scalars(select(Rsvp).where(Rsvp.response == "going"))
            }
            result = [
                (session, signups[session.id], [is_eligible(session, s.person) for s in signups[session.id]])
                for session in sessions
            ]
            db.session.remove()
        return result, going

    return build


@pytest.mark.parametrize("today", [DEMO_DAY, date(2027, 6, 28)])
def test_demo_sign_ups_respect_seats_eligibility_overlaps_and_retreat_answers(agendas, today):
    sessions, going = agendas(today)
    assert len({session.event_id for session, _, _ in sessions}) == 2  # autumn and spring
    held: dict[int, list[RetreatSession]] = defaultdict(list)
    for session, signups, eligible in sessions:
        places = [s for s in signups if s.status == "going"]
        assert session.capacity is None or len(places) <= session.capacity, session.title
        if any(s.status == "waitlisted" for s in signups):
            assert len(places) == session.capacity, f"{session.title} has a waitlist with seats free"
        assert all(eligible), session.title
        for signup in signups:
            assert (session.event_id, signup.person_id) in going
            held[signup.person_id].append(session)
    for person_sessions in held.values():
        for n, one in enumerate(person_sessions):
            for other in person_sessions[n + 1 :]:
                assert not (one.starts_at < other.ends_at and other.starts_at < one.ends_at), (
                    one.title,
                    other.title,
                )


def test_the_demo_has_full_skills_sessions_with_waitlists_in_the_coming_retreat(agendas):
    sessions, _ = agendas(DEMO_DAY)
    coming = [
        (s, signups) for s, signups, _ in sessions if s.format == "skills" and s.starts_at.date() > DEMO_DAY
    ]
    assert coming and all(any(x.status == "waitlisted" for x in signups) for _, signups in coming)


def test_the_past_retreat_has_ideas_and_anonymous_ones_keep_only_their_day(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        ideas = list(db.session.scalars(select(RetreatIdea)))
        db.session.remove()
    assert {idea.kind for idea in ideas} >= {"session_feedback", "curricular_idea", "clinical_initiative"}
    anonymous = [idea for idea in ideas if idea.author_id is None]
    assert anonymous and all(as_local(idea.submitted_at, TZ).time() == time(12) for idea in anonymous)
