"""`flask duties import FILE`: a term of duties from CSV, all or nothing, with the counts it made."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from ..people.roster import decode_upload
from .importing import import_duties

duties_cli = AppGroup("duties", help="Import clinical duties.")


@duties_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and count what would change; write nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Add and update duties from a CSV (email,date,session,kind,site). Nothing is written if any row is bad;
    a changed duty that was covered has its cover released, and the coverer, owner and a coordinator told."""
    try:
        text = decode_upload(file.read_bytes())
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text; save it as CSV UTF-8") from None
    report = import_duties(None, text)
    if not report.ok:
        db.session.rollback()
        for problem in report.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(report.problems)} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Would be: {report.summary()} Nothing was stored (leave out --dry-run).")
        return
    db.session.commit()
    click.echo(report.summary())
