"""Who may use which route: every (endpoint, method) of app.url_map against every persona.

MATRIX holds one row per (endpoint, method) and the outcome each persona must get:

- "ok": 2xx, or a redirect anywhere except the sign-in page's "please sign in" redirect;
- "login": redirected to /login with ?next= (Flask-Login's login_required);
- "forbidden": 403, the person may see the thing but not do this;
- "hidden": 404, existence is private, or the link secret is not valid;
- "bad": 400.

Person routes act on the "resident" persona: the resident checks their own page, and
"other_resident" checks another resident's. A new route needs a row here (a test fails until it
has one) and, when its POST needs a form to succeed, an entry in BODIES.
"""

import io
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, PERSONAS, _empty_tables, make_personas, person_factory
from tests.support import database_state, restore_rows, table_rows
from wellness.coaching import goals as coaching_goals
from wellness.coaching import meetings as coaching_meetings
from wellness.coaching import services as coaching
from wellness.dates import as_local, local_to_utc, program_today, utcnow
from wellness.duties import away as duty_away
from wellness.duties import clinics as duty_clinics
from wellness.duties.covers import assign_cover
from wellness.duties.models import Duty
from wellness.events import groups, seats, services
from wellness.events.models import EventKind
from wellness.extensions import db
from wellness.feeds.tokens import issue_feed_token
from wellness.holidays import blocks as holiday_blocks
from wellness.holidays import services as holiday_services
from wellness.holidays import swaps as holiday_swaps
from wellness.holidays.models import HolidayYear
from wellness.notifications.services import notify
from wellness.outreach import services as outreach
from wellness.outreach import shifts
from wellness.outreach.models import ExtraHours, Shift, ShiftSignup
from wellness.people.models import Field, Person
from wellness.people.services import ensure_roles
from wellness.retreats import services as retreats
from wellness.retreats.signups import sign_up
from wellness.sgim import services as sgim_services

IGNORED_ENDPOINTS = {"static", "bootstrap.static"}
TZ = "America/New_York"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def outcomes(**overrides) -> dict[str, str]:
    """Anonymous goes to sign-in and everyone else is refused, unless overridden per persona."""
    table = {"anonymous": "login", **dict.fromkeys(PERSONAS[1:], "forbidden")}
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"not personas: {unknown}"
    table.update(overrides)
    return table


PUBLIC = dict.fromkeys(PERSONAS, "ok")
DEAD_LINK = dict.fromkeys(PERSONAS, "hidden")  # the secret matches no link, whoever asks
SIGNED_IN = outcomes(**dict.fromkeys(PERSONAS[1:], "ok"))
STAFF = outcomes(coordinator="ok", admin="ok")
ADMIN = outcomes(admin="ok")
# The resident's own page: staff and the resident see it; for anyone else it does not exist.
OWN_PAGE = outcomes(resident="ok", other_resident="hidden", faculty="hidden", coordinator="ok", admin="ok")
# Changing the resident's record: the resident sees their page but may not change it.
CHANGE_PERSON = outcomes(
    resident="forbidden", other_resident="hidden", faculty="hidden", coordinator="ok", admin="ok"
)
# The resident's own notice: private to them, whoever else asks (admins included).
OWN_NOTICE = outcomes(
    resident="ok", other_resident="hidden", faculty="hidden", coordinator="hidden", admin="hidden"
)

# The resident's own outreach project: they organise it, and coordinators may step in.
RUNS_PROJECT = outcomes(resident="ok", coordinator="ok", admin="ok")
# A holiday swap the other resident offered the resident: only the resident answers it; the proposer and
# staff may see it but not answer; for anyone else it does not exist.
ANSWERS_SWAP = outcomes(resident="ok", faculty="hidden")
# Coaching: the resident is paired with the faculty persona, their coach. The pairing is for those two and
# for staff; to anyone else it does not exist. Its meetings and the resident's goals are the pair's alone,
# staff included: a 404. The meeting waiting for an answer was proposed by the coach, so only the resident
# answers it (the coach is refused); staff may see the pairing but not arrange its meetings.
PAIRING = outcomes(resident="ok", other_resident="hidden", faculty="ok", coordinator="ok", admin="ok")
IN_PAIRING = outcomes(
    resident="ok", other_resident="hidden", faculty="ok", coordinator="hidden", admin="hidden"
)
ANSWERS_MEETING = outcomes(
    resident="ok", other_resident="hidden", faculty="forbidden", coordinator="hidden", admin="hidden"
)
ARRANGES_MEETING = outcomes(resident="ok", other_resident="hidden", faculty="ok")
OWN_GOAL = outcomes(
    resident="ok", other_resident="hidden", faculty="hidden", coordinator="hidden", admin="hidden"
)
# Ending and re-pairing: the pair see the pairing but only staff change it.
CHANGES_PAIRING = outcomes(other_resident="hidden", coordinator="ok", admin="ok")
# SGIM: see sgim_world. The resident is going to the meeting; their trip is theirs and the coordinators'
# alone, and to anyone else it does not exist (another resident must never see someone's funding).
TRIP = outcomes(resident="ok", other_resident="hidden", faculty="hidden", coordinator="ok", admin="ok")

MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("home.health", "GET"): PUBLIC,
    ("home.index", "GET"): SIGNED_IN,
    ("people.login", "GET"): PUBLIC,
    ("people.login", "POST"): PUBLIC,
    ("people.logout", "POST"): PUBLIC,
    ("people.account", "GET"): SIGNED_IN,
    ("people.change_password", "POST"): SIGNED_IN,
    ("people.sign_out_everywhere", "POST"): SIGNED_IN,
    ("people.request_reset", "GET"): PUBLIC,
    ("people.request_reset", "POST"): PUBLIC,
    ("people.reset_password", "GET"): DEAD_LINK,
    ("people.reset_password", "POST"): DEAD_LINK,
    ("people.accept_invitation", "GET"): DEAD_LINK,
    ("people.accept_invitation", "POST"): DEAD_LINK,
    ("people.sign_in_log", "GET"): ADMIN,
    ("people.list_people", "GET"): STAFF,
    ("people.create_person", "GET"): STAFF,
    ("people.create_person", "POST"): STAFF,
    ("people.show_person", "GET"): OWN_PAGE,
    ("people.edit_person", "GET"): CHANGE_PERSON,
    ("people.edit_person", "POST"): CHANGE_PERSON,
    ("people.deactivate_person", "POST"): CHANGE_PERSON,
    ("people.reactivate_person", "POST"): CHANGE_PERSON,
    ("people.invite_person", "POST"): CHANGE_PERSON,
    ("people.invite_not_signed_up", "POST"): STAFF,
    ("people.import_roster_upload", "GET"): STAFF,
    ("people.import_roster_upload", "POST"): STAFF,
    ("people.import_roster_confirm", "POST"): STAFF,
    ("people.list_fields", "GET"): STAFF,
    ("people.list_fields", "POST"): STAFF,
    ("people.rename_field", "POST"): STAFF,
    ("people.delete_field", "POST"): STAFF,
    # Events: the event is published for everyone; the coordinator organises it.
    ("events.list_events", "GET"): SIGNED_IN,
    ("events.calendar", "GET"): SIGNED_IN,
    ("events.show_event", "GET"): SIGNED_IN,
    ("events.rsvp", "POST"): SIGNED_IN,
    ("events.create_event", "GET"): STAFF,
    ("events.create_event", "POST"): STAFF,
    ("events.duplicate_event", "GET"): STAFF,
    ("events.edit_event", "GET"): STAFF,
    ("events.edit_event", "POST"): STAFF,
    ("events.publish_event", "POST"): STAFF,
    ("events.cancel_event", "POST"): STAFF,
    ("events.event_history", "GET"): STAFF,
    ("events.event_people", "GET"): STAFF,
    ("events.answer_for", "POST"): STAFF,
    ("events.promote", "POST"): STAFF,
    ("events.check_in_list", "GET"): STAFF,
    ("events.check_in", "POST"): STAFF,
    ("events.roster", "GET"): STAFF,
    ("events.export_rsvps", "GET"): STAFF,
    ("events.no_shows", "GET"): STAFF,
    ("events.list_groups", "GET"): STAFF,
    ("events.list_groups", "POST"): STAFF,
    ("events.show_group", "GET"): STAFF,
    ("events.edit_group", "POST"): STAFF,
    ("events.add_members", "POST"): STAFF,
    ("events.remove_member", "POST"): STAFF,
    ("events.delete_group", "POST"): STAFF,
    ("events.list_kinds", "GET"): STAFF,
    ("events.list_kinds", "POST"): STAFF,
    ("events.edit_kind", "POST"): STAFF,
    ("notifications.list_notices", "GET"): SIGNED_IN,
    ("notifications.read_all", "POST"): SIGNED_IN,
    ("notifications.open_notice", "POST"): OWN_NOTICE,
    ("notifications.outbox", "GET"): ADMIN,
    ("notifications.retry_notice", "POST"): ADMIN,
    # Feeds: public feeds need nobody; the personal feed is opened by its token alone (the
    # resident's live token), whoever asks; managing one's own address needs only to be signed in.
    ("feeds.list_calendars", "GET"): PUBLIC,
    ("feeds.all_events_feed", "GET"): PUBLIC,
    ("feeds.kind_feed", "GET"): PUBLIC,
    ("feeds.program_feed", "GET"): PUBLIC,
    ("feeds.personal_feed", "GET"): PUBLIC,
    ("feeds.event_ics", "GET"): SIGNED_IN,
    ("feeds.my_calendar", "GET"): SIGNED_IN,
    ("feeds.issue_address", "POST"): SIGNED_IN,
    ("feeds.revoke_address", "POST"): SIGNED_IN,
    # Retreats: the event is a retreat; its one session is led by the faculty persona, and the
    # resident (going to the retreat) has a place. Others are not going, so signing up is refused.
    ("retreats.agenda", "GET"): SIGNED_IN,
    ("retreats.printable_agenda", "GET"): SIGNED_IN,
    ("retreats.sign_up", "POST"): outcomes(resident="ok", **dict.fromkeys(PERSONAS[2:], "bad")),
    ("retreats.leave", "POST"): SIGNED_IN,
    ("retreats.roster", "GET"): outcomes(faculty="ok", coordinator="ok", admin="ok"),
    ("retreats.add_session", "GET"): STAFF,
    ("retreats.add_session", "POST"): STAFF,
    ("retreats.edit_session", "GET"): STAFF,
    ("retreats.edit_session", "POST"): STAFF,
    ("retreats.remove_session", "POST"): STAFF,
    ("retreats.copy_agenda", "GET"): STAFF,
    # No earlier retreat has an agenda, so there is nothing to choose: refused as bad input.
    ("retreats.copy_agenda", "POST"): outcomes(coordinator="bad", admin="bad"),
    # Ideas come from residents in the retreat's audience; coordinators read and export them.
    ("retreats.send_idea", "GET"): SIGNED_IN,
    ("retreats.send_idea", "POST"): outcomes(resident="ok", other_resident="ok"),
    ("retreats.idea_report", "GET"): STAFF,
    ("retreats.export_ideas", "GET"): STAFF,
    # Outreach: an approved project the resident proposed (so organises), with a shift in ten days
    # where the resident's slot is on offer, and a past shift the resident came to and logged extra
    # hours for. Anyone signed in volunteers; organisers and coordinators run the project.
    ("outreach.list_projects", "GET"): SIGNED_IN,
    ("outreach.propose_project", "GET"): SIGNED_IN,
    ("outreach.propose_project", "POST"): outcomes(resident="ok", other_resident="ok"),
    ("outreach.show_project", "GET"): SIGNED_IN,
    ("outreach.decide_project", "POST"): outcomes(coordinator="bad", admin="bad"),  # decided already
    ("outreach.edit_project", "GET"): RUNS_PROJECT,
    ("outreach.edit_project", "POST"): RUNS_PROJECT,
    ("outreach.add_organiser", "POST"): RUNS_PROJECT,
    ("outreach.record_amount", "POST"): RUNS_PROJECT,
    ("outreach.add_runner", "POST"): outcomes(resident="bad", coordinator="bad", admin="bad"),  # not a race
    ("outreach.add_shift", "GET"): RUNS_PROJECT,
    ("outreach.add_shift", "POST"): RUNS_PROJECT,
    ("outreach.sign_up", "POST"): SIGNED_IN,
    ("outreach.drop", "POST"): SIGNED_IN,
    ("outreach.offer", "POST"): outcomes(resident="ok", **dict.fromkeys(PERSONAS[2:], "bad")),  # no slot
    ("outreach.take", "POST"): outcomes(resident="bad", **dict.fromkeys(PERSONAS[2:], "ok")),  # own slot
    ("outreach.attendance", "GET"): RUNS_PROJECT,
    ("outreach.attendance", "POST"): RUNS_PROJECT,
    ("outreach.log_hours", "POST"): outcomes(resident="ok", **dict.fromkeys(PERSONAS[2:], "bad")),
    ("outreach.decide_hours", "POST"): RUNS_PROJECT,
    ("outreach.hours_report", "GET"): STAFF,
    ("outreach.export_hours", "GET"): STAFF,
    # Holidays: two years (see holiday_world). The residents rank the coming year's blocks; staff set up,
    # allocate, pin and publish it. In the published year the resident holds a block, the other resident
    # has offered them a swap, and a swap the resident accepted waits for a coordinator; anyone with a
    # block may propose one, and people without a block are refused as bad input.
    ("holidays.index", "GET"): SIGNED_IN,
    ("holidays.setup_year", "POST"): STAFF,
    ("holidays.manage_year", "GET"): STAFF,
    ("holidays.add_block", "GET"): STAFF,
    ("holidays.add_block", "POST"): STAFF,
    ("holidays.edit_block", "GET"): STAFF,
    ("holidays.edit_block", "POST"): STAFF,
    ("holidays.remove_block", "POST"): STAFF,
    ("holidays.set_window", "POST"): STAFF,
    ("holidays.save_settings", "POST"): STAFF,
    ("holidays.remind_unranked", "POST"): STAFF,
    ("holidays.excuse_resident", "POST"): STAFF,
    ("holidays.include_resident", "POST"): STAFF,
    ("holidays.flag_priority", "POST"): STAFF,
    ("holidays.unflag_priority", "POST"): STAFF,
    ("holidays.rank_blocks", "POST"): outcomes(resident="ok", other_resident="ok"),
    ("holidays.show_allocation", "GET"): STAFF,
    ("holidays.run_allocation", "POST"): STAFF,
    ("holidays.pin_resident", "POST"): STAFF,
    ("holidays.publish_allocation", "POST"): STAFF,
    ("holidays.unpublish_allocation", "POST"): STAFF,
    ("holidays.who_is_off", "GET"): STAFF,
    ("holidays.propose_swap", "POST"): outcomes(
        resident="ok", other_resident="ok", faculty="bad", coordinator="bad", admin="bad"
    ),
    ("holidays.accept_swap", "POST"): ANSWERS_SWAP,
    ("holidays.decline_swap", "POST"): ANSWERS_SWAP,
    ("holidays.withdraw_swap", "POST"): outcomes(other_resident="ok", faculty="hidden"),
    ("holidays.approve_swap", "POST"): STAFF,
    ("holidays.refuse_swap", "POST"): STAFF,
    # Coaching: see coaching_world. Anyone signed in has a coaching page (coordinators are sent on to the
    # board); a goal refused to someone who is not a resident comes back to that page with the reason.
    ("coaching.my_coaching", "GET"): SIGNED_IN,
    ("coaching.show_pairing", "GET"): PAIRING,
    ("coaching.propose_meeting", "POST"): ARRANGES_MEETING,
    ("coaching.confirm_meeting", "POST"): ANSWERS_MEETING,
    ("coaching.decline_meeting", "POST"): ANSWERS_MEETING,
    ("coaching.propose_other_time", "POST"): ANSWERS_MEETING,
    ("coaching.cancel_meeting", "POST"): IN_PAIRING,
    ("coaching.add_goal", "POST"): SIGNED_IN,
    ("coaching.update_goal", "POST"): OWN_GOAL,
    ("coaching.delete_goal", "POST"): OWN_GOAL,
    ("coaching.show_board", "GET"): STAFF,
    ("coaching.export_board", "GET"): STAFF,
    ("coaching.accept_suggestions", "POST"): STAFF,
    ("coaching.assign", "POST"): STAFF,
    ("coaching.end_pairing", "POST"): CHANGES_PAIRING,
    ("coaching.repair", "POST"): CHANGES_PAIRING,
    ("coaching.list_exclusions", "GET"): STAFF,
    ("coaching.add_exclusion", "POST"): STAFF,
    ("coaching.remove_exclusion", "POST"): STAFF,
    # SGIM: see sgim_world. Anyone signed in has the SGIM page and the meeting's address (which leads the
    # resident to their trip, staff to the board, and shows anyone else what the meeting is).
    ("sgim.index", "GET"): SIGNED_IN,
    ("sgim.create_meeting", "GET"): STAFF,
    ("sgim.create_meeting", "POST"): STAFF,
    ("sgim.edit_meeting", "GET"): STAFF,
    ("sgim.edit_meeting", "POST"): STAFF,
    ("sgim.show_meeting", "GET"): SIGNED_IN,
    ("sgim.show_board", "GET"): STAFF,
    ("sgim.save_eligibility", "POST"): STAFF,
    ("sgim.invite_resident", "POST"): STAFF,
    ("sgim.export_coverage", "GET"): STAFF,
    ("sgim.show_ledger", "GET"): STAFF,
    ("sgim.show_trip", "GET"): TRIP,
    ("sgim.answer_invitation", "POST"): TRIP,
    ("sgim.record_presentation", "POST"): TRIP,
    # The resident's funding is approved: only a coordinator changes the request now.
    ("sgim.request_funding", "POST"): {**TRIP, "resident": "bad"},
    ("sgim.approve_funding", "POST"): {**TRIP, "resident": "forbidden"},
    ("sgim.set_reimbursement", "POST"): TRIP,
    ("sgim.cover_need", "POST"): TRIP,  # the resident is away then, so arranges their own cover
    ("sgim.release_cover", "POST"): TRIP,
    # Duties: see duties_world. A person's duties page is theirs and the coordinators'; only coordinators
    # change someone's duties or decide time away; the resident may cancel their own request; residents and
    # faculty ask for time away (coordinators have no duties to be away from).
    ("duties.my_duties", "GET"): SIGNED_IN,
    ("duties.show_person", "GET"): OWN_PAGE,
    ("duties.find_person", "GET"): STAFF,
    ("duties.add_duty", "POST"): CHANGE_PERSON,
    ("duties.generate_clinics", "POST"): CHANGE_PERSON,
    ("duties.enter_away", "POST"): CHANGE_PERSON,
    ("duties.delete_duty", "POST"): CHANGE_PERSON,
    # Cover: coordinators for anyone; the resident only on a day they are away, which these duties are not.
    ("duties.cover_duty", "POST"): CHANGE_PERSON,
    ("duties.uncover_duty", "POST"): CHANGE_PERSON,
    ("duties.request_away", "POST"): outcomes(resident="ok", other_resident="ok", faculty="ok"),
    ("duties.list_away", "GET"): STAFF,
    ("duties.approve_away", "POST"): CHANGE_PERSON,
    ("duties.decline_away", "POST"): CHANGE_PERSON,
    ("duties.cancel_away", "POST"): OWN_PAGE,
    ("duties.import_duties", "GET"): STAFF,
    ("duties.import_duties", "POST"): STAFF,
}


