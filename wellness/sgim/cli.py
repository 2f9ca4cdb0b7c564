"""`flask sgim coverage-report YEAR`: every SGIM coverage need of a year's meeting, as CSV."""

import click
from flask.cli import AppGroup

from ..spreadsheets import csv_text
from . import services

sgim_cli = AppGroup("sgim", help="The SGIM meeting: coverage reports.")
REPORT_COLUMNS = ("attendee", "date", "session", "kind", "site", "coverer", "status")


def coverage_csv(year: int) -> str:
    """The coverage report of the meetings starting in `year` as CSV text."""
    rows = services.coverage_rows(year)
    return csv_text(REPORT_COLUMNS, ([row[column] for column in REPORT_COLUMNS] for row in rows))


@sgim_cli.command("coverage-report")
@click.argument("year", type=int)
def coverage_report_command(year):
    """Print CSV, one row per need of the meeting starting in YEAR: attendee, date, session, kind, site,
    coverer, status (covered or uncovered)."""
    if not services.meetings_in(year):
        raise click.ClickException(f"There is no SGIM meeting in {year}.")
    click.echo(coverage_csv(year), nl=False)
