"""The subsidy process: follows the log and raises the entitlements its events make due
(R11). What is due is decided in the domain (`domain/subsidy_due.py`); this module runs
that decision over the log and issues `RaiseSubsidyEntitlement` commands.

The command refuses what is not due — among it, organisations whose founding method the
eligibility setting in force excludes (by default affiliated ones, 挂靠建): those are
counted as `not_due` and nothing is raised.

Nothing is raised inside the branch's own command. The process keeps its own position
(in `projection_positions`, name `subsidy_process`); its working state (branches, open
years) is rebuilt from the log on start, without issuing commands up to that position.
Commands are idempotent through deterministic ids: a repeat is AlreadyExists and is
skipped, so a crash between a command and the position update is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic
from sqlalchemy import Engine, update

from domain.app import RedPropertyApp
from domain.errors import AlreadyExists, DomainError
from domain.metadata import command_context, occurred_at
from domain.moved_topics import former_topics
from domain.subsidy_commands import RaiseSubsidyEntitlement
from domain.subsidy_due import EVENT_TYPES, DueEntitlement, DueState, entitlements_due
from infra.projection_runner import read_state
from projections.positions import projection_positions

log = logging.getLogger(__name__)

NAME = "subsidy_process"
TOPICS = frozenset(
    stored_as
    for topic in map(get_topic, EVENT_TYPES)
    for stored_as in (topic, *former_topics(topic))
)


@dataclass
class ProcessStats:
    raised: int = 0
    already: int = 0
    not_due: int = 0


class SubsidyProcess:
    name = NAME

    def __init__(
        self, app: RedPropertyApp, engine: Engine | None = None, *, page_size: int = 2000
    ) -> None:
        self.app = app
        self.engine = engine  # where the position is kept (None: in memory only)
        self.page_size = page_size
        self.state = DueState()
        self.scanned = 0  # position up to which the working state is built
        self.memory_position = 0
        self._stored: int | None = None  # the stored position as last read or written here
        self.stats = ProcessStats()

    # -- position -------------------------------------------------------------------------

    @property
    def position(self) -> int:
        if self.engine is None:
            return self.memory_position
        if self._stored is None:
            self._stored = read_state(self.engine, NAME)[0]
        return self._stored

    def _store(self, position: int) -> None:
        if self.engine is None:
            self.memory_position = position
            return
        t = projection_positions
        with self.engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.name == NAME, t.c.position < position).values(position=position)
            )
        self._stored = max(self._stored or 0, position)

    # -- running --------------------------------------------------------------------------

    def run_once(self) -> int:
        """Read every relevant event after the scanned position; issue what is due after
        the stored position. Returns how many events were read. The position is read only
        when there is something to read, and stored only after a page that held events of
        its topics (a page without them can make nothing due, so reading it again after a
        restart issues nothing)."""
        issued_to: int | None = None
        read = 0
        while True:
            page = self.app.recorder.select_notifications(
                start=self.scanned, limit=self.page_size, inclusive_of_start=False
            )
            if not page:
                return read
            if issued_to is None:
                issued_to = self.position
            relevant = [n for n in page if n.topic in TOPICS]
            for notification in relevant:
                self._handle(notification, issue=notification.id > issued_to)
            self.scanned = page[-1].id
            read += len(page)
            if relevant and self.scanned > issued_to:
                self._store(self.scanned)
                issued_to = self.scanned

    catch_up = run_once

    def health(self) -> dict[str, Any]:
        return {
            "position": self.scanned,
            "raised": self.stats.raised,
            "already_raised": self.stats.already,
            "not_due": self.stats.not_due,
        }

    def _handle(self, notification: Any, *, issue: bool) -> None:
        event = self.app.mapper.to_domain_event(notification)
        due = entitlements_due(self.state, event)
        if issue and due:
            with command_context(
                actor_id="process:subsidy",
                role="system",
                channel="process",
                occurred_at=occurred_at(event).isoformat(),
                causation_id=f"{notification.originator_id}@{notification.originator_version}",
            ):
                for entitlement in due:
                    self._raise(entitlement)

    def _raise(self, due: DueEntitlement) -> None:
        try:
            self.app.handle(RaiseSubsidyEntitlement(due.branch_id, due.kind, due.year))
            self.stats.raised += 1
        except (AlreadyExists, IntegrityError):
            self.stats.already += 1
        except DomainError as refused:  # not due (founded before the start date, no policy...)
            self.stats.not_due += 1
            log.debug("no %s entitlement for %s: %s", due.kind, due.branch_id, refused.message)
