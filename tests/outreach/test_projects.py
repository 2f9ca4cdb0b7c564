"""Outreach projects: proposing, deciding, organising (details, co-organisers) and a fundraiser's total."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.outreach.conftest import (
    audit_actions,
    first_day,
    notice_bodies,
    notices,
    on,
    organiser_ids,
    project_row,
    shift_rows,
)
from tests.support import database_state
from wellness.errors import NotAllowed, ValidationFailed

# --- proposing ------------------------------------------------------------------------------------


def test_a_resident_proposes_a_project_and_becomes_its_organiser(
    app, organiser, coordinator, make_person, propose
):
    other_coordinator = make_person("coordinator")
    admin = make_person("admin")

    project = propose(
        organiser,
        title="  Winter coat drive  ",
        kind="drive",
        partner_name="  Springfield Shelter ",
        partner_address=" 4 Oak Road ",
        description=" Bring coats in good repair. ",
    )

    stored = project_row(app, project.id)
    assert (stored.status, stored.kind, stored.kind_label) == ("proposed", "drive", "Drive")
    assert (stored.title, stored.partner_name, stored.partner_address) == (
        "Winter coat drive",
        "Springfield Shelter",
        "4 Oak Road",
    )
    assert stored.description == "Bring coats in good repair."
    assert stored.proposed_by_id == organiser.id
    assert organiser_ids(app, project.id) == {organiser.id}
    assert sorted(notices(app)) == sorted(
        (person.id, "outreach_proposed", "New outreach project: Winter coat drive")
        for person in (coordinator, other_coordinator)
    )
    assert admin.id not in {person_id for person_id, _, _ in notices(app)}
    assert audit_actions(app, project.id) == ["outreach.proposed"]


@pytest.mark.parametrize("roles", [("faculty",), ("coordinator",), ("admin",)])
def test_only_residents_propose_projects(app, make_person, propose, roles):
    proposer = make_person(*roles)
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Residents propose outreach projects"):
        propose(proposer)

    assert database_state(app) == before


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"title": ""}, "title", "Give the project a title"),
        ({"title": "   "}, "title", "Give the project a title"),
        ({"title": "x" * 201}, "title", "Give the project a title of up to 200 characters"),
        ({"kind": "gala"}, "kind", "Choose a kind from the list"),
        ({"partner_name": "  "}, "partner_name", "Name the partner organisation"),
        ({"partner_name": "p" * 201}, "partner_name", "partner organisation"),
        ({"partner_address": "a" * 301}, "partner_address", "address"),
        (
            {"starts_on": first_day(), "ends_on": first_day() - timedelta(days=1)},
            "ends_on",
            "must end on or after its first day",
        ),
        (
            {"starts_on": first_day(), "ends_on": first_day() + timedelta(days=367)},
            "ends_on",
            "Keep a project to a year or less",
        ),
    ],
)
def test_a_proposal_with_invalid_details_is_refused_and_changes_nothing(
    app, organiser, propose, details, field, message
):
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=message) as refused:
        propose(organiser, **details)

    assert refused.value.field == field
    assert database_state(app) == before


@pytest.mark.parametrize(
    "details",
    [
        {"title": "x" * 200},
        {"partner_name": "p" * 200, "partner_address": "a" * 300},
        {"starts_on": first_day(), "ends_on": first_day()},
        {"starts_on": first_day(), "ends_on": first_day() + timedelta(days=366)},
        {"kind": "other", "partner_address": "", "description": ""},
    ],
)
def test_proposals_at_the_limits_are_accepted(app, organiser, propose, details):
    project = propose(organiser, **details)

    assert project_row(app, project.id).status == "proposed"


# --- deciding -------------------------------------------------------------------------------------


def test_approving_a_project_tells_every_organiser(
    app, organiser, coordinator, make_person, propose, add_organiser, decide
):
    co = make_person("resident", email="co@example.org")
    project = propose(organiser, title="Soup night")
    add_organiser(project, "co@example.org")
    told_before = notices(app)

    decide(project, True)

    stored = project_row(app, project.id)
    assert (stored.status, stored.decided_by_id, stored.decline_reason) == ("approved", coordinator.id, "")
    assert stored.decided_at is not None
    assert sorted(notices(app)[len(told_before) :]) == sorted(
        (person.id, "outreach_approved", "Soup night: approved") for person in (organiser, co)
    )
    assert audit_actions(app, project.id)[-1] == "outreach.approved"


def test_declining_a_project_keeps_and_sends_the_reason(app, organiser, propose, decide):
    project = propose(organiser, title="Bake sale")

    decide(project, False, "  Please name a partner we already work with.  ")

    stored = project_row(app, project.id)
    assert (stored.status, stored.decline_reason) == (
        "declined",
        "Please name a partner we already work with.",
    )
    assert notices(app, "outreach_declined") == [(organiser.id, "outreach_declined", "Bake sale: declined")]
    assert notice_bodies(app, organiser.id, "outreach_declined") == [
        "Bake sale was declined: Please name a partner we already work with."
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_without_a_reason_is_refused_and_changes_nothing(app, organiser, propose, decide, reason):
    project = propose(organiser)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Say why it is declined") as refused:
        decide(project, False, reason)

    assert refused.value.field == "reason"
    assert database_state(app) == before


@pytest.mark.parametrize("who", ["organiser", "another resident", "faculty"])
def test_only_coordinators_decide_projects(app, organiser, make_person, propose, decide, who):
    project = propose(organiser)
    actor = {
        "organiser": organiser,
        "another resident": make_person("resident"),
        "faculty": make_person("faculty"),
    }[who]
    before = database_state(app)

    for approve in (True, False):
        with pytest.raises(NotAllowed, match="Only coordinators and outreach leads approve or decline"):
            decide(project, approve, "Not now.", actor=actor)

    assert database_state(app) == before


@pytest.mark.parametrize(("first", "status"), [(True, "approved"), (False, "declined")])
def test_a_project_is_decided_only_once(app, organiser, propose, decide, first, status):
    project = propose(organiser)
    decide(project, first, "Not this term.")
    before = database_state(app)

    for approve in (True, False):
        with pytest.raises(ValidationFailed, match=f"This project was already {status}"):
            decide(project, approve, "Changed my mind.")

    assert database_state(app) == before


# --- organising -----------------------------------------------------------------------------------


def test_an_organiser_updates_their_project(app, organiser, make_project, update_project):
    project = make_project(title="Soup night")
    revision = project_row(app, project.id).revision

    update_project(
        project,
        title="Soup and bread night",
        partner_address="14 Elm Street",
        ends_on=project.ends_on + timedelta(days=3),
    )

    stored = project_row(app, project.id)
    assert (stored.title, stored.partner_address, stored.ends_on) == (
        "Soup and bread night",
        "14 Elm Street",
        project.ends_on + timedelta(days=3),
    )
    assert (stored.status, stored.revision) == ("approved", revision + 1)
    assert audit_actions(app, project.id)[-1] == "outreach.updated"


def test_a_coordinator_may_step_in_and_update_a_project(app, coordinator, make_project, update_project):
    project = make_project()

    update_project(project, actor=coordinator, description="Led by the chiefs this year.")

    assert project_row(app, project.id).description == "Led by the chiefs this year."


@pytest.mark.parametrize("roles", [("resident",), ("faculty",)])
def test_nobody_else_updates_a_project(app, make_person, make_project, update_project, roles):
    project = make_project()
    stranger = make_person(*roles)
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the project's organisers change it"):
        update_project(project, actor=stranger, title="Mine now")

    assert database_state(app) == before


def test_an_update_with_invalid_details_is_refused_and_changes_nothing(app, make_project, update_project):
    project = make_project()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Choose a kind"):
        update_project(project, kind="gala")
    with pytest.raises(ValidationFailed, match="must end on or after its first day"):
        update_project(project, ends_on=project.starts_on - timedelta(days=1))

    assert database_state(app) == before


@pytest.mark.parametrize(
    ("move_first", "move_last", "named"),
    [(1, 0, "Prep"), (0, -1, "Serve"), (-5, -4, "Prep")],
)
def test_new_dates_must_keep_every_shift_inside_them(
    app, make_project, make_shift, update_project, move_first, move_last, named
):
    project = make_project()  # three days: first_day() to first_day() + 2
    make_shift(project, role="Prep", starts_at=on(project, 16))
    make_shift(project, role="Serve", starts_at=on(project, 17, day=2))
    before = database_state(app)

    with pytest.raises(
        ValidationFailed, match=f"The {named} shift would fall outside the new dates"
    ) as refused:
        update_project(
            project,
            starts_on=project.starts_on + timedelta(days=move_first),
            ends_on=project.ends_on + timedelta(days=move_last),
        )

    assert refused.value.field == "starts_on"
    assert database_state(app) == before


def test_new_dates_must_keep_the_end_of_an_overnight_shift_inside_them(
    app, make_project, make_shift, update_project
):
    project = make_project()
    make_shift(project, role="Night shelter", starts_at=on(project, 22), ends_at=on(project, 6, day=1))
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="The Night shelter shift would fall outside the new dates"):
        update_project(project, ends_on=project.starts_on)

    assert database_state(app) == before
    update_project(project, ends_on=project.starts_on + timedelta(days=1))
    assert project_row(app, project.id).ends_on == project.starts_on + timedelta(days=1)


def test_new_dates_are_read_in_the_program_time_zone(app, make_project, make_shift, update_project):
    # 22:00 in New York is the next day in UTC: the shift is on the project's first day all the same.
    project = make_project()
    make_shift(project, role="Late clean-up", starts_at=on(project, 22), ends_at=on(project, 23, 30))

    update_project(project, ends_on=project.starts_on)

    assert project_row(app, project.id).ends_on == project.starts_on
    assert [shift.role for shift in shift_rows(app, project.id)] == ["Late clean-up"]


# --- co-organisers --------------------------------------------------------------------------------


def test_a_co_organiser_is_added_by_address_and_then_runs_the_project(
    app, make_person, make_project, add_organiser, update_project, make_shift
):
    co = make_person("resident", email="co.organiser@example.org")
    project = make_project()

    assert add_organiser(project, "  Co.Organiser@Example.org ") == co.id
    assert add_organiser(project, "co.organiser@example.org") == co.id  # again: no second row

    assert organiser_ids(app, project.id) == {project.proposed_by_id, co.id}
    update_project(project, actor=co, title="Run by two")
    make_shift(project, actor=co, role="Serve")
    assert project_row(app, project.id).title == "Run by two"
    assert [shift.role for shift in shift_rows(app, project.id)] == ["Serve"]
    assert audit_actions(app, project.id).count("outreach.organiser_added") == 1


@pytest.mark.parametrize("who", ["faculty", "coordinator", "inactive resident", "nobody"])
def test_only_active_residents_become_co_organisers(app, make_person, make_project, add_organiser, who):
    if who == "faculty":
        make_person("faculty", email="them@example.org")
    elif who == "coordinator":
        make_person("coordinator", email="them@example.org")
    elif who == "inactive resident":
        make_person("resident", email="them@example.org", is_active=False)
    project = make_project()
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="No active resident has that address") as refused:
        add_organiser(project, "them@example.org")

    assert refused.value.field == "email"
    assert database_state(app) == before


def test_only_organisers_add_co_organisers(app, make_person, make_project, add_organiser):
    outsider = make_person("resident")
    make_person("resident", email="friend@example.org")
    project = make_project()
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the project's organisers add co-organisers"):
        add_organiser(project, "friend@example.org", actor=outsider)

    assert database_state(app) == before


# --- a fundraiser's total -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "stored"),
    [("1234.5", Decimal("1234.50")), ("0", Decimal("0.00")), ("9999999.99", Decimal("9999999.99"))],
)
def test_an_organiser_records_what_a_fundraiser_raised_to_the_cent(
    app, make_project, record_amount, amount, stored
):
    project = make_project(kind="fundraiser", title="Charity bake sale")

    record_amount(project, amount)

    assert project_row(app, project.id).amount_raised == stored
    assert audit_actions(app, project.id)[-1] == "outreach.amount"


@pytest.mark.parametrize("amount", ["-0.01", "-5", "10000000", "NaN"])
def test_an_amount_outside_zero_to_ten_million_is_refused_and_changes_nothing(
    app, make_project, record_amount, amount
):
    project = make_project(kind="fundraiser")
    record_amount(project, "250")
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Enter an amount from 0") as refused:
        record_amount(project, amount)

    assert refused.value.field == "amount"
    assert database_state(app) == before


def test_only_organisers_record_the_amount(app, make_person, make_project, record_amount):
    project = make_project(kind="fundraiser")
    outsider = make_person("resident")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the project's organisers record its total"):
        record_amount(project, "100", actor=outsider)

    assert database_state(app) == before


def test_members_of_the_outreach_leads_group_decide_like_coordinators(
    app, residents, propose, decide, make_group
):
    lead, proposer = residents(2)
    make_group("Outreach leads", members=[lead])
    project = propose(proposer)

    decide(project, approve=True, actor=lead)

    assert project_row(app, project.id).status == "approved"
