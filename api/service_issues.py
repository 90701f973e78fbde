"""Service issue endpoints (R9/R15): report, accept or refer, handle, feedback, close;
the issue board. Reporter phones are masked (138****1234) everywhere except in the
single-issue view for the roles that handle the issue in their scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import Connection, select
from werkzeug.exceptions import Forbidden, NotFound

from api.auth import principal, require
from api.commands import ensure_fresh, handle, services
from api.conditional import expected_version, with_etag
from api.fields import BusinessDateTime, Text
from api.read_policy import read_scope
from api.roles import (
    COMPANY_MANAGER,
    ISSUE_ACCEPTORS,
    ISSUE_FEEDBACK_GIVERS,
    ISSUE_HANDLERS,
    ISSUE_REPORTERS,
    OFFICERS,
    READERS,
)
from api.schemas import CommandResultSchema, PageArgs, PageSchema, ReadArgs, page_body
from api.scope import (
    found,
    fresh_row,
    issue_units,
    org_ancestry,
    require_issue_scope,
    require_org_scope,
)
from domain import service_issue_commands as issues
from domain.commands import CommandResult
from domain.handling import Command
from domain.issue_catalog import CATEGORIES, CHANNELS, MAX_DESCRIPTION, PRIORITIES, RATINGS, STATES
from domain.service_issue_handlers import reporter_contact
from projections import assessment_facts, issue_board

blp = Blueprint(
    "service_issues",
    __name__,
    url_prefix="/api/v1/service-issues",
    description="Grid closed loop 采集上报 → 受理处置 → 反馈考核 (R9, R15).",
)

BOARD = issue_board.IssueBoardProjection.name
ISSUE = "service_issue"


class ReportIssue(Schema):
    channel = Text(required=True, validate=validate.OneOf(list(CHANNELS)))
    category = Text(required=True, validate=validate.OneOf(list(CATEGORIES)))
    compound_id = fields.UUID(required=True)
    grid_id = fields.UUID(load_default=None)
    building = Text(load_default=None, validate=validate.Length(max=50))
    description = Text(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))
    priority = Text(load_default="normal", validate=validate.OneOf(list(PRIORITIES)))
    source_ref = Text(
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "external ticket number; a second report with it is 409"},
    )
    address = Text(load_default=None, validate=validate.Length(max=200))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    long = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    reporter_contact = Text(
        load_default=None,
        validate=validate.Length(min=3, max=40),
        metadata={"description": "personal data: sealed under the reporter's own key"},
    )
    reporter_ref = Text(load_default=None, validate=validate.Length(min=1, max=64))


class AcceptIssue(Schema):
    company_id = fields.UUID(load_default=None)
    department = Text(load_default=None, validate=validate.Length(min=1, max=100))
    body_id = fields.UUID(
        load_default=None,
        metadata={
            "description": "the community's property-work guidance committee or the "
            "street's property-management office (/api/v1/org-bodies)"
        },
    )


class Reason(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class LinkDuplicate(Schema):
    original_id = fields.UUID(required=True)


class Resolution(Schema):
    resolution = Text(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))


class Feedback(Schema):
    rating = Text(required=True, validate=validate.OneOf(list(RATINGS)))
    comment = Text(load_default=None, validate=validate.Length(max=500))


class CloseIssue(Schema):
    note = Text(load_default=None, validate=validate.Length(max=500))


class Empty(Schema):
    pass


class BoardArgs(PageArgs):
    street_id = fields.UUID()
    community_id = fields.UUID()
    compound_id = fields.UUID()
    grid_id = fields.UUID()
    company_id = fields.UUID()
    body_id = fields.UUID(metadata={"description": "routed to this guidance committee or office"})
    category = Text(validate=validate.OneOf(list(CATEGORIES)))
    state = Text(validate=validate.OneOf(list(STATES)))
    overdue = fields.Boolean()
    as_of = BusinessDateTime(metadata={"description": "for `overdue` (default now)"})
    month_from = Text(validate=validate.Regexp(r"^\d{4}-\d{2}$"))
    month_to = Text(validate=validate.Regexp(r"^\d{4}-\d{2}$"))


class IssueSchema(Schema):
    class Meta:
        unknown = "include"

    id = Text()
    category = Text()
    category_label = Text()
    state = Text()
    state_label = Text()
    reporter_contact_masked = Text(allow_none=True)
    reporter_contact = Text(
        allow_none=True, metadata={"description": "only for handlers of the issue"}
    )


class IssuePage(PageSchema):
    items = fields.List(fields.Dict())


def require_report_scope(compound_id: UUID, grid_id: UUID | None, field: str) -> None:
    """403 unless the caller may report in the compound: a company manager where its company
    serves under a service contract; everyone else in the compound (or a unit above it) or
    the grid its scope names (the command refuses a grid that is not the compound's). An
    unknown compound is a 422 on `field`."""
    who = principal()
    if who.role == COMPANY_MANAGER:
        org_ancestry(compound_id, field)
        if serving_company(compound_id, who.scope) != who.scope:
            raise Forbidden(
                "a company manager reports only in compounds its company serves under a"
                " service contract"
            )
    elif grid_id is None or who.scope != str(grid_id):  # the grid must be the compound's
        require_org_scope(compound_id, field)


def require_own_acceptance(issue_id: UUID, company_id: UUID | None) -> None:
    """403 unless a company manager accepts the issue for its own company, which serves the
    issue's compound under a service contract (an issue is routed to no company before)."""
    who = principal()
    if str(company_id) != who.scope:
        raise Forbidden("a company manager accepts an issue only for its own company")
    row = fresh_row(BOARD, lambda conn: issue_board.get_issue(conn, str(issue_id)))
    compound_id = UUID(found(row, "ServiceIssue", issue_id)["compound_id"])
    if serving_company(compound_id, who.scope) != who.scope:
        raise Forbidden(
            "a company manager accepts issues only in compounds its company serves under a"
            " service contract"
        )


def serving_company(compound_id: UUID, expected: str) -> str | None:
    """The company serving the compound under a contract, from the assessment inputs read
    model (read again at the head of the log unless it is `expected`)."""

    def read(conn: Connection) -> str | None:
        table = assessment_facts.assessment_compounds
        query = select(table.c.company_id).where(table.c.id == str(compound_id))
        return conn.execute(query).scalar_one_or_none()

    return fresh_row(
        assessment_facts.PROJECTION_NAME, read, covered=lambda company: company == expected
    )


@blp.route("")
class ServiceIssues(MethodView):
    @require(*READERS)
    @blp.arguments(BoardArgs, location="query")
    @blp.response(200, IssuePage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The issue board (filters: street, community, compound, grid, company, category,
        state, overdue, report month): the issues in the caller's read scope. Reporter
        phones are masked."""
        ensure_fresh(BOARD, min_position=args.pop("min_position", None))
        with services().read_engine.connect() as conn:
            items, total = issue_board.issue_board(conn, scope=read_scope(ISSUE), **args)
        return page_body(items, total, args)

    @require(*ISSUE_REPORTERS)
    @blp.arguments(ReportIssue)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Report an issue (采集上报) for a compound (and grid) in the caller's scope."""
        require_report_scope(body["compound_id"], body["grid_id"], "compound_id")
        command = issues.ReportIssue(**body)
        return handle(command, status=201, location="/api/v1/service-issues/{id}")


@blp.route("/<uuid:issue_id>")
class ServiceIssueResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, IssueSchema)
    def get(self, args: dict[str, Any], issue_id: UUID) -> Response:
        """One issue (404 outside the caller's read scope). Handlers in scope also see the
        reporter's contact in clear."""
        ensure_fresh(BOARD, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            row = issue_board.get_issue(conn, str(issue_id), read_scope(ISSUE))
        if row is None:
            raise NotFound(f"no service issue {issue_id}")
        handler = principal().role in ISSUE_HANDLERS
        if handler and row["reporter_contact_masked"] and principal().covers(issue_units(row)):
            row["reporter_contact"] = reporter_contact(services().app, issue_id)
        return with_etag(row)


@dataclass(frozen=True)
class Step:
    """A step in an issue's life: POST /<issue_id>/<path> with `body`, taken by `roles`,
    run as `command` on the issue at the version If-Match names; documented by the
    command's docstring."""

    path: str
    body: type[Schema]
    command: Callable[..., Command[CommandResult]]
    roles: tuple[str, ...]

    def view(self) -> Callable[..., Response]:
        def post(body: dict[str, Any], issue_id: UUID) -> Response:
            if self.path == "accept" and principal().role == COMPANY_MANAGER:
                require_own_acceptance(issue_id, body["company_id"])
            else:
                require_issue_scope(issue_id)
            version = expected_version()
            return handle(self.command(issue_id=issue_id, expected_version=version, **body))

        post.__doc__ = self.command.__doc__
        answered = blp.response(200, CommandResultSchema)(post)
        return require(*self.roles)(blp.arguments(self.body)(answered))

    def register(self) -> None:
        rule = f"/<uuid:issue_id>/{self.path}"
        blp.route(rule, endpoint=self.path.replace("-", "_"), methods=["POST"])(self.view())


STEPS = (
    Step("accept", AcceptIssue, issues.AcceptIssue, ISSUE_ACCEPTORS),
    Step("refer-out", Reason, issues.ReferIssueOut, OFFICERS),
    Step("link-duplicate", LinkDuplicate, issues.LinkDuplicateIssue, OFFICERS),
    Step("start-handling", Empty, issues.StartHandlingIssue, ISSUE_HANDLERS),
    Step("handled", Resolution, issues.MarkIssueHandled, ISSUE_HANDLERS),
    Step("feedback", Feedback, issues.GiveIssueFeedback, ISSUE_FEEDBACK_GIVERS),
    Step("reopen", Reason, issues.ReopenIssue, OFFICERS),
    Step("close", CloseIssue, issues.CloseIssue, OFFICERS),
)
for issue_step in STEPS:
    issue_step.register()
