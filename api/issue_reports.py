"""Grid loop figures and settings: funnel, 12345-style rates, overdue list, SLA policy,
erasure of a reporter's personal data (R9, R13, R15)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.auth import require
from api.commands import ensure_fresh, handle, services
from api.fields import BusinessDateTime, Text
from api.read_policy import read_scope
from api.roles import DISTRICT_ADMIN, READERS
from api.schemas import (
    Answer,
    CommandResultSchema,
    PageArgs,
    PageSchema,
    Paging,
    ReadArgs,
    page_body,
    page_of,
    take_paging,
)
from domain.figures import COMPLAINT_RATE, RESOLUTION_RATE, RESPONSE_RATE, SATISFACTION_RATE
from domain.issue_catalog import CATEGORIES, PRIORITIES
from domain.service_issue_commands import DefineSlaPolicy, EraseReporter
from domain.service_issue_handlers import sla_policy
from domain.sla import DAY, MAX_SLA_DAYS
from projections import issue_board, issue_metrics, org_closure
from projections.assessment_facts import PROJECTION_NAME as ASSESSMENT_INPUTS

blp = Blueprint(
    "issue_reports",
    __name__,
    url_prefix="/api/v1/grid-loop",
    description="Funnel, rates, overdue list and SLA policy of the grid closed loop.",
)

BOARD = issue_board.IssueBoardProjection.name
CLOSURE = org_closure.OrgClosureProjection.name
MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="a month is YYYY-MM")


class AreaArgs(ReadArgs):
    street_id = fields.UUID()
    community_id = fields.UUID()
    compound_id = fields.UUID()
    company_id = fields.UUID()
    category = Text(validate=validate.OneOf(list(CATEGORIES)))
    month_from = Text(validate=MONTH)
    month_to = Text(validate=MONTH)


class FunnelArgs(Paging, AreaArgs):
    by = Text(validate=validate.OneOf(list(issue_metrics.GROUPS)))
    per_month = fields.Boolean(load_default=False)


class RateArgs(Paging, AreaArgs):
    per = Text(required=True, validate=validate.OneOf(["company", "community"]))


class OverdueArgs(PageArgs):
    as_of = BusinessDateTime()
    street_id = fields.UUID()
    community_id = fields.UUID()
    company_id = fields.UUID()


MAX_SLA_RULES = (len(CATEGORIES) + 1) * (len(PRIORITIES) + 1)  # one per pair, "*" included


MINUTES = validate.Range(min=1, max=MAX_SLA_DAYS * DAY)


class Rule(Schema):
    category = Text(load_default="*", validate=validate.OneOf(["*", *CATEGORIES]))
    priority = Text(load_default="*", validate=validate.OneOf(["*", *PRIORITIES]))
    accept_minutes = fields.Integer(required=True, validate=MINUTES)
    handle_minutes = fields.Integer(required=True, validate=MINUTES)
    feedback_minutes = fields.Integer(required=True, validate=MINUTES)


class SlaPolicyBody(Schema):
    rules = fields.List(
        fields.Nested(Rule), required=True, validate=validate.Length(min=1, max=MAX_SLA_RULES)
    )
    effective_from = BusinessDateTime(load_default=None)


class FunnelRow(Schema):
    class Meta:
        unknown = "include"

    month = Text()
    area_id = Text()
    reported = fields.Integer()
    accepted = fields.Integer()
    referred = fields.Integer()
    duplicates = fields.Integer()
    handled = fields.Integer()
    resolved = fields.Integer()
    reopened = fields.Integer()


class FunnelPage(PageSchema):
    items = fields.List(fields.Nested(FunnelRow))


class RateRow(Schema):
    group_id = Text(metadata={"description": "the company or community"})
    reported = fields.Integer()
    accepted = fields.Integer()
    resolved = fields.Integer()
    complaints = fields.Integer(
        metadata={
            "description": "items accepted for a company, neither referred out nor duplicates"
        }
    )
    response_rate = fields.Float(
        allow_none=True, metadata={"description": f"%, {RESPONSE_RATE.ref}"}
    )
    resolution_rate = fields.Float(
        allow_none=True, metadata={"description": f"%, {RESOLUTION_RATE.ref}"}
    )
    satisfaction_rate = fields.Float(
        allow_none=True, metadata={"description": f"%, {SATISFACTION_RATE.ref}"}
    )
    definitions = fields.Dict(
        keys=Text(),
        values=Text(),
        metadata={"description": "the figure definition (code@version) behind each rate"},
    )
    complaint_rate = fields.Float(
        allow_none=True, metadata={"description": f"per 100 households, {COMPLAINT_RATE.ref}"}
    )
    households = fields.Integer(
        metadata={"description": "households under contract at the end of the period"}
    )
    median_hours_to_close = fields.Float(allow_none=True)


class RatePage(PageSchema):
    items = fields.List(fields.Nested(RateRow))


class OverduePage(PageSchema):
    items = fields.List(fields.Dict(), metadata={"description": "rows of the issue board"})


class SlaVersion(Schema):
    version = fields.Integer()
    effective_from = Text(metadata={"description": "ISO date-time"})
    rules = fields.List(fields.Nested(Rule))


class SlaPolicySchema(Schema):
    name = Text()
    versions = fields.List(fields.Nested(SlaVersion))


@blp.route("/funnel")
class Funnel(MethodView):
    @require(*READERS)
    @blp.arguments(FunnelArgs, location="query")
    @blp.response(200, FunnelPage)
    def get(self, args: dict[str, Any]) -> Answer:
        """Reported → accepted / referred → handled → resolved to satisfaction, reopened."""
        ensure_fresh(BOARD, min_position=args.pop("min_position", None))
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            return page_of(issue_metrics.funnel(conn, **args), paging)


@blp.route("/rates")
class Rates(MethodView):
    @require(*READERS)
    @blp.arguments(RateArgs, location="query")
    @blp.response(200, RatePage)
    def get(self, args: dict[str, Any]) -> Answer:
        """Response, resolution, satisfaction and complaint rates (per 100 households under
        contract) and median hours to close, per company or per community (definitions in
        the README)."""
        ensure_fresh(BOARD, ASSESSMENT_INPUTS, CLOSURE, min_position=args.pop("min_position", None))
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            return jsonify(page_of(issue_metrics.rates(conn, **args), paging))


@blp.route("/overdue")
class Overdue(MethodView):
    @require(*READERS)
    @blp.arguments(OverdueArgs, location="query")
    @blp.response(200, OverduePage)
    def get(self, args: dict[str, Any]) -> Answer:
        """Open issues past their current deadline at `as_of` (default now), in the caller's
        read scope."""
        ensure_fresh(BOARD, min_position=args.pop("min_position", None))
        as_of = args.pop("as_of", None) or datetime.now(UTC)
        with services().read_engine.connect() as conn:
            scope = read_scope("service_issue")
            items, total = issue_board.overdue_issues(conn, as_of, scope=scope, **args)
        return jsonify(page_body(items, total, args))


@blp.route("/sla-policy")
class SlaPolicyResource(MethodView):
    @require(*READERS)
    @blp.response(200, SlaPolicySchema)
    def get(self) -> Answer:
        """The SLA policy with every version (deadlines in minutes per category/priority)."""
        policy = sla_policy(services().app)
        if policy is None:
            raise NotFound("no SLA policy has been defined")
        return jsonify(
            {
                "name": policy.name,
                "versions": [
                    {**v, "effective_from": v["effective_from"].isoformat()}
                    for v in policy.versions
                ],
            }
        )

    @require(DISTRICT_ADMIN)
    @blp.arguments(SlaPolicyBody)
    @blp.response(200, CommandResultSchema)
    def put(self, body: dict[str, Any]) -> Response:
        """Define the SLA policy or record a new version of it."""
        return handle(DefineSlaPolicy(**body))


@blp.route("/reporters/<string:reporter_ref>/contact")
class ReporterContact(MethodView):
    @require(DISTRICT_ADMIN)
    @blp.response(204)
    def delete(self, reporter_ref: str) -> str:
        """Erase a reporter's personal data (PIPL): forget their key (crypto-shredding)."""
        if not services().app.handle(EraseReporter(reporter_ref=reporter_ref)):
            raise NotFound(f"no personal data kept for reporter {reporter_ref}")
        return ""
