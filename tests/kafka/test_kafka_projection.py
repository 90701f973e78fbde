"""Commands → log → relay → broker → Kafka-fed projection, equal to the database-fed one."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition
from kafka import KafkaProducer

from domain.org_registry_commands import RenameOrgUnit
from infra.kafka.integration_event import SCHEMA, parse
from tests.kafka.conftest import make_relay, make_worker, rows
from tests.kafka.registry_scenario import load_registry

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize("encode_in_child", [False, True], ids=["in-process", "child-encoder"])
def test_kafka_fed_projection_equals_database_fed(
    kafka_system: Any, view_engine: Any, encode_in_child: bool
) -> None:
    system = kafka_system
    ctx = load_registry(system.app)
    compound = ctx.facts["compounds"][0]
    system.app.handle(RenameOrgUnit(unit_id=compound, name="改名小区"))
    head = system.app.recorder.max_notification_id()
    relay = make_relay(system, page_size=100, encode_in_child=encode_in_child)
    assert relay.run(once=True) == head
    assert system.health()["kafka_relay"] == {
        "topic": system.settings.kafka_topic,
        "published": head,
        "lag": 0,
    }
    worker = make_worker(system, view_engine)
    assert worker.catch_up(head)
    worker.close()
    system.catch_up()
    assert rows(view_engine) == rows(system.read_engine)
    assert len(rows(view_engine)) > 200
    assert worker.counts["malformed"] == worker.counts["duplicates"] == 0


def test_an_independent_client_reads_our_messages(kafka_system: Any) -> None:
    system = kafka_system
    load_registry(system.app)
    head = make_relay(system).run(once=True)
    consumer = Consumer(
        {
            "bootstrap.servers": system.settings.kafka_bootstrap,
            "group.id": "independent",
            "enable.auto.commit": False,
        }
    )
    topic = system.settings.kafka_topic
    consumer.assign([TopicPartition(topic, p, 0) for p in range(system.settings.kafka_partitions)])
    seen: dict[int, Any] = {}
    for _ in range(100):
        for message in consumer.consume(num_messages=500, timeout=0.2):
            assert message.error() is None
            seen[int(dict(message.headers())["position"])] = message
        if len(seen) >= head:
            break
    consumer.close()
    assert sorted(seen) == list(range(1, head + 1))
    first = seen[1]
    assert first.key().decode() == str(parse(first.value()).aggregate_id)
    assert dict(first.headers())["type"] == b"OrgUnit.Registered"
    assert first.value().startswith(b"{") and SCHEMA.encode() in first.value()


def test_malformed_and_foreign_messages_are_skipped_and_counted(
    kafka_system: Any, view_engine: Any
) -> None:
    system = kafka_system
    load_registry(system.app)
    relay = make_relay(system, page_size=50)
    relay.connect()
    relay.publish_page()
    producer = KafkaProducer(bootstrap_servers=system.settings.kafka_bootstrap)
    topic = system.settings.kafka_topic
    good = relay.encode_page(0)[3].value
    tampered = good.replace(b'"version":1', b'"version":2')
    for value in (b"not json", b'{"hello": "world"}', tampered, None):
        for partition in range(system.settings.kafka_partitions):
            producer.send(topic, key=b"foreign", value=value, partition=partition)
    producer.flush()
    producer.close()
    head = relay.run(once=True)
    worker = make_worker(system, view_engine)
    assert worker.catch_up(head)
    assert worker.counts["malformed"] == 4 * system.settings.kafka_partitions
    system.catch_up()
    assert rows(view_engine) == rows(system.read_engine)


def test_a_projection_needing_log_order_refuses_a_share_of_the_partitions(
    kafka_system: Any, view_engine: Any
) -> None:
    make_relay(kafka_system).connect()  # creates the topic
    with pytest.raises(ValueError, match="all partitions"):
        make_worker(kafka_system, view_engine, partitions=[0])
