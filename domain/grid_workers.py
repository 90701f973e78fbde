"""R9/R10 grid workers, collection points and the assessment of grid workers.

Events (stable):

- ``GridWorker.Registered``: staff_code, name, company_id (None for full-time staff of
  the grid service centre), employment ("part_time" company staff / "full_time").
- ``GridWorker.AssignedToGrid`` / ``GridWorker.UnassignedFromGrid``: grid_id.
- ``CollectionPoint.Opened``: grid_id, name, location; ``CollectionPoint.Closed``: reason.
- ``GridWorkerAssessment.Recorded``: company_id, period ("2020-07" or "2020-Q3"),
  assessor_org_id (a street or community), assessor_level, lines (list of
  {worker_id, dimension, score 0..100}), comment.
- ``GridWorkerAssessment.SentToCompany``: note (the result goes back to the company for
  awards and performance pay; R10).

Dimensions are the four powers of R10 用、考、察、评 (see DIMENSIONS).
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import InvalidTransition, RuleViolation

EMPLOYMENT = {"part_time": "兼职网格员", "full_time": "专职网格员"}
DIMENSIONS = {
    "deployment": "用 (调度使用)",
    "performance": "考 (工作考核)",
    "inspection": "察 (日常考察)",
    "evaluation": "评 (群众评议)",
}
ASSESSOR_LEVELS = ("street", "community")
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")


class GridWorker(LedgerAggregate):
    @staticmethod
    def create_id(staff_code: str, **_: object) -> UUID:
        return natural_id("grid-worker", staff_code)

    @classmethod
    def register(
        cls, *, staff_code: str, name: str, company_id: UUID | None, employment: str
    ) -> GridWorker:
        if employment not in EMPLOYMENT:
            raise RuleViolation(f"unknown employment {employment!r}", field="employment")
        if employment == "part_time" and company_id is None:
            raise RuleViolation("a part-time grid worker is company staff", field="company_id")
        return cls(
            staff_code=require_text(staff_code, "staff_code", max_len=40),
            name=require_text(name, "name", max_len=50),
            company_id=company_id,
            employment=employment,
        )

    @event("Registered")
    def __init__(
        self, *, staff_code: str, name: str, company_id: UUID | None, employment: str
    ) -> None:
        self.staff_code = staff_code
        self.name = name
        self.company_id = company_id
        self.employment = employment
        self.grids: list[UUID] = []

    def assign(self, grid_id: UUID) -> None:
        if grid_id in self.grids:
            raise InvalidTransition("the worker is already assigned to this grid")
        self._assigned(grid_id=grid_id)

    def unassign(self, grid_id: UUID) -> None:
        if grid_id not in self.grids:
            raise InvalidTransition("the worker is not assigned to this grid")
        self._unassigned(grid_id=grid_id)

    @event("AssignedToGrid")
    def _assigned(self, grid_id: UUID) -> None:
        self.grids.append(grid_id)

    @event("UnassignedFromGrid")
    def _unassigned(self, grid_id: UUID) -> None:
        self.grids.remove(grid_id)


class CollectionPoint(LedgerAggregate):
    @staticmethod
    def create_id(grid_id: UUID, name: str, **_: object) -> UUID:
        return natural_id("collection-point", grid_id, name)

    @event("Opened")
    def __init__(self, grid_id: UUID, name: str, location: str | None) -> None:
        self.grid_id = grid_id
        self.name = name
        self.location = location
        self.closed = False

    @classmethod
    def open(cls, grid_id: UUID, name: str, location: str | None) -> CollectionPoint:
        where = require_text(location, "location", max_len=200) if location else None
        return cls(grid_id=grid_id, name=require_text(name, "name", max_len=100), location=where)

    def close(self, reason: str) -> None:
        if self.closed:
            raise InvalidTransition("the collection point is already closed")
        self._closed(reason=require_text(reason, "reason", max_len=500))

    @event("Closed")
    def _closed(self, reason: str) -> None:
        self.closed = True


class GridWorkerAssessment(LedgerAggregate):
    @staticmethod
    def create_id(company_id: UUID, period: str, assessor_org_id: UUID, **_: object) -> UUID:
        return natural_id("grid-worker-assessment", company_id, period, assessor_org_id)

    @classmethod
    def record(
        cls,
        *,
        company_id: UUID,
        period: str,
        assessor_org_id: UUID,
        assessor_level: str,
        lines: list[dict[str, Any]],
        workers: dict[UUID, GridWorker],
        comment: str | None = None,
    ) -> GridWorkerAssessment:
        if not PERIOD.match(period or ""):
            raise RuleViolation("period is YYYY-MM or YYYY-Qn", field="period")
        if assessor_level not in ASSESSOR_LEVELS:
            raise RuleViolation("the assessor is a street or a community", field="assessor_org_id")
        if not lines:
            raise RuleViolation("an assessment needs at least one score", field="lines")
        clean, seen = [], set()
        for line in lines:
            worker = workers.get(line["worker_id"])
            if worker is None or worker.company_id != company_id:
                raise RuleViolation(
                    f"grid worker {line['worker_id']} is not staff of this company",
                    field="lines",
                )
            if line["dimension"] not in DIMENSIONS:
                raise RuleViolation(f"unknown dimension {line['dimension']!r}", field="lines")
            if not isinstance(line["score"], int) or not 0 <= line["score"] <= 100:
                raise RuleViolation("a score is an integer 0..100", field="lines")
            key = (line["worker_id"], line["dimension"])
            if key in seen:
                raise RuleViolation("one score per worker and dimension", field="lines")
            seen.add(key)
            clean.append(
                {
                    "worker_id": str(worker.id),
                    "dimension": line["dimension"],
                    "score": line["score"],
                }
            )
        note = require_text(comment, "comment", max_len=500) if comment else None
        return cls(
            company_id=company_id,
            period=period,
            assessor_org_id=assessor_org_id,
            assessor_level=assessor_level,
            lines=clean,
            comment=note,
        )

    @event("Recorded")
    def __init__(
        self,
        *,
        company_id: UUID,
        period: str,
        assessor_org_id: UUID,
        assessor_level: str,
        lines: list[dict[str, Any]],
        comment: str | None,
    ) -> None:
        self.company_id = company_id
        self.period = period
        self.assessor_org_id = assessor_org_id
        self.sent = False

    def send_to_company(self, note: str | None = None) -> None:
        if self.sent:
            raise InvalidTransition("the result was already sent to the company")
        self._sent(note=require_text(note, "note", max_len=500) if note else None)

    @event("SentToCompany")
    def _sent(self, note: str | None) -> None:
        self.sent = True
