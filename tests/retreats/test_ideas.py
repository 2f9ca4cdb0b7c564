"""Ideas and reflections around a retreat: sending them, anonymity that cannot be traced, and the report."""

import csv
import io
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from tests.retreats.conftest import TZ, on_day, session_for
from tests.support import database_state, fetch, text_of
from wellness.dates import as_local
from wellness.errors import NotAllowed, ValidationFailed
from wellness.events.models import Event
from wellness.people.models import Person
from wellness.retreats import ideas
from wellness.retreats.models import RetreatIdea


@pytest.fixture
def send(app):
    """Send an idea as `person` through submit_idea and commit; send(retreat, person, now=..., **IdeaData)."""

    def send(retreat, person, *, now=None, **details):
        details.setdefault("kind", "curricular_idea")
        details.setdefault("text", "More point-of-care ultrasound")
        with session_for(app) as (session, _detach):
            ideas.submit_idea(
                session.get(Person, person.id),
                session.get(Event, retreat.id),
                ideas.IdeaData(**details),
                now=now,
            )
            session.commit()

    return send


def stored(app) -> list[RetreatIdea]:
    return fetch(app, select(RetreatIdea).order_by(RetreatIdea.id))


def test_a_named_idea_keeps_its_author_and_shows_on_their_page(
    app, client, login_as, retreat, residents, send
):
    [ada] = residents(1)
    send(retreat, ada, text="A primary care journal club", theme="Teaching")

    [idea] = stored(app)
    assert (idea.author_id, idea.theme, idea.text) == (ada.id, "Teaching", "A primary care journal club")
    login_as(ada)
    page = client.get(f"/retreats/{retreat.id}/ideas").get_data(as_text=True)
    assert "A primary care journal club" in page


def test_an_anonymous_idea_keeps_no_author_and_only_its_day(app, client, login_as, retreat, residents, send):
    [ada] = residents(1, first_name="Zebulon", last_name="Quixote")
    send(retreat, ada, text="Protected time for wellness", is_anonymous=True)

    [idea] = stored(app)
    assert idea.author_id is None
    assert as_local(idea.submitted_at, TZ).time() == time(12)
    login_as(ada)
    assert "Protected time for wellness" not in client.get(f"/retreats/{retreat.id}/ideas").get_data(
        as_text=True
    )


def test_no_report_or_export_links_an_anonymous_idea_to_its_author(
    app, client, login_as, retreat, residents, coordinator, send
):
    [ada] = residents(1, first_name="Zebulon", last_name="Quixote")
    send(retreat, ada, text="Protected time for wellness", is_anonymous=True, theme="Wellness")
    login_as(coordinator)

    report = client.get(f"/retreats/{retreat.id}/ideas/report").get_data(as_text=True)
    export = client.get(f"/retreats/{retreat.id}/ideas.csv").get_data(as_text=True)

    assert "Protected time for wellness" in text_of(report) and "Anonymous" in text_of(report)
    for leak in ("Zebulon", "Quixote", ada.email):
        assert leak not in report and leak not in export
    [row] = list(csv.DictReader(io.StringIO(export)))
    assert (row["author"], row["author_email"], row["theme"]) == ("Anonymous", "", "Wellness")


def test_session_feedback_needs_a_rating_and_a_session_of_this_retreat(
    app, retreat, make_retreat, residents, make_session, send
):
    [ada] = residents(1)
    other = make_session(make_retreat(title="Autumn retreat"), title="Elsewhere")
    session = make_session(retreat, title="Narrative medicine", starts_at=on_day(retreat, 10))
    before = database_state(app)

    for details, message in (
        ({"session_id": session.id}, "Rate the session"),
        ({"session_id": other.id, "rating": 4}, "Choose a session of this retreat"),
        ({"session_id": session.id, "rating": 6}, "Rate from 1 to 5"),
        ({"session_id": session.id, "rating": 4, "text": "  "}, "Write your idea"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            send(retreat, ada, kind="session_feedback", **details)
    assert database_state(app) == before


def test_only_residents_send_ideas_and_only_until_two_months_after_the_retreat(
    app, retreat, residents, make_person, send
):
    [ada] = residents(1)
    faculty = make_person("faculty")
    before = database_state(app)
    with pytest.raises(NotAllowed):
        send(retreat, faculty)
    with pytest.raises(ValidationFailed, match="no longer takes"):
        send(retreat, ada, now=retreat.ends_at + timedelta(days=61))
    assert database_state(app) == before
    send(retreat, ada, now=retreat.ends_at + timedelta(days=59))
    assert len(stored(app)) == 1


def test_the_report_averages_each_sessions_ratings_and_groups_the_rest_by_theme(
    app, client, login_as, retreat, residents, make_session, coordinator, send
):
    ada, ben, cy = residents(3)
    session = make_session(retreat, title="Narrative medicine", starts_at=on_day(retreat, 10))
    for person, rating in ((ada, 5), (ben, 4), (cy, 2)):
        send(
            retreat,
            person,
            kind="session_feedback",
            session_id=session.id,
            rating=rating,
            text=f"Rated {rating}",
        )
    send(retreat, ada, theme="QI", text="A QI project per firm")
    send(retreat, ben, theme="qi", kind="clinical_initiative", text="Same-day access clinic")
    login_as(coordinator)

    with session_for(app) as (db_session, _detach):
        report = ideas.idea_report(db_session.get(Person, coordinator.id), db_session.get(Event, retreat.id))
        [feedback] = report.sessions
        assert (feedback.ratings, feedback.average) == (3, 3.67)
        assert sorted(idea.text for idea in report.themes["qi"]) == [
            "A QI project per firm",
            "Same-day access clinic",
        ]
    page = text_of(client.get(f"/retreats/{retreat.id}/ideas/report").get_data(as_text=True))
    assert "Narrative medicine 3 3.7" in page


def test_the_export_keeps_a_formula_from_running_in_a_spreadsheet(
    app, client, login_as, retreat, residents, coordinator, send
):
    [ada] = residents(1)
    send(retreat, ada, text='=HYPERLINK("http://evil.example","click")')
    login_as(coordinator)

    [row] = list(
        csv.DictReader(io.StringIO(client.get(f"/retreats/{retreat.id}/ideas.csv").get_data(as_text=True)))
    )

    assert row["text"].startswith("'=")


def test_residents_send_ideas_over_http_and_cannot_read_the_report(app, client, login_as, retreat, residents):
    [ada] = residents(1)
    login_as(ada)

    response = client.post(
        f"/retreats/{retreat.id}/ideas",
        data={"kind": "reflection", "session_id": "0", "text": "Grateful for the day", "is_anonymous": "y"},
    )

    assert response.status_code == 302
    assert [(idea.kind, idea.author_id) for idea in stored(app)] == [("reflection", None)]
    assert client.get(f"/retreats/{retreat.id}/ideas/report").status_code == 403
    assert client.get(f"/retreats/{retreat.id}/ideas.csv").status_code == 403
