"""Org registry endpoints (R1/R8): district, streets, communities, compounds, grids."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden, NotFound

from api.auth import principal, require, require_scope
from api.commands import ensure_fresh, handle, services
from api.conditional import expected_version, with_etag
from api.fields import Text
from api.roles import OFFICERS, READERS
from api.schemas import Answer, CommandResultSchema, PageArgs, PageSchema, ReadArgs, page_body
from api.scope import org_ancestry, org_unit_kind, require_org_scope
from domain import org_registry_commands as cmd
from domain.org_registry import CompoundType, OrgKind
from projections import org_registry as registry

blp = Blueprint(
    "org_registry",
    __name__,
    url_prefix="/api/v1/org-units",
    description="Org registry: 区 → 街道 → 社区 → 小区 → 网格 (R1, R8).",
)

WRITERS: dict[str, frozenset[str]] = {
    "district": frozenset({"district_admin"}),
    "street": frozenset({"district_admin"}),
    "community": frozenset({"district_admin", "street_officer"}),
    "compound": frozenset({"district_admin", "street_officer", "community_officer"}),
    "grid": frozenset({"district_admin", "street_officer", "community_officer"}),
}


class RegisterOrgUnit(Schema):
    kind = Text(required=True, validate=validate.OneOf([k.value for k in OrgKind]))
    code = Text(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "natural key, unique per kind"},
    )
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    parent_id = fields.UUID(load_default=None)
    compound_type = Text(
        load_default=None, validate=validate.OneOf([t.value for t in CompoundType])
    )
    households = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100_000))


class RenameOrgUnit(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))


class MoveCompound(Schema):
    community_id = fields.UUID(required=True)


class CloseOrgUnit(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class ListArgs(PageArgs):
    kind = Text(validate=validate.OneOf([k.value for k in OrgKind]))
    parent_id = fields.UUID()
    street_id = fields.UUID()
    community_id = fields.UUID()
    include_closed = fields.Boolean(load_default=False)


class OrgUnitSchema(Schema):
    id = Text()
    kind = Text()
    kind_label = Text(metadata={"description": "zh-CN label"})
    code = Text()
    name = Text()
    parent_id = Text(allow_none=True)
    street_id = Text(allow_none=True)
    community_id = Text(allow_none=True)
    compound_id = Text(allow_none=True)
    compound_type = Text(allow_none=True)
    management_focus = fields.Dict()
    households = fields.Integer(allow_none=True)
    closed = fields.Boolean()
    closed_reason = Text(allow_none=True)
    registered_at = Text()
    version = fields.Integer()
    position = fields.Integer()


class OrgUnitPage(PageSchema):
    items = fields.List(fields.Nested(OrgUnitSchema))


def _may_write(kind: str, unit_id: UUID | None, field: str | None = None) -> None:
    """The caller's role may change a unit of this kind, under `unit_id` (the unit itself or
    the parent of a new one; a new district has none)."""
    if unit_id is not None:
        org_ancestry(unit_id, field)  # an unknown unit is bad input before any 403
    who = principal()
    if who.role not in WRITERS[kind]:
        raise Forbidden(f"role {who.role} may not change a {kind}")
    if unit_id is None:
        require_scope([])
    else:
        require_org_scope(unit_id, field)


@blp.route("")
class OrgUnits(MethodView):
    @require(*READERS)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, OrgUnitPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List org units (filters: kind, parent, street, community)."""
        ensure_fresh(
            registry.OrgRegistryProjection.name, min_position=args.pop("min_position", None)
        )
        with services().read_engine.connect() as conn:
            items, total = registry.list_units(conn, **args)
        return page_body(items, total, args)

    @require(*OFFICERS)
    @blp.arguments(RegisterOrgUnit)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Register a district, street, community, compound or grid."""
        _may_write(body["kind"], body["parent_id"], "parent_id")
        return handle(cmd.RegisterOrgUnit(**body), status=201, location="/api/v1/org-units/{id}")


@blp.route("/<uuid:unit_id>")
class OrgUnitResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, OrgUnitSchema)
    def get(self, args: dict[str, Any], unit_id: UUID) -> Answer:
        """One org unit, with its ETag (version)."""
        ensure_fresh(registry.OrgRegistryProjection.name, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            unit = registry.get_unit(conn, str(unit_id))
        if unit is None:
            raise NotFound(f"no org unit {unit_id}")
        return with_etag(unit)

    @require(*OFFICERS)
    @blp.arguments(RenameOrgUnit)
    @blp.response(200, CommandResultSchema)
    def patch(self, body: dict[str, Any], unit_id: UUID) -> Response:
        """Rename an org unit. Send If-Match with its ETag to refuse stale edits."""
        _may_write(org_unit_kind(unit_id), unit_id)
        return handle(
            cmd.RenameOrgUnit(unit_id=unit_id, expected_version=expected_version(), **body)
        )


@blp.route("/<uuid:unit_id>/move")
class MoveCompoundResource(MethodView):
    @require("district_admin", "street_officer")
    @blp.arguments(MoveCompound)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], unit_id: UUID) -> Response:
        """Move a compound to another community (both must be in the caller's scope)."""
        require_org_scope(unit_id)
        require_org_scope(body["community_id"], "community_id")
        return handle(
            cmd.MoveCompound(compound_id=unit_id, expected_version=expected_version(), **body)
        )


@blp.route("/<uuid:unit_id>/close")
class CloseOrgUnitResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(CloseOrgUnit)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], unit_id: UUID) -> Response:
        """Close an org unit (refused while open units remain under it)."""
        _may_write(org_unit_kind(unit_id), unit_id)
        return handle(
            cmd.CloseOrgUnit(unit_id=unit_id, expected_version=expected_version(), **body)
        )
