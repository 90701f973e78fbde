"""Messages of hundreds of KB: through relay, broker and Kafka-fed projection, and the size
limit (REDPROP_KAFKA_MAX_MESSAGE_BYTES) that stops the relay instead of losing one."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from infra.kafka.relay import MessageTooLarge
from projections.org_registry import OrgRegistryProjection
from projections.owners_committees import OwnersCommitteesProjection
from tests.kafka.conftest import make_relay, make_worker, read_topic, view_rows
from tests.kafka.registry_scenario import load_registry_with_large_events

pytestmark = pytest.mark.kafka

MEMBERS = (2500, 4500, 6000)  # elections of about 320, 570 and 760 KB


def test_large_messages_reach_the_kafka_fed_projection(kafka_system: Any, view_engine: Any) -> None:
    system = kafka_system
    large = load_registry_with_large_events(system.app, MEMBERS)
    head = system.app.recorder.max_notification_id()
    assert make_relay(system, page_size=100).run(once=True) == head
    on_topic = read_topic(system.settings)
    assert sorted(r.position for r in on_topic) == list(range(1, head + 1))
    sizes = {r.position: len(r.value) for r in on_topic}
    assert all(sizes[p] > 300_000 for p in large) and max(sizes.values()) > 700_000
    elected = json.loads(next(r.value for r in on_topic if r.position == large[-1]))
    assert len(elected["payload"]["members"]) == MEMBERS[-1]
    assert "internal" not in elected  # the public payload, once; no stored state bytes
    system.catch_up()
    for projection in (OwnersCommitteesProjection(), OrgRegistryProjection()):
        worker = make_worker(system, view_engine, projection)
        assert worker.catch_up(head)
        worker.close()
        assert worker.counts["malformed"] == worker.counts["duplicates"] == 0
        assert view_rows(view_engine, projection) == view_rows(system.read_engine, projection)
    committees = view_rows(view_engine, OwnersCommitteesProjection())["owners_committees"]
    assert sorted(c["members"] for c in committees) == sorted(MEMBERS)


@pytest.mark.parametrize("backend", ["sqlite"])  # the limit does not depend on the ledger
def test_a_message_above_the_limit_stops_the_relay_before_it(
    kafka_system: Any, view_engine: Any
) -> None:
    system = kafka_system
    large = load_registry_with_large_events(system.app, MEMBERS)
    head = system.app.recorder.max_notification_id()
    limited = replace(system.settings, kafka_max_message_bytes=500_000)
    relay = make_relay(system, limited, page_size=100)
    with pytest.raises(MessageTooLarge, match=f"position {large[1]} .*500,000"):
        relay.run(once=True)
    assert relay.stored()[0] == large[1] - 1  # everything before it, nothing after it
    assert sorted(r.position for r in read_topic(system.settings)) == list(range(1, large[1]))
    resumed = make_relay(system, page_size=100)  # the limit raised (default 1 MiB)
    assert resumed.run(once=True) == head
    assert sorted(r.position for r in read_topic(system.settings)) == list(range(1, head + 1))
    worker = make_worker(system, view_engine, OwnersCommitteesProjection())
    assert worker.catch_up(head)
    worker.close()
    system.catch_up()
    projection = OwnersCommitteesProjection()
    assert view_rows(view_engine, projection) == view_rows(system.read_engine, projection)
