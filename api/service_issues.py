"""Service issue endpoints (R9/R15): report, accept or refer, handle, feedback, close;
the issue board. Reporter phones are masked (138****1234) everywhere except in the
single-issue view for the roles that handle the issue in their scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.auth import principal, require, require_scope
from api.commands import ensure_fresh, run, services
from api.conditional import expected_version, with_etag
from api.fields import BusinessDateTime, Text
from api.roles import OFFICERS, READERS
from api.schemas import CommandResultSchema, PageArgs, PageSchema, ReadArgs, page_body
from api.scope import require_org_scope
from domain.commands import CommandResult
from domain.issue_catalog import CATEGORIES, CHANNELS, MAX_DESCRIPTION, PRIORITIES, RATINGS, STATES
from domain.service_issues import ServiceIssue
from projections import issue_board

blp = Blueprint(
    "service_issues",
    __name__,
    url_prefix="/api/v1/service-issues",
    description="Grid closed loop 采集上报 → 受理处置 → 反馈考核 (R9, R15).",
)

REPORTERS = (*OFFICERS, "grid_worker", "company_manager", "resident", "owners_committee")
HANDLERS = (*OFFICERS, "company_manager", "grid_worker")
BOARD = issue_board.IssueBoardProjection.name


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


def _scope_ids(issue: ServiceIssue) -> list[Any]:
    return [
        i for i in (issue.compound_id, issue.community_id, issue.street_id, issue.company_id) if i
    ]


def _act(issue_id: UUID, action: Callable[[int | None], CommandResult]) -> Any:
    issue = services().app.load(ServiceIssue, issue_id)
    require_scope(_scope_ids(issue))
    version = expected_version()
    return run(lambda: action(version))


@blp.route("")
class ServiceIssues(MethodView):
    @require(*READERS)
    @blp.arguments(BoardArgs, location="query")
    @blp.response(200, IssuePage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The issue board (filters: street, community, compound, grid, company, category,
        state, overdue, report month). Reporter phones are masked."""
        ensure_fresh(BOARD, min_position=args.pop("min_position", None))
        with services().read_engine.connect() as conn:
            items, total = issue_board.issue_board(conn, **args)
        return page_body(items, total, args)

    @require(*REPORTERS)
    @blp.arguments(ReportIssue)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Report an issue (采集上报) for a compound (and grid) in the caller's scope."""
        app = services().app
        who = principal()
        if who.role not in ("resident", "company_manager"):
            require_org_scope(body["compound_id"], "compound_id")
        return run(
            lambda: app.report_issue(**body), status=201, location="/api/v1/service-issues/{id}"
        )


@blp.route("/<uuid:issue_id>")
class ServiceIssueResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, IssueSchema)
    def get(self, args: dict[str, Any], issue_id: UUID) -> Any:
        """One issue. Handlers in scope also see the reporter's contact in clear."""
        ensure_fresh(BOARD, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            row = issue_board.get_issue(conn, str(issue_id))
        if row is None:
            raise NotFound(f"no service issue {issue_id}")
        who = principal()
        if who.role in HANDLERS and row["reporter_contact_masked"]:
            issue = services().app.load(ServiceIssue, issue_id)
            if who.covers(_scope_ids(issue)):
                row["reporter_contact"] = services().app.reporter_contact(issue_id)
        return with_etag(row)


def _command(path: str, schema: type[Schema], roles: tuple[str, ...], doc: str) -> Callable:
    def register(call: Callable[[Any, UUID, dict[str, Any], int | None], CommandResult]) -> None:
        def post(self: Any, body: dict[str, Any], issue_id: UUID) -> Any:
            app = services().app
            return _act(issue_id, lambda v: call(app, issue_id, body, v))

        post.__doc__ = doc
        decorated = require(*roles)(
            blp.arguments(schema)(blp.response(200, CommandResultSchema)(post))
        )
        command = type(f"Command_{path}", (MethodView,), {"post": decorated})
        blp.route(f"/<uuid:issue_id>/{path}", endpoint=path.replace("-", "_"))(command)

    return register


@_command("accept", AcceptIssue, OFFICERS + ("company_manager",), "Accept (受理) and route.")
def _accept(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.accept_issue(issue_id, **body, expected_version=v)


@_command("refer-out", Reason, OFFICERS, "Refer out: not a property matter.")
def _refer(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.refer_issue_out(issue_id, body["reason"], expected_version=v)


@_command("link-duplicate", LinkDuplicate, OFFICERS, "Link as a duplicate of an original.")
def _dup(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.link_duplicate_issue(issue_id, body["original_id"], expected_version=v)


@_command("start-handling", Empty, HANDLERS, "Start handling (处置).")
def _start(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.start_handling_issue(issue_id, expected_version=v)


@_command("handled", Resolution, HANDLERS, "Mark handled with a resolution note.")
def _handled(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.mark_issue_handled(issue_id, body["resolution"], expected_version=v)


@_command("feedback", Feedback, (*REPORTERS,), "Resident feedback (反馈); dissatisfied reopens.")
def _feedback(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.give_issue_feedback(issue_id, body["rating"], body["comment"], expected_version=v)


@_command("reopen", Reason, OFFICERS, "Reopen a handled issue.")
def _reopen(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.reopen_issue(issue_id, body["reason"], expected_version=v)


@_command("close", CloseIssue, OFFICERS, "Close after assessment (考核办结).")
def _close(app: Any, issue_id: UUID, body: dict, v: int | None) -> CommandResult:
    return app.close_issue(issue_id, body["note"], expected_version=v)
