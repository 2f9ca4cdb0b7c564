"""Pairings on the records: the rule, capacities, exclusions, overrides and flags, ending and re-pairing,
suggestions over real rows, accepting them all or nothing, and two coordinators taking a coach's last place."""

import pytest

from tests.coaching.conftest import (
    active_pairs,
    audit_actions,
    audit_entries,
    exclusion_pairs,
    notices,
    pairing_row,
    pairing_rows,
    person_in,
    program_today,
    year_now,
)
from tests.events import test_concurrency as event_concurrency
from tests.events.test_concurrency import release_together
from tests.support import database_state, readings_while
from wellness.coaching import services
from wellness.coaching.models import Exclusion, Pairing
from wellness.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person
from wellness.people.services import resolve_fields

# The events' concurrency fixture: log records at ERROR and any "database is locked", from every thread.
app_errors = event_concurrency.app_errors


def refused(app, call, error, message: str):
    """Run `call()`, which must raise `error` with exactly `message`, and show it wrote nothing."""
    before = database_state(app)
    with pytest.raises(error) as raised:
        call()
    assert raised.value.message == message
    assert database_state(app) == before
    return raised.value


def flags_of(pairing_id: int) -> list[str]:
    db.session.commit()  # a fresh snapshot: the fields may have changed in another context
    return services.pairing_flags(db.session.get(Pairing, pairing_id))


# --- assigning a coach -----------------------------------------------------------------------------------


def test_a_coach_outside_the_residents_fields_is_assigned_and_both_are_told(
    app, coordinator, resident, coach, pair
):
    ada = resident("Ada", ("Cardiology", "Health policy"))
    hana = coach("Hana", ("Oncology",))

    pairing_id = pair(ada, hana)

    row = pairing_row(app, pairing_id)
    assert (row.resident_id, row.coach_id, row.starts_on, row.ends_on) == (
        ada.id,
        hana.id,
        program_today(),
        None,
    )
    assert (row.override_reason, row.created_by_id) == (None, coordinator.id)
    told = notices(app)
    assert [(person_id, subject) for person_id, subject, _ in told] == [
        (ada.id, "Your coach: Hana Okafor"),
        (hana.id, "New coachee: Ada Quill"),
    ]
    assert told[0][2].startswith(f"Hana Okafor is your faculty coach from {program_today():%-d %B %Y}.")
    [entry] = audit_entries(app)
    assert (entry.action, entry.actor_id, entry.subject_id) == ("coaching.paired", coordinator.id, pairing_id)
    assert entry.after == {"resident": ada.email, "coach": hana.email, "override_reason": None}


def test_an_admin_may_assign_a_coach_too(app, make_person, resident, coach, pair):
    ada, hana = resident("Ada"), coach("Hana")

    pair(ada, hana, actor=make_person("admin"))

    assert active_pairs(app) == {(ada.id, hana.id)}


def test_a_coach_at_capacity_is_refused_counting_the_pairings_they_already_have(
    app, resident, coach, pair, end
):
    ada, ben, cal = resident("Ada"), resident("Ben"), resident("Cal")
    hana = coach("Hana", capacity=2)
    first = pair(ada, hana)
    pair(ben, hana)

    refused(app, lambda: pair(cal, hana), Conflict, "Hana Okafor is at capacity (2 of 2 coachees).")

    # An ended pairing gives its place back.
    end(first)
    pair(cal, hana)
    assert active_pairs(app) == {(ben.id, hana.id), (cal.id, hana.id)}


def test_an_excluded_pair_is_refused_even_with_an_override_reason(app, resident, coach, pair, exclude):
    ada, hana = resident("Ada", ("Oncology",)), coach("Hana", ("Oncology",))
    exclude(ada, hana, "Her research mentor")

    for reason in (None, "The only coach with evening hours"):
        refused(
            app,
            lambda reason=reason: pair(ada, hana, override_reason=reason),
            Conflict,
            "Ada Quill and Hana Okafor are on the exclusions list (Her research mentor); "
            "exclusions cannot be overridden.",
        )
    assert pairing_rows(app) == []


