"""Roster import: the service, `flask roster import`, the browser upload, and `flask users create`.

Helpers open an application context of their own for each check and close it again: a request or
CLI command run while a test holds a context would reuse it (and its session) instead of its own.
"""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.support import database_state
from wellness.audit import AuditEntry
from wellness.extensions import db
from wellness.people.models import ClinicSite, Field, Firm, Person
from wellness.people.roster import COLUMNS, parse_roster
from wellness.people.roster_import import grantable_roles, import_roster
from wellness.people.services import snapshot

YEAR = 2026


def roster(*people: dict, columns=COLUMNS) -> str:
    """A roster file holding `people` (dicts of column to cell; missing cells are empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(people)
    return buffer.getvalue()


def resident(email, first="Rosa", last="Diaz", **cells) -> dict:
    return {
        "email": email,
        "first_name": first,
        "last_name": last,
        "roles": "resident",
        "program": "categorical",
        "training_start_year": "2025",
        **cells,
    }


def member(email, roles, first="Fred", last="Khan", **cells) -> dict:
    return {"email": email, "first_name": first, "last_name": last, "roles": roles, **cells}


def run_import(app, text: str, actor_id: int | None = None, *, dry_run: bool = False):
    """Import through the service the way the front ends do, committing only a clean, real import."""
    with app.app_context():
        actor = db.session.get(Person, actor_id) if actor_id else None
        report = import_roster(actor, parse_roster(text, YEAR, grantable_roles(actor)), dry_run=dry_run)
        if report.ok and not dry_run:
            db.session.commit()
        else:
            db.session.rollback()
        db.session.remove()
    return report


def people(app) -> dict[str, dict]:
    """Everyone's audited details by email."""
    with app.app_context():
        found = {person.email: snapshot(person) for person in db.session.scalars(select(Person))}
        db.session.remove()
    return found


def count(app, model) -> int:
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return total


def names(app, model) -> list[str]:
    with app.app_context():
        found = sorted(db.session.scalars(select(model.name)))
        db.session.remove()
    return found


def cli_import(app, tmp_path, data: str | bytes, *options: str):
    path = tmp_path / "roster.csv"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return app.test_cli_runner().invoke(args=["roster", "import", str(path), *options])


def upload(client, data: str | bytes):
    body = data.encode() if isinstance(data, str) else data
    return client.post("/people/import", data={"file": (io.BytesIO(body), "roster.csv")})


