"""`redprop generate`: load a city-scale log through the commands (for load and rebuild tests)."""

from __future__ import annotations

import time

import click

from infra.scenario.city import CityPlan, generate


@click.command("generate")
@click.option("--streets", default=10, show_default=True)
@click.option("--communities-per-street", default=8, show_default=True)
@click.option(
    "--compounds",
    "compounds_per_community",
    default=10,
    show_default=True,
    help="compounds per community",
)
@click.option("--companies", default=200, show_default=True, help="used by the companies step")
@click.option(
    "--issues-per-day", default=300, show_default=True, help="used by the service-issues step"
)
@click.option("--registry-changes-per-day", default=200, show_default=True)
@click.option("--days", default=30, show_default=True)
@click.option("--events", "max_events", type=int, default=None, help="stop at this many events")
@click.option("--seed", default=20211, show_default=True)
def generate_city(max_events: int | None, **params: int) -> None:
    """Generate a city through the application's commands (deterministic for a seed)."""
    from infra.cli import _system, console

    system = _system()
    plan = CityPlan(max_events=max_events, **params)
    start = time.perf_counter()
    with console.status("generating") as status:
        ctx = generate(
            system.app, plan, progress=lambda what, head: status.update(f"{what}: {head} events")
        )
    seconds = time.perf_counter() - start
    system.close()
    click.echo(
        f"log head {ctx.head}: generated in {seconds:.1f} s ({ctx.head / seconds:,.0f} events/s)"
    )
