"""The public integration event: what the relay puts on Kafka, one JSON object per event.

    {
      "schema": "redproperty.integration-event/1",
      "position": 42,                       # log position (total order of the ledger)
      "type": "OrgUnit.Registered",         # aggregate class . event class
      "aggregate_id": "6f1c…", "version": 3,
      "occurred_at": "2020-01-02T09:00:00+08:00",   # business time (metadata)
      "recorded_at": "2026-11-27T00:40:00.123456+00:00",
      "payload": {...},                     # the event's fields, JSON-ready
      "metadata": {"actor_id": …, "role": …, "scope": …, "correlation_id": …, …},
      "redacted": [],                       # payload fields omitted as personal data
      "chain": {"prev_position": 41, "prev_hash": "<hex>", "hash": "<hex>"},
      "internal": {"topic": "domain.org_registry:OrgUnit.Registered", "state": "<base64>"}
    }

The first block is the same view the auditors' `redprop log` prints (infra.audit.describe).
`chain` is the event's link in the tamper-evident chain; `internal` is the record exactly as
stored (the library's topic and state bytes). Consumers outside this codebase read the
public fields and may ignore `internal`; the Kafka-fed projection runner rebuilds the domain
event from `internal` through the application's mapper, and first recomputes the link hash
from `chain.prev_*`, `position`, `aggregate_id`, `version` and `internal`, so a message whose
state was altered in transit is refused (compare `chain.hash` with `redprop verify --head`
to anchor a whole topic).

Personal data: list an event type's personal fields in PERSONAL_FIELDS. They are dropped
from `payload` and named in `redacted`; `internal.state` is then only sent when the event
store encrypts its state (CIPHER_TOPIC/CIPHER_KEY), otherwise it is null and Kafka-fed
projections skip the event (counted as `undecodable`). No event type holds personal data yet.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infra.audit import describe
from infra.chain import Link, link_hash

SCHEMA = "redproperty.integration-event/1"

# event type ("OrgUnit.Registered") -> payload fields holding personal data
PERSONAL_FIELDS: dict[str, frozenset[str]] = {}


class MalformedEvent(ValueError):
    """A message on the topic that is not one of our integration events (or was altered)."""


@dataclass(frozen=True)
class Message:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    position: int


@dataclass(frozen=True)
class IntegrationEvent:
    position: int
    prev_position: int
    type: str
    aggregate_id: UUID
    version: int
    topic: str
    state: bytes | None

    def stored_event(self) -> StoredEvent:
        assert self.state is not None
        return StoredEvent(self.aggregate_id, self.version, self.topic, self.state)


def to_message(app: Any, notification: Any, link: Link, prev_hash: bytes) -> Message:
    """Encode one log entry (and its chain link) as a Kafka message."""
    document = describe(app, notification)
    personal = PERSONAL_FIELDS.get(document["type"], frozenset())
    document["payload"] = {k: v for k, v in document["payload"].items() if k not in personal}
    state: bytes | None = bytes(notification.state)
    if personal and getattr(app.mapper, "cipher", None) is None:
        state = None
    document.update(
        schema=SCHEMA,
        redacted=sorted(personal),
        chain={
            "prev_position": link.prev_position,
            "prev_hash": prev_hash.hex(),
            "hash": link.hash.hex(),
        },
        internal={
            "topic": notification.topic,
            "state": None if state is None else base64.b64encode(state).decode(),
        },
    )
    value = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Message(
        key=document["aggregate_id"].encode(),
        value=value,
        headers=[("type", document["type"].encode()), ("position", str(link.position).encode())],
        position=link.position,
    )


def parse(value: bytes | None) -> IntegrationEvent:
    """Decode and check a message value; raise MalformedEvent with the reason."""
    try:
        doc = json.loads(value or b"")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedEvent(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise MalformedEvent("not a redproperty integration event (schema)")
    try:
        chain, internal = doc["chain"], doc["internal"]
        state = internal["state"]
        event = IntegrationEvent(
            position=_int(doc["position"]),
            prev_position=_int(chain["prev_position"]),
            type=str(doc["type"]),
            aggregate_id=UUID(doc["aggregate_id"]),
            version=_int(doc["version"]),
            topic=str(internal["topic"]),
            state=None if state is None else base64.b64decode(state, validate=True),
        )
        prev_hash, digest = bytes.fromhex(chain["prev_hash"]), bytes.fromhex(chain["hash"])
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise MalformedEvent(f"bad field: {exc!r}") from None
    if event.prev_position >= event.position:
        raise MalformedEvent("chain link does not point backwards")
    if event.state is not None:
        expected = link_hash(
            prev_hash,
            event.prev_position,
            event.position,
            event.aggregate_id,
            event.version,
            event.topic,
            event.state,
        )
        if expected != digest:
            raise MalformedEvent(f"position {event.position}: chain hash does not match")
    return event


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return value
