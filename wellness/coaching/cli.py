"""`flask coaching suggest`: the optimal pairing suggestion from the command line, optionally applied."""

import json

import click
from flask.cli import AppGroup

from ..dates import program_today
from ..errors import DomainError
from ..events.display import program_tz
from ..extensions import db
from . import services

coaching_cli = AppGroup("coaching", help="Suggest and apply coaching pairings.")


@coaching_cli.command("suggest")
@click.option("--seed", type=int, default=0, show_default=True, help="The tie-break seed.")
@click.option("--apply", "apply_", is_flag=True, help="Make the suggested pairings (both people are told).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print pairs, unpaired residents and coach loads as JSON."
)
def suggest_command(seed, apply_, as_json):
    """Suggest coaches for every unpaired resident in training: as many paired as possible, coach loads as
    even as possible, previous coaches avoided, ties broken by the seed."""
    today = program_today(program_tz())
    view = services.suggest_pairings(today, seed)
    if apply_:
        try:
            services.accept_suggestions(None, [(r.id, c.id) for r, c in view.pairs], today)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
    if as_json:
        click.echo(
            json.dumps(
                {
                    "seed": seed,
                    "applied": apply_,
                    "pairs": [[resident.email, coach.email] for resident, coach in view.pairs],
                    "unpaired": [{"resident": r.email, "reason": reason} for r, reason in view.unpaired],
                    "loads": {coach.email: load for coach, load in view.coaches},
                    "sum_of_squared_loads": view.suggestion.sum_of_squares,
                },
                indent=2,
            )
        )
        return
    for resident, coach in view.pairs:
        click.echo(f"{resident.name} <{resident.email}> -> {coach.name} <{coach.email}>")
    for resident, reason in view.unpaired:
        click.echo(f"unpaired: {resident.name} <{resident.email}>: {reason}")
    click.echo(
        f"{len(view.pairs)} paired, {len(view.unpaired)} unpaired; sum of squared loads "
        f"{view.suggestion.sum_of_squares}; seed {seed}."
        + (" Applied." if apply_ else " Nothing was stored (add --apply).")
    )