@dataclass(frozen=True)
class HolidayWorld:
    """Two holiday years, both with the personas' residents and two more taking part."""

    year: int  # the coming year: a preview, its ranking window open, no pins
    published_year: int  # the year before: published, swaps need approval, everyone pinned to a block
    block_ids: tuple[int, ...]  # the coming year's blocks, in date order
    swap_id: int  # the other resident offers the resident their block; not answered yet
    accepted_swap_id: int  # a third resident's offer the resident accepted, waiting for a coordinator
    partner_id: int  # a fourth resident, with no swap of their own
    partner_block_id: int  # the fourth resident's block in the published year

    @property
    def block_id(self) -> int:
        return self.block_ids[2]  # Christmas


@dataclass(frozen=True)
class CoachingWorld:
    """The resident paired with the faculty persona, a meeting the coach proposed, the resident's goal."""

    pairing_id: int
    meeting_id: int  # proposed by the coach in 13 days, waiting for the resident's answer
    goal_id: int  # the resident's, shared with the coach
    other_coach_id: int  # a second coach with places, to re-pair with
    exclusion_id: int  # the other resident and the second coach
    free_day: str  # a day when the pair and the coach are free, to propose a meeting


@dataclass(frozen=True)
class SgimWorld:
    """The meeting in 40 days; the resident going, funding approved, one duty uncovered and one covered."""

    meeting_id: int
    attendance_id: int  # the resident's
    open_duty_id: int  # the resident's clinic inside the trip, uncovered
    covered_duty_id: int  # the resident's other clinic inside the trip, covered by a faculty member
    first_day: str
    last_day: str
    free_coverer: str  # the e-mail of a faculty member free then


