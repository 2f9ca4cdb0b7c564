"""`flask feeds issue EMAIL` and `flask feeds revoke EMAIL`: personal feed addresses for admins."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..people.models import Person
from .tokens import issue_feed_token, revoke_feed_token

feeds_cli = AppGroup("feeds", help="Manage personal calendar feed addresses.")


def _person(email: str) -> Person:
    person = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        raise click.ClickException(f"No account has the address {email}.")
    return person


@feeds_cli.command("issue")
@click.argument("email")
def issue_command(email):
    """Create or replace EMAIL's feed address and print it (any old address stops working)."""
    person = _person(email)
    try:
        token = issue_feed_token(None, person)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{current_app.config['BASE_URL'].rstrip('/')}/calendar/{token}.ics")


@feeds_cli.command("revoke")
@click.argument("email")
def revoke_command(email):
    """Turn EMAIL's feed address off."""
    revoked = revoke_feed_token(None, _person(email))
    db.session.commit()
    click.echo("Feed address turned off." if revoked else "There was no feed address to turn off.")
