"""kafka-python clients built from Settings: bootstrap servers, the REDPROP_KAFKA_OPT_*
passthrough (SASL/SSL and any other client option), and the topic the relay owns."""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

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
    return {
        "bootstrap_servers": settings.kafka_bootstrap.split(","),
        "client_id": "redproperty",
        **defaults,
        **options,
    }


_ANY_CLIENT = set(KafkaProducer.DEFAULT_CONFIG) | set(KafkaConsumer.DEFAULT_CONFIG)


def make_producer(settings: Settings, *, idempotent: bool, **defaults: Any) -> KafkaProducer:
    config = client_config(
        settings,
        KafkaProducer,
        acks="all",
        enable_idempotence=idempotent,
        allow_auto_create_topics=False,
        linger_ms=5,
        batch_size=256 * 1024,
        **defaults,
    )
    return KafkaProducer(**config)


def make_consumer(settings: Settings, **defaults: Any) -> KafkaConsumer:
    """A consumer without a group: partitions are assigned by hand, offsets live elsewhere."""
    config = client_config(
        settings,
        KafkaConsumer,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        allow_auto_create_topics=False,
        fetch_max_wait_ms=50,  # latency over batching (the default waits up to 500 ms)
        **defaults,
    )
    return KafkaConsumer(**config)


def ensure_topic(settings: Settings, **defaults: Any) -> int:
    """Create the topic with the configured partitions if it is missing; return how many
    partitions it has (an existing topic keeps its own count)."""
    admin = KafkaAdminClient(**client_config(settings, KafkaAdminClient, **defaults))
    try:
        try:
            admin.create_topics(
                [NewTopic(settings.kafka_topic, settings.kafka_partitions, _replication(settings))]
            )
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
