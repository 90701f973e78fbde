"""Assessment ledger endpoints, writes (R13, R24): schemes and their versions; periods
opened, computed (draft), reviewed, published and re-assessed. Reads are in
`api/assessment_reads.py`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.assessment_schemas import IndicatorPage, PeriodPage, SchemeVersionPage
from api.commands import ensure_fresh, handle, services
from api.conditional import expected_version
from api.fields import BusinessDate, Text
from api.roles import DISTRICT_ASSESSORS, READERS
from api.routes import command_route, read_route
from api.schemas import PageArgs, page_of, take_paging
from api.scope import found, fresh_row
from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
    PublishAssessment,
    Reassess,
    ReviewAssessment,
    ReviseAssessmentScheme,
)
from domain.assessment_period import AssessmentPeriod
from domain.assessment_scoring import NO_DATA_RULES, PeriodFacts
from domain.indicators import INDICATORS, SUBJECT_KINDS
from projections import assessment_queries as q
from projections.assessment_facts import PROJECTION_NAME, read_period_facts
from projections.assessment_ledger import AssessmentLedgerProjection

blp = Blueprint(
    "assessment",
    __name__,
    url_prefix="/api/v1/assessment",
    description="Assessment ledger: versioned schemes, periodic scorecards (R13, R10, R24).",
)

LEDGER = AssessmentLedgerProjection.name
PERIOD_KEY = validate.Regexp(r"^\d{4}(-(0[1-9]|1[0-2])|Q[1-4])?$", error="e.g. 2020, 2020Q4")


MEASURE = validate.Range(min=-1e9, max=1e9)  # an indicator's value: a share, a count, hours
SCORE = validate.Range(min=0, max=100)


class IndicatorSpec(Schema):
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    subject_kind = Text(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    direction = Text(required=True, validate=validate.OneOf(["higher", "lower"]))
    lower = fields.Float(load_default=0.0, validate=MEASURE)
    upper = fields.Float(load_default=100.0, validate=MEASURE)
    no_data = Text(load_default=None, validate=validate.OneOf(NO_DATA_RULES))
    no_data_score = fields.Float(load_default=None, validate=validate.Range(min=0, max=100))


class GradeBand(Schema):
    grade = Text(required=True, validate=validate.Length(min=1, max=8))
    min = fields.Float(required=True, validate=SCORE)
    max = fields.Float(required=True, validate=SCORE)


class SchemeDefinition(Schema):
    subjects = fields.List(
        Text(validate=validate.OneOf(SUBJECT_KINDS)),
        required=True,
        validate=validate.Length(min=1, max=2),
    )
    indicators = fields.List(
        fields.Nested(IndicatorSpec), required=True, validate=validate.Length(min=1, max=40)
    )
    bands = fields.List(
        fields.Nested(GradeBand), required=True, validate=validate.Length(min=1, max=4)
    )
    effective_from = BusinessDate(required=True)
    override_reason = Text(
        load_default=None,
        validate=validate.Length(min=1, max=500),
        metadata={
            "description": "why satisfaction and complaint rate are not the two heaviest"
            " indicators (without it such a scheme is refused)"
        },
    )


class DefineScheme(SchemeDefinition):
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(required=True, validate=validate.Length(min=1, max=100))


class ReviseScheme(SchemeDefinition):
    note = Text(required=True, validate=validate.Length(min=1, max=500))


class AssessmentNoBody(Schema):
    pass


class OpenPeriod(Schema):
    period = Text(required=True, validate=PERIOD_KEY, metadata={"example": "2026Q2"})
    scheme_id = fields.UUID(required=True)


class Review(Schema):
    reviewer = Text(required=True, validate=validate.Length(min=1, max=100))
    note = Text(load_default="", validate=validate.Length(max=500))


class ReassessReason(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


def period_id(key: str) -> UUID:
    return AssessmentPeriod.create_id(key)


def require_period(key: str) -> None:
    """404 unless the period exists (read from the ledger read model)."""
    found(
        fresh_row(LEDGER, lambda conn: q.get_period(conn, key)), "AssessmentPeriod", period_id(key)
    )


def current_facts(key: str) -> PeriodFacts:
    """The period's facts from the input read model, caught up to the head of the log."""
    svc = services()
    ensure_fresh(PROJECTION_NAME, min_position=svc.app.recorder.max_notification_id() or 0)
    with svc.read_engine.connect() as conn:
        return read_period_facts(conn, key)