def problem_cells(html: str) -> list[tuple[str, str]]:
    """(row, column) of each problem the preview page lists."""
    table = html.split('class="table table-sm roster-problems"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>", table)


FIRST_FILE = roster(
    resident("rosa@example.org", fields="Endocrine; cardiology", firm="Gold", clinic_site="East Clinic"),
    member("fred@example.org", "faculty;coordinator", fields="Cardiology", coach_capacity="3"),
    member("cora@example.org", "coordinator", first="Cora", last="Lee"),
)


# ---------------------------------------------------------------------------------------------
# The service


def test_import_creates_people_with_roles_fields_firm_and_clinic_site(app):
    report = run_import(app, FIRST_FILE)

    assert report.ok and report.written
    assert [(c.row, c.email, c.action) for c in report.changes] == [
        (2, "rosa@example.org", "create"),
        (3, "fred@example.org", "create"),
        (4, "cora@example.org", "create"),
    ]
    found = people(app)
    assert found["rosa@example.org"] == {
        "email": "rosa@example.org",
        "first_name": "Rosa",
        "last_name": "Diaz",
        "roles": ["resident"],
        "is_active": True,
        "program": "categorical",
        "is_stanbury": False,
        "training_start_year": 2025,
        "fields": ["cardiology", "Endocrine"],
        "firm": "Gold",
        "clinic_site": "East Clinic",
        "coach_capacity": None,
    }
    assert found["fred@example.org"]["roles"] == ["coordinator", "faculty"]
    assert found["fred@example.org"]["coach_capacity"] == 3
    assert found["cora@example.org"]["roles"] == ["coordinator"]
    assert names(app, Field) == ["Endocrine", "cardiology"]
    assert report.new_fields == ("cardiology", "Endocrine")  # in the order a person reads them
    assert (report.new_firms, report.new_clinic_sites) == (("Gold",), ("East Clinic",))
    assert count(app, AuditEntry) == 3


def test_reimporting_the_same_file_changes_nothing(app):
    run_import(app, FIRST_FILE)
    before = database_state(app)

    report = run_import(app, FIRST_FILE)

    assert report.ok
    assert [c.action for c in report.changes] == ["unchanged"] * 3
    assert (report.new_fields, report.new_firms, report.new_clinic_sites) == ((), (), ())
    assert database_state(app) == before  # same rows, same updated_at, no new audit entries


def test_updated_file_updates_by_email_and_keeps_people_missing_from_it(app):
    run_import(app, FIRST_FILE)
    updated = roster(
        resident("ROSA@example.org", last="Diaz-Ortiz", training_start_year="2024"),
        member("nina@example.org", "faculty", first="Nina", last="Park"),
    )

    report = run_import(app, updated)

    assert [(c.email, c.action, c.changed) for c in report.changes] == [
        ("rosa@example.org", "update", ("last_name", "training_start_year")),
        ("nina@example.org", "create", ()),
    ]
    found = people(app)
    assert sorted(found) == ["cora@example.org", "fred@example.org", "nina@example.org", "rosa@example.org"]
    rosa = found["rosa@example.org"]
    assert (rosa["last_name"], rosa["training_start_year"]) == ("Diaz-Ortiz", 2024)
    assert count(app, Person) == 4


def test_update_is_audited_with_the_values_before_and_after(app):
    run_import(app, FIRST_FILE)
    run_import(app, roster(member("cora@example.org", "coordinator", first="Corazon", last="Lee")))
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.action == "person.import_update"
        assert (entry.before["first_name"], entry.after["first_name"]) == ("Cora", "Corazon")


def test_empty_cells_keep_stored_values(app):
    run_import(app, FIRST_FILE)
    stored = people(app)

    report = run_import(
        app,
        roster(resident("rosa@example.org"), member("fred@example.org", "faculty")),
    )

    assert [c.action for c in report.changes] == ["unchanged", "unchanged"]
    assert people(app) == stored  # fields, firm, site and coach capacity are all still there


def test_roles_are_only_added(app):
    run_import(app, FIRST_FILE)

    report = run_import(
        app, roster(resident("fred@example.org", first="Fred", last="Khan", program="primary_care"))
    )

    assert report.changes[0].changed == ("roles", "program", "training_start_year")
    assert people(app)["fred@example.org"]["roles"] == ["coordinator", "faculty", "resident"]


def test_fields_firms_and_sites_match_ignoring_case_and_only_new_ones_are_reported(app):
    run_import(app, FIRST_FILE)

    report = run_import(
        app,
        roster(
            resident(
                "rosa@example.org",
                fields="CARDIOLOGY;endocrine; Renal",
                firm="gold",
                clinic_site="east clinic",
            ),
            resident(
                "sam@example.org",
                first="Sam",
                fields="renal;Oncology",
                firm="Blue",
                clinic_site="EAST CLINIC",
            ),
        ),
    )

    assert report.ok
    assert report.new_fields == ("Oncology", "Renal")
    assert (report.new_firms, report.new_clinic_sites) == (("Blue",), ())
    assert report.changes[0].changed == ("fields",)  # Renal added; the others match stored names
    assert names(app, Field) == ["Endocrine", "Oncology", "Renal", "cardiology"]
    assert names(app, Firm) == ["Blue", "Gold"]
    assert names(app, ClinicSite) == ["East Clinic"]
    sam = people(app)["sam@example.org"]
    assert sorted(sam["fields"]) == ["Oncology", "Renal"]
    assert (sam["firm"], sam["clinic_site"]) == ("Blue", "East Clinic")


def test_dry_run_reports_changes_and_writes_nothing(app):
    run_import(app, FIRST_FILE)
    before = database_state(app)

    report = run_import(
        app,
        roster(
            member("cora@example.org", "coordinator", first="Corazon", last="Lee"),
            member("nina@example.org", "faculty", fields="Sleep"),
        ),
        dry_run=True,
    )

    assert [c.action for c in report.changes] == ["update", "create"]
    assert report.new_fields == ("Sleep",) and not report.written
    assert database_state(app) == before


# ---------------------------------------------------------------------------------------------
# flask roster import


def test_cli_imports_a_file_and_says_what_it_did(app, tmp_path):
    result = cli_import(app, tmp_path, FIRST_FILE)

    assert result.exit_code == 0, result.output
    assert "3 were created, 0 were updated, 0 unchanged, 0 errors." in result.stdout
    assert "new fields: cardiology, Endocrine" in result.stdout
    assert sorted(people(app)) == ["cora@example.org", "fred@example.org", "rosa@example.org"]


def test_cli_file_with_one_bad_row_imports_nothing_and_names_the_row_and_column(app, tmp_path):
    run_import(app, roster(member("cora@example.org", "coordinator")))
    bad = roster(
        resident("rosa@example.org"),
        resident("sam@example.org", first="Sam", program="surgery"),
        member("fred@example.org", "faculty"),
    )

    result = cli_import(app, tmp_path, bad)

    assert result.exit_code != 0
    assert "Row 3, column program: 'surgery' is not a program" in result.stderr
    assert "nothing was imported" in result.stderr
    assert sorted(people(app)) == ["cora@example.org"]


def test_cli_dry_run_lists_creates_and_updates_and_writes_nothing(app, tmp_path):
    run_import(app, FIRST_FILE)
    before = database_state(app)
    changed = roster(
        member("cora@example.org", "coordinator", first="Corazon", last="Lee"),
        member("fred@example.org", "faculty"),
        member("nina@example.org", "faculty", first="Nina", last="Park"),
    )

    result = cli_import(app, tmp_path, changed, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "update row 2: cora@example.org (first_name)" in result.stdout
    assert "create row 4: nina@example.org" in result.stdout
    assert "1 would be created, 1 would be updated, 1 unchanged, 0 errors." in result.stdout
    assert database_state(app) == before


def test_cli_dry_run_reports_errors_with_a_failing_exit_code(app, tmp_path):
    result = cli_import(app, tmp_path, roster(member("not-an-address", "faculty")), "--dry-run")

    assert result.exit_code != 0
    assert "error: Row 2, column email:" in result.stderr
    assert count(app, Person) == 0


def test_cli_refuses_a_file_that_is_not_utf8(app, tmp_path):
    result = cli_import(
        app, tmp_path, roster(member("jose@example.org", "faculty", first="José")).encode("cp1252")
    )

    assert result.exit_code != 0
    assert "not UTF-8" in result.output
    assert count(app, Person) == 0


def test_cli_imports_five_thousand_people(app, tmp_path):
    rows = []
    for n in range(5000):
        if n % 5:
            rows.append(
                resident(
                    f"resident{n}@example.org",
                    first=f"R{n}",
                    last="Lee",
                    training_start_year=str(2023 + n % 3),
                    fields=f"Field {n % 37}",
                    firm=f"Firm {n % 6}",
                    clinic_site=f"Site {n % 4}",
                )
            )
        else:
            rows.append(
                member(f"faculty{n}@example.org", "faculty", first=f"F{n}", coach_capacity=str(n % 5))
            )

    result = cli_import(app, tmp_path, roster(*rows))

    assert result.exit_code == 0, result.output
    assert "5000 were created" in result.stdout
    with app.app_context():
        emails = set(db.session.scalars(select(Person.email)))
        residents = db.session.scalar(select(func.count()).where(Person.program == "categorical"))
        db.session.remove()
    assert emails == {row["email"] for row in rows}
    assert residents == 4000
    assert count(app, Field) == 37


# ---------------------------------------------------------------------------------------------
# The browser: upload, preview, confirm


def test_anonymous_is_sent_to_sign_in_for_the_import_page(client):
    response = client.get("/people/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_resident_may_not_import(make_person, login_as):
    client = login_as(make_person("resident"))
    assert client.get("/people/import").status_code == 403
    assert client.post("/people/import/confirm", data={"csv_text": FIRST_FILE}).status_code == 403


def test_coordinator_previews_then_confirms_an_import(app, make_person, login_as):
    client = login_as(make_person("coordinator"))
    text = roster(resident("rosa@example.org"), member("fred@example.org", "faculty", coach_capacity="2"))

    preview = upload(client, text)
    assert preview.status_code == 200
    assert b"2 to add, 0 to update, 0 unchanged." in preview.data
    assert count(app, Person) == 1  # the preview wrote nothing

    confirmed = client.post("/people/import/confirm", data={"csv_text": text})
    assert confirmed.status_code == 302
    assert {"rosa@example.org", "fred@example.org"} <= set(people(app))


def test_upload_with_one_bad_row_lists_the_problem_and_imports_nothing(app, make_person, login_as):
    client = login_as(make_person("coordinator"))
    bad = roster(resident("rosa@example.org"), member("", "faculty"), member("fred@example.org", "faculty"))

    response = upload(client, bad)

    assert response.status_code == 400
    assert problem_cells(response.get_data(as_text=True)) == [("3", "email")]
    assert b"Nothing was imported" in response.data
    assert count(app, Person) == 1


def test_confirm_checks_the_file_again_and_writes_nothing_when_it_is_bad(app, make_person, login_as):
    client = login_as(make_person("coordinator"))
    bad = roster(resident("rosa@example.org"), resident("sam@example.org", training_start_year="next year"))

    response = client.post("/people/import/confirm", data={"csv_text": bad})

    assert response.status_code == 400
    assert problem_cells(response.get_data(as_text=True)) == [("3", "training_start_year")]
    assert count(app, Person) == 1


@pytest.mark.parametrize("path", ["/people/import", "/people/import/confirm"])
def test_control_characters_in_a_cell_are_named_by_row_and_column(app, make_person, login_as, path):
    client = login_as(make_person("coordinator"))
    bad = roster(resident("rosa@example.org"), member("fred@example.org", "faculty", last="Nu\x00ll"))

    if path.endswith("confirm"):
        response = client.post(path, data={"csv_text": bad})
    else:
        response = upload(client, bad)

    assert response.status_code == 400
    assert problem_cells(response.get_data(as_text=True)) == [("3", "last_name")]
    assert count(app, Person) == 1


def test_upload_that_is_not_utf8_gets_a_clear_message(app, make_person, login_as):
    client = login_as(make_person("coordinator"))

    response = upload(client, roster(member("jose@example.org", "faculty", first="José")).encode("latin-1"))

    assert response.status_code == 400
    assert b"The file is not UTF-8 text" in response.data
    assert count(app, Person) == 1


def test_upload_with_a_byte_order_mark_is_read(app, make_person, login_as):
    client = login_as(make_person("coordinator"))

    response = upload(client, b"\xef\xbb\xbf" + roster(resident("rosa@example.org")).encode())

    assert response.status_code == 200
    assert b"1 to add" in response.data


def test_coordinator_cannot_grant_the_admin_role_through_import(app, make_person, login_as):
    client = login_as(make_person("coordinator"))
    text = roster(resident("rosa@example.org"), member("eve@example.org", "faculty;admin"))

    preview = upload(client, text)
    confirmed = client.post("/people/import/confirm", data={"csv_text": text})

    assert preview.status_code == confirmed.status_code == 400
    assert problem_cells(preview.get_data(as_text=True)) == [("3", "roles")]
    assert b"you may not grant the admin role" in preview.data
    assert "eve@example.org" not in people(app) and "rosa@example.org" not in people(app)


def test_coordinators_import_that_would_change_an_admin_is_refused(app, make_person, login_as):
    admin = make_person("admin", "faculty", email="ada@example.org", first_name="Ada", last_name="Byron")
    client = login_as(make_person("coordinator"))
    text = roster(
        member("ada@example.org", "faculty", first="Adaline", last="Byron"), resident("rosa@example.org")
    )

    preview = upload(client, text)
    confirmed = client.post("/people/import/confirm", data={"csv_text": text})

    assert preview.status_code == confirmed.status_code == 400
    assert problem_cells(confirmed.get_data(as_text=True)) == [("2", "email")]
    assert b"only an admin can update them" in confirmed.data
    assert people(app)[admin.email]["first_name"] == "Ada"
    assert "rosa@example.org" not in people(app)


def test_admins_import_may_change_an_admin(app, make_person):
    admin = make_person("admin", email="ada@example.org", first_name="Ada", last_name="Byron")

    report = run_import(app, roster(member("ada@example.org", "admin;faculty", first="Adaline")), admin.id)

    assert report.ok and report.written
    assert people(app)["ada@example.org"]["roles"] == ["admin", "faculty"]


# ---------------------------------------------------------------------------------------------
# flask users create


def create_user(app, *args: str, stdin: str | None = None):
    return app.test_cli_runner().invoke(args=["users", "create", *args], input=stdin)


def test_users_create_with_password_on_stdin_makes_an_admin_who_can_sign_in(app, client):
    result = create_user(
        app, "Admin@Example.org", "--role", "admin", "--password-stdin", stdin="a long passphrase\n"
    )

    assert result.exit_code == 0, result.output
    assert people(app)["admin@example.org"]["roles"] == ["admin"]
    response = client.post("/login", data={"email": "admin@example.org", "password": "a long passphrase"})
    assert response.status_code == 302
    assert client.get("/admin/sign-ins").status_code == 200  # only an admin may see it


def test_users_create_without_password_prints_an_invitation_link_that_works(app, client):
    result = create_user(app, "admin@example.org", "--role", "admin")

    assert result.exit_code == 0, result.output
    link = re.search(r"Invitation link \(works once\): (\S+)", result.stdout)
    assert link is not None, result.output
    path = urlsplit(link.group(1)).path
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/sign-ins").status_code == 200
    assert app.test_client().get(path).status_code == 404  # used once, then gone


def test_users_create_with_a_taken_email_fails_cleanly(app, make_person):
    make_person("coordinator", email="cora@example.org")

    result = create_user(
        app, "cora@example.org", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"
    )

    assert result.exit_code != 0
    assert "already belongs to" in result.output
    assert people(app)["cora@example.org"]["roles"] == ["coordinator"]
    assert count(app, Person) == 1


def test_users_create_with_a_weak_password_creates_nobody(app):
    result = create_user(app, "admin@example.org", "--role", "admin", "--password-stdin", stdin="short\n")

    assert result.exit_code != 0
    assert "at least" in result.output
    assert count(app, Person) == 0


@pytest.mark.parametrize("email", ["not-an-address", ""])
def test_users_create_refuses_something_that_is_not_an_email(app, email):
    result = create_user(app, email, "--role", "admin")

    assert result.exit_code != 0
    assert count(app, Person) == 0
