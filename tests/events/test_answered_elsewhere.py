"""Events another domain answers on its own page take no RSVPs, and their page says where to answer."""

import pytest

from tests.support import text_of
from wellness.errors import ValidationFailed
from wellness.events import elsewhere, seats
from wellness.events.models import Event
from wellness.people.models import Person


@pytest.fixture
def answered_on_page(app):
    """Events titled "Managed" are answered on /managed."""

    def finder(events):
        return {event.id: "/managed" for event in events if event.title == "Managed"}

    elsewhere.answered_elsewhere(finder)
    yield
    elsewhere.FINDERS.remove(finder)


def test_rsvp_to_an_event_answered_elsewhere_is_refused(db, answered_on_page, make_event, make_person):
    event_id, person_id = make_event(title="Managed").id, make_person("resident").id
    db.session.commit()  # see the rows the factories committed
    event, person = db.session.get(Event, event_id), db.session.get(Person, person_id)

    with pytest.raises(ValidationFailed, match="answered on its own page"):
        seats.record_rsvp(person, event, person, "going")


def test_other_events_still_take_rsvps(db, answered_on_page, make_event, make_person):
    event_id, person_id = make_event(title="Team dinner").id, make_person("resident").id
    db.session.commit()
    event, person = db.session.get(Event, event_id), db.session.get(Person, person_id)

    assert seats.record_rsvp(person, event, person, "going").rsvp.response == "going"


def test_event_page_links_to_where_it_is_answered(
    client, login_as, answered_on_page, make_event, make_person
):
    event = make_event(title="Managed")
    login_as(make_person("resident"))

    page = client.get(f"/events/{event.id}").get_data(as_text=True)

    assert 'href="/managed"' in page
    assert "answered on its own page" in text_of(page)
    assert f'action="/events/{event.id}/rsvp"' not in page
