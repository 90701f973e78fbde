"""Reading an event's public fields straight from its stored JSON agrees with decoding it
through the mapper, wherever its typed values sit (the walk stops once it has met them
all)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import event

from domain.base import LedgerAggregate
from infra.kafka.public_fields import LogEntry, from_event, from_stored
from infra.storage.event_store import LedgerApp


class Sample(LedgerAggregate):
    @event("Sampled")
    def __init__(self, body: Any) -> None:
        self.body = body


BODIES = [
    {"lines": [{"n": i, "positions": list(range(20))} for i in range(50)], "at": uuid4()},
    {"first": uuid4(), "lines": [[1, 2, 3]] * 30, "day": date(2021, 3, 1)},
    {"nested": {"deep": [{"x": [uuid4(), Decimal("1.50")]}]}, "plain": ["a", "b"]},
    {"_type_": "a plain dict with three keys", "_data_": 1, "x": uuid4()},
    {"slash/and~tilde": uuid4(), "text": 'quotes "_type_" inside a string'},
    {"nothing": "typed", "n": 1},
]


@pytest.mark.parametrize("body", BODIES)
def test_stored_reading_agrees_with_the_mapper(body: Any) -> None:
    app = LedgerApp()
    stored = app.mapper.to_stored_event(Sample(body=body).collect_events()[0])
    entry = LogEntry(1, stored.originator_id.hex, 1, stored.topic, stored.state)
    fast_types: dict[str, str] = {}
    slow_types: dict[str, str] = {}
    fast = from_stored(app.mapper, entry, frozenset(), fast_types)
    assert fast is not None
    assert fast == from_event(app.mapper, entry, frozenset(), slow_types)
    assert fast_types == slow_types


class Versioned(LedgerAggregate):
    class Made(LedgerAggregate.Created):
        size: int
        colour: str | None = None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["colour"] = None

    @event(Made)
    def __init__(self, size: int, colour: str | None = None) -> None:
        self.size = size
        self.colour = colour


def test_an_event_of_its_class_current_version_is_read_straight_and_agrees() -> None:
    app = LedgerApp()
    stored = app.mapper.to_stored_event(Versioned(size=3, colour="red").collect_events()[0])
    entry = LogEntry(1, stored.originator_id.hex, 1, stored.topic, stored.state)
    fast = from_stored(app.mapper, entry, frozenset(), {})
    assert fast is not None
    assert fast == from_event(app.mapper, entry, frozenset(), {})
    assert "class_version" not in fast[0]


def test_an_event_written_by_an_older_class_version_is_left_to_the_mapper() -> None:
    app = LedgerApp()
    stored = app.mapper.to_stored_event(Versioned(size=3).collect_events()[0])
    state = json.loads(stored.state)
    del state["class_version"], state["colour"]  # as version 1 wrote it
    entry = LogEntry(1, stored.originator_id.hex, 1, stored.topic, json.dumps(state).encode())
    assert from_stored(app.mapper, entry, frozenset(), {}) is None
    payload = from_event(app.mapper, entry, frozenset(), {})[0]
    assert payload["colour"] is None and payload["size"] == 3