def test_a_resident_with_a_coach_cannot_be_given_a_second_one(app, resident, coach, pair):
    ada, hana, ivan = resident("Ada"), coach("Hana"), coach("Ivan")
    pair(ada, hana)

    refused(
        app,
        lambda: pair(ada, ivan),
        Conflict,
        "Ada Quill already has a coach, Hana Okafor. End that pairing first, or re-pair with a reason.",
    )


@pytest.mark.parametrize(
    ("resident_fields", "coach_fields", "named"),
    [
        (("Cardiology",), ("cardiology",), "Cardiology"),
        (("Oncology", "Global  Health"), ("global health",), "Global  Health"),
        (("Cardiology", "Oncology"), ("ONCOLOGY", "CARDIOLOGY"), "Cardiology and Oncology"),
    ],
)
def test_a_coach_sharing_a_field_in_any_case_needs_a_written_reason(
    app, resident, coach, pair, resident_fields, coach_fields, named
):
    ada, hana = resident("Ada", resident_fields), coach("Hana", coach_fields)
    message = f"Give a reason to pair them anyway: Hana Okafor shares {named} with Ada Quill."

    for reason in (None, "", "   "):
        error = refused(
            app, lambda reason=reason: pair(ada, hana, override_reason=reason), ValidationFailed, message
        )
        assert error.field == "override_reason"


def test_a_pairing_despite_a_shared_field_keeps_the_reason_and_is_flagged(
    app, db, coordinator, resident, coach, pair
):
    ada, hana = resident("Ada", ("Cardiology",)), coach("Hana", ("Cardiology",))

    pairing_id = pair(ada, hana, override_reason="  Only   coach on nights  ")

    assert pairing_row(app, pairing_id).override_reason == "Only coach on nights"
    assert flags_of(pairing_id) == ["Paired despite a shared field: Only coach on nights"]
    assert audit_entries(app)[-1].after["override_reason"] == "Only coach on nights"


def test_a_reason_is_not_kept_when_no_field_is_shared(app, db, resident, coach, pair):
    ada, hana = resident("Ada", ("Cardiology",)), coach("Hana", ("Oncology",))

    pairing_id = pair(ada, hana, override_reason="Just in case")

    assert pairing_row(app, pairing_id).override_reason is None
    assert flags_of(pairing_id) == []


def test_a_pairing_that_comes_to_share_a_field_is_flagged_until_it_ends(app, db, resident, coach, pair, end):
    ada, hana = resident("Ada", ("Cardiology",)), coach("Hana", ("Oncology", "Health policy"))
    pairing_id = pair(ada, hana)
    assert flags_of(pairing_id) == []

    db.session.get(Person, ada.id).fields = resolve_fields(["Cardiology", "Health Policy", "ONCOLOGY"])
    db.session.commit()

    assert flags_of(pairing_id) == [
        "Now shares Health policy and Oncology: their fields changed after pairing"
    ]
    end(pairing_id)
    assert flags_of(pairing_id) == []


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_only_coordinators_pair_residents_with_coaches(app, make_person, resident, coach, pair, role):
    ada, hana = resident("Ada"), coach("Hana")
    actor = hana if role == "faculty" else ada

    refused(
        app,
        lambda: pair(ada, hana, actor=actor),
        NotAllowed,
        "Only coordinators pair residents with coaches.",
    )


@pytest.mark.parametrize(
    ("role", "columns"),
    [
        ("faculty", {"coach_capacity": 0}),
        ("faculty", {"coach_capacity": None}),
        ("faculty", {"coach_capacity": 3, "is_active": False}),
        ("coordinator", {"coach_capacity": 3}),
        ("resident", {"coach_capacity": 3}),
    ],
    ids=["no places", "capacity unset", "inactive", "not faculty", "a resident"],
)
def test_someone_who_is_not_a_coach_cannot_be_assigned(app, make_person, resident, pair, role, columns):
    ada = resident("Ada")
    other = make_person(role, first_name="Nora", last_name="Nocoach", **columns)

    error = refused(
        app,
        lambda: pair(ada, other),
        ValidationFailed,
        "Nora Nocoach is not a coach (an active faculty member with places).",
    )
    assert error.field == "coach_id"


