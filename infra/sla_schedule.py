"""The SLA tick: record DeadlineMissed + Escalated for every issue whose deadline has
passed. Run by `redprop sla tick` by hand and by `redprop worker` on a schedule."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.metadata import command_context
from domain.service_issue_commands import RecordMissedDeadlines
from projections.issue_board import overdue_issue_ids

if TYPE_CHECKING:
    from infra.bootstrap import System

log = logging.getLogger(__name__)


def record_missed(system: System, moment: datetime, context: dict[str, str]) -> tuple[int, int]:
    """(issues checked, deadlines newly recorded as missed) at business time `moment`,
    from the issue board as far as it has got."""
    with system.read_engine.connect() as conn:
        candidates = [UUID(i) for i in overdue_issue_ids(conn, moment)]
    with command_context(**context, occurred_at=moment.isoformat()):
        missed = system.app.handle(RecordMissedDeadlines(issue_ids=tuple(candidates), now=moment))
    return len(candidates), missed


def tick(system: System) -> int:
    """The worker's scheduled tick, as the system actor, at the current time (the worker
    has just caught the projections up in the same round)."""
    moment = datetime.now(UTC)
    context = {"actor_id": "system:sla-tick", "role": "system", "scope": "*", "channel": "worker"}
    checked, missed = record_missed(system, moment, context)
    if missed:
        log.info("sla tick", extra={"event": "sla_tick", "checked": checked, "missed": missed})
    return missed
