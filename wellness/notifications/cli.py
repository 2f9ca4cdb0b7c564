"""`flask notifications send` and `flask notifications remind`."""

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..dates import program_today
from ..extensions import db
from .mail import mail_enabled
from .outbox import send_due
from .reminders import write_reminders

notifications_cli = AppGroup("notifications", help="Deliver notices by mail and write reminders.")


@notifications_cli.command("send")
@click.option(
    "--limit", default=500, show_default=True, type=click.IntRange(min=1), help="Most messages to send."
)
def send_command(limit: int) -> None:
    """Mail the notices that are due. Safe to run often, and while another run is going."""
    if not mail_enabled():
        raise click.ClickException(
            "MAIL_SERVER is not set, so nothing was sent. Notices still show in the app."
        )
    # send_due commits each claim and each outcome itself (see outbox.py): one commit at the end
    # would let a crash resend everything the run had already sent.
    report = send_due(limit)
    click.echo(f"sent {report.sent}, failed {report.failed}, will retry {report.retrying}")
    if report.skipped:
        click.echo(f"skipped {report.skipped} for deactivated people")


@notifications_cli.command("remind")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day to remind for (YYYY-MM-DD)."
)
def remind_command(today: datetime | None) -> None:
    """Write the reminders due today. Running it again the same day writes nothing more."""
    day = today.date() if today else program_today(current_app.config["WELLNESS_TIMEZONE"])
    written = write_reminders(day)
    db.session.commit()
    click.echo(f"wrote {written} reminder{'' if written == 1 else 's'} for {day.isoformat()}")
