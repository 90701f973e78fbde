"""Auditor reads over the raw log: the ordered log itself and state as of a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.app import RedPropertyApp
from domain.metadata import occurred_at


def iter_log(
    app: RedPropertyApp, after: int = 0, limit: int | None = None, page: int = 500
) -> Iterator[Any]:
    """Notifications in log order after `after` (at most `limit`)."""
    sent = 0
    while limit is None or sent < limit:
        size = page if limit is None else min(page, limit - sent)
        batch = app.recorder.select_notifications(start=after, limit=size, inclusive_of_start=False)
        if not batch:
            return
        yield from batch
        sent += len(batch)
        after = batch[-1].id


def describe(app: RedPropertyApp, notification: Any) -> dict[str, Any]:
    """A readable, JSON-ready view of one log entry."""
    event = app.mapper.to_domain_event(notification)
    payload = {
        k: v
        for k, v in vars(event).items()
        if k not in ("originator_id", "originator_version", "timestamp", "meta")
    }
    return {
        "position": notification.id,
        "aggregate_id": str(notification.originator_id),
        "version": notification.originator_version,
        "type": notification.topic.rsplit(":", 1)[-1],
        "recorded_at": event.timestamp.isoformat(),
        "occurred_at": occurred_at(event).isoformat(),
        "metadata": getattr(event, "meta", {}),
        "payload": json.loads(json.dumps(payload, default=str)),
    }


def version_as_of(
    app: RedPropertyApp, aggregate_id: UUID, as_of: datetime, *, business_time: bool
) -> int:
    """The aggregate's last version at `as_of` (record time, or business time if asked)."""
    version = 0
    for stored in app.recorder.select_events(aggregate_id):
        event = app.mapper.to_domain_event(stored)
        when = occurred_at(event) if business_time else event.timestamp
        if when <= as_of:
            version = stored.originator_version
    return version


def state_as_of(
    app: RedPropertyApp, aggregate_id: UUID, as_of: datetime, *, business_time: bool = False
) -> dict[str, Any] | None:
    version = version_as_of(app, aggregate_id, as_of, business_time=business_time)
    if version == 0:
        return None
    aggregate = app.repository.get(aggregate_id, version=version)
    state = {k.lstrip("_"): v for k, v in vars(aggregate).items() if not k.startswith("_pending")}
    state["type"] = type(aggregate).__name__
    return json.loads(json.dumps(state, default=str))
