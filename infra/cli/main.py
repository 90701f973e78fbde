"""`redprop`: the command-line tool, one group of the commands defined in this package."""

from __future__ import annotations

import sys

import click

from infra.cli.assessment import report
from infra.cli.audit import log_, state_as_of, verify
from infra.cli.bench import generate_city
from infra.cli.demo import demo
from infra.cli.grid import grid_funnel, sla
from infra.cli.kafka import kafka_worker, relay
from infra.cli.ledger import register as register_ledger
from infra.cli.party import party_figures
from infra.cli.rebuild import rebuild
from infra.cli.serve import projections, serve, worker
from infra.cli.tokens import token
from infra.settings import ConfigError, Settings


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Red Property (红色物业) ledger of record."""
    if ctx.resilient_parsing:
        return
    try:
        Settings.from_env()
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"configuration: {problem}", err=True)
        sys.exit(2)


for command in (
    demo,
    rebuild,
    verify,
    log_,
    state_as_of,
    token,
    sla,
    grid_funnel,
    party_figures,
    report,
    relay,
    kafka_worker,
    generate_city,
    serve,
    worker,
    projections,
):
    main.add_command(command)
register_ledger(main)  # after `report`: `report ledger` joins that group

if __name__ == "__main__":
    main()
