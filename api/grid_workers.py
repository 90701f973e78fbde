"""Grid workers, collection points and the R10 assessment of grid workers (用、考、察、评)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.auth import WHOLE_DISTRICT, principal, require
from api.commands import ensure_fresh, handle, services
from api.conditional import with_etag
from api.fields import Text
from api.read_policy import read_scope
from api.roles import OFFICERS, READERS, UNGRIDDED_REGISTRARS
from api.schemas import Answer, CommandResultSchema, PageArgs, PageSchema, ReadArgs, page_body
from api.scope import found, fresh_row, require_org_scope
from domain import grid_commands as grid
from domain.errors import RuleViolation
from domain.grid_workers import DIMENSIONS, EMPLOYMENT, PERIOD
from projections import grid_workers as read_model

blp = Blueprint(
    "grid_workers",
    __name__,
    url_prefix="/api/v1/grid",
    description="Grid workers, collection points, grid-worker assessment (R9, R10).",
)

VIEW = read_model.GridWorkersProjection.name


class RegisterWorker(Schema):
    staff_code = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(required=True, validate=validate.Length(min=1, max=50))
    employment = Text(required=True, validate=validate.OneOf(list(EMPLOYMENT)))
    company_id = fields.UUID(load_default=None)
    grid_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=20))


class GridRef(Schema):
    grid_id = fields.UUID(required=True)


class OpenPoint(Schema):
    grid_id = fields.UUID(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    location = Text(load_default=None, validate=validate.Length(max=200))


class ScoreLine(Schema):
    worker_id = fields.UUID(required=True)
    dimension = Text(required=True, validate=validate.OneOf(list(DIMENSIONS)))
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


class Assess(Schema):
    company_id = fields.UUID(required=True)
    period = Text(
        required=True, validate=validate.Regexp(PERIOD.pattern), metadata={"example": "2026-06"}
    )
    assessor_org_id = fields.UUID(required=True)
    lines = fields.List(
        fields.Nested(ScoreLine), required=True, validate=validate.Length(min=1, max=500)
    )
    comment = Text(load_default=None, validate=validate.Length(max=500))


class SendBack(Schema):
    note = Text(load_default=None, validate=validate.Length(max=500))


class WorkerArgs(PageArgs):
    company_id = fields.UUID()
    grid_id = fields.UUID()


class ScorecardArgs(ReadArgs):
    period = Text(validate=validate.Regexp(PERIOD.pattern))


class WorkerPage(PageSchema):
    items = fields.List(fields.Dict())


class WorkerSchema(Schema):
    id = Text()
    staff_code = Text()
    name = Text()
    company_id = Text(allow_none=True)
    employment = Text()
    employment_label = Text()
    grid_count = fields.Integer()
    grid_ids = fields.List(Text())
    registered_at = Text()
    position = fields.Integer()
    version = fields.Integer()


class DimensionMean(Schema):
    label = Text()
    mean = fields.Float()
    assessments = fields.Integer()


class ScorecardWorker(Schema):
    worker_id = Text()
    name = Text(allow_none=True)
    dimensions = fields.Dict(keys=Text(), values=fields.Nested(DimensionMean))
    overall = fields.Float()


class GridScorecardSchema(Schema):
    company_id = Text()
    period = Text(allow_none=True)
    assessments = fields.Integer()
    sent_to_company = fields.Integer()
    workers = fields.List(fields.Nested(ScorecardWorker))


@blp.route("/workers")
class Workers(MethodView):
    @require(*READERS)
    @blp.arguments(WorkerArgs, location="query")
    @blp.response(200, WorkerPage)
    def get(self, args: dict[str, Any]) -> Answer:
        """Grid workers in the caller's read scope (filters: company, grid) with the grids
        they are assigned to."""
        ensure_fresh(VIEW, min_position=args.pop("min_position", None))
        with services().read_engine.connect() as conn:
            scope = read_scope("grid_worker")
            items, total = read_model.list_grid_workers(conn, scope=scope, **args)
        return page_body(items, total, args)

    @require(*OFFICERS)
    @blp.arguments(RegisterWorker)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Register a grid worker (part-time company staff or full-time) on grids in the
        caller's scope. Only the district registers one on no grid: anyone else gets a 422 on
        `grid_ids` (not a 403) because the request, not the caller, is what must change."""
        if not body["grid_ids"] and not _district_wide():
            raise RuleViolation(
                "name at least one grid in your scope: only the district registers a grid"
                " worker on no grid",
                field="grid_ids",
            )
        for grid_id in body["grid_ids"]:
            require_org_scope(grid_id, "grid_ids")
        return handle(grid.RegisterGridWorker(**body), status=201)


