"""Open311 GeoReport v2 subset (http://wiki.open311.org/GeoReport_v2), so standard
civic-issue clients work unchanged.

- services are our categories (service_code = category code, service_name = zh-CN label);
  each has metadata=true with the attributes `compound_id` (required), `grid_id`, `building`.
- POST requests.json is form-encoded per the spec; the API key is a bearer token, sent as
  `Authorization: Bearer` or as the `api_key` field. `phone` / `email` become the sealed
  reporter contact, `account_id` the reporter reference.
- status is `open` or `closed` (closed = closed, referred out, or a duplicate);
  status_notes says which of our states it is, with the last note.
- The reads are public and never show reporter contacts. Errors are problem+json.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from flask import g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import Forbidden, NotFound, Unauthorized, UnprocessableEntity

from api.auth import Principal, authenticate, principal
from api.commands import services
from api.fields import BusinessDateTime, Email, Text, Url
from api.roles import ISSUE_REPORTERS
from api.schemas import Answer
from api.service_issues import require_report_scope
from domain.errors import RuleViolation
from domain.issue_catalog import CATEGORIES, MAX_DESCRIPTION, OPEN_STATES, STATES
from domain.metadata import command_context
from domain.service_issue_commands import ReportIssue
from projections import issue_board

blp = Blueprint(
    "open311",
    __name__,
    url_prefix="/open311/v2",
    description="Open311 GeoReport v2 subset: services, requests (form-encoded POST).",
)

MAX_REQUEST_IDS = 50

ATTRIBUTES = [
    ("compound_id", "小区 (compound id)", True),
    ("grid_id", "网格 (grid id)", False),
    ("building", "楼栋 (building)", False),
]


def service(code: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": CATEGORIES[code],
        "description": f"物业服务问题: {CATEGORIES[code]} ({code})",
        "metadata": True,
        "type": "realtime",
        "keywords": code.replace("_", ","),
        "group": "物业服务",
    }


class PostRequest(Schema):
    class Meta:
        unknown = EXCLUDE

    api_key = Text(load_default=None)
    service_code = Text(required=True, validate=validate.OneOf(list(CATEGORIES)))
    description = Text(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    long = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    address_string = Text(load_default=None, validate=validate.Length(max=200))
    address_id = fields.UUID(load_default=None, metadata={"description": "a compound id"})
    compound_id = fields.UUID(load_default=None, data_key="attribute[compound_id]")
    grid_id = fields.UUID(load_default=None, data_key="attribute[grid_id]")
    building = Text(
        load_default=None, data_key="attribute[building]", validate=validate.Length(max=50)
    )
    email = Email(load_default=None)
    phone = Text(load_default=None, validate=validate.Length(min=3, max=40))
    account_id = Text(load_default=None, validate=validate.Length(min=1, max=64))
    device_id = Text(load_default=None, validate=validate.Length(max=100))
    first_name = Text(load_default=None, validate=validate.Length(max=50))
    last_name = Text(load_default=None, validate=validate.Length(max=50))
    media_url = Url(load_default=None)


class ListRequests(Schema):
    class Meta:
        unknown = EXCLUDE

    service_request_id = Text(
        load_default=None,
        validate=lambda ids: _at_most(ids.split(","), MAX_REQUEST_IDS),
        metadata={"description": f"comma-separated, at most {MAX_REQUEST_IDS}"},
    )
    service_code = Text(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    status = Text(load_default=None, validate=validate.OneOf(["open", "closed"]))
    start_date = BusinessDateTime(load_default=None)
    end_date = BusinessDateTime(load_default=None)


class ServiceSchema(Schema):
    service_code = Text()
    service_name = Text()
    description = Text()
    metadata = fields.Boolean()
    type = Text()
    keywords = Text()
    group = Text()


class AttributeSchema(Schema):
    variable = fields.Boolean()
    code = Text()
    datatype = Text()
    required = fields.Boolean()
    datatype_description = Text()
    order = fields.Integer()
    description = Text()


class ServiceDefinitionSchema(Schema):
    service_code = Text()
    attributes = fields.List(fields.Nested(AttributeSchema))


class RequestSchema(Schema):
    service_request_id = Text()
    status = Text(validate=validate.OneOf(["open", "closed"]))
    status_notes = Text()
    service_name = Text()
    service_code = Text()
    description = Text()
    agency_responsible = Text(allow_none=True)
    service_notice = Text(allow_none=True)
    requested_datetime = Text()
    updated_datetime = Text()
    expected_datetime = Text(allow_none=True)
    address = Text(allow_none=True)
    address_id = Text()
    zipcode = Text(allow_none=True)
    lat = fields.Float(allow_none=True)
    long = fields.Float(allow_none=True)
    media_url = Text(allow_none=True)


class CreatedSchema(Schema):
    service_request_id = Text()
    service_notice = Text()
    account_id = Text()


def _at_most(ids: list[str], limit: int) -> None:
    if len(ids) > limit:
        raise ValidationError(f"at most {limit} ids")


def as_open311(row: dict[str, Any]) -> dict[str, Any]:
    state = row["state"]
    note = STATES[state] + (f": {row['status_note']}" if row.get("status_note") else "")
    agency = row["department"] or (
        f"物业服务企业 {row['company_id']}" if row["company_id"] else None
    )
    return {
        "service_request_id": row["id"],
        "status": "open" if state in OPEN_STATES else "closed",
        "status_notes": note,
        "service_name": CATEGORIES[row["category"]],
        "service_code": row["category"],
        "description": row["description"],
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": row["reported_at"],
        "updated_datetime": row["updated_at"],
        "expected_datetime": row["current_due"],
        "address": row["address"],
        "address_id": row["compound_id"],
        "zipcode": None,
        "lat": row["lat"],
        "long": row["long"],
        "media_url": None,
    }


@blp.route("/services.json")
class Services(MethodView):
    @blp.response(200, ServiceSchema(many=True))
    def get(self) -> Answer:
        """The service list (our categories). Public."""
        return jsonify([service(code) for code in CATEGORIES])


@blp.route("/services/<string:code>.json")
class ServiceDefinition(MethodView):
    @blp.response(200, ServiceDefinitionSchema)
    def get(self, code: str) -> Answer:
        """A service definition: the attributes a request carries. Public."""
        if code not in CATEGORIES:
            raise NotFound(f"no service {code}")
        attributes = [
            {
                "variable": True,
                "code": name,
                "datatype": "string",
                "required": required,
                "datatype_description": label,
                "order": order,
                "description": label,
            }
            for order, (name, label, required) in enumerate(ATTRIBUTES, start=1)
        ]
        return jsonify({"service_code": code, "attributes": attributes})


@blp.route("/requests.json")
class Requests(MethodView):
    @blp.arguments(ListRequests, location="query")
    @blp.response(200, RequestSchema(many=True))
    def get(self, args: dict[str, Any]) -> Answer:
        """Requests, newest first (filters per the spec; at most 1000). Public."""
        with services().read_engine.connect() as conn:
            if args["service_request_id"]:
                rows = [
                    issue_board.get_issue(conn, i.strip())
                    for i in args["service_request_id"].split(",")
                ]
                found = [r for r in rows if r]
            else:
                status = args["status"]
                closed = tuple(s for s in STATES if s not in OPEN_STATES)
                found, _ = issue_board.issue_board(
                    conn,
                    page=1,
                    per_page=1000,
                    category=args["service_code"],
                    states=None if status is None else OPEN_STATES if status == "open" else closed,
                    reported_from=args["start_date"],
                    reported_to=args["end_date"],
                )
        items = [as_open311(r) for r in found]
        return jsonify(items)

    @blp.arguments(PostRequest, location="form")
    @blp.response(201, CreatedSchema(many=True))
    def post(self, form: dict[str, Any]) -> Answer:
        """Create a service request (form-encoded). api_key = a bearer token."""
        who = _caller(form.pop("api_key"))
        compound_id = form["compound_id"] or form["address_id"]
        if compound_id is None:
            raise _field_error("attribute[compound_id]", "the compound is required")
        require_report_scope(compound_id, form["grid_id"], "attribute[compound_id]")
        contact = form["phone"] or form["email"]
        command = ReportIssue(
            channel="open311",
            category=form["service_code"],
            compound_id=compound_id,
            grid_id=form["grid_id"],
            building=form["building"],
            description=form["description"],
            address=form["address_string"],
            lat=form["lat"],
            long=form["long"],
            reporter_contact=contact,
            reporter_ref=form["account_id"],
        )
        app = services().app
        with (
            command_context(
                actor_id=who.user_id, role=who.role, scope=who.scope, channel="open311"
            ),
            _spec_field_names(),
        ):
            result, _ = services().gateway.run(
                lambda: app.handle(command),
                idempotency_key=g.get("idempotency_key"),
                fingerprint=str(sorted(form.items())),
            )
        body = [{"service_request_id": str(result.id), "service_notice": "已受理登记"}]
        if form["account_id"]:
            body[0]["account_id"] = form["account_id"]
        response = jsonify(body)
        response.status_code = 201
        response.headers["X-Log-Position"] = str(result.position)
        return response


@blp.route("/requests/<string:request_id>.json")
class RequestResource(MethodView):
    @blp.arguments(ListRequests, location="query")
    @blp.response(200, RequestSchema(many=True))
    def get(self, _args: dict[str, Any], request_id: str) -> Answer:
        """One request, as a one-element list per the spec. Public."""
        try:
            UUID(request_id)
        except ValueError:
            raise NotFound(f"no service request {request_id}") from None
        with services().read_engine.connect() as conn:
            row = issue_board.get_issue(conn, request_id)
        if row is None:
            raise NotFound(f"no service request {request_id}")
        return jsonify([as_open311(row)])


@contextmanager
def _spec_field_names() -> Iterator[None]:
    """Name our fields as the Open311 form does in refusals (compound_id → attribute[...])."""
    try:
        yield
    except RuleViolation as refused:
        if refused.field in ("compound_id", "grid_id", "building"):
            refused.field = f"attribute[{refused.field}]"
        elif refused.field == "address":
            refused.field = "address_string"
        raise


def _caller(api_key: str | None) -> Principal:
    if g.get("principal") is None:
        if not api_key:
            raise Unauthorized("send api_key (a bearer token) or Authorization: Bearer")
        g.principal = authenticate(api_key)
    who = principal()
    if who.role not in ISSUE_REPORTERS:
        raise Forbidden(f"role {who.role} may not report issues")
    return who


def _field_error(name: str, message: str) -> Exception:
    error = UnprocessableEntity(message)
    error.data = {"messages": {"form": {name: [message]}}}  # type: ignore[attr-defined]
    return error
