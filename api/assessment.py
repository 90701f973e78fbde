"""Assessment ledger endpoints, writes (R13, R24): schemes and their versions; periods
opened, computed (draft), reviewed, published and re-assessed. Reads are in
`api/assessment_reads.py`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.auth import require
from api.commands import ensure_fresh, run, services
from api.conditional import expected_version
from api.fields import BusinessDate, Text
from api.roles import READERS
from api.schemas import CommandResultSchema, PageArgs, page_of, take_paging
from domain.assessment_period import AssessmentPeriod
from domain.assessment_scoring import PeriodFacts
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

WRITERS = ("district_admin", "street_officer")
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
    no_data_score = fields.Float(load_default=100.0, validate=validate.Range(min=0, max=100))


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


class DefineScheme(SchemeDefinition):
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(required=True, validate=validate.Length(min=1, max=100))


class ReviseScheme(SchemeDefinition):
    note = Text(required=True, validate=validate.Length(min=1, max=500))


class OpenPeriod(Schema):
    period = Text(required=True, validate=PERIOD_KEY)
    scheme_id = fields.UUID(required=True)


class Review(Schema):
    reviewer = Text(required=True, validate=validate.Length(min=1, max=100))
    note = Text(load_default="", validate=validate.Length(max=500))


class Reassess(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


def period_id(key: str) -> Any:
    return AssessmentPeriod.create_id(key)


def current_facts(key: str) -> PeriodFacts:
    """The period's facts from the input read model, caught up to the head of the log."""
    svc = services()
    ensure_fresh(PROJECTION_NAME, min_position=svc.app.recorder.max_notification_id() or 0)
    with svc.read_engine.connect() as conn:
        return read_period_facts(conn, key)


def _definition(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in ("subjects", "indicators", "bands")}


@blp.route("/indicators")
class Indicators(MethodView):
    @require(*READERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """The indicators a scheme may use, with their definitions of record."""
        indicators = [
            {
                "code": i.code,
                "label": i.label,
                "unit": i.unit,
                "subjects": list(i.subjects),
                "facts": list(i.facts),
                "definition": i.definition,
            }
            for i in INDICATORS.values()
        ]
        return page_of(indicators, take_paging(args))


@blp.route("/schemes")
class Schemes(MethodView):
    @require(*READERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Every version of every scheme."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            return page_of(q.scheme_versions(conn), take_paging(args))

    @require(*WRITERS)
    @blp.arguments(DefineScheme)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Define a scheme (version 1). Weights sum to 100 per subject kind; bands
        [min, max) cover 0..100 without overlap."""
        return run(
            lambda: services().app.define_assessment_scheme(
                code=body["code"],
                name=body["name"],
                definition=_definition(body),
                effective_from=body["effective_from"],
            ),
            status=201,
        )


@blp.route("/schemes/<uuid:scheme_id>/versions")
class SchemeVersions(MethodView):
    @require(*WRITERS)
    @blp.arguments(ReviseScheme)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any], scheme_id: Any) -> Any:
        """Revise a scheme: a new version, from its effective date."""
        version = expected_version()
        return run(
            lambda: services().app.revise_assessment_scheme(
                scheme_id,
                definition=_definition(body),
                effective_from=body["effective_from"],
                note=body["note"],
                expected_version=version,
            ),
            status=201,
        )


@blp.route("/periods")
class Periods(MethodView):
    @require(*READERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Every period with its state and current revision."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            return page_of(q.list_periods(conn), take_paging(args))

    @require(*WRITERS)
    @blp.arguments(OpenPeriod)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Open a period (month 2020-10, quarter 2020Q4 or year 2020) under a scheme."""
        return run(
            lambda: services().app.open_assessment_period(
                key=body["period"], scheme_id=body["scheme_id"]
            ),
            status=201,
        )


def _command(key: str, action: str, body: dict[str, Any]) -> Any:
    app, pid, version = services().app, period_id(key), expected_version()
    if action == "compute":
        app.load(AssessmentPeriod, pid)  # 404 before reading facts
        facts = current_facts(key)
        return run(lambda: app.compute_assessment(pid, facts, expected_version=version))
    if action == "review":
        return run(lambda: app.review_assessment(pid, **body, expected_version=version))
    if action == "publish":
        return run(lambda: app.publish_assessment(pid, expected_version=version))
    return run(lambda: app.reassess(pid, reason=body["reason"], expected_version=version))


class AssessmentNoBody(Schema):
    pass


for _action, _schema, _doc in (
    ("compute", AssessmentNoBody, "Compute the draft scorecards from the input facts."),
    ("review", Review, "Mark the draft as reviewed."),
    ("publish", AssessmentNoBody, "Publish the reviewed draft; results are sent to the companies."),
    ("reassess", Reassess, "Open a numbered re-assessment of a published period."),
):

    def _view(action: str = _action, schema: type[Schema] = _schema, doc: str = _doc) -> type:
        @require(*WRITERS)
        @blp.arguments(schema)
        @blp.response(200, CommandResultSchema)
        def post(self: Any, body: dict[str, Any], key: str) -> Any:
            return _command(key, action, body)

        post.__doc__ = doc
        return type(f"Period{action.title()}", (MethodView,), {"post": post})

    blp.route(f"/periods/<string:key>/{_action}")(_view())