def test_only_an_active_resident_can_be_given_a_coach(app, make_person, resident, coach, pair):
    hana = coach("Hana")
    gone = resident("Ada", is_active=False)
    fellow = make_person("faculty", first_name="Fred", last_name="Fellow")

    refused(app, lambda: pair(gone, hana), ValidationFailed, "Ada Quill is not an active resident.")
    refused(app, lambda: pair(fellow, hana), ValidationFailed, "Fred Fellow is not an active resident.")


# --- ending and re-pairing --------------------------------------------------------------------------------


def test_ending_a_pairing_needs_a_reason(app, resident, coach, pair, end):
    pairing_id = pair(resident("Ada"), coach("Hana"))

    for reason in (None, "", "  \n "):
        error = refused(
            app,
            lambda reason=reason: end(pairing_id, reason),
            ValidationFailed,
            "Give a reason for ending the pairing.",
        )
        assert error.field == "reason"


def test_ending_a_pairing_keeps_it_as_history_and_tells_both(app, coordinator, resident, coach, pair, end):
    ada, hana = resident("Ada"), coach("Hana")
    pairing_id = pair(ada, hana)

    end(pairing_id, "Left the program")

    row = pairing_row(app, pairing_id)
    assert (row.ends_on, row.end_reason, row.ended_by_id) == (
        program_today(),
        "Left the program",
        coordinator.id,
    )
    assert active_pairs(app) == set()
    ended = notices(app)[2:]
    assert [(person_id, subject) for person_id, subject, _ in ended] == [
        (ada.id, "Coaching with Hana Okafor has ended"),
        (hana.id, "Coaching with Ada Quill has ended"),
    ]
    assert all(body.endswith("Reason: Left the program") for _, _, body in ended)
    assert audit_actions(app) == ["coaching.paired", "coaching.ended"]
    refused(
        app,
        lambda: end(pairing_id, "Again"),
        Conflict,
        f"This pairing already ended on {program_today():%-d %B %Y}.",
    )


def test_a_resident_cannot_end_their_own_pairing(app, resident, coach, pair, end):
    ada = resident("Ada")
    pairing_id = pair(ada, coach("Hana"))

    refused(
        app, lambda: end(pairing_id, actor=ada), NotAllowed, "Only coordinators pair residents with coaches."
    )


def test_repairing_ends_the_old_pairing_starts_the_new_one_and_tells_all_three(
    app, resident, coach, pair, repair
):
    ada, hana, ivan = resident("Ada"), coach("Hana"), coach("Ivan")
    old = pair(ada, hana)

    new = repair(old, ivan, "Schedules never matched")

    history = pairing_rows(app, ada.id)
    assert [(row.id, row.coach_id, row.ends_on, row.end_reason) for row in history] == [
        (old, hana.id, program_today(), "Schedules never matched"),
        (new, ivan.id, None, None),
    ]
    told = notices(app)[2:]
    assert [(person_id, subject) for person_id, subject, _ in told] == [
        (hana.id, "Ada Quill has a new coach"),
        (ada.id, "Your coach: Ivan Petrov"),
        (ivan.id, "New coachee: Ada Quill"),
    ]
    assert told[0][2].endswith("Reason: Schedules never matched")
    opening = "You were re-paired (previously with Hana Okafor). Reason: Schedules never matched\n\n"
    assert told[1][2].startswith(opening)
    # The new coach is told who their coachee is, not why the resident was re-paired.
    assert "Schedules never matched" not in told[2][2] and "Hana Okafor" not in told[2][2]
    assert audit_actions(app) == ["coaching.paired", "coaching.ended", "coaching.paired"]


