"""Relay throughput beside a bare kafka-python producer, and command → Kafka-fed view lag.

    python -m bench.kafka_relay [--events 5000] [--commands 200]

One Tansu broker (memory), one SQLite ledger. The bare producer sends the very messages the
relay sent (pre-encoded, same producer settings: acks=all, idempotent) to another topic of
the same broker, so the ratio isolates what the relay adds: reading the log, encoding the
integration events, per-page acknowledgement and position store.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import threading
import time
from dataclasses import replace

from infra.bootstrap import build_system
from infra.database import make_engine
from infra.kafka_clients import ensure_topic, make_producer
from infra.kafka_projection import KafkaProjectionRunner, worker_mapper
from infra.kafka_relay import KafkaRelay
from infra.settings import Settings
from infra.tansu import Tansu
from projections.org_registry import OrgRegistryProjection


def load_events(system: object, count: int) -> list:
    app = system.app  # type: ignore[attr-defined]
    district = app.register_org_unit(kind="district", code="370105", name="天桥区").id
    street = app.register_org_unit(
        kind="street", code="S01", name="北坦街道", parent_id=district
    ).id
    community = app.register_org_unit(
        kind="community", code="C01", name="华黎社区", parent_id=street
    ).id
    compounds = []
    while (app.recorder.max_notification_id() or 0) < count:
        compounds.append(
            app.register_org_unit(
                kind="compound",
                code=f"Q{len(compounds)}",
                name=f"小区{len(compounds)}",
                parent_id=community,
                compound_type="open",
            ).id
        )
    return compounds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--commands", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    broker = Tansu().start()
    tmp = tempfile.mkdtemp()
    settings = Settings(database_url=f"sqlite:///{tmp}/ledger.db", kafka_bootstrap=broker.bootstrap)
    system = build_system(settings)
    try:
        compounds = load_events(system, args.events)
        n = system.app.recorder.max_notification_id()
        relay = KafkaRelay(system.app, system.write_engine, settings, page_size=1000)
        relay.connect()
        start = time.perf_counter()
        relay.run(once=True)
        relay_s = time.perf_counter() - start
        messages = [m for after in range(0, n, 1000) for m in relay.encode_page(after)]
        bare_settings = replace(settings, kafka_topic="bench.bare")
        ensure_topic(bare_settings)
        producer = make_producer(bare_settings, idempotent=True)
        start = time.perf_counter()
        for m in messages:
            producer.send("bench.bare", key=m.key, value=m.value, headers=m.headers)
        producer.flush()
        bare_s = time.perf_counter() - start
        producer.close()
        lags = end_to_end_lags(system, settings, compounds, args.commands, tmp)
    finally:
        system.close()
        broker.stop()
    p95 = statistics.quantiles(lags, n=20)[-1] * 1000
    print(f"\nKafka relay benchmark: {n} events, Tansu 0.6 (memory), SQLite ledger, 1 machine\n")
    print(f"| {'measure':<44} | {'value':>12} |")
    print(f"|{'-' * 46}|{'-' * 14}|")
    print(f"| {'relay (log → Kafka, acked + stored), ev/s':<44} | {n / relay_s:>12,.0f} |")
    print(f"| {'bare kafka-python producer, same msgs, ev/s':<44} | {n / bare_s:>12,.0f} |")
    print(f"| {'ratio relay / bare (target ≥ 0.70)':<44} | {bare_s / relay_s:>12.2f} |")
    print(
        f"| {f'command → Kafka-fed view lag p50, ms (n={len(lags)})':<44} | "
        f"{statistics.median(lags) * 1000:>12.1f} |"
    )
    print(f"| {'command → Kafka-fed view lag p95, ms':<44} | {p95:>12.1f} |")
    print("\n(lag: relay polls the log every 20 ms, the worker polls Kafka with 50 ms waits)")


def end_to_end_lags(system: object, settings: Settings, compounds: list, count: int, tmp: str):
    """Commands one at a time; for each, the time until the Kafka-fed view has applied it."""
    app = system.app  # type: ignore[attr-defined]
    relay = KafkaRelay(app, system.write_engine, settings, poll_seconds=0.02)  # type: ignore[attr-defined]
    engine = make_engine(f"sqlite:///{tmp}/view.db", immediate=True)
    worker = KafkaProjectionRunner(worker_mapper(), engine, OrgRegistryProjection(), settings)
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
            position = app.rename_org_unit(compounds[k % len(compounds)], name=f"改名{k}").position
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


if __name__ == "__main__":
    main()
