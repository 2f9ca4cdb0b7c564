"""The demo's duties, time away and SGIM meeting: a term of duties without overlaps, vacations with the
allowance warning, the meeting's invitations and funding, covers that keep the rules, trips cleared and
not, and the conflict a coordinator must resolve."""

from collections import Counter, defaultdict
from datetime import date, time, timedelta

from sqlalchemy import select

from tests.demo.conftest import empty_database
from tests.demo.test_demo_events import DEMO_DAY, DEMO_RESIDENT, TZ
from tests.support import table_rows
from wellness.calendar import Window, items_for
from wellness.dates import academic_year_of, local_to_utc
from wellness.demo.duties import term_days
from wellness.demo.seed import seed_demo
from wellness.demo.sgim import BUDGET_PER_RESIDENT, CONFLICT_NOTE, TOTAL_BUDGET
from wellness.duties import away as time_away
from wellness.duties import covers
from wellness.duties.models import AwayPeriod, Duty
from wellness.duties.sessions import session_span
from wellness.duties.vacation import VACATION_DAYS, vacation_use
from wellness.errors import Conflict
from wellness.events.models import Event, EventKind, Rsvp
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.people.models import Person
from wellness.sgim import services

NOW = local_to_utc(DEMO_DAY, time(9), TZ)  # the moment the demo is built for


def _residents_in_training() -> list[Person]:
    return [p for p in services.residents() if p.pgy_on(DEMO_DAY) is not None]