def test_repair_outside_a_web_request_ends_and_repairs_in_one_transaction(
    app, coordinator, resident, coach, pair
):
    """As a command or a script would call it: no request has taken SQLite's write lock beforehand."""
    ada, hana, ivan = resident("Ada"), coach("Hana"), coach("Ivan")
    old = pair(ada, hana)

    with app.app_context():
        new = services.repair(
            db.session.get(Person, coordinator.id), db.session.get(Pairing, old), db.session.get(Person, ivan.id),
            "Schedules never matched", program_today(),
        )  # fmt: skip
        db.session.commit()
        new_id = new.id
        db.session.remove()

    assert active_pairs(app) == {(ada.id, ivan.id)}
    assert pairing_row(app, new_id).coach_id == ivan.id


def test_repairing_needs_a_reason_and_another_coach(app, resident, coach, pair, repair):
    ada, hana, ivan = resident("Ada"), coach("Hana"), coach("Ivan")
    old = pair(ada, hana)

    error = refused(app, lambda: repair(old, ivan, "  "), ValidationFailed, "Give a reason for re-pairing.")
    assert error.field == "reason"
    refused(
        app, lambda: repair(old, hana, "Fresh start"), ValidationFailed, "Hana Okafor is already the coach."
    )


def test_a_refused_repair_leaves_the_old_pairing_as_it_was(app, resident, coach, pair, repair):
    ada, ben = resident("Ada", ("Cardiology",)), resident("Ben")
    hana, ivan, juno = coach("Hana"), coach("Ivan", capacity=1), coach("Juno", ("Cardiology",))
    old = pair(ada, hana)
    pair(ben, ivan)

    refused(
        app,
        lambda: repair(old, ivan, "Fresh start"),
        Conflict,
        "Ivan Petrov is at capacity (1 of 1 coachees).",
    )
    refused(
        app,
        lambda: repair(old, juno, "Fresh start"),
        ValidationFailed,
        "Give a reason to pair them anyway: Juno Reyes shares Cardiology with Ada Quill.",
    )
    assert pairing_row(app, old).ends_on is None


def test_repairing_with_a_shared_field_needs_and_keeps_the_override_reason(
    app, db, resident, coach, pair, repair
):
    ada, hana, juno = resident("Ada", ("Cardiology",)), coach("Hana"), coach("Juno", ("cardiology",))
    old = pair(ada, hana)

    new = repair(old, juno, "Asked for a cardiologist", override_reason="Resident asked for it")

    assert flags_of(new) == ["Paired despite a shared field: Resident asked for it"]


def test_after_re_pairing_suggestions_avoid_the_previous_coach(app, db, resident, coach, pair, end):
    ada = resident("Ada")
    hana, ivan = coach("Hana", capacity=1), coach("Ivan", capacity=1)
    end(pair(ada, hana), "Schedules never matched")

    chosen = {seed: services.suggest_pairings(program_today(), seed).suggestion.pairs for seed in range(12)}

    assert set(chosen.values()) == {((ada.id, ivan.id),)}


def test_a_previous_coach_is_suggested_when_no_other_coach_is_free(app, db, resident, coach, pair, end):
    ada, ben = resident("Ada"), resident("Ben")
    hana, ivan = coach("Hana", capacity=1), coach("Ivan", capacity=1)
    end(pair(ada, hana), "Schedules never matched")
    pair(ben, ivan)

    view = services.suggest_pairings(program_today(), 0)

    assert view.suggestion.pairs == ((ada.id, hana.id),)


# --- exclusions ------------------------------------------------------------------------------------------


