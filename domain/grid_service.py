"""Commands for grid workers, collection points and grid-worker assessments (R9, R10)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.grid_workers import CollectionPoint, GridWorker, GridWorkerAssessment
from domain.org_registry import OrgUnit


class GridCommands(CommandApplication):
    def _grid(self, grid_id: UUID) -> OrgUnit:
        grid = self.load_reference(OrgUnit, grid_id, "grid_id")
        if grid.kind != "grid" or grid.closed:
            raise RuleViolation(f"{grid_id} is not an open grid", field="grid_id")
        return grid

    def register_grid_worker(
        self,
        *,
        staff_code: str,
        name: str,
        employment: str,
        company_id: UUID | None = None,
        grid_ids: list[UUID] | None = None,
    ) -> CommandResult:
        self.ensure_new(GridWorker, GridWorker.create_id(staff_code), f"grid worker {staff_code}")
        grids = [self._grid(g) for g in grid_ids or []]
        worker = GridWorker.register(
            staff_code=staff_code, name=name, company_id=company_id, employment=employment
        )
        for grid in grids:
            worker.assign(grid.id)
        return self.commit(worker)

    def assign_grid_worker(self, worker_id: UUID, grid_id: UUID) -> CommandResult:
        worker = self.load(GridWorker, worker_id)
        worker.assign(self._grid(grid_id).id)
        return self.commit(worker)

    def unassign_grid_worker(self, worker_id: UUID, grid_id: UUID) -> CommandResult:
        worker = self.load(GridWorker, worker_id)
        worker.unassign(grid_id)
        return self.commit(worker)

    def open_collection_point(
        self, *, grid_id: UUID, name: str, location: str | None = None
    ) -> CommandResult:
        grid = self._grid(grid_id)
        point_id = CollectionPoint.create_id(grid.id, name)
        self.ensure_new(CollectionPoint, point_id, f"collection point {name}")
        return self.commit(CollectionPoint.open(grid.id, name, location))

    def close_collection_point(self, point_id: UUID, reason: str) -> CommandResult:
        point = self.load(CollectionPoint, point_id)
        point.close(reason)
        return self.commit(point)

    def assess_grid_workers(
        self,
        *,
        company_id: UUID,
        period: str,
        assessor_org_id: UUID,
        lines: list[dict[str, Any]],
        comment: str | None = None,
    ) -> CommandResult:
        assessor = self.load_reference(OrgUnit, assessor_org_id, "assessor_org_id")
        key = GridWorkerAssessment.create_id(company_id, period, assessor.id)
        self.ensure_new(GridWorkerAssessment, key, f"assessment of {period}")
        workers: dict[UUID, GridWorker] = {}
        for line in lines:
            worker_id = line["worker_id"]
            if worker_id not in workers:
                workers[worker_id] = self.load_reference(GridWorker, worker_id, "lines")
        assessment = GridWorkerAssessment.record(
            company_id=company_id,
            period=period,
            assessor_org_id=assessor.id,
            assessor_level=assessor.kind,
            lines=lines,
            workers=workers,
            comment=comment,
        )
        return self.commit(assessment)

    def send_assessment_to_company(
        self, assessment_id: UUID, note: str | None = None
    ) -> CommandResult:
        assessment = self.load(GridWorkerAssessment, assessment_id)
        assessment.send_to_company(note)
        return self.commit(assessment)
