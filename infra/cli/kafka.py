"""`redprop relay` and `redprop kafka-worker`: the log to Kafka, and projections from it."""

from __future__ import annotations

import signal
import threading

import click

from infra import logs
from infra.kafka.projection import KafkaProjectionRunner, worker_mapper
from infra.kafka.relay import BrokerUnreachable, KafkaRelay, RelayStopped
from infra.settings import Settings
from infra.storage.database import make_engine
from infra.storage.event_store import build_application
from projections.catalog import all_projections


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


@click.command()
@click.option("--once", is_flag=True, help="publish up to the head of the log, then exit")
@click.option("--from", "from_position", type=int, help="republish from this position")
@click.option("--page-size", default=1000, show_default=True, type=int)
@click.option(
    "--encode-process/--no-encode-process",
    default=True,
    show_default=True,
    help="encode the next page in a child process while this one sends",
)
def relay(once: bool, from_position: int | None, page_size: int, encode_process: bool) -> None:
    """Publish the log to Kafka (REDPROP_KAFKA_BOOTSTRAP, REDPROP_KAFKA_TOPIC)."""
    settings = Settings.from_env()
    logs.configure(settings.log_format)
    app = build_application(settings)
    engine = make_engine(settings.database_url, schema=settings.database_schema, immediate=True)
    runner = KafkaRelay(
        app,
        engine,
        settings,
        page_size=page_size,
        encode_in_child=encode_process,
        flush_timeout=settings.kafka_timeout_seconds,
    )
    if from_position is not None:
        runner.store(max(from_position - 1, 0), {})
    try:
        position = runner.run(
            once=once,
            stop=_stop_on_signals(),
            give_up_after=settings.kafka_timeout_seconds if once else None,
        )
        click.echo(f"published up to position {position} (lag {runner.lag()})")
    except BrokerUnreachable as exc:
        raise click.ClickException(str(exc)) from None
    except RelayStopped as exc:
        stopped = f"stopped after position {runner.stored()[0]} (lag {runner.lag()})"
        raise click.ClickException(f"{stopped}: {exc}") from None
    finally:
        app.close()
        engine.dispose()


@click.command("kafka-worker")
@click.argument("names", nargs=-1)
@click.option(
    "--partitions",
    envvar="REDPROP_KAFKA_WORKER_PARTITIONS",
    help="comma-separated partitions this worker owns (default: all)",
)
@click.option("--once", is_flag=True, help="apply what is on the topic now, then exit")
def kafka_worker(names: tuple[str, ...], partitions: str | None, once: bool) -> None:
    """Run projections from the Kafka topic into REDPROP_READ_DATABASE_URL."""
    settings = Settings.from_env()
    logs.configure(settings.log_format)
    known = {p.name: p for p in all_projections()}
    unknown = set(names) - set(known)
    if unknown:
        raise click.BadParameter(f"unknown projections {sorted(unknown)}; known: {sorted(known)}")
    owned = [int(p) for p in partitions.split(",")] if partitions else None
    url = settings.read_database_url or settings.database_url
    engine = make_engine(url, schema=settings.database_schema, immediate=True)
    mapper = worker_mapper()
    runners = [
        KafkaProjectionRunner(mapper, engine, known[name], settings, partitions=owned)
        for name in names or known
    ]
    stop, idle = _stop_on_signals(), 0
    while not stop.is_set() and not (once and idle >= 3):  # --once: three quiet polls
        idle = 0 if sum(runner.poll(200) for runner in runners) else idle + 1
    for runner in runners:
        click.echo(str(runner.status()))
        runner.close()
    engine.dispose()
