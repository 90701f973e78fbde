"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), so standard civic-issue
clients work unchanged. docs/http-api.md ("Open311") says what is supported.

- Every resource answers `.json` or `.xml`; discovery is `/open311/discovery.{json,xml}`.
- One jurisdiction: `jurisdiction_id` may be left out; any other value than the configured
  one is 404. Errors are the spec's array of `{code, description}` (open311_format).
- services are our categories; each has metadata=true with the attributes `compound_id`
  (required), `grid_id`, `building`.
- POST requests is form-encoded; the api_key is a bearer token, sent as `api_key` or as
  `Authorization: Bearer`. `phone` / `email` become the sealed reporter contact.
- status is `open` or `closed` (closed = closed, referred out, or a duplicate); status_notes
  says which of our states it is. agency_responsible is the name of the
  handling company or department.
- The reads are public (a token changes nothing) and show no free text a reporter or an
  officer wrote, which may name people or flats: `description`, `address` and the notes
  are withheld (null; status_notes is the state's label), lat/long are rounded to 3
  decimals (about 100 m), and reporter contacts never leave the ledger. The full record is
  GET /api/v1/service-issues/{id}, under the read policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Response, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Connection
from werkzeug.exceptions import Forbidden, HTTPException, NotFound

from api.auth import Principal, authenticate, principal
from api.commands import services
from api.open311_format import (
    FORMAT,
    answer,
    on_domain_error,
    on_http_error,
    on_unexpected,
    xml_alternative,
)
from api.open311_schemas import (
    MAX_RANGE,
    MAX_REQUEST_IDS,
    CreatedSchema,
    DiscoverySchema,
    ListRequests,
    PostRequest,
    RequestSchema,
    ServiceDefinitionSchema,
    ServiceSchema,
    SpecArgs,
    SpecErrorSchema,
)
from api.roles import ISSUE_REPORTERS
from api.schemas import Answer
from api.service_issues import require_report_scope
from domain.errors import DomainError, RuleViolation
from domain.issue_catalog import CATEGORIES, OPEN_STATES, STATES
from domain.metadata import command_context
from domain.service_issue_commands import ReportIssue
from projections import dual_coverage, issue_board

__all__ = ["MAX_REQUEST_IDS", "RequestSchema", "ServiceDefinitionSchema", "ServiceSchema", "blp"]

blp = Blueprint(
    "open311",
    __name__,
    url_prefix="/open311",
    description="Open311 GeoReport v2: discovery, services, requests (.json or .xml).",
)
blp.register_error_handler(HTTPException, on_http_error)
blp.register_error_handler(DomainError, on_domain_error)
blp.register_error_handler(Exception, on_unexpected)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00Z"  # bump when the services or their definitions change
PLACE_DECIMALS = 3
CLOSED_STATES = tuple(s for s in STATES if s not in OPEN_STATES)
ATTRIBUTES = [
    ("compound_id", "小区 (compound id)", True),
    ("grid_id", "网格 (grid id)", False),
    ("building", "楼栋 (building)", False),
]
SPEC_ERRORS = {
    status: {
        "description": meaning,
        "content": {
            "application/json": {"schema": {"type": "array", "items": SpecErrorSchema}},
            **xml_alternative("errors"),
        },
    }
    for status, meaning in [
        (400, "missing or invalid fields (each named in a description)"),
        (403, "a missing or invalid api_key (POST), or a role that may not report"),
        (404, "an unknown jurisdiction_id, service_code or service_request_id"),
        (413, "a request body over the size limit"),
        (414, "a query string over the length limit"),
        (431, "a header over the size limit"),
    ]
}


def documented(root: str, status: int = 200) -> Any:
    """OpenAPI: the XML twin of the success answer, and the spec's error answers."""
    return blp.doc(responses={status: {"content": xml_alternative(root)}, **SPEC_ERRORS})


@blp.before_request
def check_jurisdiction() -> None:
    """One jurisdiction is served: leaving jurisdiction_id out is the same as naming it."""
    given = request.args.get("jurisdiction_id")
    if request.method == "POST" and not given:
        given = request.form.get("jurisdiction_id")
    served = services().open311_jurisdiction
    if given and given != served:
        raise NotFound(f"jurisdiction_id was not found: this endpoint serves only {served}")


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


def coarse(degrees: float | None) -> float | None:
    """A coordinate to about 100 m: the compound, not the flat."""
    return None if degrees is None else round(degrees, PLACE_DECIMALS)


def as_open311(row: dict[str, Any], company_names: dict[str, str]) -> dict[str, Any]:
    """A request as the public reads it: no free text (see the module's docstring)."""
    state = row["state"]
    return {
        "service_request_id": row["id"],
        "status": "open" if state in OPEN_STATES else "closed",
        "status_notes": STATES[state],
        "service_name": CATEGORIES[row["category"]],
        "service_code": row["category"],
        "description": None,
        "agency_responsible": row["department"] or company_names.get(row["company_id"] or ""),
        "service_notice": None,
        "requested_datetime": row["reported_at"],
        "updated_datetime": row["updated_at"],
        "expected_datetime": row["current_due"],
        "address": None,
        "address_id": row["compound_id"],
        "zipcode": None,
        "lat": coarse(row["lat"]),
        "long": coarse(row["long"]),
        "media_url": None,
    }


def answered_requests(conn: Connection, rows: list[dict[str, Any]], fmt: str) -> Response:
    company_ids = {r["company_id"] for r in rows if r["company_id"] and not r["department"]}
    names = dual_coverage.company_names(conn, company_ids)
    return answer("service_requests", [as_open311(r, names) for r in rows], fmt)


@blp.route("/discovery." + FORMAT, endpoint="discovery")
@blp.route("/v2/discovery." + FORMAT, endpoint="discovery_v2")
class Discovery(MethodView):
    @blp.arguments(SpecArgs, location="query", error_status_code=400)
    @blp.response(200, DiscoverySchema)
    @documented("discovery")
    def get(self, _args: dict[str, Any], fmt: str) -> Answer:
        """Service discovery (http://wiki.open311.org/Service_Discovery). Public."""
        body = {
            "changeset": CHANGESET,
            "contact": "天桥区红色物业台账: 请联系区物业办 (the district administrator)",
            "key_service": "api_key = a bearer token, issued by the district administrator",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.url_root.rstrip("/") + blp.url_prefix + "/v2",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return answer("discovery", body, fmt)


@blp.route("/v2/services." + FORMAT)
class Services(MethodView):
    @blp.arguments(SpecArgs, location="query", error_status_code=400)
    @blp.response(200, ServiceSchema(many=True))
    @documented("services")
    def get(self, _args: dict[str, Any], fmt: str) -> Answer:
        """The service list (our categories). Public."""
        return answer("services", [service(code) for code in CATEGORIES], fmt)


@blp.route("/v2/services/<string:code>." + FORMAT)
class ServiceDefinition(MethodView):
    @blp.arguments(SpecArgs, location="query", error_status_code=400)
    @blp.response(200, ServiceDefinitionSchema)
    @documented("service_definition")
    def get(self, _args: dict[str, Any], code: str, fmt: str) -> Answer:
        """A service definition: the attributes a request carries. Public."""
        if code not in CATEGORIES:
            raise NotFound("service_code was not found (see services.json)")
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
        return answer("service_definition", {"service_code": code, "attributes": attributes}, fmt)


@blp.route("/v2/requests." + FORMAT)
class Requests(MethodView):
    @blp.arguments(ListRequests, location="query", error_status_code=400)
    @blp.response(200, RequestSchema(many=True))
    @documented("service_requests")
    def get(self, args: dict[str, Any], fmt: str) -> Answer:
        """Requests, newest first. Without dates: the last 90 days; a range spans at most 90
        days. `page_size` (at most 1000) requests a page; `X-Total-Count` counts them all
        and `Link` (rel="next"/"prev") names the neighbouring pages. Public."""
        with services().read_engine.connect() as conn:
            if args["service_request_id"]:
                found = [issue_board.get_issue(conn, i) for i in args["service_request_id"]]
                rows = [row for row in found if row]
                total = len(rows)
            else:
                start, end = window(args["start_date"], args["end_date"])
                status = set(args["status"])
                rows, total = issue_board.issue_board(
                    conn,
                    page=args["page"],
                    per_page=args["page_size"],
                    categories=tuple(args["service_code"]) or None,
                    states=OPEN_STATES
                    if status == {"open"}
                    else CLOSED_STATES
                    if status == {"closed"}
                    else None,
                    reported_from=start,
                    reported_to=end,
                )
            response = answered_requests(conn, rows, fmt)
        return paged(response, args["page"], args["page_size"], total)

    @blp.arguments(PostRequest, location="form", error_status_code=400)
    @blp.response(201, CreatedSchema(many=True))
    @documented("service_requests", 201)
    def post(self, form: dict[str, Any], fmt: str) -> Answer:
        """Create a service request (form-encoded). api_key = a bearer token."""
        who = _caller(form.pop("api_key"))
        if form["service_code"] not in CATEGORIES:
            raise NotFound("service_code was not found (see services.json)")
        compound_id = form["compound_id"] or form["address_id"]
        if compound_id is None:
            raise RuleViolation("the compound is required", field="attribute[compound_id]")
        require_report_scope(compound_id, form["grid_id"], "attribute[compound_id]")
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
            reporter_contact=form["phone"] or form["email"],
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
        created = {"service_request_id": str(result.id), "service_notice": "已受理登记"}
        if form["account_id"]:
            created["account_id"] = form["account_id"]
        response = answer("service_requests", [created], fmt, status=201)
        response.headers["X-Log-Position"] = str(result.position)
        return response


@blp.route("/v2/requests/<string:request_id>." + FORMAT)
class RequestResource(MethodView):
    @blp.arguments(SpecArgs, location="query", error_status_code=400)
    @blp.response(200, RequestSchema(many=True))
    @documented("service_requests")
    def get(self, _args: dict[str, Any], request_id: str, fmt: str) -> Answer:
        """One request, as a one-element list per the spec. Public."""
        with services().read_engine.connect() as conn:
            row = issue_board.get_issue(conn, request_id)
            if row is None:
                raise NotFound("service_request_id was not found")
            return answered_requests(conn, [row], fmt)


def window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The spec's default: the last 90 days; one date given, the 90 days from (or to) it."""
    if start is not None:
        return start, end if end is not None else start + MAX_RANGE
    end = end if end is not None else datetime.now(UTC)
    return end - MAX_RANGE, end


def paged(response: Response, page: int, size: int, total: int) -> Response:
    """Never a silent cap: the total, and links to the neighbouring pages."""
    response.headers["X-Total-Count"] = str(total)
    links = []
    if page * size < total:
        links.append(f'<{_page_url(page + 1)}>; rel="next"')
    if page > 1:
        links.append(f'<{_page_url(page - 1)}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def _page_url(page: int) -> str:
    return f"{request.base_url}?{urlencode({**request.args.to_dict(), 'page': page})}"


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
            raise Forbidden("api_key is required (a bearer token) to post a service request")
        g.principal = authenticate(api_key)
    who = principal()
    if who.role not in ISSUE_REPORTERS:
        raise Forbidden(f"role {who.role} may not report issues")
    return who
