"""The subsidy process: follows the log and raises entitlements (R11).

It reads party-org foundings and ends (dissolved or merged), policy settings and year openings from
the log, in order, and issues `raise_subsidy_entitlement` commands:

- a branch founded        → its start-up fund, and the yearly subsidy of every open year
                            in which it is active;
- a year opened           → the yearly subsidy of every branch active in that year;
- a policy set or changed → the start-up fund of every known branch (newly eligible ones);
- eligibility set         → the start-up fund and open years' subsidies of every known
                            branch (those whose founding method became eligible).

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
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic
from sqlalchemy import Engine, update

from domain import subsidy_branches as branches
from domain.errors import AlreadyExists, DomainError
from domain.metadata import command_context, occurred_at
from domain.subsidy_policy import STARTUP, YEARLY, SubsidyPolicy, months_active
from infra.projection_runner import read_state
from projections.positions import projection_positions

log = logging.getLogger(__name__)

NAME = "subsidy_process"
POLICY = (get_topic(SubsidyPolicy.Configured), get_topic(SubsidyPolicy.Changed))
YEAR_OPENED = get_topic(SubsidyPolicy.YearOpened)
ELIGIBILITY = get_topic(SubsidyPolicy.EligibilitySet)


def relevant(topic: str) -> bool:
    """Party-org foundings and ends (matched by the contract's class and event
    names, see domain/subsidy_branches.py), policy settings and year openings."""
    return (
        branches.is_founded(topic)
        or branches.is_ended(topic)
        or topic in POLICY
        or topic in (YEAR_OPENED, ELIGIBILITY)
    )


@dataclass
class Branch:
    founded_on: date
    dissolved_on: date | None = None


@dataclass
class ProcessStats:
    raised: int = 0
    already: int = 0
    not_due: int = 0


class SubsidyProcess:
    name = NAME

    def __init__(self, app: Any, engine: Engine | None = None, *, page_size: int = 2000) -> None:
        self.app = app
        self.engine = engine  # where the position is kept (None: in memory only)
        self.page_size = page_size
        self.branches: dict[str, Branch] = {}
        self.open_years: set[int] = set()
        self.scanned = 0  # position up to which the working state is built
        self.memory_position = 0
        self.stats = ProcessStats()

    # -- position -------------------------------------------------------------------------

    @property
    def position(self) -> int:
        if self.engine is None:
            return self.memory_position
        return read_state(self.engine, NAME)[0]

    def _store(self, position: int) -> None:
        if self.engine is None:
            self.memory_position = position
            return
        t = projection_positions
        with self.engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.name == NAME, t.c.position < position).values(position=position)
            )

    # -- running --------------------------------------------------------------------------

    def run_once(self) -> int:
        """Read every relevant event after the scanned position; issue what is due after
        the stored position. Returns how many events were read."""
        issued_to = self.position
        read = 0
        while True:
            page = self.app.recorder.select_notifications(
                start=self.scanned, limit=self.page_size, inclusive_of_start=False
            )
            if not page:
                return read
            for notification in page:
                if relevant(notification.topic):
                    self._handle(notification, issue=notification.id > issued_to)
            self.scanned = page[-1].id
            read += len(page)
            if self.scanned > issued_to:
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
        topic = notification.topic
        key = str(notification.originator_id)
        due: list[tuple[str, str, int | None]] = []
        if branches.is_founded(topic):
            self.branches[key] = Branch(branches.founded_on(event))
            due.append((key, STARTUP, None))
            due += [(key, YEARLY, y) for y in sorted(self.open_years) if self._active(key, y)]
        elif branches.is_ended(topic):
            if key in self.branches:
                self.branches[key].dissolved_on = branches.ended_on(topic, event)
        elif topic == YEAR_OPENED:
            self.open_years.add(event.year)
            due += [(b, YEARLY, event.year) for b in self.branches if self._active(b, event.year)]
        elif topic in POLICY:
            due += [(b, STARTUP, None) for b in self.branches]
        elif topic == ELIGIBILITY:
            for b in self.branches:
                due.append((b, STARTUP, None))
                due += [(b, YEARLY, y) for y in sorted(self.open_years) if self._active(b, y)]
        if issue and due:
            with command_context(
                actor_id="process:subsidy",
                role="system",
                channel="process",
                occurred_at=occurred_at(event).isoformat(),
                causation_id=f"{notification.originator_id}@{notification.originator_version}",
            ):
                for branch_id, kind, year in due:
                    self._raise(branch_id, kind, year)

    def _active(self, branch_id: str, year: int) -> bool:
        branch = self.branches[branch_id]
        return months_active(year, branch.founded_on, branch.dissolved_on) > 0

    def _raise(self, branch_id: str, kind: str, year: int | None) -> None:
        try:
            self.app.raise_subsidy_entitlement(branch_id=UUID(branch_id), kind=kind, year=year)
            self.stats.raised += 1
        except (AlreadyExists, IntegrityError):
            self.stats.already += 1
        except DomainError as refused:  # not due (founded before the start date, no policy...)
            self.stats.not_due += 1
            log.debug("no %s entitlement for %s: %s", kind, branch_id, refused.message)
