"""The event page warns of clashes with what the person is already going to, read from the calendar spine."""

import re
from datetime import timedelta

from tests.events.conftest import in_days


def clash_note(page: str) -> str | None:
    match = re.search(r'data-testid="clashes">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def test_event_page_names_the_overlapping_event_the_person_is_going_to(
    client, login_as, make_person, make_event, answer
):
    resident = make_person("resident")
    dinner = make_event(title="Intern dinner", starts_at=in_days(5, 18))
    talk = make_event(title="Evening talk", starts_at=in_days(5, 20))
    answer(dinner, resident, "going")
    login_as(resident)

    note = clash_note(client.get(f"/events/{talk.id}").get_data(as_text=True))

    assert note is not None and "Intern dinner" in note
    assert f'href="/events/{dinner.id}"' in client.get(f"/events/{talk.id}").get_data(as_text=True)


def test_maybe_answers_and_events_that_only_touch_are_not_clashes(
    client, login_as, make_person, make_event, answer
):
    resident = make_person("resident")
    maybe = make_event(title="Maybe brunch", starts_at=in_days(5, 18))
    before = make_event(title="Early clinic social", starts_at=in_days(5, 15))  # ends at 18:00
    talk = make_event(
        title="Evening talk", starts_at=in_days(5, 18), ends_at=in_days(5, 18) + timedelta(hours=1)
    )
    answer(maybe, resident, "maybe")
    answer(before, resident, "going")
    login_as(resident)

    assert clash_note(client.get(f"/events/{talk.id}").get_data(as_text=True)) is None


def test_the_event_itself_and_another_persons_answers_are_never_clashes(
    client, login_as, make_person, make_event, answer
):
    resident, other = make_person("resident"), make_person("resident")
    talk = make_event(title="Evening talk", starts_at=in_days(5, 18))
    overlapping = make_event(title="Other's dinner", starts_at=in_days(5, 19))
    answer(talk, resident, "going")
    answer(overlapping, other, "going")
    login_as(resident)

    assert clash_note(client.get(f"/events/{talk.id}").get_data(as_text=True)) is None
