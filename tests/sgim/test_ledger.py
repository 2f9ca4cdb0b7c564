"""The coverage ledger: covers given and received per person in an academic year, and fairness per class."""

from datetime import date

import pytest
from sqlalchemy import event

from tests.sgim.conftest import FIRST_DAY
from wellness.dates import academic_year_of
from wellness.duties import ledger
from wellness.duties.ledger import PersonCovers, fairness
from wellness.duties.models import Duty

YEAR = academic_year_of(FIRST_DAY)


def row(
    person_id: int, given: int, received: int = 0, program="primary_care", pgy=2, name=None
) -> PersonCovers:
    name = name or f"Person {person_id}"
    return PersonCovers(person_id, name, name, program, pgy, given, received)


@pytest.mark.pure
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], []),
        # One class: most given first; mean, spread and who gives most.
        ([row(1, 0), row(2, 3), row(3, 1)], [("primary_care", 2, [2, 3, 1], 4 / 3, 0, 3, [2])]),
        # A tie at the top names both; nobody covering names nobody.
        ([row(1, 2), row(2, 2)], [("primary_care", 2, [1, 2], 2.0, 2, 2, [1, 2])]),
        ([row(1, 0), row(2, 0)], [("primary_care", 2, [1, 2], 0.0, 0, 0, [])]),
        # Classes in program order, then PGY; faculty and people not in training are left out.
        ([row(1, 1, program="categorical", pgy=3), row(2, 1), row(3, 1, program="categorical", pgy=1),
          row(4, 5, program=None, pgy=None)],
         [("categorical", 1, [3], 1.0, 1, 1, [3]), ("categorical", 3, [1], 1.0, 1, 1, [1]),
          ("primary_care", 2, [2], 1.0, 1, 1, [2])]),
        # Equal covers given: more received first, then by name.
        ([row(1, 1, 0, name="B"), row(2, 1, 0, name="A"), row(3, 1, 2, name="C")],
         [("primary_care", 2, [3, 2, 1], 1.0, 1, 1, [3, 2, 1])]),
    ],
)  # fmt: skip
def test_fairness_groups_residents_by_class(rows, expected):
    found = [
        (
            c.program,
            c.pgy,
            [r.person_id for r in c.rows],
            c.mean,
            c.lowest,
            c.highest,
            [r.person_id for r in c.top],
        )
        for c in fairness(rows)
    ]
    assert found == expected
    for c in fairness(rows):
        assert c.spread == c.highest - c.lowest


def test_the_ledger_counts_covers_given_and_received_in_the_academic_year(
    app, db, resident, faculty, make_duty, ada, ravi
):
    ben, cal = resident("Ben"), resident("Cal", program="categorical", pgy=3)
    resident("Dee", program="categorical", pgy=3)  # in Cal's class, no covers
    resident("Old", pgy=2, is_active=False)  # left the program without covering: in no class
    tess = faculty("Tess")
    covered = [
        (ada, ravi, date(YEAR, 7, 1)), (ada, ravi, date(YEAR + 1, 6, 30)), (ada, tess, date(YEAR, 9, 3)),
        (ben, ravi, date(YEAR, 10, 1)), (ravi, cal, date(YEAR, 11, 5)),
        (ada, ravi, date(YEAR, 6, 30)), (ada, ravi, date(YEAR + 1, 7, 1)),  # the years before and after
    ]  # fmt: skip
    for owner, coverer, on in covered:
        duty = db.session.get(Duty, make_duty(owner, on, "AM"))
        duty.covered_by_id = coverer.id
    make_duty(cal, date(YEAR, 8, 1), "PM")  # never covered
    db.session.commit()

    found = ledger.coverage_ledger(YEAR)

    assert [(r.name, r.group, r.given, r.received) for r in found.people] == [
        ("Ravi Patel", "Categorical PGY-3", 3, 1),
        ("Tess Faculty", "Faculty", 1, 0),
        ("Cal Stone", "Categorical PGY-3", 1, 0),
        ("Ada Quill", "Primary care PGY-2", 0, 3),
        ("Ben Ramos", "Primary care PGY-2", 0, 1),
    ]
    assert found.total == 5
    classes = [(c.label, [r.name for r in c.rows], c.given, c.lowest, c.highest, [r.name for r in c.top])
               for c in found.classes]  # fmt: skip
    assert classes == [
        ("Categorical PGY-3", ["Ravi Patel", "Cal Stone", "Dee Tran"], 4, 0, 3, ["Ravi Patel"]),
        ("Primary care PGY-2", ["Ada Quill", "Ben Ramos"], 0, 0, 0, []),
    ]
    assert [(bar.label, bar.value) for bar in ledger.given_bars(found)] == [
        ("Ravi Patel (Categorical PGY-3)", 3),
        ("Tess Faculty (Faculty)", 1),
        ("Cal Stone (Categorical PGY-3)", 1),
    ]


def test_the_ledger_reads_each_table_once_whatever_the_number_of_people(app, db, resident, make_duty, ravi):
    people = [resident(f"R{n}", email=f"r{n}@example.org") for n in range(12)]
    for n, person in enumerate(people):
        duty = db.session.get(Duty, make_duty(person, date(YEAR, 8, 1 + n), "AM"))
        duty.covered_by_id = ravi.id
    db.session.commit()
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        found = ledger.coverage_ledger(YEAR)
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    assert found.people[0].given == 12
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects  # given, received, and the people
