"""Shared plumbing of the command-handling application: load, check, save, result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Recording,
)
from eventsourcing.persistence import JSONTranscoder, Transcoding, UUIDAsHex

from domain.base import ExpectedVersion, LedgerAggregate
from domain.errors import AlreadyExists, NotFound, RuleViolation
from domain.personal_data import PersonalDataVault

A = TypeVar("A", bound=LedgerAggregate)


@dataclass(frozen=True)
class CommandResult:
    """What every command returns: the aggregate it acted on, its new version, and the
    log position of its last event (for read-your-writes)."""

    id: UUID
    version: int
    position: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": str(self.id), "version": self.version, "position": self.position}


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"  # stored in events: never change it

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def uuid_from_hex(data: str) -> UUID:
    """A UUID from the 32 hex digits the log stores, without `UUID.__init__`'s string
    clean-up (a rebuild decodes a few of these per event)."""
    return UUID(int=int(data, 16)) if len(data) == 32 else UUID(data)


class FastUUIDAsHex(UUIDAsHex):
    """The library's `uuid_hex` transcoding (same name, same bytes), decoded faster."""

    def decode(self, data: str) -> UUID:
        return uuid_from_hex(data)


class LedgerProcessingEvent(ProcessingEvent[UUID]):
    """Collects our aggregates' events knowing their class. The library asks each object
    `isinstance(obj, <runtime Protocol>)`, which on Python 3.11 walks the protocol's
    attributes every time (`python -m bench.instructions` measures the difference)."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if isinstance(obj, LedgerAggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            else:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)


def replay(aggregate: Any, events: Any) -> Any:
    """The library's `project_aggregate` without its per-event runtime Protocol check."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class CommandApplication(Application[UUID]):
    """Base of the ledger application: helpers every command mixin uses."""

    personal_data: PersonalDataVault | None = None  # set by the composition root

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """As the library's `save()`, collecting through `LedgerProcessingEvent`."""
        processing_event = LedgerProcessingEvent()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, kept
        return recordings

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(FastUUIDAsHex())

    def load(
        self, cls: type[A], aggregate_id: UUID, *, expected_version: ExpectedVersion = None
    ) -> A:
        try:
            aggregate: LedgerAggregate = self.repository.get(aggregate_id, projector_func=replay)
        except AggregateNotFoundError:
            raise NotFound(f"no {_label(cls)} with id {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{aggregate_id} is not a {_label(cls)}")
        aggregate.check_version(expected_version)
        return aggregate

    def load_reference(self, cls: type[A], aggregate_id: UUID, field: str) -> A:
        """Load an aggregate named in the input; a missing one is bad input (422)."""
        try:
            return self.load(cls, aggregate_id)
        except NotFound as missing:
            raise RuleViolation(missing.message, field=field) from None

    def ensure_new(self, cls: type[LedgerAggregate], aggregate_id: UUID, what: str) -> None:
        if aggregate_id in self.repository:
            raise AlreadyExists(f"{what} already exists (id {aggregate_id})")

    def commit(self, primary: LedgerAggregate, *others: LedgerAggregate) -> CommandResult:
        """Save the aggregates in one transaction; the result names the primary one."""
        recordings = self.save(primary, *others)
        position = max((r.notification.id for r in recordings), default=0)
        return CommandResult(primary.id, primary.version, position)


def _label(cls: type) -> str:
    return cls.__name__
