"""`redprop demo`: the Tianqiao scenario loaded, the projections caught up, the API served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from waitress.server import create_server

from infra import logs
from infra.bootstrap import System
from infra.cli.console import console, progress
from infra.cli.system import open_system
from infra.heap import freeze_loaded
from infra.settings import Settings
from scenarios.tianqiao import load_tianqiao


def demo_server(system: System, host: str, port: int) -> Any:
    """The API under waitress (threads, no fork, so the projections started in this process
    keep running), ready to `run()`; `close()` stops it."""
    return create_server(
        system.wsgi(),
        host=host,
        port=port,
        threads=2 * system.settings.web_threads,
        ident="redprop",
    )


def _serve(system: System, host: str, port: int) -> None:
    try:
        server = demo_server(system, host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    logs.configure(system.settings.log_format)
    system.worker.start()
    console.print(
        f"[bold green]API[/] http://{host}:{port}/api/v1  "
        f"docs http://{host}:{port}/docs  spec http://{host}:{port}/openapi.json"
    )
    console.print(
        f"token: redprop token --role district_admin   (database {system.settings.database_url})"
    )
    freeze_loaded()
    server.run()


@click.command()
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
    with open_system(sla_tick=True) as system:
        if (system.app.recorder.max_notification_id() or 0) > 0:
            console.print("[yellow]the log is not empty: demo not loaded again (use --fresh)[/]")
        else:
            with console.status("loading the Tianqiao scenario") as status:
                load_tianqiao(system.app, progress=lambda step: status.update(f"loading: {step}"))
        _catch_up(system)
        console.print(f"log head: position {system.app.recorder.max_notification_id()}")
        if then_serve:
            _serve(system, host, port)


def _catch_up(system: System) -> None:
    head = system.app.recorder.max_notification_id() or 0
    with progress() as bars:
        for runner in system.runners:
            task = bars.add_task(runner.projection.name, total=head - runner.position)
            runner.catch_up(progress=lambda n, t=task: bars.advance(t, n))
