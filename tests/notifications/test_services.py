"""Writing notices: in the caller's transaction, once per dedupe key; and which links are safe."""

import pytest

from tests.notifications.conftest import notices
from tests.support import row_counts
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.notifications.services import notify, safe_link
from wellness.people.models import Person


def test_a_notice_is_written_only_when_the_change_that_causes_it_commits(app, make_person):
    person = make_person("resident")
    with app.app_context():
        notify(db.session.get(Person, person.id), "promoted", "rolled back", "body")
        db.session.rollback()
        assert row_counts(app, Notice) == (0,)  # nothing is visible before the caller commits

        notify(db.session.get(Person, person.id), "promoted", "kept", "body", "/events/4")
        db.session.commit()
        db.session.remove()

    [kept] = notices(app)
    assert (kept.person_id, kept.subject, kept.link, kept.mail_status) == (
        person.id,
        "kept",
        "/events/4",
        "pending",
    )
    assert kept.message_id.startswith("<") and kept.message_id.endswith("@wellness>")


def test_a_dedupe_key_writes_the_notice_once(app, make_person):
    person = make_person("resident")
    with app.app_context():
        subject = db.session.get(Person, person.id)
        first = notify(subject, "reminder", "Tomorrow", "body", dedupe_key="reminder:1:2026-03-03")
        second = notify(subject, "reminder", "Tomorrow", "body", dedupe_key="reminder:1:2026-03-03")
        db.session.commit()
        third = notify(subject, "reminder", "Tomorrow", "body", dedupe_key="reminder:1:2026-03-03")
        other = notify(subject, "reminder", "Tomorrow", "body", dedupe_key="reminder:1:2026-03-04")
        db.session.commit()
        assert first is not None and other is not None and second is None and third is None
        db.session.remove()
    assert row_counts(app, Notice) == (2,)


def test_a_notice_for_a_deactivated_person_is_shown_but_never_mailed(app, make_person, write_notice):
    write_notice(make_person("resident", is_active=False))
    assert [n.mail_status for n in notices(app)] == ["skipped"]


@pytest.mark.parametrize(
    ("link", "safe"),
    [
        ("/events/12", "/events/12"),
        ("/events/12?tab=rsvp#me", "/events/12?tab=rsvp#me"),
        ("/", "/"),
        (None, None),
        ("", None),
        ("events/12", None),
        ("//evil.example/x", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("/events/1\n/x", None),
    ],
)
def test_safe_link_allows_only_paths_within_the_app(link, safe):
    assert safe_link(link) == safe
