"""The public integration event: what the relay puts on Kafka, one JSON object per event.

    {
      "schema": "redproperty.integration-event/2",
      "position": 42,                       # log position (total order of the ledger)
      "type": "OrgUnit.Registered",         # aggregate class . event class
      "aggregate_id": "6f1c…", "version": 3,
      "occurred_at": "2020-01-02T09:00:00+08:00",   # business time (metadata)
      "recorded_at": "2026-11-27T00:40:00.123456+00:00",
      "payload": {...},                     # the event's fields, plain JSON
      "metadata": {"actor_id": …, "role": …, "scope": …, "correlation_id": …, …},
      "types": {"/payload/parent_id": "uuid", "/payload/attendees/0/member_id": "uuid"},
      "redacted": [],                       # payload fields omitted as personal data
      "chain": {"prev_position": 41, "prev_hash": "<hex>", "hash": "<hex>"}
    }

The event is sent once, as public JSON; the library's stored state bytes are not sent.
Values JSON has no type for are written as strings: UUIDs dashed, dates and datetimes in
ISO 8601, decimals as text. `types` names each of them by JSON Pointer (RFC 6901) into
`payload` or `metadata`, with its type (`uuid`, `date`, `datetime`, `decimal`), so a
consumer can restore them without knowing our classes; it is empty for most events.
`metadata` is null for an event recorded without metadata. Keys keep the recorded order.

`chain` is the event's link in the ledger's tamper-evident chain (infra.storage.chain): SHA-256 over
the previous hash and position, this position, aggregate id, version, the event's class
topic and its stored bytes. The Kafka-fed projection runner rebuilds the domain event from
the public fields (`decode`: the class from `type` in this code's domain, the typed values
from `types`, the field order from the class), encodes it again through the application's
mapper and recomputes the link: a message altered in transit, or one this code cannot
rebuild exactly, is refused. Compare `chain.hash` with `redprop verify --head` to anchor a
whole topic. This needs the worker to run the ledger's domain code and an event store
without encryption (with CIPHER_TOPIC/CIPHER_KEY the stored bytes are encrypted with a random
nonce: links are not recomputed, `decode` returns the event unchecked).

Personal data: list an event type's personal fields in PERSONAL_FIELDS. They are dropped
from `payload` and named in `redacted`; a Kafka-fed projection cannot rebuild such an event
and skips it (counted as `undecodable`). No event type lists any yet (contacts in the log
are already sealed per person, see infra.storage.personal_data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.app import RedPropertyApp
from infra.kafka.public_fields import LogEntry, public_fields
from infra.storage.chain import Link, canonical_id, link_hash

SCHEMA = "redproperty.integration-event/2"

# event type ("OrgUnit.Registered") -> payload fields holding personal data
PERSONAL_FIELDS: dict[str, frozenset[str]] = {}

# how each type named in `types` is read back
READERS: dict[str, Any] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "uuid": UUID,
    "decimal": Decimal,
}


class MalformedEvent(ValueError):
    """A message on the topic that is not one of our integration events (or was altered)."""


@dataclass(frozen=True)
class Message:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    position: int

    @cached_property
    def size(self) -> int:
        """Bytes of key, value and headers (what a broker's message size limit counts)."""
        headers = sum(len(k) + len(v) for k, v in self.headers)
        return len(self.key) + len(self.value) + headers


@dataclass(frozen=True)
class IntegrationEvent:
    """A parsed message: the public fields, typed values not yet restored."""

    position: int
    prev_position: int
    prev_hash: bytes
    hash: bytes
    type: str
    aggregate_id: UUID
    version: int
    recorded_at: str
    payload: dict[str, Any]
    metadata: dict[str, Any] | None
    types: dict[str, str]
    redacted: tuple[str, ...]


# -- writing ----------------------------------------------------------------------------------


def to_message(
    app: RedPropertyApp, notification: LogEntry, link: Link, prev_hash: bytes
) -> Message:
    """Encode one log entry (and its chain link) as a Kafka message."""
    kind = notification.topic.rsplit(":", 1)[-1]
    personal = PERSONAL_FIELDS.get(kind, frozenset())
    types: dict[str, str] = {}
    payload, meta, occurred, recorded = public_fields(app.mapper, notification, personal, types)
    aggregate_id = canonical_id(notification.originator_id)
    document = {
        "schema": SCHEMA,
        "position": link.position,
        "type": kind,
        "aggregate_id": aggregate_id,
        "version": notification.originator_version,
        "occurred_at": occurred,
        "recorded_at": recorded,
        "payload": payload,
        "metadata": meta,
        "types": types,
        "redacted": sorted(personal),
        "chain": {
            "prev_position": link.prev_position,
            "prev_hash": prev_hash.hex(),
            "hash": link.hash.hex(),
        },
    }
    value = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)  # compact UTF-8
    return Message(
        key=aggregate_id.encode(),
        value=value,
        headers=[("type", kind.encode()), ("position", str(link.position).encode())],
        position=link.position,
    )


