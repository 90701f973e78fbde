"""Command metadata carried by every event: who, in what role and scope, when, and why.

The API (per request) and the CLI (per invocation) set the context once; every event
created while it is set copies it, so no command passes metadata by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

META_KEYS = (
    "actor_id",
    "role",
    "scope",
    "occurred_at",
    "correlation_id",
    "causation_id",
    "idempotency_key",
    "channel",
)

_command_context: ContextVar[dict[str, Any] | None] = ContextVar("command_context", default=None)


def current_meta() -> dict[str, Any]:
    """A copy of the metadata in force, with `occurred_at` defaulting to now (UTC)."""
    meta = dict(_command_context.get() or {})
    meta.setdefault("actor_id", "system")
    meta.setdefault("role", "system")
    meta.setdefault("channel", "internal")
    if not meta.get("occurred_at"):
        meta["occurred_at"] = datetime.now(UTC).isoformat()
    return meta


@contextmanager
def command_context(**meta: Any) -> Iterator[dict[str, Any]]:
    """Set metadata for every event created inside the block. Unknown keys are refused."""
    unknown = set(meta) - set(META_KEYS)
    if unknown:
        raise ValueError(f"unknown metadata keys: {sorted(unknown)}")
    merged = {**(_command_context.get() or {}), **{k: v for k, v in meta.items() if v is not None}}
    token = _command_context.set(merged)
    try:
        yield merged
    finally:
        _command_context.reset(token)


def occurred_at(event: Any) -> datetime:
    """Business time of an event (falls back to the record time for events without meta)."""
    meta = getattr(event, "meta", None) or {}
    value = meta.get("occurred_at")
    return datetime.fromisoformat(value) if value else event.timestamp
