"""`redprop party-figures`: the party-building figures of the seed, from the read models."""

from __future__ import annotations

import json
from datetime import date

import click

from infra.cli.params import DAY, YEAR
from infra.cli.system import open_system


@click.command("party-figures")
@click.option(
    "--as-of", "as_of", type=DAY, default="2020-12-31", help="business date D (YYYY-MM-DD)"
)
@click.option("--year", type=YEAR, help="year of the demonstration projects (default: D's year)")
def party_figures(as_of: date, year: int | None) -> None:
    """Print dual coverage (district), demonstration projects designated by D, brands, the
    largest branches' members and the owners' committees in office on D, as JSON."""
    from projections.party_figures import party_figures as figures_as_of

    with open_system() as system:
        system.catch_up()
        with system.read_engine.connect() as conn:
            figures = figures_as_of(conn, as_of, year=year)
    click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
