"""A project's totals, and entering a race's runners and teams."""

import pytest

from tests.events.conftest import session_for
from tests.outreach.conftest import on
from tests.support import database_state
from wellness.errors import NotAllowed, ValidationFailed
from wellness.outreach import totals
from wellness.outreach.models import Project
from wellness.people.models import Person


def totals_of(app, project):
    with session_for(app) as (session, _detach):
        return totals.project_totals(session.get(Project, project.id))


@pytest.fixture
def add_runner(app, organiser):
    def add(project, who: str, team: str = "", *, actor=None):
        with session_for(app) as (session, _detach):
            totals.add_runner(
                session.get(Person, (actor or organiser).id), session.get(Project, project.id), who, team
            )
            session.commit()

    return add


def test_totals_count_people_once_and_only_confirmed_hours(
    app, make_project, make_shift, residents, volunteer, confirm
):
    project = make_project()
    morning = make_shift(project, starts_at=on(project, 9), ends_at=on(project, 11))
    noon = make_shift(project, starts_at=on(project, 12), ends_at=on(project, 13, 30))
    ada, ben = residents(2)
    for shift in (morning, noon):
        volunteer(shift, ada)
    volunteer(morning, ben)
    confirm(morning, [ada], now=morning.ends_at)  # Ben did not come

    found = totals_of(app, project)

    assert (found.shifts, found.volunteers, found.confirmed_hours) == (2, 2, 2)


def test_runners_are_entered_by_address_or_name_and_grouped_by_team(app, make_project, residents, add_runner):
    race = make_project(kind="race", title="Doctors' Dash")
    [ada] = residents(1, first_name="Ada", last_name="Runner")
    add_runner(race, ada.email, "Residency Runners")
    add_runner(race, "Dr. Ana Lopez", "Faculty Flyers")
    add_runner(race, "Sam Guest")

    assert totals_of(app, race).teams == {
        "Faculty Flyers": ["Dr. Ana Lopez"],
        "No team": ["Sam Guest"],
        "Residency Runners": ["Ada Runner"],
    }


def test_runners_are_refused_for_other_kinds_unknown_addresses_and_non_organisers(
    app, make_project, residents, add_runner
):
    race, dinner = make_project(kind="race"), make_project(kind="meal_service")
    [outsider] = residents(1)
    before = database_state(app)
    with pytest.raises(ValidationFailed, match="races only"):
        add_runner(dinner, "Sam Guest")
    with pytest.raises(ValidationFailed, match="No account has that address"):
        add_runner(race, "nobody@example.org")
    with pytest.raises(NotAllowed):
        add_runner(race, "Sam Guest", actor=outsider)
    assert database_state(app) == before


def test_organisers_enter_runners_on_the_race_page_and_it_shows_the_teams(
    client, login_as, organiser, make_project, residents
):
    race = make_project(kind="race", title="Doctors' Dash")
    [outsider] = residents(1)
    login_as(organiser)

    response = client.post(
        f"/outreach/{race.id}/runners", data={"who": "Dr. Ana Lopez", "team": "Faculty Flyers"}
    )

    assert response.status_code == 302
    page = client.get(f"/outreach/{race.id}").get_data(as_text=True)
    assert "Faculty Flyers" in page and "Dr. Ana Lopez" in page
    login_as(outsider)
    assert client.post(f"/outreach/{race.id}/runners", data={"who": "Sam", "team": ""}).status_code == 403
