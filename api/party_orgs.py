"""Party organisations in property companies and owners' committees (R3, R5): founding,
dissolution, merger, membership over time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.auth import require
from api.commands import ensure_fresh, handle, services
from api.conditional import with_etag
from api.fields import BusinessDate, Text
from api.party_scope import AsOfArgs, require_party_org_scope, require_unit_scope
from api.read_policy import read_scope
from api.roles import OFFICERS, READERS
from api.schemas import (
    Answer,
    CommandResultSchema,
    PageArgs,
    PageSchema,
    ReadArgs,
    page_of,
    take_paging,
)
from domain import party_building_commands as cmd
from domain.party_building_commands import MEMBERSHIP_CHANGES
from domain.party_orgs import HOST_KINDS, METHODS, ORG_KINDS
from projections import party_orgs as view

blp = Blueprint(
    "party_orgs",
    __name__,
    url_prefix="/api/v1/party-orgs",
    description="Party organisations: 单独建/联合建/挂靠建, members over time (R3, R5).",
)

PARTY_ORG = "party_org"  # the read policy resource


class FoundOrg(Schema):
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    host_kind = Text(required=True, validate=validate.OneOf(HOST_KINDS))
    company_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))
    method = Text(required=True, validate=validate.OneOf(METHODS))
    kind = Text(required=True, validate=validate.OneOf(ORG_KINDS))
    founded_on = BusinessDate(required=True)
    street_id = fields.UUID(load_default=None)
    community_id = fields.UUID(load_default=None)
    affiliated_to = fields.UUID(load_default=None)
    owners_committee_id = fields.UUID(
        load_default=None,
        metadata={"description": "the committee an owners' committee org is founded in"},
    )
    full_members = fields.List(
        Text(validate=validate.Length(min=1, max=64)),
        load_default=list,
        validate=validate.Length(max=500),
        metadata={"description": "member refs of the founding full members (a branch: 3 or more)"},
    )


class DissolveOrg(Schema):
    on = BusinessDate(required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class MergeOrg(Schema):
    into_id = fields.UUID(required=True)
    on = BusinessDate(required=True)


class Membership(Schema):
    change = Text(required=True, validate=validate.OneOf(MEMBERSHIP_CHANGES))
    member_ref = Text(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "pseudonymous member reference (no names)"},
    )
    on = BusinessDate(required=True)


class OrgArgs(PageArgs):
    street_id = fields.UUID()


class OrgSchema(Schema):
    id = Text()
    code = Text()
    name = Text()
    host_kind = Text()
    method = Text()
    kind = Text()
    company_ids = fields.List(Text())
    founded_on = Text()
    ended_on = Text(allow_none=True)
    end_reason = Text(allow_none=True)
    street_id = Text(allow_none=True)
    community_id = Text(allow_none=True)
    affiliated_to = Text(allow_none=True)
    version = fields.Integer()


class OrgList(PageSchema):
    items = fields.List(fields.Nested(OrgSchema))


class MembersSchema(Schema):
    org_id = Text()
    as_of = Text()
    members = fields.Integer()
    member_refs = fields.List(Text())


@blp.route("")
class Orgs(MethodView):
    @require(*READERS)
    @blp.arguments(OrgArgs, location="query")
    @blp.response(200, OrgList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Party organisations in the caller's read scope (filter by street)."""
        ensure_fresh(view.PartyOrgsProjection.name, min_position=args.get("min_position"))
        street = args.get("street_id")
        with services().read_engine.connect() as conn:
            items = view.list_orgs(
                conn, street_id=str(street) if street else None, scope=read_scope(PARTY_ORG)
            )
        return page_of(items, take_paging(args))

    @require(*OFFICERS)
    @blp.arguments(FoundOrg)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Found a party org. A company that already has an active org is refused (409)."""
        require_unit_scope(body["community_id"], body["street_id"])
        return handle(cmd.FoundPartyOrg(**body), status=201, location="/api/v1/party-orgs/{id}")


@blp.route("/<uuid:org_id>")
class OrgResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, OrgSchema)
    def get(self, args: dict[str, Any], org_id: UUID) -> Answer:
        """One party organisation (404 outside the caller's read scope)."""
        ensure_fresh(view.PartyOrgsProjection.name, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            org = view.get_org(conn, str(org_id), read_scope(PARTY_ORG))
        if org is None:
            raise NotFound(f"no party organisation {org_id}")
        return with_etag(org)


@blp.route("/<uuid:org_id>/dissolve")
class DissolveResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(DissolveOrg)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], org_id: UUID) -> Response:
        """Dissolve the org; its companies are no longer covered from that date."""
        require_party_org_scope(org_id)
        return handle(cmd.DissolvePartyOrg(org_id=org_id, **body))


@blp.route("/<uuid:org_id>/merge")
class MergeResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(MergeOrg)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], org_id: UUID) -> Response:
        """Merge the org into another; companies and members move with it."""
        require_party_org_scope(org_id)
        return handle(cmd.MergePartyOrg(org_id=org_id, **body))


@blp.route("/<uuid:org_id>/membership")
class MembershipResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Membership)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any], org_id: UUID) -> Response:
        """Record a member joining, transferring in/out or leaving, on a date."""
        require_party_org_scope(org_id)
        return handle(cmd.RecordMembership(org_id=org_id, **body), status=201)


@blp.route("/<uuid:org_id>/members")
class MembersResource(MethodView):
    @require(*READERS)
    @blp.arguments(AsOfArgs, location="query")
    @blp.response(200, MembersSchema)
    def get(self, args: dict[str, Any], org_id: UUID) -> dict[str, Any]:
        """Members of the org on a date D (404 outside the caller's read scope)."""
        ensure_fresh(view.PartyOrgsProjection.name, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            if view.get_org(conn, str(org_id), read_scope(PARTY_ORG)) is None:
                raise NotFound(f"no party organisation {org_id}")
            refs = view.member_refs_on(conn, str(org_id), args["as_of"])
        return {
            "org_id": str(org_id),
            "as_of": args["as_of"].isoformat(),
            "members": len(refs),
            "member_refs": refs,
        }