@dataclass(frozen=True)
class DutiesWorld:
    """The resident's clinic in 20 days, another in 21 that the faculty persona covers, and their vacation
    request in 30, waiting for a coordinator."""

    duty_id: int
    covered_duty_id: int
    period_id: int
    free_day: str  # a day the resident has no duty and no time away, for forms that add one


@dataclass(frozen=True)
class World:
    """The records the requests refer to."""

    people: dict
    field_id: int
    notice_id: int
    event_id: int = 0  # published, for everyone, organised by the coordinator
    rsvp_id: int = 0  # the resident's "going" to the event
    group_id: int = 0  # with the resident as a member
    kind_id: int = 0
    feed_token: str = ""  # the resident's calendar feed address
    session_id: int = 0  # a session of the retreat, led by the faculty persona, the resident in it
    session_form: dict | None = None  # a valid session form for the retreat
    project_id: int = 0  # the resident's approved outreach project
    shift_id: int = 0  # its coming shift, the resident's slot on offer
    past_shift_id: int = 0  # its past shift, the resident confirmed there
    signup_id: int = 0  # the resident's offered slot
    hours_id: int = 0  # extra hours the resident logged on the past shift
    project_day: str = ""
    project_span: tuple[str, str] = ("", "")
    holidays: HolidayWorld | None = None  # built for the holiday routes only
    coaching: CoachingWorld | None = None  # built for the coaching routes only
    sgim: SgimWorld | None = None  # built for the SGIM routes only
    duties: DutiesWorld | None = None  # built for the duties routes only

    @property
    def resident(self):
        return self.people["resident"]


NEW_PASSWORD = "a fresh passphrase 42"
ROSTER = "email,first_name,last_name,roles\nnew.faculty@example.org,Nora,Faculty,faculty\n"

