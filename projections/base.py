"""Declarative projections: one handler per event type, applied in batches.

A projection names its tables and its handlers. The runner (in infra) feeds it decoded
events in log order, many per transaction, through a `ViewBatch`, then stores the new
position in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from eventsourcing.utils import get_topic
from sqlalchemy import MetaData, Table

from projections.view_batch import ViewBatch

Handler = Callable[[Any, Any, ViewBatch], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of the given event classes."""

    def mark(fn: Handler) -> Handler:
        fn.__handles__ = event_classes  # type: ignore[attr-defined]
        return fn

    return mark


class Projection:
    name: ClassVar[str]
    metadata: ClassVar[MetaData]
    # True if handlers only read rows of the event's own aggregate, so a Kafka-fed runner
    # may apply partitions independently (see infra/kafka/projection.py)
    partition_safe: ClassVar[bool] = False
    _handlers: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                for event_class in getattr(attr, "__handles__", ()):
                    cls._handlers[get_topic(event_class)] = attr

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(self._handlers)

    @property
    def tables(self) -> dict[str, Table]:
        return dict(self.metadata.tables)

    def apply(self, event: Any, topic: str, view: ViewBatch) -> None:
        self._handlers[topic](self, event, view)

    def apply_all(self, events: Iterable[tuple[int, str, Any]], view: ViewBatch) -> None:
        for position, topic, event in events:
            view.position = position
            self.apply(event, topic, view)


def id_str(value: Any) -> str | None:
    return None if value is None else str(value)
