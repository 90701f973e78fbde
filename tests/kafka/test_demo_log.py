"""The whole Tianqiao demo log (about 7,600 events, assessment scorecards of ~150 KB among
them) through the relay and Tansu: complete on the topic, every message rebuilds exactly the
recorded event, and Kafka-fed views equal the database-fed ones. Loaded once, SQLite only
(the ledger backend does not matter past the relay; the other Kafka tests run on both)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from infra.bootstrap import System, build_system
from infra.kafka.integration_event import SCHEMA, decode, parse
from infra.kafka.projection import worker_mapper
from infra.settings import Settings
from infra.storage.database import make_engine
from projections.assessment_inputs import AssessmentInputsProjection
from projections.assessment_ledger import AssessmentLedgerProjection
from projections.org_registry import OrgRegistryProjection
from scenarios.tianqiao import load_tianqiao
from tests.kafka.conftest import Read, make_relay, make_worker, read_topic, view_rows

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def demo(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The demo loaded, relayed once to a fresh topic, and the database-fed views caught up."""
    tmp = tmp_path_factory.mktemp("demo")
    settings = Settings(
        database_url=f"sqlite:///{tmp}/ledger.db",
        kafka_bootstrap=broker.bootstrap,
        kafka_topic=f"demo-{uuid.uuid4().hex[:10]}",
    )
    system = build_system(settings)
    load_tianqiao(system.app)
    make_relay(system).run(once=True)
    system.catch_up()
    yield system
    system.close()


@pytest.fixture(scope="module")
def on_topic(demo: System) -> list[Read]:
    return read_topic(demo.settings)


def test_the_whole_demo_log_is_on_the_topic(demo: System, on_topic: list[Read]) -> None:
    head = demo.app.recorder.max_notification_id()
    assert sorted(r.position for r in on_topic) == list(range(1, head + 1))
    scorecards = [r for r in on_topic if b'"type":"AssessmentPeriod.Published"' in r.value]
    assert scorecards and all(len(r.value) > 100_000 for r in scorecards)
    assert all(SCHEMA.encode() in r.value and b'"internal"' not in r.value for r in on_topic)


def test_every_message_rebuilds_exactly_the_recorded_event(
    demo: System, on_topic: list[Read]
) -> None:
    mapper = worker_mapper()
    by_position = {r.position: r for r in on_topic}
    types = set()
    for notification in demo.app.recorder.select_notifications(start=0, limit=100_000):
        event = parse(by_position[notification.id].value)
        topic, rebuilt = decode(event, mapper)  # checks the chain link too
        recorded = demo.app.mapper.to_domain_event(notification)
        assert topic == notification.topic and type(rebuilt) is type(recorded)
        assert vars(rebuilt) == vars(recorded), notification.id
        types.add(event.type)
    assert len(types) > 50  # every event type of the demo, typed values included


@pytest.fixture
def kafka_view(tmp_path: Any) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/kafka-view.db", immediate=True)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "projection",
    [AssessmentLedgerProjection(), AssessmentInputsProjection(), OrgRegistryProjection()],
    ids=lambda p: p.name,
)
def test_kafka_fed_view_equals_database_fed(
    demo: System, kafka_view: Engine, projection: Any
) -> None:
    head = demo.app.recorder.max_notification_id()
    worker = make_worker(demo, kafka_view, projection)
    assert worker.catch_up(head, max_polls=1000)
    worker.close()
    assert worker.counts["malformed"] == worker.counts["undecodable"] == 0
    fed_by_kafka = view_rows(kafka_view, projection)
    assert fed_by_kafka == view_rows(demo.read_engine, projection)
    assert sum(len(table) for table in fed_by_kafka.values()) > 200


def test_the_relay_restarted_on_the_demo_log_publishes_nothing_again(demo: System) -> None:
    relay = make_relay(demo)
    assert relay.run(once=True) == demo.app.recorder.max_notification_id()
    assert relay.stats.resets == 0 and relay.stats.sent == 0


def test_the_fast_encoder_agrees_with_the_mapper_on_every_demo_event(demo: System) -> None:
    """to_message reads the stored JSON directly; it must say what the decoded event says."""
    from infra.kafka.integration_event import PERSONAL_FIELDS
    from infra.kafka.public_fields import LogEntry, from_event, from_stored

    mapper, after, checked = demo.app.mapper, 0, 0
    while rows := demo.app.recorder.select_chained(after, 1000):
        for notification in (LogEntry(*row[:5]) for row in rows):
            personal = PERSONAL_FIELDS.get(notification.topic.rsplit(":", 1)[-1], frozenset())
            fast_types: dict[str, str] = {}
            slow_types: dict[str, str] = {}
            fast = from_stored(mapper, notification, personal, fast_types)
            assert fast is not None, notification.topic
            assert fast == from_event(mapper, notification, personal, slow_types)
            assert fast_types == slow_types
            checked += 1
        after = rows[-1][0]
    assert checked == demo.app.recorder.max_notification_id()