# Forms that let an allowed persona's POST succeed; a POST without an entry sends only the CSRF token.
BODIES = {
    ("people.login", "POST"): lambda w: {"email": w.resident.email, "password": PASSWORD},
    ("people.change_password", "POST"): lambda w: {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    },
    ("people.request_reset", "POST"): lambda w: {"email": w.resident.email},
    ("people.reset_password", "POST"): lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ("people.accept_invitation", "POST"): lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ("people.create_person", "POST"): lambda w: {
        "email": "new.person@example.org",
        "first_name": "Nell",
        "last_name": "Person",
        "roles": "faculty",
    },
    ("people.edit_person", "POST"): lambda w: {
        "email": w.resident.email,
        "first_name": w.resident.first_name,
        "last_name": "Renamed",
        "roles": "resident",
        "program": w.resident.program,
        "training_start_year": str(w.resident.training_start_year),
    },
    ("people.import_roster_upload", "POST"): lambda w: {
        "file": (io.BytesIO(ROSTER.encode()), "roster.csv"),
    },
    ("people.import_roster_confirm", "POST"): lambda w: {"csv_text": ROSTER},
    ("people.list_fields", "POST"): lambda w: {"name": "Nephrology"},
    ("people.rename_field", "POST"): lambda w: {"name": "Renamed field"},
    ("events.rsvp", "POST"): lambda w: {"response": "going"},
    ("events.create_event", "POST"): lambda w: event_form(w),
    ("events.edit_event", "POST"): lambda w: event_form(w),
    ("events.answer_for", "POST"): lambda w: {"email": w.resident.email, "response": "maybe"},
    ("events.check_in", "POST"): lambda w: {"rsvp_id": str(w.rsvp_id), "present": "1"},
    ("events.list_groups", "POST"): lambda w: {"name": "Women in medicine"},
    ("events.edit_group", "POST"): lambda w: {"name": "Renamed group"},
    ("events.add_members", "POST"): lambda w: {"emails": w.people["other_resident"].email},
    ("events.list_kinds", "POST"): lambda w: {"name": "Journal club", "colour": "red"},
    ("events.edit_kind", "POST"): lambda w: {f"k{w.kind_id}-name": "Parties", f"k{w.kind_id}-colour": "red"},
    ("retreats.add_session", "POST"): lambda w: w.session_form,
    ("retreats.send_idea", "POST"): lambda w: {
        "kind": "curricular_idea",
        "session_id": "0",
        "text": "More POCUS",
    },
    ("outreach.propose_project", "POST"): lambda w: project_form(w),
    ("outreach.edit_project", "POST"): lambda w: {
        **project_form(w),
        "starts_on": w.project_span[0],
        "ends_on": w.project_span[1],
    },
    ("outreach.decide_project", "POST"): lambda w: {"decision": "approve"},
    ("outreach.add_organiser", "POST"): lambda w: {"email": w.people["other_resident"].email},
    ("outreach.record_amount", "POST"): lambda w: {"amount": "1250.50"},
    ("outreach.add_runner", "POST"): lambda w: {"who": "Sam Guest", "team": "Residency Runners"},
    ("outreach.add_shift", "POST"): lambda w: {
        "role": "Serving",
        "day": w.project_day,
        "start_time": "18:00",
        "end_time": "19:30",
        "slots": "3",
    },
    ("outreach.log_hours", "POST"): lambda w: {"hours": "1.5", "note": "Drove donations"},
    ("retreats.edit_session", "POST"): lambda w: w.session_form,
    ("holidays.setup_year", "POST"): lambda w: {"year": str(w.holidays.year + 1)},
    ("holidays.add_block", "POST"): lambda w: {
        "name": "Summer",
        "key": "summer",
        "starts_on": f"{w.holidays.year}-08-10",
        "ends_on": f"{w.holidays.year}-08-13",
        "capacity": "2",
    },
    ("holidays.edit_block", "POST"): lambda w: {
        "name": "Christmas",
        "key": "christmas",
        "starts_on": f"{w.holidays.year}-12-23",
        "ends_on": f"{w.holidays.year}-12-27",
        "capacity": "2",
    },
    ("holidays.set_window", "POST"): lambda w: {
        "opens_on": program_today(TZ).isoformat(),
        "closes_on": (program_today(TZ) + timedelta(days=3)).isoformat(),
    },
    ("holidays.save_settings", "POST"): lambda w: {"swaps_need_approval": "y"},
    ("holidays.excuse_resident", "POST"): lambda w: {
        "excuse-person_id": str(w.resident.id),
        "excuse-reason": "Parental leave",
    },
    ("holidays.flag_priority", "POST"): lambda w: {
        "priority-person_id": str(w.resident.id),
        "priority-reason": "Worked last Christmas",
    },
    ("holidays.rank_blocks", "POST"): lambda w: {
        **{f"choice_{n}": str(block_id) for n, block_id in enumerate(w.holidays.block_ids, 1)},
        "observance": "",
    },
    ("holidays.run_allocation", "POST"): lambda w: {"seed": "7"},
    ("holidays.pin_resident", "POST"): lambda w: {
        "person_id": str(w.resident.id),
        "block_id": str(w.holidays.block_id),
    },
    ("holidays.unpublish_allocation", "POST"): lambda w: {"reason": "The Christmas dates changed."},
    ("holidays.propose_swap", "POST"): lambda w: {
        f"swap{w.holidays.published_year}-block_id": str(w.holidays.partner_block_id),
        f"swap{w.holidays.published_year}-partner_id": str(w.holidays.partner_id),
    },
    ("holidays.refuse_swap", "POST"): lambda w: {"reason": "Nobody would cover the wards."},
    ("coaching.propose_meeting", "POST"): lambda w: {
        "day": w.coaching.free_day,
        "start_time": "14:00",
        "end_time": "15:00",
        "place": "Room 4B",
    },
    ("coaching.propose_other_time", "POST"): lambda w: {
        f"m{w.coaching.meeting_id}-day": w.coaching.free_day,
        f"m{w.coaching.meeting_id}-start_time": "09:00",
        f"m{w.coaching.meeting_id}-end_time": "10:00",
        f"m{w.coaching.meeting_id}-place": "Zoom",
    },
    ("coaching.add_goal", "POST"): lambda w: {"kind": "goal", "text": "Run a half marathon"},
    ("coaching.update_goal", "POST"): lambda w: {
        "kind": "reflection",
        "text": "Ran ten miles",
        "is_shared": "y",
    },
    ("coaching.accept_suggestions", "POST"): lambda w: {
        "pairs": f"{w.people['other_resident'].id}:{w.people['faculty'].id}"
    },
    ("coaching.assign", "POST"): lambda w: {
        "resident_id": str(w.people["other_resident"].id),
        "coach_id": str(w.people["faculty"].id),
    },
    ("coaching.end_pairing", "POST"): lambda w: {"reason": "Left the program"},
    ("coaching.repair", "POST"): lambda w: {
        "coach_id": str(w.coaching.other_coach_id),
        "reason": "Fresh start",
    },
    ("coaching.add_exclusion", "POST"): lambda w: {
        "resident_id": str(w.people["other_resident"].id),
        "coach_id": str(w.people["faculty"].id),
        "reason": "Research mentor",
    },
    ("sgim.create_meeting", "POST"): lambda w: sgim_meeting_form(w, next_year=True),
    ("sgim.edit_meeting", "POST"): lambda w: sgim_meeting_form(w),
    ("sgim.save_eligibility", "POST"): lambda w: {"pairs": ["primary_care:2", "categorical:2"]},
    ("sgim.invite_resident", "POST"): lambda w: {"email": w.people["other_resident"].email},
    ("sgim.answer_invitation", "POST"): lambda w: {"answer": "declined"},
    ("sgim.record_presentation", "POST"): lambda w: {"title": "Panel management", "kind": "poster"},
    ("sgim.request_funding", "POST"): lambda w: {"registration": "600", "travel": "450"},
    ("sgim.approve_funding", "POST"): lambda w: {
        "approved_registration": "500",
        "approved_travel": "400",
        "approved_lodging": "0",
        "approved_meals": "0",
    },
    ("sgim.set_reimbursement", "POST"): lambda w: {"status": "submitted"},
    ("sgim.cover_need", "POST"): lambda w: {f"d{w.sgim.open_duty_id}-coverer": w.sgim.free_coverer},
    ("duties.add_duty", "POST"): lambda w: {
        "day": w.duties.free_day,
        "session": "PM",
        "kind": "ambulatory",
        "site": "Brookside",
    },
    ("duties.generate_clinics", "POST"): lambda w: {
        "weekday": "2",
        "session": "AM",
        "site": "Brookside",
        "first_day": w.duties.free_day,
        "last_day": (date.fromisoformat(w.duties.free_day) + timedelta(days=27)).isoformat(),
    },
    ("duties.enter_away", "POST"): lambda w: {
        "kind": "sick",
        "starts_on": w.duties.free_day,
        "ends_on": w.duties.free_day,
    },
    ("duties.request_away", "POST"): lambda w: {
        "kind": "vacation",
        "starts_on": w.duties.free_day,
        "ends_on": (date.fromisoformat(w.duties.free_day) + timedelta(days=4)).isoformat(),
        "note": "Family wedding",
    },
    ("duties.cover_duty", "POST"): lambda w: {f"d{w.duties.duty_id}-coverer": w.people["faculty"].email},
    ("duties.decline_away", "POST"): lambda w: {
        f"d{w.duties.period_id}-reason": "Short-staffed on the wards."
    },
    ("duties.import_duties", "POST"): lambda w: {
        "file": (io.BytesIO(duties_csv(w).encode()), "duties.csv"),
    },
}


def sgim_meeting_form(w: World, next_year: bool = False) -> dict:
    """The world's meeting's details; with `next_year`, a year later (one meeting a year)."""
    shift = (lambda day: str(int(day[:4]) + 1) + day[4:]) if next_year else (lambda day: day)
    return {
        "name": "SGIM Annual Meeting",
        "city": "Denver",
        "starts_on": shift(w.sgim.first_day),
        "ends_on": shift(w.sgim.last_day),
        "travel_days_before": "1",
        "travel_days_after": "0",
        "budget_per_resident": "1500",
        "total_budget": "5000",
    }


