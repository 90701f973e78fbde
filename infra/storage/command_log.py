"""Idempotency records: written by the recorder in the same transaction as the events.

The gateway sets a pending record before running a command; the recorder that stores the
command's events also stores the record, so "events stored" and "key used" are one fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple


@dataclass
class PendingCommand:
    key: str
    fingerprint: str
    stored: bool = False


class CommandRecord(NamedTuple):
    key: str
    fingerprint: str
    aggregate_id: str
    version: int
    position: int
    recorded_at: str


_pending: ContextVar[PendingCommand | None] = ContextVar("pending_command", default=None)


class pending_command:  # noqa: N801 (a context manager, named like one)
    """Set a pending record for the command run inside the block."""

    __slots__ = ("pending", "_token")

    def __init__(self, key: str, fingerprint: str) -> None:
        self.pending = PendingCommand(key, fingerprint)

    def __enter__(self) -> PendingCommand:
        self._token = _pending.set(self.pending)
        return self.pending

    def __exit__(self, *exc: object) -> None:
        _pending.reset(self._token)


def current_pending() -> PendingCommand | None:
    """The pending record of the command running in this context, if it has a key."""
    return _pending.get()


def record_for(
    pending: PendingCommand | None, positions: Sequence[int], stored_events: Sequence[Any]
) -> CommandRecord | None:
    """The record to store with these events (the first events stored for `pending`)."""
    if pending is None or pending.stored or not stored_events:
        return None
    first = stored_events[0]
    version, position = first.originator_version, positions[0]
    if len(stored_events) > 1:
        primary = first.originator_id
        version = max(e.originator_version for e in stored_events if e.originator_id == primary)
        position = max(positions)
    return CommandRecord(
        pending.key,
        pending.fingerprint,
        str(first.originator_id),
        version,
        position,
        datetime.now(UTC).isoformat(),
    )