def test_the_meeting_invites_the_primary_care_juniors_and_its_event_takes_no_rsvps(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        (meeting,) = services.meetings()
        attendances = services.attendances(meeting)
        eligible = {p.id for p in services.eligible_residents(meeting)}
        answers = Counter(a.answer for a in attendances)
        added = [a for a in attendances if a.is_added]
        jordan = next(a for a in attendances if a.person.email == DEMO_RESIDENT)
        jordan_trip = (jordan.answer, jordan.away_period.status, jordan.away_period.kind)
        presentations = {a.presentation_kind for a in attendances if a.presentation_title}
        event = meeting.event
        sgim_titles = db.session.scalars(
            select(Event.title).join(EventKind, EventKind.id == Event.kind_id).where(EventKind.slug == "sgim")
        ).all()
        meeting_rsvps = db.session.scalars(select(Rsvp.id).where(Rsvp.event_id == event.id)).all()
        facts = (meeting.name, meeting.starts_on, meeting.ends_on, meeting.travel_days_before)
        deadlines = (meeting.abstract_deadline_on, meeting.registration_deadline_on)
        event_facts = (event.status, event.title, event.is_all_day, event.location == meeting.city)
        db.session.remove()

    name, starts_on, ends_on, travel_days = facts
    assert (
        name == f"SGIM Annual Meeting {starts_on.year}" and starts_on.year == academic_year_of(DEMO_DAY) + 1
    )
    assert starts_on.month in (4, 5) and (ends_on - starts_on).days == 3 and travel_days == 1
    assert all(deadline.month in (12, 1, 2) and deadline < starts_on for deadline in deadlines)
    assert event_facts == ("published", name, True, True) and not meeting_rsvps
    # The plain event of earlier demos is gone; the workshop and the poster practice still take RSVPs.
    assert sorted(sgim_titles) == sorted([name, "SGIM abstract writing workshop", "SGIM poster practice"])
    # About ten invited: every primary care junior, and one more resident a coordinator added.
    assert 9 <= len(attendances) <= 12 and len(eligible) >= 8
    assert {a.person_id for a in attendances if not a.is_added} == eligible and len(added) == 1
    assert answers["going"] >= 6 and 1 <= answers["declined"] <= 2 and answers["invited"] >= 1
    assert jordan_trip == ("going", "approved", "conference")
    assert presentations == {"poster", "oral", "workshop"}


def test_trip_needs_are_covered_by_free_eligible_people_or_left_open_and_some_trips_clear(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        (meeting,) = services.meetings()
        statuses = [services.trip_status(a) for a in services.attendances(meeting)]
        needs = [need for status in statuses for need in status.needs]
        problems = [
            (covers.duty_text(need.duty), covers.cover_problem(need.duty, need.duty.covered_by, NOW))
            for need in needs
            if need.is_covered
        ]
        need_ids = {need.duty.id for need in needs}
        all_covers = db.session.scalars(select(Duty.id).where(Duty.covered_by_id.is_not(None))).all()
        coverers = {need.duty.covered_by_id for need in needs if need.is_covered}
        owners = {s.attendance.person_id for s in statuses if s.attendance.is_going}
        cleared = [s.attendance.person.name for s in statuses if s.is_cleared]
        jordan = next(s for s in statuses if s.attendance.person.email == DEMO_RESIDENT)
        going_without_needs = [s for s in statuses if s.attendance.is_going and not s.needs]
        db.session.remove()

    assert sum(need.is_covered for need in needs) >= 10 and sum(not need.is_covered for need in needs) >= 5
    assert [problem for problem in problems if problem[1] is not None] == []
    # Covers exist only for the trips' needs, given by people who are not travelling themselves.
    assert set(all_covers) <= need_ids and not coverers & owners
    assert len(cleared) >= 1
    assert jordan.needs and jordan.funding_approved and not going_without_needs


def test_a_cover_released_by_a_later_vacation_leaves_a_coordinator_a_notice_that_explains_it(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        notices = db.session.scalars(select(Notice).order_by(Notice.id)).all()
        staff = next(n for n in notices if n.person.email == "coordinator@example.org")
        (vacation,) = db.session.scalars(select(AwayPeriod).where(AwayPeriod.note == CONFLICT_NOTE)).all()
        coverer = vacation.person
        (meeting,) = services.meetings()
        jordan = next(a for a in services.attendances(meeting) if a.person.email == DEMO_RESIDENT)
        reopened = [
            need.duty
            for need in services.needs_of(jordan)
            if not need.is_covered and vacation.starts_on <= need.duty.duty_on <= vacation.ends_on
        ]
        refusal = covers.cover_problem(reopened[0], coverer, NOW) if reopened else None
        kinds = {(n.kind, n.mail_status) for n in notices}
        recipients = {n.person.email for n in notices}
        db.session.remove()

    assert staff.subject.startswith("Cover needed again: Jordan Lee")
    assert (
        f"no longer covered by {coverer.name}" in staff.body and f"{coverer.name} is away then" in staff.body
    )
    assert vacation.status == "approved" and vacation.kind == "vacation" and coverer.is_resident
    assert len(reopened) == 1 and isinstance(refusal, Conflict)
    # The conflict's notices are the demo's only ones, and none of them is mailed.
    assert kinds == {("cover_released", "skipped")}
    assert recipients == {"coordinator@example.org", DEMO_RESIDENT, coverer.email}


def test_funding_is_in_every_state_and_the_budget_figures_agree(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        (meeting,) = services.meetings()
        going = [a for a in services.attendances(meeting) if a.is_going]
        budget = services.budget_of(meeting)
        lines = [
            (line.requested_cents, line.approved_cents)
            for a in going
            if a.funding_approved_at
            for line in a.funding
        ]
        rows = [
            (a.requested_cents, a.approved_cents, bool(a.funding_approved_at), a.over_budget_reason,
             a.reimbursement)
            for a in going
        ]  # fmt: skip
        limits = (meeting.budget_per_resident_cents, meeting.total_budget_cents)
        db.session.remove()

    assert limits == (BUDGET_PER_RESIDENT, TOTAL_BUDGET)
    assert budget.requested_cents == sum(r[0] for r in rows) and budget.committed_cents == sum(
        r[1] for r in rows
    )
    assert budget.paid_cents == sum(r[1] for r in rows if r[4] == "paid") <= budget.committed_cents
    assert budget.committed_cents <= budget.total_cents and budget.remaining_cents >= 0
    assert all(approved is not None and approved <= requested for requested, approved in lines)
    assert any(requested and not approved for requested, _, approved, _, _ in rows)  # requested only
    assert any(requested == 0 for requested, *_ in rows)  # going, nothing asked yet
    over = [r for r in rows if r[3]]
    assert len(over) == 1 and over[0][1] > BUDGET_PER_RESIDENT
    assert all(r[1] <= BUDGET_PER_RESIDENT for r in rows if not r[3])
    assert {"none", "submitted", "paid"} <= {r[4] for r in rows if r[2]}
    assert all(r[4] == "none" for r in rows if not r[2])


def _overlap(a: tuple[date, str], b: tuple[date, str]) -> bool:
    (a_start, a_end), (b_start, b_end) = session_span(*a, TZ), session_span(*b, TZ)
    return a_start < b_end and b_start < a_end


def test_a_term_of_duties_for_everyone_with_no_overlaps_and_none_on_days_away(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        residents = {p.id: p for p in _residents_in_training()}
        duties = db.session.execute(
            select(Duty.person_id, Duty.duty_on, Duty.session, Duty.kind, Duty.site, Duty.source)
        ).all()
        periods = db.session.scalars(select(AwayPeriod).where(AwayPeriod.status == "approved")).all()
        late = db.session.scalar(select(AwayPeriod.id).where(AwayPeriod.note == CONFLICT_NOTE))
        sites = {p.id: p.clinic_site.name for p in residents.values()}
        db.session.remove()

    first, last = term_days(DEMO_DAY)
    assert 20_000 <= len(duties) and {d.person_id for d in duties} == set(residents)
    assert all(first <= d.duty_on <= last and d.source in ("import", "clinic") for d in duties)
    by_person = defaultdict(list)
    for d in duties:
        by_person[d.person_id].append((d.duty_on, d.session))
    for person_id, sessions in by_person.items():
        sessions.sort()
        for n, one in enumerate(sessions):
            for other in sessions[n + 1 : n + 4]:  # at most four sessions a day, and nights end next morning
                assert not _overlap(one, other), (person_id, one, other)
    # Each resident's continuity clinic: their own site, one weekday and session all term.
    clinics = defaultdict(set)
    for d in duties:
        if d.kind == "clinic":
            assert d.site == sites[d.person_id] and d.source == "clinic"
            clinics[d.person_id].add((d.duty_on.weekday(), d.session))
    assert set(clinics) == set(residents) and all(len(slot) == 1 for slot in clinics.values())
    # The schedule was made around time away; only the vacation approved after it has duties left in it.
    away_days = {
        (p.person_id, p.starts_on + timedelta(days=n))
        for p in periods
        if p.kind != "conference" and p.id != late
        for n in range(p.days)
    }
    assert not [d for d in duties if (d.person_id, d.duty_on) in away_days]
    # Most weeks of a resident hold five to ten duties (a week with time away or the term's edge, fewer).
    weekly = Counter((d.person_id, d.duty_on - timedelta(days=d.duty_on.weekday())) for d in duties)
    busy_weeks = [n for n in weekly.values() if n >= 5]
    assert len(busy_weeks) >= 0.85 * len(weekly) and all(n <= 10 for n in weekly.values())
    assert Counter(d.session for d in duties)["NIGHT"] > 0 and {d.kind for d in duties} >= {
        "clinic", "inpatient", "ambulatory"
    }  # fmt: skip


def test_vacations_warn_past_the_allowance_and_requests_wait_with_a_parental_leave_under_way(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        year = academic_year_of(DEMO_DAY)
        uses = {p.id: vacation_use(p.id, year) for p in _residents_in_training()}
        waiting = time_away.pending_requests()
        waiting_facts = [
            (p.kind, p.starts_on, p.person.email, p.requested_by_id == p.person_id) for p in waiting
        ]
        leave = db.session.scalars(
            select(AwayPeriod).where(AwayPeriod.kind == "parental", AwayPeriod.status == "approved")
        ).all()
        db.session.remove()

    over = [use for use in uses.values() if use.is_over]
    assert len(over) >= 2 and all(use.warning() for use in over)
    within = [use for use in uses.values() if 14 <= use.approved <= VACATION_DAYS]
    assert len(within) >= 0.8 * len(uses)
    assert len(waiting_facts) == 2
    assert all(kind == "vacation" and day > DEMO_DAY and own for kind, day, _, own in waiting_facts)
    assert DEMO_RESIDENT not in {email for *_, email, _ in waiting_facts}
    assert len(leave) == 1 and leave[0].starts_on <= DEMO_DAY <= leave[0].ends_on


def test_the_demo_resident_has_duties_this_week_and_a_trip_on_the_calendar(app, demo):
    demo(DEMO_DAY)
    with app.app_context():
        jordan = db.session.scalar(select(Person).where(Person.email == DEMO_RESIDENT))
        (meeting,) = services.meetings()
        first, last = services.trip_days(meeting)
        monday = DEMO_DAY - timedelta(days=DEMO_DAY.weekday())
        this_week = covers.duties_between(jordan.id, monday + timedelta(days=7), monday + timedelta(days=13))
        window = Window(
            local_to_utc(first, time(0), TZ), local_to_utc(last + timedelta(days=1), time(0), TZ), NOW
        )
        titles = [item.title for item in items_for(jordan.id, window)]
        covered = next(
            n.duty for n in services.needs_of(services.attendance_of(meeting, jordan.id)) if n.is_covered
        )
        coverer_titles = [item.title for item in items_for(covered.covered_by_id, window)]
        db.session.remove()

    assert len(this_week) >= 3
    assert f"{meeting.name}, {meeting.city}" in titles
    assert any(title.startswith("Covered: ") for title in titles)
    assert any(title.startswith("Covering: ") and "Jordan Lee" in title for title in coverer_titles)


PEOPLE_COLUMNS = ("person_id", "covered_by_id", "cover_assigned_by_id", "requested_by_id", "decided_by_id",
                  "created_by_id", "funding_approved_by_id")  # fmt: skip
STORY_TABLES = ("duties", "away_periods", "sgim_meetings", "sgim_eligibility", "sgim_attendances",
                "sgim_funding", "notices")  # fmt: skip


def _story(rows: dict) -> dict:
    """What the duties and SGIM steps wrote, with rows named by what they hold instead of by id (ids differ
    between builds on PostgreSQL, whose sequences are not reset) and without mail message ids (random)."""
    email = {row["id"]: row["email"] for row in rows["people"]}
    title = {row["id"]: row["title"] for row in rows["events"]}
    keys: dict[str, dict] = {}

    def named(table: str, row: dict) -> tuple:
        values = []
        for column, value in sorted(row.items()):
            if column in ("id", "message_id"):
                continue
            if column in PEOPLE_COLUMNS:
                value = email.get(value)
            elif column == "event_id":
                value = title[value]
            elif column in ("meeting_id", "away_period_id", "attendance_id"):
                table_of = {"meeting_id": "sgim_meetings", "away_period_id": "away_periods",
                            "attendance_id": "sgim_attendances"}[column]  # fmt: skip
                value = keys[table_of].get(value)
            values.append((column, value))
        return tuple(values)

    story = {}
    for table in STORY_TABLES:  # in order: a row's references are named before it
        keys[table] = {row["id"]: named(table, row) for row in rows[table] if "id" in row}
        story[table] = sorted((named(table, row) for row in rows[table]), key=repr)
    return story


def test_the_same_seed_and_date_build_the_same_duties_time_away_and_meeting(app, demo_builds):
    expected = _story(demo_builds(2026, DEMO_DAY))
    empty_database(app)
    with app.app_context():
        seed_demo(2026, DEMO_DAY)
        db.session.commit()
        db.session.remove()

    built = _story(table_rows(app))
    assert len(built["sgim_meetings"]) == 1 and len(built["duties"]) > 20_000
    assert built == expected
