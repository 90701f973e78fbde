"""A real Kafka-protocol broker (Tansu, memory storage) for the Kafka tests.

Skipped when the broker cannot start, unless REDPROP_REQUIRE_KAFKA=1 (CI): then it fails.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition
from sqlalchemy import Engine, select

from infra.bootstrap import System, build_system
from infra.kafka.projection import KafkaProjectionRunner, worker_mapper
from infra.kafka.relay import KafkaRelay
from infra.kafka.tansu import Tansu
from infra.settings import Settings
from infra.storage.database import make_engine
from projections.base import Projection
from projections.org_registry import OrgRegistryProjection, org_units

REQUIRE_KAFKA = os.environ.get("REDPROP_REQUIRE_KAFKA") == "1"


def _start() -> Tansu:
    try:
        return Tansu().start()
    except Exception as exc:  # noqa: BLE001
        if REQUIRE_KAFKA:
            pytest.fail(f"Kafka is required (REDPROP_REQUIRE_KAFKA=1) but: {exc}")
        pytest.skip(f"Tansu broker unavailable: {exc}")


@pytest.fixture(scope="session")
def broker() -> Iterator[Tansu]:
    """One broker for the session; each test uses its own topic."""
    tansu = _start()
    yield tansu
    tansu.stop()


@pytest.fixture
def own_broker() -> Iterator[Tansu]:
    """A broker this test may stop and restart."""
    tansu = _start()
    yield tansu
    tansu.stop()


@pytest.fixture
def kafka_system(
    request: pytest.FixtureRequest, make_settings: Callable[..., Settings]
) -> Iterator[System]:
    tansu = request.getfixturevalue(getattr(request, "param", "broker"))
    settings = make_settings(
        kafka_bootstrap=tansu.bootstrap,
        kafka_topic=f"t-{uuid.uuid4().hex[:10]}",
    )
    system = build_system(settings)
    system.extra["tansu"] = tansu
    yield system
    system.close()


def make_relay(system: System, settings: Settings | None = None, **kwargs: Any) -> KafkaRelay:
    kwargs.setdefault("flush_timeout", 3.0)
    kwargs.setdefault("backoff", (0.05, 0.5))
    return KafkaRelay(system.app, system.write_engine, settings or system.settings, **kwargs)


@pytest.fixture
def view_engine(tmp_path: Any) -> Iterator[Engine]:
    """The Kafka-fed worker's own view database (another machine, in production)."""
    engine = make_engine(f"sqlite:///{tmp_path}/kafka-view.db", immediate=True)
    yield engine
    engine.dispose()


def make_worker(
    system: System, engine: Engine, projection: Projection | None = None, **kwargs: Any
) -> KafkaProjectionRunner:
    return KafkaProjectionRunner(
        worker_mapper(), engine, projection or OrgRegistryProjection(), system.settings, **kwargs
    )


def rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            dict(r) for r in conn.execute(select(org_units).order_by(org_units.c.id)).mappings()
        ]


def view_rows(engine: Engine, projection: Projection) -> dict[str, list[dict[str, Any]]]:
    """Every table of a projection, rows in primary-key order."""
    found = {}
    with engine.connect() as conn:
        for name, table in projection.tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]
    return found


@dataclass(frozen=True)
class Read:
    partition: int
    offset: int
    key: bytes
    value: bytes
    position: int  # from the `position` header


def read_topic(settings: Settings, quiet_polls: int = 3) -> list[Read]:
    """Everything on the topic, read with confluent-kafka (librdkafka, independent of the
    relay's client) from offset 0 until `quiet_polls` polls in a row bring nothing once
    messages came (or 10 s passed). Does not stop at the broker's end offsets: Tansu 0.6
    reports them too low."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": "test-reader",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 100,
        }
    )
    topic = settings.kafka_topic
    consumer.assign([TopicPartition(topic, p, 0) for p in range(settings.kafka_partitions)])
    found: list[Read] = []
    quiet, started = 0, time.monotonic()
    while quiet < quiet_polls:
        batch = consumer.consume(num_messages=1000, timeout=0.2)
        if batch:
            quiet = 0
        elif found or time.monotonic() - started > 10:
            quiet += 1
        for m in batch:
            assert m.error() is None, m.error()
            position = int(dict(m.headers() or [])["position"])
            found.append(Read(m.partition(), m.offset(), m.key(), m.value(), position))
    consumer.close()
    return found
