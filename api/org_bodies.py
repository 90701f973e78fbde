"""Endpoints of the bodies under communities and streets (R1): 社区党组织, 居委会,
街道物业管理办公室, 社区物业工作指导委员会 — established as of a date, renamed and dissolved as
events, listed as of a day."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.commands import ensure_fresh, handle, services
from api.conditional import expected_version, with_etag
from api.fields import BusinessDate, Text
from api.roles import ORG_BODY_WRITERS, READERS
from api.routes import command_route, read_route
from api.schemas import Answer, PageArgs, PageSchema, ReadArgs, page_body
from api.scope import org_ancestry, require_org_scope
from domain import org_bodies_commands as cmd
from domain.org_bodies import BodyKind
from projections import org_bodies as bodies

blp = Blueprint(
    "org_bodies",
    __name__,
    url_prefix="/api/v1/org-bodies",
    description="社区党组织, 居委会, 街道物业管理办公室, 社区物业工作指导委员会 (R1).",
)
FRESH = bodies.OrgBodiesProjection.name
KINDS = [k.value for k in BodyKind]


class EstablishOrgBody(Schema):
    kind = Text(required=True, validate=validate.OneOf(KINDS))
    parent_id = fields.UUID(
        required=True,
        metadata={"description": "the community (the street, for a street_property_office)"},
    )
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    established_on = BusinessDate(required=True)


class RenameOrgBody(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    on = BusinessDate(required=True)


class DissolveOrgBody(Schema):
    on = BusinessDate(required=True, metadata={"description": "the first day out of office"})
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class ListArgs(PageArgs):
    kind = Text(validate=validate.OneOf(KINDS))
    parent_id = fields.UUID()
    street_id = fields.UUID()
    community_id = fields.UUID()
    as_of = BusinessDate(
        metadata={"description": "the bodies in office that day, under the name they bore"}
    )
    include_dissolved = fields.Boolean(load_default=False)


class OrgBodySchema(Schema):
    id = Text()
    kind = Text()
    kind_label = Text(metadata={"description": "zh-CN label"})
    name = Text()
    parent_id = Text()
    street_id = Text(allow_none=True)
    community_id = Text(allow_none=True)
    established_on = Text()
    dissolved_on = Text(allow_none=True)
    dissolved_reason = Text(allow_none=True)
    version = fields.Integer()
    position = fields.Integer()


class OrgBodyPage(PageSchema):
    items = fields.List(fields.Nested(OrgBodySchema))


def _in_scope(unit_id: UUID, field: str | None = None) -> None:
    org_ancestry(unit_id, field)  # an unknown unit or body is bad input (or 404) before any 403
    require_org_scope(unit_id, field)


@blp.route("")
class OrgBodies(MethodView):
    @read_route(blp, READERS, OrgBodyPage, ListArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List bodies (filters: kind, parent, street, community; `as_of` a day)."""
        ensure_fresh(FRESH, min_position=args.pop("min_position", None))
        with services().read_engine.connect() as conn:
            items, total = bodies.list_bodies(conn, **args)
        return page_body(items, total, args)

    @command_route(blp, ORG_BODY_WRITERS, EstablishOrgBody, status=201)
    def post(self, body: dict[str, Any]) -> Response:
        """Establish a body under its community or street (in the caller's scope)."""
        _in_scope(body["parent_id"], "parent_id")
        return handle(cmd.EstablishOrgBody(**body), status=201, location="/api/v1/org-bodies/{id}")


@blp.route("/<uuid:body_id>")
class OrgBodyResource(MethodView):
    @read_route(blp, READERS, OrgBodySchema, ReadArgs)
    def get(self, args: dict[str, Any], body_id: UUID) -> Answer:
        """One body, with its ETag (version)."""
        ensure_fresh(FRESH, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            found = bodies.get_body(conn, str(body_id))
        if found is None:
            raise NotFound(f"no org body {body_id}")
        return with_etag(found)

    @command_route(blp, ORG_BODY_WRITERS, RenameOrgBody)
    def patch(self, body: dict[str, Any], body_id: UUID) -> Response:
        """Rename a body from a day. Send If-Match with its ETag to refuse stale edits."""
        _in_scope(body_id)
        return handle(
            cmd.RenameOrgBody(body_id=body_id, expected_version=expected_version(), **body)
        )


@blp.route("/<uuid:body_id>/dissolve")
class DissolveOrgBodyResource(MethodView):
    @command_route(blp, ORG_BODY_WRITERS, DissolveOrgBody)
    def post(self, body: dict[str, Any], body_id: UUID) -> Response:
        """Dissolve a body: out of office from `on`; a successor may be established that day."""
        _in_scope(body_id)
        return handle(
            cmd.DissolveOrgBody(body_id=body_id, expected_version=expected_version(), **body)
        )
