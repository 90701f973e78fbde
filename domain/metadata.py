"""Command metadata carried by every event: who, in what role and scope, when, and why.

The API (per request) and the CLI (per invocation) set the context once; every event
created while it is set copies it, so no command passes metadata by hand.
"""

from __future__ import annotations

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

META_KEYS_SET = frozenset(META_KEYS)

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


class _MetaScope:
    """The block of `command_context` (a plain class: it runs once per command)."""

    __slots__ = ("meta", "_token")

    def __init__(self, meta: dict[str, Any]) -> None:
        self.meta = meta

    def __enter__(self) -> dict[str, Any]:
        self._token = _command_context.set(self.meta)
        return self.meta

    def __exit__(self, *exc: object) -> None:
        _command_context.reset(self._token)


def command_context(**meta: Any) -> _MetaScope:
    """Set metadata for every event created inside the block. Unknown keys are refused."""
    unknown = meta.keys() - META_KEYS_SET
    if unknown:
        raise ValueError(f"unknown metadata keys: {sorted(unknown)}")
    merged = {**(_command_context.get() or {}), **{k: v for k, v in meta.items() if v is not None}}
    return _MetaScope(merged)


def occurred_at(event: Any) -> datetime:
    """Business time of an event (falls back to the record time for events without meta)."""
    meta = getattr(event, "meta", None) or {}
    value = meta.get("occurred_at")
    return datetime.fromisoformat(value) if value else event.timestamp