def project_form(w: World) -> dict:
    return {
        "title": "Charity 5K",
        "kind": "race",
        "partner_name": "Boston Food Bank",
        "starts_on": w.project_day,
        "ends_on": w.project_day,
    }


def event_form(w: World) -> dict:
    return {
        "title": "Spring retreat",
        "kind": str(w.kind_id),
        "start_on": "2027-04-10",
        "start_time": "09:00",
        "end_on": "2027-04-10",
        "end_time": "17:00",
        "has_waitlist": "y",
        "max_guests": "0",
        "is_for_everyone": "y",
    }


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in IGNORED_ENDPOINTS
        for method in rule.methods - IGNORED_METHODS
    }


def url_for_route(app, endpoint: str, method: str, world: World) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
    known = {
        "person_id": world.resident.id,
        "field_id": world.field_id,
        "notice_id": world.notice_id,
        "event_id": world.event_id,
        "rsvp_id": world.rsvp_id,
        "group_id": world.group_id,
        "kind_id": world.kind_id,
        "secret": "not-a-real-link-secret",
        "token": world.feed_token,
        "slug": "social",
        "key": "primary_care",
        "session_id": world.session_id,
        "project_id": world.project_id,
        "shift_id": world.past_shift_id
        if "hours" in endpoint or "attendance" in endpoint
        else world.shift_id,
        "signup_id": world.signup_id,
        "hours_id": world.hours_id,
        "decision": "approve",
        **(holiday_arguments(endpoint, world.holidays) if world.holidays else {}),
        **(coaching_arguments(world.coaching) if world.coaching else {}),
        **(sgim_arguments(endpoint, world.sgim) if world.sgim else {}),
        **(duties_arguments(endpoint, world.duties) if world.duties else {}),
    }
    missing = rule.arguments - set(known)
    assert not missing, f"{endpoint} needs values for {missing}: add them to url_for_route"
    return app.url_map.bind("localhost").build(
        endpoint, {name: known[name] for name in rule.arguments}, method=method
    )


PUBLISHED_YEAR_ENDPOINTS = {"holidays.propose_swap", "holidays.unpublish_allocation"}
DECIDED_SWAP_ENDPOINTS = {"holidays.approve_swap", "holidays.refuse_swap"}


def holiday_arguments(endpoint: str, holidays: HolidayWorld) -> dict:
    """The year (the published one for swaps and un-publishing), the coming year's Christmas, the swap."""
    return {
        "academic_year": holidays.published_year if endpoint in PUBLISHED_YEAR_ENDPOINTS else holidays.year,
        "block_id": holidays.block_id,
        "swap_id": holidays.accepted_swap_id if endpoint in DECIDED_SWAP_ENDPOINTS else holidays.swap_id,
    }


def coaching_arguments(world: CoachingWorld) -> dict:
    return {
        "pairing_id": world.pairing_id,
        "meeting_id": world.meeting_id,
        "goal_id": world.goal_id,
        "exclusion_id": world.exclusion_id,
    }


def duties_arguments(endpoint: str, world: DutiesWorld) -> dict:
    """The uncovered clinic to cover (or delete), the covered one to uncover; the vacation request."""
    duty_id = world.covered_duty_id if endpoint == "duties.uncover_duty" else world.duty_id
    return {"duty_id": duty_id, "period_id": world.period_id}


def duties_csv(w: World) -> str:
    return f"email,date,session,kind,site\n{w.resident.email},{w.duties.free_day},PM,inpatient,Main\n"


def sgim_arguments(endpoint: str, world: SgimWorld) -> dict:
    """The meeting and the resident's trip; the uncovered duty to cover, the covered one to release."""
    return {
        "meeting_id": world.meeting_id,
        "attendance_id": world.attendance_id,
        "duty_id": world.covered_duty_id if endpoint == "sgim.release_cover" else world.open_duty_id,
    }


