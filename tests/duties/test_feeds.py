"""Duties in calendar feeds on both databases: the owner's duty (as free time once covered), the coverer's
"Covering" item and time away in personal feeds, each feed changing with them (an import too), and none of
it in any public feed."""

from datetime import timedelta

from sqlalchemy import select

from tests.duties.conftest import DAY, ahead, csv_of
from tests.events.conftest import at
from tests.feeds.conftest import read_feed
from tests.support import fetch
from wellness.events.models import EventKind
from wellness.people.programs import PROGRAMS


def entries(poll, path: str) -> dict:
    response = poll(path)
    assert response.status_code == 200, response.status_code
    return read_feed(response.data)


def duty_entries(found: dict) -> dict:
    return {uid.split("@")[0]: entry for uid, entry in found.items() if uid.startswith(("duty-", "away-"))}


def test_the_owner_has_the_duty_and_the_coverer_the_covering_item(
    app, resident, make_duty, cover, feed_url, poll
):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    duty = make_duty(ada, DAY, "AM", "clinic", "Brookside")
    ada_feed, ben_feed = feed_url(ada), feed_url(ben)
    before = duty_entries(entries(poll, ada_feed))[f"duty-{duty}"]

    cover(duty, ben)

    owner = duty_entries(entries(poll, ada_feed))[f"duty-{duty}"]
    coverer = duty_entries(entries(poll, ben_feed))
    assert (before.summary, before.start, before.end, before.location) == (
        "Continuity clinic (AM)", at(DAY, 8), at(DAY, 12), "Brookside",
    )  # fmt: skip
    assert owner.summary == "Covered: Continuity clinic (AM) by Ben Resident"
    assert owner.sequence > before.sequence
    assert coverer[f"duty-cover-{duty}"].summary == "Covering: Continuity clinic (AM) for Ada Resident"
    assert (coverer[f"duty-cover-{duty}"].start, coverer[f"duty-cover-{duty}"].end) == (
        at(DAY, 8),
        at(DAY, 12),
    )


def test_requested_time_away_is_tentative_and_approved_time_away_a_whole_day_item(
    app, resident, request_away, approve, feed_url, poll
):
    ada = resident("Ada")
    period = request_away(ada, DAY, ahead(2))
    path = feed_url(ada)

    requested = duty_entries(entries(poll, path))[f"away-{period}"]
    approve(period)
    approved = duty_entries(entries(poll, path))[f"away-{period}"]

    assert (requested.summary, requested.status) == ("Requested: Vacation", "tentative")
    assert (approved.summary, approved.status, approved.start, approved.end) == (
        "Vacation", "confirmed", DAY, ahead(3),
    )  # fmt: skip


def test_an_imported_term_reaches_the_feed(app, resident, import_csv, feed_url, poll):
    ada = resident("Ada")
    path = feed_url(ada)
    etag = poll(path).headers["ETag"]

    import_csv(csv_of(f"{ada.email},{DAY},NIGHT,inpatient,Main", f"{ada.email},{ahead(1)},PM,ambulatory,"))

    response = poll(path, etag)
    assert response.status_code == 200
    summaries = sorted(entry.summary for entry in duty_entries(read_feed(response.data)).values())
    assert summaries == ["Ambulatory (PM)", "Inpatient (NIGHT)"]
    night = next(
        e for e in duty_entries(read_feed(response.data)).values() if e.summary == "Inpatient (NIGHT)"
    )
    assert (night.start, night.end) == (at(DAY, 19), at(DAY + timedelta(days=1), 7))


def test_no_duty_cover_or_time_away_is_in_any_public_feed(app, resident, make_duty, cover, enter_away, poll):
    ada, ben = resident("Ada"), resident("Ben", pgy=3)
    cover(make_duty(ada, DAY, "AM"), ben)
    enter_away(ada, ahead(3), ahead(4))
    kinds = [kind.slug for kind in fetch(app, select(EventKind))]
    paths = (
        ["/calendars/all.ics"]
        + [f"/calendars/kind/{k}.ics" for k in kinds]
        + [f"/calendars/program/{key}.ics" for key in PROGRAMS]
    )

    for path in paths:
        found = entries(poll, path)
        assert not duty_entries(found), path
        assert not any("Ada" in entry.summary or "Covering" in entry.summary for entry in found.values()), (
            path
        )
