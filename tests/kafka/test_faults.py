"""Faults: the broker lost mid-relay, the relay killed between send and store."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from kafka import TopicPartition

from infra.integration_event import parse
from infra.kafka_clients import make_consumer
from tests.kafka.conftest import make_relay, make_worker, rows
from tests.kafka.registry_scenario import load_registry

pytestmark = pytest.mark.kafka


class Killed(BaseException):
    """The relay process dies (not an error it could retry)."""


def topic_positions(settings: Any) -> list[int]:
    consumer = make_consumer(settings)
    tps = [TopicPartition(settings.kafka_topic, p) for p in range(settings.kafka_partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    end = sum(consumer.end_offsets(tps).values())
    found: list[int] = []
    for _ in range(100):
        for records in consumer.poll(200, max_records=5000).values():
            found += [parse(r.value).position for r in records]
        if len(found) >= end:
            break
    consumer.close()
    return found


@pytest.mark.parametrize("kafka_system", ["own_broker"], indirect=True)
def test_broker_restarted_mid_relay_ends_with_a_complete_topic(kafka_system: Any) -> None:
    system = kafka_system
    compound = load_registry(system.app).facts["compounds"][0]
    relay = make_relay(system, page_size=50, flush_timeout=1.0, poll_seconds=0.05)
    relay.connect()
    relay.publish_page()
    relay.publish_page()
    system.extra["tansu"].stop()  # memory-only: everything published is gone
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, kwargs={"stop": stop})
    thread.start()
    try:
        for k in range(10):  # the log keeps growing while the broker is down
            system.app.rename_org_unit(compound, name=f"名{k}")
        system.extra["tansu"].start()
        head = system.app.recorder.max_notification_id()
        for _ in range(400):
            if relay.stats.published >= head:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join()
    assert relay.stats.resets >= 1 and relay.stats.retries >= 1
    assert set(topic_positions(system.settings)) == set(range(1, head + 1))


def test_relay_killed_between_send_and_store_duplicates_but_no_gap(
    kafka_system: Any, view_engine: Any
) -> None:
    system = kafka_system
    load_registry(system.app)
    relay = make_relay(system, page_size=100)

    def die(position: int) -> None:
        if position > 200:
            raise Killed

    relay.before_store = die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        relay.run(once=True)
    relay.disconnect()
    assert relay.stored()[0] == 200
    worker = make_worker(system, view_engine)
    worker.poll(500)  # the worker sees the unacknowledged page before the restart
    head = make_relay(system, page_size=100).run(once=True)  # a new process resumes
    positions = topic_positions(system.settings)
    assert set(positions) == set(range(1, head + 1)) and len(positions) > head
    assert worker.catch_up(head)
    worker.close()
    assert worker.counts["duplicates"] > 0
    system.catch_up()
    assert rows(view_engine) == rows(system.read_engine)
