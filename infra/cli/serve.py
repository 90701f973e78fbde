"""`redprop serve` (gunicorn: the API only), `redprop worker` (projections, the subsidy
process and the SLA tick) and `redprop projections status`."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import tempfile
from typing import Any

import click

from infra import logs
from infra.cli.system import open_system
from infra.gunicorn_conf import CONNECTIONS_PER_THREAD
from infra.heap import freeze_loaded
from infra.metrics import serve_worker_metrics
from infra.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(min=1), help="processes [REDPROP_WEB_WORKERS]")
@click.option("--threads", type=click.IntRange(min=1), help="per process [REDPROP_WEB_THREADS]")
def serve(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the HTTP API under gunicorn. Projections run in `redprop worker`."""

    settings = Settings.from_env()
    with open_system():  # checks the settings and the database, creates the tables once
        pass
    env = dict(os.environ)
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):  # counts of every worker, summed at /metrics
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="redprop-metrics-")
        env["REDPROP_METRICS_DIR_OWNED"] = "1"
    threads = threads or settings.web_threads
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:infra.gunicorn_conf",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers or settings.web_workers),
        "--threads",
        str(threads),
        "--worker-connections",
        str(CONNECTIONS_PER_THREAD * threads),
        "infra.wsgi:create()",
    ]
    click.echo(
        f"API http://{host}:{port}/api/v1  docs http://{host}:{port}/docs  "
        f"({workers or settings.web_workers} processes x {threads} "
        "threads; run `redprop worker` beside it)",
        err=True,
    )
    sys.stderr.flush()
    os.execve(sys.executable, argv, env)  # gunicorn replaces this process (same pid)


@click.command()
@click.option("--once", is_flag=True, help="one round (processes, projections, SLA), then exit")
def worker(once: bool) -> None:
    """Run the projections, the subsidy process and the scheduled SLA tick."""

    settings = Settings.from_env()
    logs.configure(settings.log_format)
    log = logging.getLogger("redprop.worker")
    with open_system(sla_tick=True) as system:
        if once:
            system.worker.run_once()
            return
        metrics = _worker_metrics(settings, system.health)
        freeze_loaded()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: system.worker.stop())
        log.info(
            "worker started",
            extra={
                "event": "worker_started",
                "projections": [r.projection.name for r in system.runners],
                "poll_seconds": settings.projection_poll_seconds,
                "sla_tick_seconds": settings.sla_tick_seconds,
                "metrics": _metrics_url(settings) if metrics else None,
            },
        )
        try:
            system.worker.run_forever()
        finally:
            if metrics:
                metrics.shutdown()
                metrics.server_close()
            log.info("worker stopped", extra={"event": "worker_stopped"})


def _worker_metrics(settings: Settings, report: Any) -> Any:
    """The worker's /metrics server (REDPROP_WORKER_METRICS_PORT), or None when it is 0;
    a port that cannot be had is one line and exit 1."""
    if not settings.worker_metrics_port:
        return None
    try:
        server, _ = serve_worker_metrics(
            settings.worker_metrics_port, settings.worker_metrics_addr, report
        )
    except OSError as error:
        click.echo(
            f"worker metrics: REDPROP_WORKER_METRICS_PORT: cannot listen on "
            f"{settings.worker_metrics_addr}:{settings.worker_metrics_port}: {error.strerror}",
            err=True,
        )
        sys.exit(1)
    return server


def _metrics_url(settings: Settings) -> str:
    return f"http://{settings.worker_metrics_addr}:{settings.worker_metrics_port}/metrics"


@click.group()
def projections() -> None:
    """Projections: where each has got to, and which one is stopped."""


@projections.command()
@click.option("--json", "as_json", is_flag=True)
def status(as_json: bool) -> None:
    """Each projection's position, lag and failure; exit 1 if one is stopped or behind."""

    with open_system() as system:
        report = system.health()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(_table(report))
    sys.exit(0 if report["ok"] else 1)


def _table(report: dict[str, Any]) -> str:
    if "projections" not in report:
        return report["database"]
    lines = [f"log head {report['log_head']}", f"{'projection':<24} {'position':>10} {'lag':>8}"]
    for name, state in report["projections"].items():
        failure = state["failure"]
        note = (
            f"  STOPPED at {failure['position']} ({failure['attempts']} attempts): "
            f"{failure['error']}"
            if failure
            else ""
        )
        lines.append(f"{name:<24} {state['position']:>10} {state['lag']:>8}{note}")
    lines += [f"problem: {p}" for p in report["problems"]]
    return "\n".join(lines)
