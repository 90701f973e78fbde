"""Shared plumbing of the command-handling application: load, check, save, result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

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


def replay(aggregate: Any, events: Any) -> Any:
    """The library's `project_aggregate` without its per-event runtime Protocol check."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class CommandApplication(Application[UUID]):
    """Base of the ledger application: what every command handler uses. It speaks only the
    library's public API; how events are encoded and saved is wired by infra (the
    application the system runs is `infra.storage.event_store.LedgerApp`)."""

    personal_data: PersonalDataVault | None = None  # set by the composition root

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