def outcome_of(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        location = urlsplit(response.location)
        asks_to_sign_in = location.path == "/login" and "next" in parse_qs(location.query)
        return "login" if asks_to_sign_in else "ok"
    if 200 <= status < 300:
        return "ok"
    return {400: "bad", 403: "forbidden", 404: "hidden"}.get(status, f"status {status}")


@pytest.fixture(scope="module")
def built_worlds(_app):
    """built_worlds(part): a World and the rows it is made of, built once per module for each part
    ("holidays" and "coaching" add their records; "" is the rest).

    The records come from the services, as a test would make them; each test gets them back with
    restore_rows, ids and all, instead of building them again (which took most of this module's time).
    """
    built: dict[str, tuple[World, dict]] = {}

    def build(part: str) -> tuple[World, dict]:
        if part not in built:
            with _app.app_context():
                _empty_tables()
                ensure_roles()
                groups.ensure_kinds()
                db.session.commit()
                db.session.remove()
            personas = make_personas(person_factory(_app))
            world = build_world(_app, personas, part)
            built[part] = world, table_rows(_app)
        return built[part]

    return build


@pytest.fixture
def world(app, built_worlds, request):
    """The records of a World in the (emptied) database; the holiday and coaching records only for their own routes."""
    callspec = getattr(request.node, "callspec", None)
    endpoint = callspec.params.get("endpoint", "") if callspec else ""
    part = (
        endpoint.split(".")[0] if endpoint.startswith(("holidays.", "coaching.", "sgim.", "duties.")) else ""
    )
    world, rows = built_worlds(part)
    restore_rows(app, rows)
    return replace(
        world,
        people=dict(world.people),
        session_form=dict(world.session_form),
    )


def build_world(app, personas, part: str) -> World:
    with app.app_context():
        field = Field(name="Cardiology")
        db.session.add(field)
        notice = notify(db.session.get(Person, personas["resident"].id), "promoted", "A place", "Body", "/")
        db.session.commit()
        field_id, notice_id = field.id, notice.id
        db.session.remove()
    return World(
        people=personas,
        field_id=field_id,
        notice_id=notice_id,
        **event_world(app, personas),
        **outreach_world(app, personas),
        # Two allocations take a while, so only the holiday routes get the holiday records.
        holidays=holiday_world(app, personas) if part == "holidays" else None,
        coaching=coaching_world(app, personas) if part == "coaching" else None,
        sgim=sgim_world(app, personas) if part == "sgim" else None,
        duties=duties_world(app, personas) if part == "duties" else None,
    )


def duties_world(app, personas) -> DutiesWorld:
    """The resident's clinic and vacation request, clear of the retreat (in 7 days) and the shift (in 10)."""
    with app.app_context():
        coordinator = db.session.get(Person, personas["coordinator"].id)
        resident = db.session.get(Person, personas["resident"].id)
        today = program_today(TZ)
        duty = duty_clinics.add_duty(
            coordinator, resident, today + timedelta(days=20), "AM", "clinic", "Brookside"
        )
        covered = duty_clinics.add_duty(
            coordinator, resident, today + timedelta(days=21), "AM", "clinic", "Brookside"
        )
        db.session.commit()
        assign_cover(coordinator, covered, db.session.get(Person, personas["faculty"].id), utcnow())
        db.session.commit()
        days = today + timedelta(days=30), today + timedelta(days=34)
        period = duty_away.request_away(resident, duty_away.AwayData("vacation", *days), today)
        db.session.commit()
        world = DutiesWorld(duty.id, covered.id, period.id, (today + timedelta(days=45)).isoformat())
        db.session.remove()
    return world


def sgim_world(app, personas) -> SgimWorld:
    """The meeting in 40 days with the resident going and funded; two of their clinics inside the trip."""
    with app.app_context():
        faculty_role = ensure_roles()["faculty"]
        covering, free = (
            Person(email=f"{name.lower()}@example.org", first_name=name, last_name="Faculty", roles=[faculty_role])
            for name in ("Sam", "Fran")
        )  # fmt: skip
        db.session.add_all([covering, free])
        db.session.commit()
        coordinator = db.session.get(Person, personas["coordinator"].id)
        resident = db.session.get(Person, personas["resident"].id)
        first = program_today(TZ) + timedelta(
            days=40
        )  # clear of the retreat (in 7 days) and the shift (in 10)
        data = sgim_services.MeetingData("SGIM Annual Meeting", "Denver", first, first + timedelta(days=3),
                                         budget_per_resident_cents=150_000, total_budget_cents=500_000)  # fmt: skip
        meeting = sgim_services.create_meeting(coordinator, data)
        db.session.commit()
        attendance = sgim_services.attendance_of(meeting, resident.id) or sgim_services.invite_resident(
            coordinator, meeting, resident
        )  # invited whatever their PGY on the day
        db.session.commit()
        sgim_services.answer_invitation(resident, attendance, True)
        db.session.commit()
        sgim_services.request_funding(resident, attendance, {"registration": 60_000, "travel": 45_000})
        db.session.commit()
        sgim_services.approve_funding(coordinator, attendance, {"registration": 60_000, "travel": 45_000})
        db.session.commit()
        open_duty, covered_duty = (
            Duty(person_id=resident.id, duty_on=first, session=session, kind="clinic", site="Brookside")
            for session in ("AM", "PM")
        )
        db.session.add_all([open_duty, covered_duty])
        db.session.commit()
        assign_cover(coordinator, covered_duty, covering, utcnow())
        db.session.commit()
        world = SgimWorld(
            meeting_id=meeting.id,
            attendance_id=attendance.id,
            open_duty_id=open_duty.id,
            covered_duty_id=covered_duty.id,
            first_day=first.isoformat(),
            last_day=(first + timedelta(days=3)).isoformat(),
            free_coverer=free.email,
        )
        db.session.remove()
    return world


def coaching_world(app, personas) -> CoachingWorld:
    """The resident paired with the faculty persona; a meeting and a goal; a second coach; an exclusion."""
    with app.app_context():
        second = Person(email="second.coach@example.org", first_name="Sam", last_name="Second",
                        roles=[ensure_roles()["faculty"]], coach_capacity=2)  # fmt: skip
        db.session.add(second)
        db.session.commit()
        coordinator = db.session.get(Person, personas["coordinator"].id)
        resident = db.session.get(Person, personas["resident"].id)
        faculty = db.session.get(Person, personas["faculty"].id)
        today, now = program_today(TZ), utcnow()
        pairing = coaching.assign_coach(coordinator, resident, faculty, today)
        exclusion = coaching.add_exclusion(
            coordinator, db.session.get(Person, personas["other_resident"].id), second, "Research mentor"
        )
        # Clear of the event world's retreat (in 7 days) and outreach shift (in 10).
        meeting_day = today + timedelta(days=13)
        starts = local_to_utc(meeting_day, time(14), TZ)
        meeting = coaching_meetings.propose_meeting(
            faculty, pairing, starts, starts + timedelta(hours=1), "Room 4B", now
        )
        goal = coaching_goals.add_goal(resident, "goal", "Ask for feedback weekly", True, now)
        db.session.commit()
        world = CoachingWorld(
            pairing_id=pairing.id,
            meeting_id=meeting.id,
            goal_id=goal.id,
            other_coach_id=second.id,
            exclusion_id=exclusion.id,
            free_day=(today + timedelta(days=12)).isoformat(),
        )
        db.session.remove()
    return world


def holiday_world(app, personas) -> HolidayWorld:
    """The coming year previewed with its window open; the year before published with swaps (see MATRIX)."""
    with app.app_context():
        coordinator = db.session.get(Person, personas["coordinator"].id)
        resident = db.session.get(Person, personas["resident"].id)
        other = db.session.get(Person, personas["other_resident"].id)
        start = resident.training_start_year
        third, fourth = (
            Person(email=f"{name.lower()}@example.org", first_name=name, last_name="Resident",
                   roles=[ensure_roles()["resident"]], program="categorical", training_start_year=start)
            for name in ("Thea", "Finn")
        )  # fmt: skip
        db.session.add_all([third, fourth])
        db.session.flush()
        today, now = program_today(TZ), utcnow()
        published, coming = start + 1, start + 2
        for academic_year in (published, coming):
            year = holiday_blocks.setup_year(coordinator, academic_year, today)
            holiday_blocks.set_window(coordinator, year, today - timedelta(days=1), today + timedelta(days=7))
        last = db.session.get(HolidayYear, published)
        holiday_blocks.set_swap_approval(coordinator, last, True)
        for person, block in zip((resident, other, third, fourth), last.blocks, strict=True):
            holiday_services.pin_assignment(coordinator, last, person, block)
        holiday_services.allocate_holiday_blocks(coordinator, published, 1)
        holiday_services.publish_allocation(coordinator, last, now)
        resident_block = last.blocks[0]
        accepted = holiday_swaps.propose_swap(third, last, resident, resident_block)
        holiday_swaps.answer_swap(resident, accepted, True, now)
        offered = holiday_swaps.propose_swap(other, last, resident, resident_block)
        holiday_services.allocate_holiday_blocks(coordinator, coming, 1)
        db.session.commit()
        holidays = HolidayWorld(
            year=coming,
            published_year=published,
            block_ids=tuple(block.id for block in db.session.get(HolidayYear, coming).blocks),
            swap_id=offered.id,
            accepted_swap_id=accepted.id,
            partner_id=fourth.id,
            partner_block_id=last.blocks[3].id,
        )
        db.session.remove()
    return holidays


def outreach_world(app, personas) -> dict:
    """The resident's approved project with a coming shift (their slot offered) and a past one."""
    with app.app_context():
        coordinator = db.session.get(Person, personas["coordinator"].id)
        resident = db.session.get(Person, personas["resident"].id)
        tz = "America/New_York"
        today = program_today(tz)
        data = outreach.ProjectData(
            title="Shelter dinner",
            kind="fundraiser",
            partner_name="Pine Street Inn",
            starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=20),
        )
        project = outreach.propose_project(resident, data)
        outreach.decide_project(coordinator, project, True)
        past_day = today - timedelta(days=2)
        past = Shift(project=project, role="Serving", slots=4, starts_at=local_to_utc(past_day, time(16), tz),
                     ends_at=local_to_utc(past_day, time(18), tz))  # fmt: skip
        db.session.add(past)
        db.session.flush()
        came = ShiftSignup(shift_id=past.id, person_id=resident.id, attended=True)
        db.session.add(came)
        db.session.flush()
        extra = ExtraHours(signup_id=came.id, hours=1)
        day = today + timedelta(days=10)
        shift = outreach.add_shift(resident, project, outreach.ShiftData(
            "Prep", local_to_utc(day, time(16), tz), local_to_utc(day, time(17, 30), tz), 4))  # fmt: skip
        db.session.add(extra)
        db.session.commit()
        signup = shifts.sign_up_for_shift(resident, shift, resident)
        shifts.offer_shift(resident, shift, resident)
        db.session.commit()
        ids = {
            "project_id": project.id,
            "shift_id": shift.id,
            "past_shift_id": past.id,
            "signup_id": signup.id,
            "hours_id": extra.id,
            "project_day": day.isoformat(),
            "project_span": (data.starts_on.isoformat(), data.ends_on.isoformat()),
        }
        db.session.remove()
    return ids


