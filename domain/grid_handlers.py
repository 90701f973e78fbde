"""Handlers of the grid commands (`domain.grid_commands`): load → one domain call → commit."""

from __future__ import annotations

from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.dates import business_day
from domain.errors import NotFound, RuleViolation
from domain.grid_commands import (
    AssessGridWorkers,
    AssignGridWorker,
    CloseCollectionPoint,
    OpenCollectionPoint,
    RegisterGridWorker,
    SendGridWorkerAssessment,
    UnassignGridWorker,
)
from domain.grid_workers import CollectionPoint, GridWorker, GridWorkerAssessment
from domain.handling import HandlerTable
from domain.org_bodies import BodyKind, OrgBody, require_in_office
from domain.org_bodies_handlers import body_in_office
from domain.org_registry import OrgUnit


def _open_grid(app: CommandApplication, grid_id: UUID) -> OrgUnit:
    grid = app.load_reference(OrgUnit, grid_id, "grid_id")
    if grid.kind != "grid" or grid.closed:
        raise RuleViolation(f"{grid_id} is not an open grid", field="grid_id")
    return grid


def register_grid_worker(app: CommandApplication, command: RegisterGridWorker) -> CommandResult:
    staff_code = command.staff_code
    app.ensure_new(GridWorker, GridWorker.create_id(staff_code), f"grid worker {staff_code}")
    grids = [_open_grid(app, g) for g in command.grid_ids]
    worker = GridWorker.register(
        staff_code=staff_code,
        name=command.name,
        company_id=command.company_id,
        employment=command.employment,
    )
    for grid in grids:
        worker.assign(grid.id)
    return app.commit(worker)


def assign_grid_worker(app: CommandApplication, command: AssignGridWorker) -> CommandResult:
    worker = app.load(GridWorker, command.worker_id)
    worker.assign(_open_grid(app, command.grid_id).id)
    return app.commit(worker)


def unassign_grid_worker(app: CommandApplication, command: UnassignGridWorker) -> CommandResult:
    worker = app.load(GridWorker, command.worker_id)
    worker.unassign(command.grid_id)
    return app.commit(worker)


def open_collection_point(app: CommandApplication, command: OpenCollectionPoint) -> CommandResult:
    grid = _open_grid(app, command.grid_id)
    point_id = CollectionPoint.create_id(grid.id, command.name)
    app.ensure_new(CollectionPoint, point_id, f"collection point {command.name}")
    return app.commit(CollectionPoint.open(grid.id, command.name, command.location))


def close_collection_point(app: CommandApplication, command: CloseCollectionPoint) -> CommandResult:
    point = app.load(CollectionPoint, command.point_id)
    point.close(command.reason)
    return app.commit(point)


def assess_grid_workers(app: CommandApplication, command: AssessGridWorkers) -> CommandResult:
    assessor_id, assessor_level = _assessor(app, command.assessor_org_id)
    key = GridWorkerAssessment.create_id(command.company_id, command.period, assessor_id)
    app.ensure_new(GridWorkerAssessment, key, f"assessment of {command.period}")
    workers: dict[UUID, GridWorker] = {}
    for line in command.lines:
        worker_id = line["worker_id"]
        if worker_id not in workers:
            workers[worker_id] = app.load_reference(GridWorker, worker_id, "lines")
    assessment = GridWorkerAssessment.record(
        company_id=command.company_id,
        period=command.period,
        assessor_org_id=assessor_id,
        assessor_level=assessor_level,
        lines=command.lines,
        workers=workers,
        comment=command.comment,
    )
    return app.commit(assessment)


def _assessor(app: CommandApplication, named: UUID) -> tuple[UUID, str]:
    """The street party working committee (the street stands for it) or the community party
    organisation (社区党组织) assesses (R10); a community named by its id is assessed for by
    its party organisation in office today."""
    field, today = "assessor_org_id", business_day()
    try:
        body = app.load(OrgBody, named)
    except NotFound:
        unit = app.load_reference(OrgUnit, named, field)
        if unit.kind != "community":
            return unit.id, unit.kind
        body = body_in_office(app, unit.id, BodyKind.COMMUNITY_PARTY_ORG, today, field)
    body = require_in_office(body, (BodyKind.COMMUNITY_PARTY_ORG,), today, field)
    return body.id, "community"


def send_grid_worker_assessment(
    app: CommandApplication, command: SendGridWorkerAssessment
) -> CommandResult:
    assessment = app.load(GridWorkerAssessment, command.assessment_id)
    assessment.send_to_company(command.note)
    return app.commit(assessment)


HANDLERS: HandlerTable = {
    RegisterGridWorker: register_grid_worker,
    AssignGridWorker: assign_grid_worker,
    UnassignGridWorker: unassign_grid_worker,
    OpenCollectionPoint: open_collection_point,
    CloseCollectionPoint: close_collection_point,
    AssessGridWorkers: assess_grid_workers,
    SendGridWorkerAssessment: send_grid_worker_assessment,
}
