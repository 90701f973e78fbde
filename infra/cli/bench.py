"""`redprop generate`: load a city-scale log through the commands (for load and rebuild tests)."""

from __future__ import annotations

import time
from datetime import date

import click

from infra.cli.system import open_system
from scenarios.city_context import AREAS, CityPlan

DEFAULTS = CityPlan()


@click.command("generate")
@click.option("--streets", default=DEFAULTS.streets, show_default=True)
@click.option(
    "--communities-per-street", default=DEFAULTS.communities_per_street, show_default=True
)
@click.option(
    "--compounds",
    "compounds_per_community",
    default=DEFAULTS.compounds_per_community,
    show_default=True,
    help="compounds per community",
)
@click.option(
    "--grids",
    "grids_per_compound",
    default=DEFAULTS.grids_per_compound,
    show_default=True,
    help="grids per compound",
)
@click.option("--companies", default=DEFAULTS.companies, show_default=True)
@click.option("--issues-per-day", default=DEFAULTS.issues_per_day, show_default=True)
@click.option(
    "--registry-changes-per-day", default=DEFAULTS.registry_changes_per_day, show_default=True
)
@click.option("--days", default=DEFAULTS.days, show_default=True)
@click.option("--start", default=DEFAULTS.start.isoformat(), show_default=True, help="first day")
@click.option("--events", "max_events", type=int, default=None, help="stop at this many events")
@click.option("--seed", default=DEFAULTS.seed, show_default=True)
@click.option(
    "--areas", default=",".join(AREAS), show_default=True, help="the steps to run (comma-separated)"
)
def generate_city(max_events: int | None, start: str, areas: str, **params: int) -> None:
    """Generate a city through the application's commands (deterministic for a seed)
    into the configured database; prints progress every 10 seconds."""
    from scenarios.city import every, generate

    plan = CityPlan(
        max_events=max_events,
        start=date.fromisoformat(start),
        areas=tuple(a.strip() for a in areas.split(",") if a.strip()),
        **params,
    )

    def report(what: str, head: int, rate: float) -> None:
        click.echo(f"{what}: {head:,} events, {rate:,.0f} events/s")

    with open_system() as system:
        began = time.perf_counter()
        ctx = generate(system.app, plan, progress=every(10, report))
    seconds = time.perf_counter() - began
    click.echo(
        f"log head {ctx.head:,}: {ctx.commands:,} commands in {seconds:.1f} s "
        f"({ctx.head / seconds:,.0f} events/s)"
    )
    click.echo("seconds by step: " + ", ".join(f"{k} {v:.1f}" for k, v in ctx.seconds.items()))
