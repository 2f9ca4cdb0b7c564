"""Swapping published blocks: proposing, accepting, approval, caps, who may answer, withdrawing and lapsing."""

import pytest
from sqlalchemy import select

from tests.holidays.conftest import (
    LABEL,
    assignment_rows,
    at,
    block_row,
    held_blocks,
    person_row,
    program_today,
    year_row,
)
from tests.support import database_state, fetch, notices
from wellness.audit import AuditEntry
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.holidays import swaps
from wellness.holidays.models import Swap


def now():
    return at(program_today(), 10)


def propose(db, proposer, partner, wanted: str, note: str = "") -> int:
    swap = swaps.propose_swap(person_row(proposer), year_row(), person_row(partner), block_row(wanted), note)
    db.session.commit()
    return swap.id


def answer(db, person, swap_id: int, accept: bool = True) -> None:
    swaps.answer_swap(person_row(person), db.session.get(Swap, swap_id), accept, now())
    db.session.commit()


def decide(db, person, swap_id: int, approve: bool, reason: str = "") -> None:
    swaps.decide_swap(person_row(person), db.session.get(Swap, swap_id), approve, reason, now())
    db.session.commit()


def swap_row(app, swap_id: int) -> Swap:
    [swap] = fetch(app, select(Swap).where(Swap.id == swap_id))
    return swap


def swap_audit(app, swap_id: int) -> list[str]:
    query = (
        select(AuditEntry.action)
        .where(AuditEntry.subject_type == "holiday_swap", AuditEntry.subject_id == swap_id)
        .order_by(AuditEntry.id)
    )
    return fetch(app, query)


# --- the swap itself ---------------------------------------------------------------------------------------


def test_a_swap_the_partner_accepts_exchanges_the_blocks_tells_both_and_is_audited(app, db, published_year):
    _info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]

    swap_id = propose(db, cal, dee, "new_year", note="My family is away at Christmas")

    [(asked, subject, body)] = notices(app, "holiday_swap_proposed")
    assert (asked, subject) == (dee.id, "Cal Stone asks to swap holiday blocks")
    assert (
        'Cal Stone offers Christmas for your New Year. They wrote: "My family is away at Christmas"' in body
    )
    assert swap_row(app, swap_id).status == "proposed"

    answer(db, dee, swap_id)

    held = held_blocks(app)
    assert (held[cal.email], held[dee.email]) == ("new_year", "christmas")
    rows = assignment_rows(app)
    # Each now holds a block they ranked fourth; the rank at publication stays for next year's priority.
    assert (rows[cal.id].rank, rows[dee.id].rank) == (4, 4)
    assert (rows[cal.id].published_rank, rows[dee.id].published_rank) == (1, 1)
    assert swap_row(app, swap_id).status == "done"
    done = [(person_id, subject) for person_id, subject, _body in notices(app, "holiday_swap")]
    assert done == [(cal.id, "Holiday swap done"), (dee.id, "Holiday swap done")]
    assert swap_audit(app, swap_id) == ["holidays.swap_proposed", "holidays.swapped"]
    # The other residents keep their blocks.
    assert (held[holders["high_holidays"].email], held[holders["thanksgiving"].email]) == (
        "high_holidays",
        "thanksgiving",
    )


def test_a_declined_swap_changes_no_block_and_the_proposer_is_told(app, db, published_year):
    _info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    swap_id = propose(db, cal, dee, "new_year")
    before = held_blocks(app)

    answer(db, dee, swap_id, accept=False)

    assert held_blocks(app) == before
    assert swap_row(app, swap_id).status == "declined"
    [(told, subject, body)] = notices(app, "holiday_swap")
    assert (told, subject) == (cal.id, "Holiday swap declined")
    assert "Dee Tran declined to swap New Year for your Christmas." in body


def test_with_approval_an_accepted_swap_waits_until_a_coordinator_approves(
    app, db, coordinator, published_year
):
    _info, holders = published_year(approval=True)
    cal, dee = holders["christmas"], holders["new_year"]
    swap_id = propose(db, cal, dee, "new_year")
    before = held_blocks(app)

    answer(db, dee, swap_id)

    assert held_blocks(app) == before
    assert swap_row(app, swap_id).status == "accepted"
    waiting = [(person_id, subject) for person_id, subject, _body in notices(app, "holiday_swap")]
    assert waiting == [
        (cal.id, "Holiday swap waiting for a coordinator"),
        (dee.id, "Holiday swap waiting for a coordinator"),
    ]

    decide(db, coordinator, swap_id, True)

    held = held_blocks(app)
    assert (held[cal.email], held[dee.email]) == ("new_year", "christmas")
    stored = swap_row(app, swap_id)
    assert (stored.status, stored.decided_by_id) == ("done", coordinator.id)
    assert swap_audit(app, swap_id) == [
        "holidays.swap_proposed",
        "holidays.swap_accepted",
        "holidays.swapped",
    ]


