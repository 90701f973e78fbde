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

`chain` is the event's link in the ledger's tamper-evident chain (infra.chain): SHA-256 over
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
are already sealed per person, see infra.personal_data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.metadata import occurred_at
from infra.chain import Link, canonical_id, link_hash

SCHEMA = "redproperty.integration-event/2"

# event type ("OrgUnit.Registered") -> payload fields holding personal data
PERSONAL_FIELDS: dict[str, frozenset[str]] = {}

# the Python types JSON lacks, as named in `types`, and how each is read back
TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (datetime, "datetime"),  # before date: a datetime is a date
    (date, "date"),
    (UUID, "uuid"),
    (Decimal, "decimal"),
)
READERS: dict[str, Any] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "uuid": UUID,
    "decimal": Decimal,
}
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "meta")


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


class LogEntry(NamedTuple):
    """One stored event as read from the log with its link (a row of `select_chained`):
    the id is text as the database returns it (SQLite: 32 hex digits)."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    def as_stored(self) -> StoredEvent:
        """The library's StoredEvent, for the mapper."""
        return StoredEvent(
            UUID(self.originator_id), self.originator_version, self.topic, self.state
        )


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


def to_message(app: Any, notification: LogEntry, link: Link, prev_hash: bytes) -> Message:
    """Encode one log entry (and its chain link) as a Kafka message."""
    kind = notification.topic.rsplit(":", 1)[-1]
    personal = PERSONAL_FIELDS.get(kind, frozenset())
    types: dict[str, str] = {}
    public = _from_stored(app.mapper, notification, personal, types)
    if public is None:
        types.clear()
        public = _from_event(app.mapper, notification, personal, types)
    payload, meta, occurred, recorded = public
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


Public = tuple[dict[str, Any], dict[str, Any] | None, str, str]  # payload, meta, occurred, recorded


def _from_event(
    mapper: Any, notification: LogEntry, personal: frozenset[str], types: dict[str, str]
) -> Public:
    """The public fields of the domain event the mapper decodes (any transcoding, cipher)."""
    event = mapper.to_domain_event(notification.as_stored())
    state = vars(event)
    payload = {k: v for k, v in state.items() if k not in _ENVELOPE and k not in personal}
    meta = state.get("meta")
    return (
        _public_fields(payload, "/payload", types),
        None if meta is None else _public_fields(meta, "/metadata", types),
        occurred_at(event).isoformat(),
        event.timestamp.isoformat(),
    )


# the library's stored forms of the typed values, and their public names: each stored text
# is already the public text, but for UUIDs (32 hex digits there, dashed here)
STORED_TYPES = {
    "uuid_hex": "uuid",
    "datetime_iso": "datetime",
    "date_iso": "date",
    "decimal_str": "decimal",
}


class _NotPlain(Exception):
    """The stored state needs the mapper (an unknown transcoding, a versioned class)."""


def _from_stored(
    mapper: Any, notification: LogEntry, personal: frozenset[str], types: dict[str, str]
) -> Public | None:
    """The same fields read straight from the stored JSON, without building the event
    (about half the relay's encoding time); None where only the mapper can read it."""
    if getattr(mapper, "cipher", None) or getattr(mapper, "compressor", None):
        return None
    try:
        state = orjson.loads(notification.state)
        if "class_version" in state:
            return None
        payload = {k: v for k, v in state.items() if k not in _ENVELOPE and k not in personal}
        meta = state.get("meta")
        # every typed value is written with a "_type_" key; one of them is the timestamp
        walk = _StoredWalk(types, notification.state.count(b'"_type_"') - 1)
        public = walk.value(payload, "/payload")
        public_meta = None if meta is None else walk.value(meta, "/metadata")
        recorded = state["timestamp"]["_data_"]
    except (_NotPlain, orjson.JSONDecodeError, KeyError, TypeError):
        return None
    occurred = (meta or {}).get("occurred_at")
    return (
        public,
        public_meta,
        datetime.fromisoformat(occurred).isoformat() if occurred else recorded,
        recorded,
    )


class _StoredWalk:
    """Replaces the stored typed values with their public text, naming each in `types`.
    `left` is an upper bound of the typed values not met yet (read off the stored bytes):
    once it is 0 the rest is returned as it is, so a large plain part (a scorecard's lines)
    is not walked."""

    __slots__ = ("types", "left")

    def __init__(self, types: dict[str, str], left: int) -> None:
        self.types = types
        self.left = left

    def value(self, value: Any, pointer: str) -> Any:
        if self.left <= 0:
            return value
        if type(value) is dict:
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._typed(value, pointer)
            return {
                k: v if type(v) in _SCALARS else self.value(v, f"{pointer}/{_escape(k)}")
                for k, v in value.items()
            }
        if type(value) is list:
            return [
                v if type(v) in _SCALARS else self.value(v, f"{pointer}/{i}")
                for i, v in enumerate(value)
            ]
        return value

    def _typed(self, value: dict[str, Any], pointer: str) -> str:
        name = STORED_TYPES.get(value["_type_"])
        data = value["_data_"]
        if name is None or type(data) is not str:
            raise _NotPlain(pointer)
        self.left -= 1
        self.types[pointer] = name
        return canonical_id(data) if name == "uuid" else data


_SCALARS = frozenset({str, bool, int, float, type(None)})


def _public_fields(mapping: dict[str, Any], pointer: str, types: dict[str, str]) -> dict[str, Any]:
    return {
        k: v if type(v) in _SCALARS else _public(v, f"{pointer}/{_escape(k)}", types)
        for k, v in mapping.items()
    }


def _public(value: Any, pointer: str, types: dict[str, str]) -> Any:
    """Plain JSON for `value`; every value JSON has no type for is named in `types`."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        if _plain(value):  # the common case, large scorecards included: nothing to walk
            return value
        return {k: _public(v, f"{pointer}/{_escape(str(k))}", types) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if _plain(value):
            return value
        return [_public(v, f"{pointer}/{i}", types) for i, v in enumerate(value)]
    for cls, name in TYPE_NAMES:
        if isinstance(value, cls):
            types[pointer] = name
            return value.isoformat() if isinstance(value, date) else str(value)
    raise TypeError(f"{pointer}: no public JSON form for {type(value).__name__}")


class _Typed(Exception):
    pass


def _not_plain(value: Any) -> Any:
    raise _Typed


def _plain(container: dict[str, Any] | list[Any] | tuple[Any, ...]) -> bool:
    """True if JSON can hold it as it is (checked at the C encoder's speed)."""
    try:
        json.dumps(container, default=_not_plain, check_circular=False)
    except _Typed:
        return False
    return True


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


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
