"""An event's public fields for its integration event (infra.kafka.integration_event): payload
and metadata as plain JSON, with every value JSON has no type for named in `types` by JSON
Pointer.

Two readings that must agree (tests/unit/test_integration_event_walk.py and, on every demo
event, tests/kafka/test_demo_log.py): straight from the stored JSON, the fast one, and from
the domain event the mapper decodes, for what only the mapper can read (a cipher, an event
written by an older version of its class, an unknown transcoding).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import TopicError, resolve_topic

from domain.metadata import occurred_at
from infra.storage.chain import canonical_id

# the Python types JSON lacks, as named in `types`
TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (datetime, "datetime"),  # before date: a datetime is a date
    (date, "date"),
    (UUID, "uuid"),
    (Decimal, "decimal"),
)

_ENVELOPE = ("originator_id", "originator_version", "timestamp", "meta")


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


Public = tuple[dict[str, Any], dict[str, Any] | None, str, str]  # payload, meta, occurred, recorded


def public_fields(
    mapper: Any, entry: LogEntry, personal: frozenset[str], types: dict[str, str]
) -> Public:
    """Payload, metadata, occurred_at and recorded_at of `entry`, without the fields named
    in `personal`; the typed values are named in `types`."""
    public = from_stored(mapper, entry, personal, types)
    if public is None:
        types.clear()
        public = from_event(mapper, entry, personal, types)
    return public


def from_event(
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


def from_stored(
    mapper: Any, notification: LogEntry, personal: frozenset[str], types: dict[str, str]
) -> Public | None:
    """The same fields read straight from the stored JSON, without building the event
    (about half the relay's encoding time); None where only the mapper can read it."""
    if getattr(mapper, "cipher", None) or getattr(mapper, "compressor", None):
        return None
    try:
        state = orjson.loads(notification.state)
        if state.pop("class_version", 1) != _class_version(notification.topic):
            return None  # written by an older version of its class: the mapper upcasts it
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


def _class_version(topic: str) -> int | None:
    """The current version of the event class a topic names (None if it names none)."""
    try:
        return int(getattr(resolve_topic(topic), "class_version", 1))
    except TopicError:
        return None


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