def test_a_coordinator_refuses_a_swap_with_a_reason_both_are_told(app, db, coordinator, published_year):
    _info, holders = published_year(approval=True)
    cal, dee = holders["christmas"], holders["new_year"]
    swap_id = propose(db, cal, dee, "new_year")
    answer(db, dee, swap_id)
    before = held_blocks(app)

    decide(db, coordinator, swap_id, False, "Cal covers the ICU that week.")

    assert held_blocks(app) == before
    stored = swap_row(app, swap_id)
    assert (stored.status, stored.reason) == ("refused", "Cal covers the ICU that week.")
    refused = [
        (p, body) for p, subject, body in notices(app, "holiday_swap") if subject == "Holiday swap refused"
    ]
    assert [person_id for person_id, _body in refused] == [cal.id, dee.id]
    assert all(body.endswith("Cal covers the ICU that week.") for _id, body in refused)


def test_refusing_a_swap_needs_a_reason_and_only_coordinators_decide(app, db, coordinator, published_year):
    _info, holders = published_year(approval=True)
    cal, dee = holders["christmas"], holders["new_year"]
    swap_id = propose(db, cal, dee, "new_year")
    answer(db, dee, swap_id)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Say why the swap is refused; both residents are told."):
        decide(db, coordinator, swap_id, False, "  ")
    db.session.rollback()
    with pytest.raises(NotAllowed, match="Only coordinators manage holiday blocks."):
        decide(db, cal, swap_id, True)
    db.session.rollback()

    assert database_state(app) == before


def test_a_swap_not_waiting_for_approval_cannot_be_decided(app, db, coordinator, published_year):
    _info, holders = published_year(approval=True)
    swap_id = propose(db, holders["christmas"], holders["new_year"], "new_year")
    before = database_state(app)

    with pytest.raises(Conflict, match="This swap has already been answered."):
        decide(db, coordinator, swap_id, True)
    db.session.rollback()

    assert database_state(app) == before


# --- proposals that are refused --------------------------------------------------------------------------


def test_a_swap_that_would_break_a_program_cap_is_refused_and_changes_nothing(app, db, published_year):
    # Christmas takes no primary care residents; Dee (primary care) holds New Year.
    _info, holders = published_year(caps={"christmas": {"primary_care": 0}})
    cal, dee = holders["christmas"], holders["new_year"]
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        propose(db, dee, cal, "christmas")
    db.session.rollback()

    assert refused.value.message == (
        "Christmas already has its 0 primary care residents, so this swap would break its cap."
    )
    assert database_state(app) == before


def test_residents_of_one_program_swap_under_a_cap(app, db, published_year):
    _info, holders = published_year(
        programs=("categorical", "primary_care", "primary_care", "primary_care"),
        caps={"christmas": {"primary_care": 1}, "new_year": {"primary_care": 1}},
    )
    cal, dee = holders["christmas"], holders["new_year"]

    answer(db, dee, propose(db, cal, dee, "new_year"))

    held = held_blocks(app)
    assert (held[cal.email], held[dee.email]) == ("new_year", "christmas")


@pytest.mark.parametrize(
    ("partner", "wanted", "message"),
    [
        pytest.param("high_holidays", "new_year", "Ada Quill is not in the New Year block.", id="not-in-block"),
        pytest.param("christmas", "new_year", "Cal Stone is not in the New Year block.", id="oneself"),
        pytest.param("new_year", "christmas", "You already have Christmas; choose the block you want instead.",
                     id="own-block"),
    ],
)  # fmt: skip
def test_a_swap_naming_the_wrong_partner_or_block_is_refused_and_changes_nothing(
    app, db, published_year, partner, wanted, message
):
    _info, holders = published_year()
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        propose(db, holders["christmas"], holders[partner], wanted)
    db.session.rollback()

    assert refused.value.message == message
    assert database_state(app) == before


def test_swaps_open_only_once_the_allocation_is_published(app, db, residents, holiday_year, rank, allocate):
    ada, ben = residents(2)
    holiday_year(capacity=1)
    rank(ada, "christmas", "new_year", "thanksgiving", "high_holidays")
    rank(ben, "new_year", "christmas", "thanksgiving", "high_holidays")
    allocate(1)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Swaps open once the allocation is published."):
        propose(db, ada, ben, "new_year")
    db.session.rollback()

    assert database_state(app) == before


