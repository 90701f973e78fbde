"""The auditor's commands: `redprop verify` (the hash chain), `redprop log` (the ordered
log) and `redprop state-as-of` (one aggregate replayed up to a time)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from uuid import UUID

import click

from infra import audit
from infra.cli.system import open_system
from infra.storage.chain import parse_head, verify_chain


@click.command()
@click.option("--head", "head_only", is_flag=True, help="print the head digest only")
@click.option("--against", help="an exported head digest POSITION:HASH that must still hold")
@click.option("--json", "as_json", is_flag=True)
def verify(head_only: bool, against: str | None, as_json: bool) -> None:
    """Recompute the hash chain; name the first altered, deleted, inserted or reordered position."""
    with open_system() as system:
        report = verify_chain(system.app.recorder)
    if head_only:
        click.echo(f"{report.head_position}:{report.head_hash}")
        sys.exit(0 if report.ok else 1)
    ok = report.ok
    message = "OK" if ok else f"TAMPERED at position {report.first_bad_position}: {report.problem}"
    if ok and against:
        position, digest = parse_head(against)
        anchored = verify_anchor(position, digest)
        ok, message = anchored if anchored else (ok, message)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "ok": ok, "message": message}))
    else:
        click.echo(
            f"{message} — {report.checked} events checked, head "
            f"{report.head_position}:{report.head_hash}"
        )
    sys.exit(0 if ok else 1)


def verify_anchor(position: int, digest: str) -> tuple[bool, str] | None:
    """Check an exported head still stands in the chain (catches truncation of the tail)."""
    with open_system() as system:
        links = system.app.recorder.select_links(position - 1, 1)
    if not links or links[0].position != position:
        return False, f"TAMPERED: anchored position {position} is missing (log truncated?)"
    if links[0].hash.hex() != digest:
        return False, f"TAMPERED: anchored position {position} has a different hash"
    return None


@click.command("log")
@click.option("--after", default=0, type=int, help="start after this position")
@click.option("--limit", default=100, type=int)
def log_(after: int, limit: int) -> None:
    """Print the ordered log as JSON lines (for auditors)."""
    with open_system() as system:
        for notification in audit.iter_log(system.app, after, limit):
            click.echo(json.dumps(audit.describe(system.app, notification), ensure_ascii=False))


@click.command("state-as-of")
@click.argument("aggregate_id", type=click.UUID)
@click.argument("as_of")
@click.option("--business-time", is_flag=True, help="use occurred_at, not the record time")
def state_as_of(aggregate_id: UUID, as_of: str, business_time: bool) -> None:
    """Replay one aggregate up to AS_OF (ISO date-time) and print its state."""
    moment = datetime.fromisoformat(as_of)
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2021-01-10T00:00:00+08:00")
    with open_system() as system:
        state = audit.state_as_of(system.app, aggregate_id, moment, business_time=business_time)
    if state is None:
        raise click.ClickException(f"{aggregate_id} did not exist at {as_of}")
    click.echo(json.dumps(state, ensure_ascii=False, indent=2))
