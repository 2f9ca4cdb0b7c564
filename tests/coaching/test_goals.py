"""A resident's goals, reflections and accomplishments: written, changed and deleted by their owner only,
private unless shared, and shared ones read by the current coach alone (never a previous coach, nor staff)."""

import pytest

from tests.coaching.conftest import goal_rows, program_today
from tests.support import database_state
from wellness.coaching import goals
from wellness.coaching.models import Goal
from wellness.dates import utcnow
from wellness.errors import NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person


def refused(app, call, error, message: str):
    before = database_state(app)
    with pytest.raises(error) as raised:
        call()
    assert raised.value.message == message
    assert database_state(app) == before
    return raised.value


def update(app, actor, goal_id: int, kind: str, text: str, shared: bool, achieved: bool, today=None):
    """update_goal as a request of its own; commit."""
    with app.app_context():
        try:
            goals.update_goal(
                db.session.get(Person, actor.id), db.session.get(Goal, goal_id), kind, text, shared, achieved,
                today or program_today(), utcnow(),
            )  # fmt: skip
            db.session.commit()
        finally:
            db.session.remove()


def delete(app, actor, goal_id: int):
    with app.app_context():
        try:
            goals.delete_goal(db.session.get(Person, actor.id), db.session.get(Goal, goal_id))
            db.session.commit()
        finally:
            db.session.remove()


def readable(viewer, resident) -> list[str]:
    """The texts of the resident's goals `viewer` may read, as goals_for gives them."""
    db.session.commit()  # a fresh snapshot
    return [goal.text for goal in goals.goals_for(db.session.get(Person, viewer.id), resident.id)]


# --- writing ----------------------------------------------------------------------------------------------


def test_a_resident_writes_a_goal_that_stays_private_unless_shared(app, ada, write_goal):
    private = write_goal(ada, "  Run a half marathon \n", kind="goal")
    shared = write_goal(ada, "Presented at grand rounds", kind="accomplishment", shared=True)

    rows = goal_rows(app, ada.id)
    assert [(g.id, g.kind, g.text, g.is_shared, g.achieved_on) for g in rows] == [
        (private, "goal", "Run a half marathon", False, None),
        (shared, "accomplishment", "Presented at grand rounds", True, None),
    ]


def test_only_residents_keep_goals(app, hana, coordinator, write_goal):
    for person in (hana, coordinator):
        refused(
            app,
            lambda person=person: write_goal(person, "Be kinder"),
            NotAllowed,
            "Goals and reflections are kept by residents.",
        )


@pytest.mark.parametrize(
    ("kind", "text", "message", "field"),
    [
        ("goal", "   ", "Write the goal or reflection.", "text"),
        ("goal", "x" * 2001, "Keep it to 2000 characters.", "text"),
        ("wish", "Sleep more", "Choose goal, reflection or accomplishment.", "kind"),
    ],
)
def test_a_goal_without_text_too_long_or_of_an_unknown_kind_is_refused(
    app, ada, write_goal, kind, text, message, field
):
    error = refused(app, lambda: write_goal(ada, text, kind=kind), ValidationFailed, message)

    assert error.field == field


def test_the_owner_changes_a_goal_and_marks_it_achieved_keeping_the_first_date(app, ada, write_goal):
    goal_id = write_goal(ada, "Run a half marathon")
    today = program_today()

    update(app, ada, goal_id, "reflection", "Ran ten miles", True, True, today)
    update(app, ada, goal_id, "accomplishment", "Ran the half marathon", True, True, today.replace(day=1))

    [row] = goal_rows(app, ada.id)
    assert (row.kind, row.text, row.is_shared, row.achieved_on) == (
        "accomplishment",
        "Ran the half marathon",
        True,
        today,
    )
    update(app, ada, goal_id, "goal", "Run a full marathon", False, False, today)
    [row] = goal_rows(app, ada.id)
    assert (row.kind, row.is_shared, row.achieved_on) == ("goal", False, None)


def test_nobody_but_the_owner_changes_or_deletes_a_goal(
    app, ada, hana, coordinator, resident, pair, write_goal
):
    pair(ada, hana)
    goal_id = write_goal(ada, "Ask for feedback weekly", shared=True)
    ben = resident("Ben")
    message = "Only the resident who wrote it can change it."

    for person in (hana, coordinator, ben):
        refused(
            app,
            lambda person=person: update(app, person, goal_id, "goal", "Changed", True, False),
            NotAllowed,
            message,
        )
        refused(app, lambda person=person: delete(app, person, goal_id), NotAllowed, message)
    refused(
        app,
        lambda: update(app, ada, goal_id, "goal", " ", True, False),
        ValidationFailed,
        "Write the goal or reflection.",
    )


def test_the_owner_deletes_a_goal(app, ada, write_goal):
    gone, kept = write_goal(ada, "Learn Spanish"), write_goal(ada, "Sleep eight hours")

    delete(app, ada, gone)

    assert [row.id for row in goal_rows(app, ada.id)] == [kept]


# --- who reads them --------------------------------------------------------------------------------------------


def test_the_resident_reads_all_their_goals_and_the_coach_only_the_shared_ones(
    app, db, ada, hana, pair, write_goal
):
    pair(ada, hana)
    write_goal(ada, "Private worry")
    write_goal(ada, "Shared plan", shared=True)

    assert sorted(readable(ada, ada)) == ["Private worry", "Shared plan"]
    assert readable(hana, ada) == ["Shared plan"]


def test_a_previous_coach_reads_nothing_and_the_new_coach_reads_what_is_shared(
    app, db, ada, hana, coach, pair, repair, end, write_goal
):
    ivan = coach("Ivan")
    first = pair(ada, hana)
    write_goal(ada, "Shared plan", shared=True)

    end(first, "Sabbatical")
    assert readable(hana, ada) == []

    second = pair(ada, ivan)
    assert readable(ivan, ada) == ["Shared plan"]
    repair(second, hana, "Back from sabbatical")
    assert readable(ivan, ada) == []
    assert readable(hana, ada) == ["Shared plan"]


@pytest.mark.parametrize("role", ["coordinator", "admin", "resident", "faculty"])
def test_staff_other_residents_and_other_faculty_read_no_goals(
    app, db, make_person, ada, hana, pair, write_goal, role
):
    pair(ada, hana)
    write_goal(ada, "Shared plan", shared=True)
    write_goal(ada, "Private worry")

    assert readable(make_person(role, coach_capacity=3), ada) == []