def test_a_resident_without_a_block_has_nothing_to_swap(app, db, residents, published_year):
    _info, holders = published_year()
    [late] = residents(1)  # joined after publication
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=f"You have no {LABEL} holiday block to swap."):
        propose(db, late, holders["christmas"], "christmas")
    db.session.rollback()

    assert database_state(app) == before


def test_two_residents_have_one_open_swap_at_a_time(app, db, published_year):
    _info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    propose(db, cal, dee, "new_year")
    before = database_state(app)

    with pytest.raises(Conflict, match="You and Cal Stone already have a swap waiting for an answer."):
        propose(db, dee, cal, "christmas")
    db.session.rollback()

    assert database_state(app) == before


# --- who may answer and withdraw ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["christmas", "high_holidays"])  # the proposer, a bystander
def test_only_the_partner_may_answer_a_swap(app, db, published_year, who):
    _info, holders = published_year()
    swap_id = propose(db, holders["christmas"], holders["new_year"], "new_year")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the resident asked can answer this swap."):
        answer(db, holders[who], swap_id)
    db.session.rollback()

    assert database_state(app) == before


@pytest.mark.parametrize("who", ["new_year", "high_holidays"])  # the partner, a bystander
def test_only_the_proposer_may_withdraw_a_swap(app, db, published_year, who):
    _info, holders = published_year()
    swap_id = propose(db, holders["christmas"], holders["new_year"], "new_year")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="Only the resident who proposed this swap can withdraw it."):
        swaps.withdraw_swap(person_row(holders[who]), db.session.get(Swap, swap_id))
    db.session.rollback()

    assert database_state(app) == before


def test_the_proposer_withdraws_and_the_partner_is_told(app, db, published_year):
    _info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    swap_id = propose(db, cal, dee, "new_year")

    swaps.withdraw_swap(person_row(cal), db.session.get(Swap, swap_id))
    db.session.commit()

    assert swap_row(app, swap_id).status == "withdrawn"
    [(told, subject, _body)] = notices(app, "holiday_swap")
    assert (told, subject) == (dee.id, "Holiday swap withdrawn")
    with pytest.raises(Conflict, match="This swap has already been answered."):
        answer(db, dee, swap_id)


def test_a_swap_cannot_be_answered_twice(app, db, published_year):
    _info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    swap_id = propose(db, cal, dee, "new_year")
    answer(db, dee, swap_id, accept=False)
    before = database_state(app)

    with pytest.raises(Conflict, match="This swap has already been answered."):
        answer(db, dee, swap_id)
    db.session.rollback()

    assert database_state(app) == before


def test_a_swap_whose_block_changed_hands_meanwhile_lapses_and_both_are_told(app, db, published_year):
    _info, holders = published_year()
    ada, cal, dee = holders["high_holidays"], holders["christmas"], holders["new_year"]
    waiting = propose(db, cal, dee, "new_year")  # Cal offers Christmas to Dee...
    taken = propose(db, ada, cal, "christmas")  # ...and Ada asks Cal for Christmas too

    answer(db, cal, taken)  # Cal gives Christmas to Ada

    stored = swap_row(app, waiting)
    assert (stored.status, stored.reason) == ("lapsed", "One of the blocks changed hands first.")
    lapsed = [
        person_id
        for person_id, subject, _b in notices(app, "holiday_swap")
        if "no longer possible" in subject
    ]
    assert sorted(lapsed) == sorted([cal.id, dee.id])
    held = held_blocks(app)
    assert (held[ada.email], held[cal.email], held[dee.email]) == ("christmas", "high_holidays", "new_year")
    with pytest.raises(Conflict, match="This swap has already been answered."):
        answer(db, dee, waiting)
    db.session.rollback()
    assert held_blocks(app) == held


def test_swaps_for_lists_a_residents_swaps_newest_first(app, db, published_year):
    _info, holders = published_year()
    ada, cal, dee = holders["high_holidays"], holders["christmas"], holders["new_year"]
    first = propose(db, cal, dee, "new_year")
    second = propose(db, ada, cal, "christmas")

    listed = [swap.id for swap in swaps.swaps_for(cal.id, year_row())]

    assert listed == [second, first]
    assert [swap.id for swap in swaps.swaps_for(holders["thanksgiving"].id, year_row())] == []