def _definition(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in DEFINITION_FIELDS}


DEFINITION_FIELDS = ("subjects", "indicators", "bands")


@blp.route("/indicators")
class Indicators(MethodView):
    @read_route(blp, READERS, IndicatorPage, PageArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The indicators a scheme may use, with their definitions of record."""
        indicators = [
            {
                "code": i.code,
                "label": i.label,
                "unit": i.unit,
                "subjects": list(i.subjects),
                "facts": list(i.facts),
                "definition": i.definition,
                "version": i.version,
                "ref": i.ref,
            }
            for i in INDICATORS.values()
        ]
        return page_of(indicators, take_paging(args))


@blp.route("/schemes")
class Schemes(MethodView):
    @read_route(blp, READERS, SchemeVersionPage, PageArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every version of every scheme."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            return page_of(q.scheme_versions(conn), take_paging(args))

    @command_route(blp, DISTRICT_ASSESSORS, DefineScheme, status=201)
    def post(self, body: dict[str, Any]) -> Response:
        """Define a scheme (version 1). Weights sum to 100 per subject kind; bands
        [min, max) cover 0..100 without overlap."""
        command = DefineAssessmentScheme(
            code=body["code"],
            name=body["name"],
            definition=_definition(body),
            effective_from=body["effective_from"],
            override_reason=body["override_reason"],
        )
        return handle(command, status=201)


@blp.route("/schemes/<uuid:scheme_id>/versions")
class SchemeVersions(MethodView):
    @command_route(blp, DISTRICT_ASSESSORS, ReviseScheme, status=201)
    def post(self, body: dict[str, Any], scheme_id: UUID) -> Response:
        """Revise a scheme: a new version, from its effective date."""
        command = ReviseAssessmentScheme(
            scheme_id,
            definition=_definition(body),
            effective_from=body["effective_from"],
            note=body["note"],
            expected_version=expected_version(),
            override_reason=body["override_reason"],
        )
        return handle(command, status=201)


@blp.route("/periods")
class Periods(MethodView):
    @read_route(blp, READERS, PeriodPage, PageArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every period with its state and current revision."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            return page_of(q.list_periods(conn), take_paging(args))

    @command_route(blp, DISTRICT_ASSESSORS, OpenPeriod, status=201)
    def post(self, body: dict[str, Any]) -> Response:
        """Open a period (month 2020-10, quarter 2020Q4 or year 2020) under a scheme."""
        return handle(OpenAssessmentPeriod(**body), status=201)


@blp.route("/periods/<string:key>/compute")
class PeriodCompute(MethodView):
    @command_route(blp, DISTRICT_ASSESSORS, AssessmentNoBody)
    def post(self, body: dict[str, Any], key: str) -> Response:
        """Compute the draft scorecards from the input facts."""
        version = expected_version()
        require_period(key)  # 404 before reading facts
        return handle(ComputeAssessment(period_id(key), current_facts(key), version))


@blp.route("/periods/<string:key>/review")
class PeriodReview(MethodView):
    @command_route(blp, DISTRICT_ASSESSORS, Review)
    def post(self, body: dict[str, Any], key: str) -> Response:
        """Mark the draft as reviewed."""
        return handle(ReviewAssessment(period_id(key), **body, expected_version=expected_version()))


@blp.route("/periods/<string:key>/publish")
class PeriodPublish(MethodView):
    @command_route(blp, DISTRICT_ASSESSORS, AssessmentNoBody)
    def post(self, body: dict[str, Any], key: str) -> Response:
        """Publish the reviewed draft; results are sent to the companies."""
        return handle(PublishAssessment(period_id(key), expected_version()))


@blp.route("/periods/<string:key>/reassess")
class PeriodReassess(MethodView):
    @command_route(blp, DISTRICT_ASSESSORS, ReassessReason)
    def post(self, body: dict[str, Any], key: str) -> Response:
        """Open a numbered re-assessment of a published period."""
        return handle(Reassess(period_id(key), **body, expected_version=expected_version()))