# -- reading ----------------------------------------------------------------------------------


def parse(value: bytes | None) -> IntegrationEvent:
    """Decode a message value and check its shape; raise MalformedEvent with the reason."""
    try:
        doc = json.loads(value or b"")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedEvent(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise MalformedEvent("not a redproperty integration event (schema)")
    try:
        chain = doc["chain"]
        event = IntegrationEvent(
            position=_int(doc["position"]),
            prev_position=_int(chain["prev_position"]),
            prev_hash=bytes.fromhex(chain["prev_hash"]),
            hash=bytes.fromhex(chain["hash"]),
            type=_str(doc["type"]),
            aggregate_id=UUID(doc["aggregate_id"]),
            version=_int(doc["version"]),
            recorded_at=_str(doc["recorded_at"]),
            payload=_dict(doc["payload"]),
            metadata=None if doc["metadata"] is None else _dict(doc["metadata"]),
            types={_str(k): _str(v) for k, v in _dict(doc["types"]).items()},
            redacted=tuple(_str(f) for f in doc["redacted"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedEvent(f"bad field: {exc!r}") from None
    if event.prev_position >= event.position:
        raise MalformedEvent("chain link does not point backwards")
    return event


def event_class(kind: str) -> type | None:
    """The domain event class for a type name ("OrgUnit.Registered"), None if unknown."""
    return _event_classes().get(kind)


@lru_cache(maxsize=1)
def _event_classes() -> dict[str, type]:
    import domain.app  # noqa: F401 - loads every aggregate module

    found: dict[str, type] = {}
    pending: list[type] = [DomainEvent]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("domain."):
            found[cls.__qualname__] = cls
    return found


def decode(event: IntegrationEvent, mapper: Any) -> tuple[str, Any | None]:
    """The class topic and the domain event rebuilt from the public fields, checked against
    the chain link; the event is None if it cannot be rebuilt (personal fields redacted).
    Raises MalformedEvent if the type is unknown here or the link does not match."""
    cls = event_class(event.type)
    if cls is None:
        raise MalformedEvent(f"position {event.position}: unknown event type {event.type!r}")
    topic = get_topic(cls)
    if event.redacted:
        return topic, None
    try:
        typed: dict[str, Any] = {"payload": event.payload, "metadata": event.metadata}
        if event.types:  # restore the typed values in a copy (the event may be decoded again)
            typed = json.loads(json.dumps(typed))
        for pointer, name in event.types.items():
            _restore(typed, pointer, READERS[name])
        state: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "timestamp":
                state["timestamp"] = datetime.fromisoformat(event.recorded_at)
            elif f.name == "meta" and typed["metadata"] is not None:
                state["meta"] = typed["metadata"]
            elif f.name in typed["payload"]:
                state[f.name] = typed["payload"][f.name]
        for name, value in typed["payload"].items():  # fields this class no longer declares
            state.setdefault(name, value)
    except (KeyError, TypeError, ValueError, ArithmeticError, IndexError) as exc:
        raise MalformedEvent(f"position {event.position}: bad typed value: {exc!r}") from None
    state["originator_id"] = event.aggregate_id
    state["originator_version"] = event.version
    domain_event: Any = object.__new__(cls)
    object.__setattr__(domain_event, "__dict__", state)
    if getattr(mapper, "cipher", None) is None:
        stored: StoredEvent = mapper.to_stored_event(domain_event)
        expected = link_hash(
            event.prev_hash,
            event.prev_position,
            event.position,
            event.aggregate_id,
            event.version,
            stored.topic,
            stored.state,
        )
        if expected != event.hash:
            raise MalformedEvent(f"position {event.position}: chain hash does not match")
    return topic, domain_event


def _restore(document: dict[str, Any], pointer: str, read: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts or parts[0] not in ("payload", "metadata"):
        raise ValueError(f"type pointer outside payload and metadata: {pointer!r}")
    parent: Any = document
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    last: Any = int(parts[-1]) if isinstance(parent, list) else parts[-1]
    if not isinstance(parent[last], str):
        raise ValueError(f"{pointer} is not a string")
    parent[last] = read(parent[last])


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {value!r}")
    return value
