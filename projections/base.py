"""Declarative projections: tables and one handler per event type.

A projection names its tables (`metadata`) and marks one method per event type with
`@handles(Aggregate, "EventName")`; a handler reads and writes rows through a `View`
(projections/view.py) and never touches the database itself. The runner (infra) feeds it
decoded events in log order, many per transaction, and stores the rows and the new position
in the same transaction (infra/views/).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from eventsourcing.utils import get_topic
from sqlalchemy import MetaData, Table

from domain.moved_topics import former_topics
from projections.view import View

Handler = Callable[[Any, Any, View], None]


def handles(aggregate: type, *event_names: str) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of these events of `aggregate` (`@event("Name")`
    makes its event classes at run time: they are named here, and looked up at once).
    Stack the decorator for events of several aggregates."""
    event_classes = tuple(getattr(aggregate, name) for name in event_names)

    def mark(fn: Handler) -> Handler:
        fn.__handles__ = (*getattr(fn, "__handles__", ()), *event_classes)  # type: ignore[attr-defined]
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
                    topic = get_topic(event_class)
                    for stored_as in (topic, *former_topics(topic)):
                        cls._handlers[stored_as] = attr

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(self._handlers)

    @property
    def tables(self) -> dict[str, Table]:
        return dict(self.metadata.tables)

    def apply(self, event: Any, topic: str, view: View) -> None:
        self._handlers[topic](self, event, view)


def id_str(value: Any) -> str | None:
    return None if value is None else str(value)