def test_an_exclusion_is_added_with_its_reason_and_removed(app, db, coordinator, resident, coach, exclude):
    ada, hana = resident("Ada"), coach("Hana")

    exclusion_id = exclude(ada, hana, "  Her   research mentor ")

    assert exclusion_pairs(app) == {(ada.id, hana.id)}
    entry = audit_entries(app)[-1]
    assert (entry.action, entry.subject_id, entry.actor_id) == (
        "coaching.excluded",
        exclusion_id,
        coordinator.id,
    )
    assert entry.after == {"resident": ada.email, "coach": hana.email, "reason": "Her research mentor"}

    db.session.commit()
    services.remove_exclusion(person_in(db.session, coordinator), db.session.get(Exclusion, exclusion_id))
    db.session.commit()

    assert exclusion_pairs(app) == set()
    entry = audit_entries(app)[-1]
    assert entry.action == "coaching.exclusion_removed"
    assert entry.before == {"resident": ada.email, "coach": hana.email, "reason": "Her research mentor"}


def test_an_exclusion_is_refused_while_they_are_paired_twice_or_without_a_reason(
    app, resident, coach, pair, exclude
):
    ada, ben, hana = resident("Ada"), resident("Ben"), coach("Hana")
    pair(ada, hana)
    exclude(ben, hana, "Her sister")

    refused(
        app,
        lambda: exclude(ada, hana, "Research mentor"),
        Conflict,
        "Ada Quill is paired with Hana Okafor now; end that pairing first.",
    )
    refused(
        app,
        lambda: exclude(ben, hana, "Again"),
        Conflict,
        "Ben Ramos and Hana Okafor are already on the exclusions list.",
    )
    refused(app, lambda: exclude(ben, hana, " "), ValidationFailed, "Give a reason for the exclusion.")
    refused(
        app,
        lambda: exclude(ben, hana, actor=ben),
        NotAllowed,
        "Only coordinators pair residents with coaches.",
    )


def test_only_coordinators_remove_an_exclusion(app, db, resident, coach, exclude):
    ada, hana = resident("Ada"), coach("Hana")
    exclusion_id = exclude(ada, hana)
    db.session.commit()
    before = database_state(app)

    with pytest.raises(NotAllowed):
        services.remove_exclusion(person_in(db.session, hana), db.session.get(Exclusion, exclusion_id))
    db.session.rollback()

    assert database_state(app) == before


# --- suggestions over the records ------------------------------------------------------------------------


def test_a_suggestion_leaves_existing_pairings_alone_and_counts_them_in_the_loads(
    app, db, resident, coach, pair
):
    ada, ben, cal = resident("Ada"), resident("Ben"), resident("Cal")
    hana, ivan = coach("Hana", capacity=3), coach("Ivan", capacity=3)
    pair(ada, hana)
    pair(ben, hana)
    before = database_state(app)

    view = services.suggest_pairings(program_today(), 0)

    # Hana already has two: Cal goes to Ivan (1² + 2² beats 3²).
    assert [(r.id, c.id) for r, c in view.pairs] == [(cal.id, ivan.id)]
    assert view.unpaired == []
    assert [(c.id, load) for c, load in view.coaches] == [(hana.id, 2), (ivan.id, 1)]
    assert view.suggestion.sum_of_squares == 5
    db.session.rollback()
    assert database_state(app) == before


def test_a_suggestion_includes_incoming_interns_and_leaves_out_graduates_and_inactive_people(
    app, db, resident, coach
):
    intern = resident("Ada", training_start_year=year_now() + 1)  # starts in July
    senior = resident("Ben", training_start_year=year_now() - 2)
    resident("Cal", training_start_year=year_now() - 3)  # graduated
    resident("Dee", is_active=False)
    hana = coach("Hana", capacity=5)
    coach("Ivan", capacity=5, is_active=False)
    coach("Juno", capacity=0)

    view = services.suggest_pairings(program_today(), 0)

    assert sorted((r.email, c.email) for r, c in view.pairs) == [
        (intern.email, hana.email),
        (senior.email, hana.email),
    ]
    assert [c.id for c, _load in view.coaches] == [hana.id]
    assert {r.id for r in services.residents_in_training(program_today())} == {intern.id, senior.id}


