"""Issue 8: relay throughput beside a bare kafka-python producer, and command → Kafka-fed
view lag.

    python -m bench --only kafka_relay [--backend sqlite] [--size kafka_events=5000]
    python -m bench.kafka_relay                     # the same, this module alone

One Tansu broker (memory) per run. Each round the relay publishes the whole log to a fresh
topic, and a bare producer (same settings: acks=all, idempotent, same size limits) sends
the very messages the relay sent, pre-encoded, to another fresh topic; rounds alternate, the
medians are compared, so the ratio isolates what the relay adds: reading the log, encoding
the integration events, per-page acknowledgement and the stored position. Both are timed
from a connected client (the relay's child encoder started) to the last acknowledgement
(the relay: its position stored); neither's shutdown is timed. Two logs: a
registry log of `kafka_events` small events, and the Tianqiao demo log (SQLite; ~7,600
events, scorecard messages of ~150 KB). Lag: commands one at a time, the time until the
Kafka-fed org registry view shows each (relay polling every 20 ms, worker with 50 ms waits).
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from typing import Any

from bench.harness import Row, Sizes, Target, for_backends, percentile, temp_database
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import build_system
from infra.kafka.clients import ensure_topic, make_producer
from infra.kafka.integration_event import Message
from infra.kafka.projection import KafkaProjectionRunner, worker_mapper
from infra.kafka.relay import KafkaRelay
from infra.kafka.tansu import Tansu
from infra.settings import Settings
from infra.storage.database import make_engine
from projections.org_registry import OrgRegistryProjection

RATIO = Target("ratio", ">=", 0.7)


def load_registry_events(app: Any, count: int) -> list[Any]:
    district = app.handle(RegisterOrgUnit(kind="district", code="370105", name="天桥区")).id
    street = app.handle(
        RegisterOrgUnit(kind="street", code="S01", name="北坦街道", parent_id=district)
    ).id
    compounds: list[Any] = []
    while (app.recorder.max_notification_id() or 0) < count:
        if len(compounds) % 200 == 0:  # a community does not grow long: 200 compounds each
            community = app.handle(
                RegisterOrgUnit(
                    kind="community",
                    code=f"C{len(compounds) // 200}",
                    name=f"华黎社区{len(compounds) // 200}",
                    parent_id=street,
                )
            ).id
        compounds.append(
            app.handle(
                RegisterOrgUnit(
                    kind="compound",
                    code=f"Q{len(compounds)}",
                    name=f"小区{len(compounds)}",
                    parent_id=community,
                    compound_type="open",
                )
            ).id
        )
    return compounds


def relay_beside_bare(system: Any, settings: Settings, rounds: int) -> tuple[float, float, int]:
    """Median events/s of the relay and of a bare producer sending the same messages."""
    head = system.app.recorder.max_notification_id()
    probe = KafkaRelay(system.app, system.write_engine, settings)
    messages: list[Message] = []
    while page := probe.encode_page(messages[-1].position if messages else 0):
        messages += page
    assert len(messages) == head
    relay_rates, bare_rates = [], []
    for r in range(rounds):
        for which in ("relay", "bare") if r % 2 == 0 else ("bare", "relay"):
            topic = replace(settings, kafka_topic=f"bench.{which}.{r}.{time.time_ns()}")
            if which == "relay":
                relay = KafkaRelay(system.app, system.write_engine, topic, encode_in_child=True)
                relay.connect()  # opens the producer and starts the child encoder
                start = time.perf_counter()
                assert relay.publish_available() == head
                relay_rates.append(head / (time.perf_counter() - start))
                relay.close()  # stopping the child and the producer: not timed, as for the peer
            else:
                ensure_topic(topic)
                producer = make_producer(topic, idempotent=True)
                producer.partitions_for(topic.kafka_topic)  # connected, as the relay is
                start = time.perf_counter()
                for m in messages:
                    producer.send(topic.kafka_topic, key=m.key, value=m.value, headers=m.headers)
                producer.flush()
                bare_rates.append(head / (time.perf_counter() - start))
                producer.close()
    return (
        statistics.median(relay_rates),
        statistics.median(bare_rates),
        sum(len(m.value) for m in messages),
    )


def end_to_end_lags(system: Any, settings: Settings, compounds: list[Any], count: int) -> list:
    """Commands one at a time; for each, the seconds until the Kafka-fed view applied it."""
    app = system.app
    relay = KafkaRelay(app, system.write_engine, settings, poll_seconds=0.02)
    tmp = tempfile.mkdtemp(prefix="redprop-kafka-view-")
    engine = make_engine(f"sqlite:///{tmp}/view.db", immediate=True)
    worker = KafkaProjectionRunner(worker_mapper(), engine, OrgRegistryProjection(), settings)
    relay.run(once=True)
    worker.catch_up(app.recorder.max_notification_id(), max_polls=1000)
    stop = threading.Event()
    threads = [
        threading.Thread(target=relay.run, kwargs={"stop": stop}),
        threading.Thread(target=worker.run, kwargs={"stop": stop, "poll_ms": 50}),
    ]
    for thread in threads:
        thread.start()
    lags = []
    try:
        for k in range(count):
            start = time.perf_counter()
            position = app.handle(
                RenameOrgUnit(unit_id=compounds[k % len(compounds)], name=f"改名{k}")
            ).position
            while worker.position < position:
                time.sleep(0.0005)
            lags.append(time.perf_counter() - start)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        worker.close()
        engine.dispose()
    return lags


def measure_registry(broker: Tansu, backend: str, sizes: Sizes) -> list[Row]:
    events, rounds = sizes.n("kafka_events", 20_000), sizes.n("kafka_rounds", 5)
    commands = sizes.n("kafka_commands", 200)
    with temp_database(backend, "kafka") as base:
        settings = replace(
            base,
            kafka_bootstrap=broker.bootstrap,
            kafka_topic=f"bench.lag.{backend}.{time.time_ns()}",
        )
        system = build_system(settings)
        try:
            compounds = load_registry_events(system.app, events)
            head = system.app.recorder.max_notification_id()
            relay, bare, size = relay_beside_bare(system, settings, rounds)
            lags = end_to_end_lags(system, settings, compounds, commands)
        finally:
            system.close()
    return [
        Row(
            "Kafka relay (log -> Kafka, acked + stored), registry log",
            backend,
            "events/s",
            relay,
            bare,
            "bare kafka-python producer",
            RATIO,
            issue="#8",
            notes=f"{head} events, {size / head:,.0f} B/message, median of {rounds} rounds each",
        ),
        Row(
            "command -> Kafka-fed view lag p50 vs p95",
            backend,
            "ms",
            statistics.median(lags) * 1000,
            percentile(lags, 95) * 1000,
            "p95",
            issue="#8",
            notes=f"{len(lags)} commands one at a time; relay polls 20 ms, worker waits 50 ms",
        ),
    ]


def measure_demo(broker: Tansu, sizes: Sizes) -> list[Row]:
    from scenarios.tianqiao import load_tianqiao

    rounds = sizes.n("kafka_rounds", 5)
    with temp_database("sqlite", "kafka-demo") as base:
        settings = replace(base, kafka_bootstrap=broker.bootstrap)
        system = build_system(settings)
        try:
            load_tianqiao(system.app)
            head = system.app.recorder.max_notification_id()
            relay, bare, size = relay_beside_bare(system, settings, rounds)
        finally:
            system.close()
    return [
        Row(
            "Kafka relay, demo log (scorecards ~150 KB)",
            "sqlite",
            "events/s",
            relay,
            bare,
            "bare kafka-python producer",
            RATIO,
            issue="#8",
            notes=f"{head} events, {size / 1e6:.1f} MB, median of {rounds} rounds each",
        )
    ]


def run(sizes: Sizes) -> list[Row]:
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    broker = Tansu().start()
    try:
        rows = for_backends(sizes, lambda backend: measure_registry(broker, backend, sizes))
        if "sqlite" in sizes.backends:
            rows += measure_demo(broker, sizes)
        return rows
    finally:
        broker.stop()


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("kafka_relay", run)
