"""kafka-python clients built from Settings: bootstrap servers, the REDPROP_KAFKA_OPT_*
passthrough (SASL/SSL and any other client option), and the topic the relay owns.

Sizes follow REDPROP_KAFKA_MAX_MESSAGE_BYTES (`Settings.kafka_max_message_bytes`, 1 MiB by
default, Kafka's own default): the relay refuses a larger message itself; the producer's
`max_request_size`, the consumer's `max_partition_fetch_bytes` and the topic's
`max.message.bytes` (set when the relay creates the topic) leave RECORD_OVERHEAD above it for
the record and batch headers. A broker's `message.max.bytes` must be at least as large.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import OffsetOutOfRangeError, TopicAlreadyExistsError

from infra.settings import Settings

log = logging.getLogger(__name__)


def _coerce(value: Any) -> Any:
    """Environment strings to the types kafka-python expects ("5000" -> 5000, "true" -> True)."""
    if not isinstance(value, str):
        return value
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        return value


def client_config(settings: Settings, client: type, **defaults: Any) -> dict[str, Any]:
    """Options for one client class: our defaults, overridden by the passthrough options
    this class understands (producer-only options are not handed to the consumer)."""
    if not settings.kafka_bootstrap:
        raise RuntimeError("REDPROP_KAFKA_BOOTSTRAP is not set (host:port[,host:port])")
    known = set(getattr(client, "DEFAULT_CONFIG", {}))
    options = {k: _coerce(v) for k, v in settings.kafka_options.items() if k in known}
    ignored = sorted(set(settings.kafka_options) - known - _ANY_CLIENT)
    if ignored and client is KafkaProducer:
        log.debug("kafka options not used by the producer: %s", ignored)
    bounded = {k: v for k, v in wait_limits(settings).items() if k in known}
    return {
        "bootstrap_servers": settings.kafka_bootstrap.split(","),
        "client_id": "redproperty",
        **bounded,
        **defaults,
        **options,
    }


def wait_limits(settings: Settings) -> dict[str, int]:
    """Every wait for the broker within REDPROP_KAFKA_TIMEOUT_SECONDS (kafka-python's own
    defaults let one bootstrap wait 30 s and back off up to 30 s between attempts)."""
    ms = int(settings.kafka_timeout_seconds * 1000)
    return {
        "bootstrap_timeout_ms": ms,
        "api_version_auto_timeout_ms": ms,
        "socket_connection_setup_timeout_ms": min(ms, 10_000),
        "socket_connection_setup_timeout_max_ms": ms,
        "reconnect_backoff_max_ms": min(ms, 1000),
    }


_ANY_CLIENT = set(KafkaProducer.DEFAULT_CONFIG) | set(KafkaConsumer.DEFAULT_CONFIG)

RECORD_OVERHEAD = 64 * 1024  # record + batch headers above the largest key+value+headers


def request_limit(settings: Settings) -> int:
    """Bytes one produce request / partition fetch must allow for the largest message."""
    return settings.kafka_max_message_bytes + RECORD_OVERHEAD


def make_producer(settings: Settings, *, idempotent: bool, **defaults: Any) -> KafkaProducer:
    ours = {
        "acks": "all",
        "enable_idempotence": idempotent,
        "allow_auto_create_topics": False,
        "linger_ms": 5,
        "batch_size": 256 * 1024,
        "max_request_size": request_limit(settings),
    }
    return KafkaProducer(**client_config(settings, KafkaProducer, **{**ours, **defaults}))


def make_consumer(settings: Settings, **defaults: Any) -> KafkaConsumer:
    """A consumer without a group: partitions are assigned by hand, offsets live elsewhere."""
    ours = {
        "group_id": None,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "allow_auto_create_topics": False,
        "fetch_max_wait_ms": 50,  # latency over batching (the default waits up to 500 ms)
        "max_partition_fetch_bytes": max(1024 * 1024, request_limit(settings)),
    }
    return KafkaConsumer(**client_config(settings, KafkaConsumer, **{**ours, **defaults}))


def ensure_topic(settings: Settings, **defaults: Any) -> int:
    """Create the topic with the configured partitions if it is missing; return how many
    partitions it has (an existing topic keeps its own count)."""
    admin = KafkaAdminClient(**client_config(settings, KafkaAdminClient, **defaults))
    try:
        try:
            topic = NewTopic(
                settings.kafka_topic,
                settings.kafka_partitions,
                _replication(settings),
                topic_configs={"max.message.bytes": str(request_limit(settings))},
            )
            admin.create_topics([topic])
            log.info(
                "created topic %s with %d partitions",
                settings.kafka_topic,
                settings.kafka_partitions,
            )
        except TopicAlreadyExistsError:
            pass
        described = admin.describe_topics([settings.kafka_topic])
        count = len(described[0]["partitions"])
    finally:
        admin.close()
    if count != settings.kafka_partitions:
        log.warning(
            "topic %s has %d partitions, settings say %d (the topic wins)",
            settings.kafka_topic,
            count,
            settings.kafka_partitions,
        )
    return count


def _replication(settings: Settings) -> int:
    return int(settings.kafka_options.get("replication_factor", 1))


def end_offsets(consumer: KafkaConsumer, topic: str, partitions: int) -> dict[int, int]:
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    return {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}


def records_present(
    settings: Settings, topic: str, offsets: dict[int, int], timeout: float
) -> dict[int, bool]:
    """Whether each partition still holds a record at the given offset, by reading it (a
    broker's end offsets alone are not trusted: Tansu 0.6 reports the base offset of the
    last batch + 1). Not found within `timeout` counts as absent."""
    found = {p: False for p in offsets}
    consumer = make_consumer(
        settings, auto_offset_reset="none", request_timeout_ms=max(int(timeout * 1000), 1000) + 1
    )
    try:
        tps = {p: TopicPartition(topic, p) for p in offsets}
        consumer.assign(list(tps.values()))
        for p, offset in offsets.items():
            consumer.seek(tps[p], offset)
        deadline, settled = time.monotonic() + timeout, set[int]()
        while len(settled) < len(offsets) and time.monotonic() < deadline:
            try:
                batches = consumer.poll(timeout_ms=100, max_records=len(offsets))
            except OffsetOutOfRangeError as exc:  # Kafka: the offset is past the end
                gone = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
                if not gone:
                    break
                consumer.pause(*gone)
                settled.update(tp.partition for tp in gone)
                continue
            for tp, records in batches.items():
                found[tp.partition] = any(r.offset == offsets[tp.partition] for r in records)
                consumer.pause(tp)
                settled.add(tp.partition)
    finally:
        consumer.close()
    return found