def test_a_suggestion_keeps_to_the_rule_and_the_exclusions_and_says_why_someone_is_left_out(
    app, db, resident, coach, exclude
):
    ada = resident("Ada", ("Cardiology",))
    ben = resident("Ben", ("Oncology",))
    cal = resident("Cal", ("Oncology",))
    dee = resident("Dee", ("Oncology",))
    hana = coach("Hana", ("CARDIOLOGY",), capacity=1)
    ivan = coach("Ivan", ("Oncology", "cardiology"), capacity=4)
    exclude(ben, hana, "Her niece")

    view = services.suggest_pairings(program_today(), 3)

    pairs = {(r.id, c.id) for r, c in view.pairs}
    assert len(pairs) == 1 and pairs <= {(cal.id, hana.id), (dee.id, hana.id)}
    reasons = {r.id: reason for r, reason in view.unpaired}
    assert reasons[ada.id] == "every coach works in Cardiology"
    assert reasons[ben.id] == "every coach outside Oncology is on their exclusions list"
    assert set(reasons) == {ada.id, ben.id, cal.id, dee.id} - {r for r, _ in pairs}
    left = ({cal.id, dee.id} - {r for r, _ in pairs}).pop()
    assert reasons[left] == "every coach outside Oncology is at capacity"
    assert dict((c.id, load) for c, load in view.coaches) == {hana.id: 1, ivan.id: 0}


# --- accepting a suggestion --------------------------------------------------------------------------------


def accept(app, coordinator, pairs, actor=None):
    with app.app_context():
        try:
            made = services.accept_suggestions(
                db.session.get(Person, (actor or coordinator).id), pairs, program_today()
            )
            db.session.commit()
            return [pairing.id for pairing in made]
        finally:
            db.session.remove()


def test_accepting_a_suggestion_pairs_everyone_in_it_and_tells_them(app, db, coordinator, resident, coach):
    ada, ben = resident("Ada"), resident("Ben")
    hana, ivan = coach("Hana", capacity=1), coach("Ivan", capacity=1)
    suggested = [(r.id, c.id) for r, c in services.suggest_pairings(program_today(), 0).pairs]
    db.session.rollback()

    made = accept(app, coordinator, suggested)

    assert len(made) == 2
    assert active_pairs(app) == set(suggested)
    assert {pair for pair in suggested} in (
        {(ada.id, hana.id), (ben.id, ivan.id)},
        {(ada.id, ivan.id), (ben.id, hana.id)},
    )
    assert sorted(person_id for person_id, _s, _b in notices(app)) == sorted(
        [ada.id, ben.id, hana.id, ivan.id]
    )
    assert audit_actions(app) == ["coaching.paired", "coaching.paired"]


@pytest.mark.parametrize("broken", ["shared field", "over capacity", "already paired", "excluded"])
def test_accepting_is_all_or_nothing(app, coordinator, resident, coach, pair, exclude, broken):
    ada, ben, cal = resident("Ada"), resident("Ben", ("Oncology",)), resident("Cal")
    hana, ivan = (
        coach("Hana", capacity=2),
        coach("Ivan", ("oncology",) if broken == "shared field" else (), capacity=1),
    )
    if broken == "over capacity":
        pair(cal, ivan)
    if broken == "already paired":
        pair(ben, hana)
    if broken == "excluded":
        exclude(ben, ivan, "Her cousin")
    messages = {
        "shared field": "Give a reason to pair them anyway: Ivan Petrov shares Oncology with Ben Ramos.",
        "over capacity": "Ivan Petrov is at capacity (1 of 1 coachees).",
        "already paired": "Ben Ramos already has a coach, Hana Okafor. End that pairing first, or re-pair with a reason.",
        "excluded": "Ben Ramos and Ivan Petrov are on the exclusions list (Her cousin); exclusions cannot be overridden.",
    }

    refused(
        app,
        lambda: accept(app, coordinator, [(ada.id, hana.id), (ben.id, ivan.id)]),
        Conflict,
        messages[broken] + " Suggest again to see the current picture.",
    )