@blp.route("/workers/<uuid:worker_id>")
class WorkerResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, WorkerSchema)
    def get(self, args: dict[str, Any], worker_id: UUID) -> Answer:
        """One grid worker with the grids it is assigned to (404 outside the caller's read
        scope)."""
        ensure_fresh(VIEW, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            worker = read_model.get_grid_worker(conn, str(worker_id), read_scope("grid_worker"))
        if worker is None:
            raise NotFound(f"no grid worker {worker_id}")
        return with_etag(worker)


def _district_wide() -> bool:
    caller = principal()
    return caller.role in UNGRIDDED_REGISTRARS and caller.scope == WHOLE_DISTRICT


def _worker_grid(worker_id: UUID, grid_id: UUID) -> None:
    row = fresh_row(VIEW, lambda conn: read_model.get_grid_worker(conn, str(worker_id)))
    found(row, "GridWorker", worker_id)
    require_org_scope(grid_id, "grid_id")


@blp.route("/workers/<uuid:worker_id>/assign")
class Assign(MethodView):
    @require(*OFFICERS)
    @blp.arguments(GridRef)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], worker_id: UUID) -> Response:
        """Assign the worker to a grid."""
        _worker_grid(worker_id, body["grid_id"])
        return handle(grid.AssignGridWorker(worker_id=worker_id, **body))


@blp.route("/workers/<uuid:worker_id>/unassign")
class Unassign(MethodView):
    @require(*OFFICERS)
    @blp.arguments(GridRef)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], worker_id: UUID) -> Response:
        """Take the worker off a grid."""
        _worker_grid(worker_id, body["grid_id"])
        return handle(grid.UnassignGridWorker(worker_id=worker_id, **body))


@blp.route("/collection-points")
class CollectionPoints(MethodView):
    @require(*OFFICERS)
    @blp.arguments(OpenPoint)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Open an issue collection point in a grid workstation."""
        require_org_scope(body["grid_id"], "grid_id")
        return handle(grid.OpenCollectionPoint(**body), status=201)


@blp.route("/assessments")
class Assessments(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Assess)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Assess a company's grid workers for a period on the four R10 dimensions."""
        require_org_scope(body["assessor_org_id"], "assessor_org_id")
        return handle(grid.AssessGridWorkers(**body), status=201)


@blp.route("/assessments/<uuid:assessment_id>/send")
class SendAssessment(MethodView):
    @require(*OFFICERS)
    @blp.arguments(SendBack)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], assessment_id: UUID) -> Response:
        """Send the result back to the company (for awards and performance pay): an
        assessment made by an org in the caller's scope."""
        row = fresh_row(VIEW, lambda conn: read_model.get_assessment(conn, str(assessment_id)))
        assessment = found(row, "GridWorkerAssessment", assessment_id)
        require_org_scope(UUID(assessment["assessor_org_id"]))
        return handle(grid.SendGridWorkerAssessment(assessment_id=assessment_id, **body))


@blp.route("/companies/<uuid:company_id>/scorecard")
class Scorecard(MethodView):
    @require(*READERS)
    @blp.arguments(ScorecardArgs, location="query")
    @blp.response(200, GridScorecardSchema)
    def get(self, args: dict[str, Any], company_id: UUID) -> Answer:
        """The company's grid-worker scorecard: mean score per worker and dimension (404
        outside the caller's read scope)."""
        if not read_scope("company_assessment").reads_company(str(company_id)):
            raise NotFound(f"no scorecard of company {company_id}")
        ensure_fresh(VIEW, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            card = read_model.grid_worker_scorecard(conn, str(company_id), args.get("period"))
        return jsonify(card)
