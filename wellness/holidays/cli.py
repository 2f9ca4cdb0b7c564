"""`flask holidays setup|import-preferences|allocate|publish`: the holiday blocks from the command line."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ..dates import program_today, utcnow
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from ..wording import ordinal
from . import blocks, preferences, services

holidays_cli = AppGroup("holidays", help="Set up, import, allocate and publish the holiday blocks.")


def _fail(error: DomainError):
    db.session.rollback()
    raise click.ClickException(error.message) from error


@holidays_cli.command("setup")
@click.argument("year", type=int)
def setup_command(year):
    """Create the four default blocks for academic year YEAR (the July it starts)."""
    try:
        created = blocks.setup_year(None, year, program_today(program_tz()))
        db.session.commit()
    except DomainError as error:
        _fail(error)
    for block in created.blocks:
        click.echo(
            f"{block.key:15} {block.name:15} {block.starts_on} – {block.ends_on}  {block.capacity} places"
        )
    window = blocks.ranking_window(created)
    click.echo(f"Rankings open {window[0]} and close {window[1]}.")


@holidays_cli.command("import-preferences")
@click.argument("year", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(year, file):
    """Import rankings from FILE (CSV: email,ranking,observance; ranking = block keys joined by ";")."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException("The file is not UTF-8 text.") from error
    try:
        count = preferences.import_preferences(None, year, text)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"Imported {count} ranking{'s' if count != 1 else ''}.")


@holidays_cli.command("allocate")
@click.argument("year", type=int)
@click.option("--seed", type=int, help="The tie-break seed; drawn at random and printed when left out.")
@click.option("--dry-run", is_flag=True, help="Solve and print without storing the preview.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def allocate_command(year, seed, dry_run, as_json):
    """Allocate YEAR's blocks and store the result as the preview (publish it on the page or with publish)."""
    try:
        inputs, result = services.allocate_holiday_blocks(None, year, seed, dry_run=dry_run)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    capacities = {spec.key: spec.capacity for spec in inputs.blocks}
    if as_json:
        click.echo(json.dumps(result.as_json(capacities), indent=2))
        return
    placed = ", ".join(f"{n} got their {ordinal(rank)} choice" for rank, n in result.rank_counts.items())
    click.echo(
        f"{len(result.assignments)} residents placed ({placed or 'nobody ranked'}); cost {result.total_cost}."
    )
    click.echo(f"Observance honoured for {result.observance_honoured} of {result.observance_requested}.")
    for key, n in result.fill.items():
        click.echo(f"  {key:15} {n}/{capacities[key]}")
    click.echo(
        f"Seed {result.seed}." + (" Nothing was stored (dry run)." if dry_run else " Stored as the preview.")
    )


@holidays_cli.command("publish")
@click.argument("year", type=int)
def publish_command(year):
    """Publish YEAR's previewed allocation and tell every resident their block."""
    year_row = blocks.get_year(year)
    if year_row is None:
        raise click.ClickException(f"There are no {year} holiday blocks.")
    try:
        told = services.publish_allocation(None, year_row, utcnow())
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"Published; {told} residents told.")
