"""`flask coaching suggest`, run through Flask's CLI runner: the JSON and text answers, --apply, and seeds."""

import json

import pytest

from tests.coaching.conftest import active_pairs, audit_entries, notices
from tests.support import database_state


def flask(app, *args: str):
    return app.test_cli_runner().invoke(args=["coaching", *args])


@pytest.fixture
def people(resident, coach, pair):
    """Ada (cardiology) and Ben (oncology) to pair; Cal (both) whom nobody may coach; Dee already with Ivan.

    Hana (oncology, 1 place) can take only Ada; Ivan (cardiology, 2 places, Dee already) only Ben.
    """
    ada, ben = resident("Ada", ("Cardiology",)), resident("Ben", ("Oncology",))
    cal, dee = resident("Cal", ("Cardiology", "Oncology")), resident("Dee")
    hana, ivan = coach("Hana", ("Oncology",), capacity=1), coach("Ivan", ("Cardiology",), capacity=2)
    pair(dee, ivan)
    return {"ada": ada, "ben": ben, "cal": cal, "dee": dee, "hana": hana, "ivan": ivan}


def test_suggest_prints_pairs_unpaired_residents_and_loads_as_json_and_stores_nothing(app, people):
    before = database_state(app)

    result = flask(app, "suggest", "--json")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer == {
        "seed": 0,
        "applied": False,
        "pairs": [["ada@example.org", "hana@example.org"], ["ben@example.org", "ivan@example.org"]],
        "unpaired": [
            {
                "resident": "cal@example.org",
                "reason": "every coach shares one of their fields (Cardiology or Oncology)",
            }
        ],
        "loads": {"hana@example.org": 1, "ivan@example.org": 2},
        "sum_of_squared_loads": 5,
    }
    assert database_state(app) == before


def test_suggest_prints_a_summary_saying_nothing_was_stored(app, people):
    result = flask(app, "suggest", "--seed", "4")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Ada Quill <ada@example.org> -> Hana Okafor <hana@example.org>",
        "Ben Ramos <ben@example.org> -> Ivan Petrov <ivan@example.org>",
        "unpaired: Cal Stone <cal@example.org>: every coach shares one of their fields (Cardiology or Oncology)",
        "2 paired, 1 unpaired; sum of squared loads 5; seed 4. Nothing was stored (add --apply).",
    ]


def test_suggest_apply_makes_the_pairings_and_tells_everyone_paired(app, people):
    ada, ben, dee, hana, ivan = (people[name] for name in ("ada", "ben", "dee", "hana", "ivan"))
    already = len(notices(app))

    result = flask(app, "suggest", "--apply", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["applied"] is True
    assert active_pairs(app) == {(dee.id, ivan.id), (ada.id, hana.id), (ben.id, ivan.id)}
    assert sorted((person_id, subject) for person_id, subject, _ in notices(app)[already:]) == sorted(
        [
            (ada.id, "Your coach: Hana Okafor"),
            (hana.id, "New coachee: Ada Quill"),
            (ben.id, "Your coach: Ivan Petrov"),
            (ivan.id, "New coachee: Ben Ramos"),
        ]
    )
    made = audit_entries(app)[-2:]
    assert [(entry.action, entry.actor_id) for entry in made] == [("coaching.paired", None)] * 2

    before = database_state(app)

    again = flask(app, "suggest", "--apply")

    assert again.exit_code != 0
    assert "There are no suggestions to accept." in again.output
    assert database_state(app) == before


def test_the_same_seed_gives_the_same_suggestion_and_seeds_break_ties(app, resident, coach):
    for name in ("Ada", "Ben", "Cal", "Dee"):
        resident(name)
    for name in ("Hana", "Ivan"):
        coach(name, capacity=2)

    def pairs(seed: int):
        result = flask(app, "suggest", "--seed", str(seed), "--json")
        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        assert (answer["seed"], answer["loads"], answer["sum_of_squared_loads"]) == (
            seed,
            {"hana@example.org": 2, "ivan@example.org": 2},
            8,
        )
        return tuple(tuple(pair) for pair in answer["pairs"])

    by_seed = {seed: pairs(seed) for seed in range(8)}

    assert all(pairs(seed) == by_seed[seed] for seed in (0, 3, 7))
    assert len(set(by_seed.values())) > 1
