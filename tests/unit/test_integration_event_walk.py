"""Reading an event's public fields straight from its stored JSON agrees with decoding it
through the mapper, wherever its typed values sit (the walk stops once it has met them
all)."""

from __future__ import annotations

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