def event_world(app, personas) -> dict:
    """A published event for everyone with the resident going, and a group with the resident in it."""
    with app.app_context():
        coordinator = db.session.get(Person, personas["coordinator"].id)
        resident = db.session.get(Person, personas["resident"].id)
        kind_id = db.session.scalar(select(EventKind.id).where(EventKind.slug == "retreat"))
        # 10 AM a week from today: whole minutes, so the session form's times fall inside it.
        starts = local_to_utc(
            program_today("America/New_York") + timedelta(days=7), time(10), "America/New_York"
        )
        details = services.EventData(
            title="Team dinner", kind_id=kind_id, starts_at=starts, ends_at=starts + timedelta(hours=3)
        )
        event = services.create_event(coordinator, details)
        db.session.commit()
        services.publish_event(coordinator, event)
        db.session.commit()
        rsvp = seats.record_rsvp(resident, event, resident, "going").rsvp
        db.session.commit()
        group = groups.save_group(coordinator, None, "Resident parents", "")
        groups.add_members(coordinator, group, resident.email)
        db.session.commit()
        token = issue_feed_token(resident, resident)
        db.session.commit()
        faculty = db.session.get(Person, personas["faculty"].id)
        session = retreats.add_session(
            coordinator,
            event,
            retreats.SessionData(
                title="Nexplanon placement",
                format="skills",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                capacity=4,
                faculty_emails=(faculty.email,),
            ),
        )
        db.session.commit()
        sign_up(resident, session, resident)
        db.session.commit()
        local_start = as_local(starts, "America/New_York")
        session_form = {
            "title": "IUD placement",
            "format": "skills",
            "day": local_start.date().isoformat(),
            "start_time": local_start.strftime("%H:%M"),
            "end_time": (local_start + timedelta(hours=1)).strftime("%H:%M"),
            "capacity": "4",
            "has_waitlist": "y",
        }
        ids = {
            "event_id": event.id,
            "rsvp_id": rsvp.id,
            "group_id": group.id,
            "kind_id": kind_id,
            "feed_token": token,
            "session_id": session.id,
            "session_form": session_form,
        }
        db.session.remove()
    return ids


def send(client, method: str, url: str, body: dict | None, *, csrf: bool = True):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data=body or {}, csrf=csrf)
    raise AssertionError(f"add a way to send {method} requests")


CELLS = [
    pytest.param(endpoint, method, persona, row[persona], id=f"{endpoint}-{method}-{persona}")
    for (endpoint, method), row in sorted(MATRIX.items())
    for persona in PERSONAS
]
POST_ROUTES = sorted(key for key in MATRIX if key[1] == "POST")


def test_every_route_has_a_row_in_the_matrix(app):
    missing = sorted(routes(app) - set(MATRIX))
    assert not missing, f"routes without a row in MATRIX: {missing}"


def test_every_matrix_row_names_an_existing_route(app):
    stale = sorted(set(MATRIX) - routes(app))
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"
    assert set(BODIES) <= set(MATRIX), f"BODIES for unknown routes: {sorted(set(BODIES) - set(MATRIX))}"


def test_every_matrix_row_names_each_persona_once():
    for key, expected in MATRIX.items():
        assert set(expected) == set(PERSONAS), key
        assert set(expected.values()) <= {"ok", "login", "forbidden", "hidden", "bad"}, key


@pytest.mark.parametrize(("endpoint", "method", "persona", "expected"), CELLS)
def test_route_gives_persona_the_declared_outcome(
    app, client, login_as, world, endpoint, method, persona, expected
):
    if persona != "anonymous":
        login_as(world.people[persona])
    url = url_for_route(app, endpoint, method, world)
    body = BODIES.get((endpoint, method), lambda w: None)(world)
    before = database_state(app) if method == "GET" else None

    response = send(client, method, url, body)

    assert outcome_of(response) == expected, (
        f"{persona} {method} {url}: {response.status_code} {response.location or ''}"
    )
    if method == "GET":
        assert database_state(app) == before, f"GET {url} changed the database"


@pytest.mark.parametrize(("endpoint", "method"), POST_ROUTES, ids=[f"{e}-{m}" for e, m in POST_ROUTES])
def test_post_without_csrf_token_is_refused_and_changes_nothing(
    app, client, login_as, world, endpoint, method
):
    login_as(world.people["coordinator"])
    url = url_for_route(app, endpoint, method, world)
    body = BODIES.get((endpoint, method), lambda w: None)(world)
    before = database_state(app)

    response = send(client, method, url, body, csrf=False)

    assert response.status_code == 400, f"POST {url} without a CSRF token gave {response.status_code}"
    assert database_state(app) == before
