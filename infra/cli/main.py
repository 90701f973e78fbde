"""`redprop`: the command-line tool (serve, demo, rebuild, verify, log, state-as-of, token)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from uuid import UUID

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from api.auth import WHOLE_DISTRICT, mint_token
from api.roles import ROLES
from domain.metadata import command_context
from infra import audit
from infra.bootstrap import System, token_keys
from infra.cli.system import open_system
from infra.rebuild import rebuild as rebuild_projection
from infra.settings import ConfigError, Settings
from infra.storage.chain import parse_head, verify_chain
from scenarios.tianqiao import load_tianqiao

console = Console(stderr=True)


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


def _serve(system: System, host: str, port: int) -> None:
    """Werkzeug's threaded server with the projections in this process (demo only)."""
    from werkzeug.serving import run_simple

    system.worker.start()
    console.print(
        f"[bold green]API[/] http://{host}:{port}/api/v1  "
        f"docs http://{host}:{port}/docs  spec http://{host}:{port}/openapi.json"
    )
    console.print(
        f"token: redprop token --role district_admin   (database {system.settings.database_url})"
    )
    try:
        run_simple(host, port, system.wsgi(), threaded=True, use_reloader=False)
    finally:
        system.close()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--serve/--no-serve", "then_serve", default=True, help="serve the API after loading")
@click.option("--fresh", is_flag=True, help="delete the SQLite database first")
def demo(host: str, port: int, then_serve: bool, fresh: bool) -> None:
    """Load the Tianqiao scenario through the commands, catch up, then serve (one process:
    the API, the projections and the SLA tick)."""
    settings = Settings.from_env()
    if fresh and settings.is_sqlite:
        path = Path(settings.database_url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    system = open_system(sla_tick=True)
    if (system.app.recorder.max_notification_id() or 0) > 0:
        console.print("[yellow]the log is not empty: demo not loaded again (use --fresh)[/]")
    else:
        with console.status("loading the Tianqiao scenario") as status:
            load_tianqiao(system.app, progress=lambda step: status.update(f"loading: {step}"))
    _catch_up(system)
    console.print(f"log head: position {system.app.recorder.max_notification_id()}")
    if then_serve:
        _serve(system, host, port)
    else:
        system.close()


def _catch_up(system: System) -> None:
    head = system.app.recorder.max_notification_id() or 0
    with _progress() as progress:
        for runner in system.runners:
            task = progress.add_task(runner.projection.name, total=head - runner.position)
            runner.catch_up(progress=lambda n, t=task: progress.advance(t, n))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=False,
    )


@main.command()
@click.argument("names", nargs=-1)
def rebuild(names: tuple[str, ...]) -> None:
    """Rebuild projections from position 0 beside the live ones, then switch."""
    system = open_system()
    known = {r.projection.name: r for r in system.runners}
    unknown = set(names) - set(known)
    if unknown:
        raise click.BadParameter(f"unknown projections {sorted(unknown)}; known: {sorted(known)}")
    head = system.app.recorder.max_notification_id() or 0
    with _progress() as progress:
        for name in names or known:
            task = progress.add_task(f"rebuild {name}", total=head)
            position = rebuild_projection(
                system.app,
                system.write_engine,
                known[name].projection,
                progress=lambda n, t=task: progress.advance(t, n),
            )
            progress.update(task, completed=head, description=f"rebuilt {name} @ {position}")
    system.close()


@main.command()
@click.option("--head", "head_only", is_flag=True, help="print the head digest only")
@click.option("--against", help="an exported head digest POSITION:HASH that must still hold")
@click.option("--json", "as_json", is_flag=True)
def verify(head_only: bool, against: str | None, as_json: bool) -> None:
    """Recompute the hash chain; name the first altered, deleted, inserted or reordered position."""
    system = open_system()
    report = verify_chain(system.app.recorder)
    system.close()
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
    system = open_system()
    links = system.app.recorder.select_links(position - 1, 1)
    system.close()
    if not links or links[0].position != position:
        return False, f"TAMPERED: anchored position {position} is missing (log truncated?)"
    if links[0].hash.hex() != digest:
        return False, f"TAMPERED: anchored position {position} has a different hash"
    return None


@main.command("log")
@click.option("--after", default=0, type=int, help="start after this position")
@click.option("--limit", default=100, type=int)
def log_(after: int, limit: int) -> None:
    """Print the ordered log as JSON lines (for auditors)."""
    system = open_system()
    for notification in audit.iter_log(system.app, after, limit):
        click.echo(json.dumps(audit.describe(system.app, notification), ensure_ascii=False))
    system.close()


@main.command("state-as-of")
@click.argument("aggregate_id", type=click.UUID)
@click.argument("as_of")
@click.option("--business-time", is_flag=True, help="use occurred_at, not the record time")
def state_as_of(aggregate_id: UUID, as_of: str, business_time: bool) -> None:
    """Replay one aggregate up to AS_OF (ISO date-time) and print its state."""
    moment = datetime.fromisoformat(as_of)
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2021-01-10T00:00:00+08:00")
    system = open_system()
    state = audit.state_as_of(system.app, aggregate_id, moment, business_time=business_time)
    system.close()
    if state is None:
        raise click.ClickException(f"{aggregate_id} did not exist at {as_of}")
    click.echo(json.dumps(state, ensure_ascii=False, indent=2))


@main.command()
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--scope",
    default=WHOLE_DISTRICT,
    show_default=True,
    help="org unit or company id the holder acts for; * for the whole district",
)
@click.option("--user", default="cli-user", show_default=True)
def token(role: str, scope: str, user: str) -> None:
    """Mint a signed bearer token."""
    settings = Settings.from_env()
    settings.check_production()
    click.echo(mint_token(token_keys(settings), user_id=user, role=role, scope=scope))


def run_as_cli(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run an application call with CLI metadata (actor = the OS user)."""
    import getpass

    with command_context(
        actor_id=f"cli:{getpass.getuser()}",
        role="district_admin",
        scope=WHOLE_DISTRICT,
        channel="cli",
    ):
        return fn(*args, **kwargs)


from infra.cli.assessment import report  # noqa: E402
from infra.cli.grid import grid_funnel, sla  # noqa: E402
from infra.cli.party import party_figures  # noqa: E402

main.add_command(sla)
main.add_command(grid_funnel)
main.add_command(party_figures)
main.add_command(report)
from infra.cli.kafka import kafka_worker, relay  # noqa: E402

main.add_command(relay)
main.add_command(kafka_worker)
from infra.cli.bench import generate_city  # noqa: E402

main.add_command(generate_city)
from infra.cli.serve import projections, serve, worker  # noqa: E402

main.add_command(serve)
main.add_command(worker)
main.add_command(projections)


from infra.cli.ledger import register as register_ledger  # noqa: E402

register_ledger(main)  # keep last: joins the `report` group registered above

if __name__ == "__main__":
    main()
