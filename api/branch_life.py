"""Branch life (R6): 三会一课, organisational life meetings, democratic evaluations, and the
report per branch and period (held vs the minimum rule, study coverage)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import NotFound

from api.auth import principal, require, require_scope
from api.commands import ensure_fresh, handle, services
from api.fields import BusinessDate, Text
from api.party_scope import party_org, require_party_org_scope
from api.read_policy import read_scope
from api.roles import OFFICERS, READERS
from api.schemas import CommandResultSchema, ReadArgs
from domain import branch_life_commands as cmd
from domain.branch_life import DEFAULT_RULES, MEETING_KINDS, PLATFORMS, BranchLifeRules
from projections import branch_life, party_orgs

blp = Blueprint(
    "branch_life",
    __name__,
    url_prefix="/api/v1/branch-life",
    description="Branch life: 三会一课, organisational life, democratic evaluation (R6).",
)


class HoldMeeting(Schema):
    org_id = fields.UUID(required=True)
    kind = Text(required=True, validate=validate.OneOf(MEETING_KINDS))
    held_on = BusinessDate(required=True)
    platform = Text(
        required=True,
        validate=validate.OneOf(PLATFORMS),
        metadata={
            "description": "社区党校, 19点课堂, 网上e学堂, 书记直播间, on site, door-to-door"
        },
    )
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    attendees = fields.List(
        Text(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(max=500),
    )


MAX_REPORT_YEARS = 10  # two full terms of a branch committee; a report costs per period


class ReportArgs(ReadArgs):
    org_id = fields.UUID(required=True)
    date_from = BusinessDate(required=True, data_key="from")
    date_to = BusinessDate(
        required=True,
        data_key="to",
        metadata={"description": f"within {MAX_REPORT_YEARS} years of `from`"},
    )
    rule = fields.List(
        Text(validate=validate.Regexp(r"^[a-z_]+:[0-9]{1,2}:(month|quarter|year)$")),
        validate=validate.Length(max=len(MEETING_KINDS)),
        metadata={
            "description": "override the minimum rule, repeatable: kind:count:period, e.g. "
            "party_lesson:1:month (default: assembly and party lesson 1 per quarter, committee "
            "and party group 1 per month)"
        },
    )

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["date_to"] < data["date_from"]:
            raise ValidationError("must not be before 'from'", field_name="to")
        if data["date_to"] >= _years_after(data["date_from"], MAX_REPORT_YEARS):
            message = f"must be within {MAX_REPORT_YEARS} years of 'from'"
            raise ValidationError(message, field_name="to")


class KindReport(Schema):
    kind = Text()
    minimum = fields.Integer()
    per = Text()
    held = fields.Integer()
    periods = fields.Integer()
    periods_met = fields.Integer()
    met = fields.Boolean()


class ReportSchema(Schema):
    org_id = Text()
    date_from = Text(attribute="from", data_key="from")
    date_to = Text(attribute="to", data_key="to")
    meetings = fields.Integer()
    by_kind = fields.List(fields.Nested(KindReport))
    other_kinds = fields.Dict(keys=Text(), values=fields.Integer())
    members = fields.Integer()
    members_who_studied = fields.Integer()
    study_coverage_pct = fields.Float()


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


@blp.route("/meetings")
class Meetings(MethodView):
    @require(*OFFICERS, "company_manager")
    @blp.arguments(HoldMeeting)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Record a meeting held by a branch (officers in scope, or the company's manager)."""
        if principal().role == "company_manager":
            org = party_org(body["org_id"], covering=lambda row: row["company_ids"])
            require_scope(org["company_ids"])
        else:
            require_party_org_scope(body["org_id"])
        return handle(cmd.HoldBranchMeeting(**body), status=201)


@blp.route("/report")
class Report(MethodView):
    @require(*READERS)
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, ReportSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Per branch and period: meetings held vs the minimum (assembly and party lesson
        quarterly, committee and party group monthly) and the study coverage share. 404 for
        an org outside the caller's read scope."""
        ensure_fresh(
            branch_life.BranchLifeProjection.name,
            "party_orgs",
            min_position=args.get("min_position"),
        )
        rules = _rules(args.get("rule"))
        with services().read_engine.connect() as conn:
            scope = read_scope("party_org")
            if (
                not scope.everything
                and party_orgs.get_org(conn, str(args["org_id"]), scope) is None
            ):
                raise NotFound(f"no party organisation {args['org_id']}")
            return branch_life.branch_life_report(
                conn, str(args["org_id"]), args["date_from"], args["date_to"], rules
            )


def _rules(overrides: list[str] | None) -> BranchLifeRules:
    if not overrides:
        return DEFAULT_RULES
    minimums = {}
    for item in overrides:
        kind, count, period = item.split(":")
        minimums[kind] = (int(count), period)
    return BranchLifeRules(minimums=minimums, study_kinds=DEFAULT_RULES.study_kinds)
