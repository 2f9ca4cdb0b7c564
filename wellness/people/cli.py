"""Command-line tools: `flask roster import` and `flask users create`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..dates import program_today
from ..errors import DomainError
from ..extensions import db
from .auth import check_password_strength
from .programs import ROLE_NAMES
from .roster import decode_upload, parse_roster
from .roster_import import import_roster
from .services import PersonData, create_person, ensure_roles

roster_cli = AppGroup("roster", help="Import the program roster.")
users_cli = AppGroup("users", help="Manage accounts.")


def print_report(report, *, dry_run: bool) -> None:
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    if not report.ok:
        click.echo(f"{len(report.problems)} problem(s); nothing was imported.", err=True)
        return
    for change in report.changes:
        if change.action == "update":
            click.echo(f"update row {change.row}: {change.email} ({', '.join(change.changed)})")
        elif change.action == "create" and dry_run:
            click.echo(f"create row {change.row}: {change.email}")
    for label, names in (
        ("new fields", report.new_fields),
        ("new firms", report.new_firms),
        ("new clinic sites", report.new_clinic_sites),
    ):
        if names:
            click.echo(f"{label}: {', '.join(names)}")
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{report.count('create')} {verb} created, {report.count('update')} {verb} updated, "
        f"{report.count('unchanged')} unchanged, 0 errors."
    )


@roster_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report creates, updates and errors; write nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Create or update people from a roster CSV. Nothing is written if any row is bad."""
    try:
        text = decode_upload(file.read_bytes())
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text; save it as CSV UTF-8") from None
    today = program_today(current_app.config["WELLNESS_TIMEZONE"])
    parsed = parse_roster(text, today.year)
    total = len(parsed.rows)
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        report = import_roster(None, parsed, dry_run=dry_run, progress=bar.update)
    if report.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    print_report(report, dry_run=dry_run)
    if not report.ok:
        sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_NAMES))
@click.option("--first-name", default="Program", show_default=True)
@click.option("--last-name", default="Administrator", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email, roles, first_name, last_name, password_stdin) -> None:
    """Create an account, e.g. the first admin. Without a password, prints an invitation link."""
    from datetime import timedelta

    from ..notifications.mail import link_url
    from .auth import issue_link, set_password

    ensure_roles()
    data = PersonData(email=email, first_name=first_name, last_name=last_name, roles=tuple(roles))
    system = _SystemActor()
    try:
        if "@" not in email:
            raise click.ClickException(f"{email} is not an email address")
        person = create_person(system, data)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            check_password_strength(password, person)
            set_password(person, password)
            link = None
        else:
            hours = current_app.config["INVITATION_TTL_HOURS"]
            link = issue_link(None, person, "invitation", timedelta(hours=hours))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Created {person.email} ({', '.join(roles)}).")
    if link is not None:
        with current_app.test_request_context():
            click.echo(f"Invitation link (works once): {link_url('invitation', link.secret)}")


@users_cli.command("invite")
def invite_command() -> None:
    """Mail a new invitation link to everyone active who has not set a password."""
    from datetime import timedelta

    from ..notifications.mail import mail_enabled, send_link_mails
    from .auth import invite_not_signed_up

    if not mail_enabled():
        raise click.ClickException("MAIL_SERVER is not set; nothing can be mailed")
    links = invite_not_signed_up(None, timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]))
    db.session.commit()
    with current_app.test_request_context():
        sent, failed = send_link_mails(links, "invitation")
    click.echo(f"{sent} invitations mailed, {failed} failed.")
    if failed:
        sys.exit(1)


class _SystemActor:
    """The command line acts with every role; audit entries record no person."""

    id = None
    is_authenticated = True
    is_active = True
    role_names = set(ROLE_NAMES)

    def has_role(self, name: str) -> bool:
        return True