def test_accepting_nothing_or_people_who_are_gone_is_refused(app, coordinator, resident, coach):
    ada, hana = resident("Ada"), coach("Hana")

    refused(
        app, lambda: accept(app, coordinator, []), ValidationFailed, "There are no suggestions to accept."
    )
    refused(
        app,
        lambda: accept(app, coordinator, [(ada.id, hana.id), (ada.id + 1000, hana.id)]),
        ValidationFailed,
        "A suggested resident or coach no longer exists; suggest again.",
    )
    refused(
        app, lambda: accept(app, coordinator, [(ada.id, hana.id)], actor=ada), NotAllowed,
        "Only coordinators pair residents with coaches.",
    )  # fmt: skip


# --- two coordinators at once --------------------------------------------------------------------------------


def assign_request(app, coordinator_id: int, resident_id: int, coach_id: int):
    """assign_coach as a request of its own, committed -> the pairing's id, or the refusal."""

    def run():
        with app.app_context():
            try:
                pairing = services.assign_coach(
                    db.session.get(Person, coordinator_id), db.session.get(Person, resident_id),
                    db.session.get(Person, coach_id), program_today(),
                )  # fmt: skip
                db.session.commit()
                return pairing.id
            except DomainError as refusal:
                db.session.rollback()
                return refusal
            finally:
                db.session.remove()

    return run


def coach_load(coach_id: int) -> int:
    return services.loads().get(coach_id, 0)


@pytest.mark.parametrize("round_number", range(3))
def test_two_assignments_to_a_coachs_last_place_at_once_give_it_to_exactly_one(
    app, make_person, coordinator, resident, coach, pair, app_errors, round_number
):
    ada, ben, cal = resident("Ada"), resident("Ben"), resident("Cal")
    hana = coach("Hana", capacity=2)
    pair(ada, hana)
    other = make_person("coordinator", first_name="Otto", last_name="Ordinator")

    with readings_while(app, lambda: coach_load(hana.id)) as readings:
        results = release_together(
            [
                assign_request(app, coordinator.id, ben.id, hana.id),
                assign_request(app, other.id, cal.id, hana.id),
            ]
        )

    made = [result for result in results if isinstance(result, int)]
    refusals = [result for result in results if not isinstance(result, int)]
    assert len(made) == 1 and len(refusals) == 1
    assert isinstance(refusals[0], Conflict)
    assert refusals[0].message == "Hana Okafor is at capacity (2 of 2 coachees)."
    [winner] = [person for person, result in zip((ben, cal), results, strict=True) if isinstance(result, int)]
    assert active_pairs(app) == {(ada.id, hana.id), (winner.id, hana.id)}
    assert pairing_row(app, made[0]).resident_id == winner.id
    assert max(readings, default=0) <= 2
    assert app_errors() == []


@pytest.mark.parametrize("round_number", range(3))
def test_two_assignments_of_one_resident_at_once_give_them_one_coach_and_refuse_the_other(
    app, make_person, coordinator, resident, coach, app_errors, round_number
):
    ada = resident("Ada")
    hana, ivan = coach("Hana"), coach("Ivan")
    other = make_person("coordinator", first_name="Otto", last_name="Ordinator")

    results = release_together(
        [assign_request(app, coordinator.id, ada.id, hana.id), assign_request(app, other.id, ada.id, ivan.id)]
    )

    # Each takes a different coach's lock, so only the resident's one active pairing stands between them.
    made = [result for result in results if isinstance(result, int)]
    refusals = [result for result in results if not isinstance(result, int)]
    assert len(made) == 1 and len(refusals) == 1, results
    winner = pairing_row(app, made[0])
    assert active_pairs(app) == {(ada.id, winner.coach_id)}
    coach_name = "Hana Okafor" if winner.coach_id == hana.id else "Ivan Petrov"
    assert isinstance(refusals[0], Conflict)
    assert refusals[0].message == (
        f"Ada Quill already has a coach, {coach_name}. End that pairing first, or re-pair with a reason."
    )
    assert app_errors() == []
