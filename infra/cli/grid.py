"""`redprop sla ...`: SLA policy and the deadline scheduler of the grid closed loop."""

from __future__ import annotations

import getpass
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import click

from domain.metadata import command_context
from domain.service_issue_commands import DefineSlaPolicy
from domain.sla import DEFAULT_RULES
from infra.cli.params import MOMENT, MONTH, check_month_range
from infra.cli.system import open_system
from infra.sla_schedule import record_missed


@click.group()
def sla() -> None:
    """SLA deadlines of the grid closed loop (R9, R15)."""


def _moment(value: datetime | None) -> datetime:
    return value or datetime.now(UTC)


def _cli_context(moment: datetime) -> AbstractContextManager[dict[str, Any]]:
    return command_context(
        actor_id=f"cli:{getpass.getuser()}",
        role="system",
        scope="*",
        channel="cli",
        occurred_at=moment.isoformat(),
    )


@sla.command()
@click.option(
    "--at", "at", type=MOMENT, help="business time to check (ISO; Asia/Shanghai if naive)"
)
def tick(at: datetime | None) -> None:
    """Record DeadlineMissed + Escalated for every deadline passed; idempotent."""

    moment = _moment(at)
    context = {"actor_id": f"cli:{getpass.getuser()}", "role": "system", "scope": "*"}
    with open_system() as system:
        system.catch_up()
        checked, missed = record_missed(system, moment, {**context, "channel": "cli"})
        system.catch_up()
    click.echo(f"{checked} overdue issues checked, {missed} newly missed deadlines recorded")


@sla.command("define-default")
@click.option("--from", "start", type=MOMENT, help="effective from (ISO; Asia/Shanghai if naive)")
def define_default(start: datetime | None) -> None:
    """Define (or revise to) the default policy, with the 5651 rapid-response profile."""

    moment = _moment(start)
    with open_system() as system, _cli_context(moment):
        command = DefineSlaPolicy(rules=DEFAULT_RULES, effective_from=moment)
        result = system.app.handle(command)
    click.echo(f"SLA policy version {result.version} at position {result.position}")


@click.command("grid-funnel")
@click.option("--from", "month_from", type=MONTH, help="first month, YYYY-MM")
@click.option("--to", "month_to", type=MONTH, help="last month, YYYY-MM")
@click.option("--by", type=click.Choice(["street", "community", "compound"]))
def grid_funnel(month_from: str | None, month_to: str | None, by: str | None) -> None:
    """Print the grid-loop funnel (reported → … → resolved) from the read model, as JSON."""
    import json

    from projections.issue_metrics import funnel

    check_month_range(month_from, month_to)
    with open_system() as system:
        system.catch_up()
        with system.read_engine.connect() as conn:
            rows = funnel(conn, by=by, month_from=month_from, month_to=month_to)
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))
