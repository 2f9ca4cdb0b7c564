"""`flask demo seed`: load the demo program."""

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..dates import program_today
from ..events.models import Event, Rsvp
from ..extensions import db
from ..outreach.models import Project, ShiftSignup
from ..retreats.models import SessionSignup
from .seed import DEMO_PASSWORD, NAMED, is_empty, seed_demo

demo_cli = AppGroup("demo", help="The demo program.")


@demo_cli.command("seed")
@click.option("--seed", default=2026, show_default=True, help="Random seed: same seed, same data.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Build the demo as of this date.")
@click.option("--if-empty", is_flag=True, help="Do nothing when people already exist.")
def seed_command(seed: int, today, if_empty: bool) -> None:
    """Build a realistic program: residents, faculty, coordinators and an admin."""
    if not is_empty():
        if if_empty:
            click.echo("The database already has people; the demo was not loaded.")
            return
        raise click.ClickException("the database already has people; use an empty database")
    day: date = today.date() if today else program_today(current_app.config["WELLNESS_TIMEZONE"])
    context = seed_demo(seed, day)
    db.session.commit()
    total = len({p.id for group in context.people.values() for p in group})
    events, rsvps, signups, projects, volunteers = (
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Event, Rsvp, SessionSignup, Project, ShiftSignup)
    )
    click.echo(
        f"Demo program loaded: {total} people, {events} events, {rsvps} RSVPs, {signups} retreat session "
        f"sign-ups and {projects} outreach projects with {volunteers} shift sign-ups as of {day.isoformat()}."
    )
    if not if_empty:  # `make run` prints the sign-ins itself, every time
        print_logins()


def print_logins() -> None:
    click.echo(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
    for email, first, last, roles in NAMED:
        click.echo(f"  {email:<26} {first} {last} — {', '.join(roles)}")


@demo_cli.command("logins")
def logins_command() -> None:
    """Print the demo sign-ins."""
    print_logins()
