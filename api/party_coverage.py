"""Instructors, the industry party committee, owners' committees, demonstration projects and
the read models answering "as of D": dual coverage, brands (R3, R4, R8)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.auth import require
from api.commands import ensure_fresh, handle, services
from api.conditional import with_etag
from api.fields import BusinessDate, Text
from api.party_coverage_schemas import (
    BrandPage,
    CoverageSchema,
    DemonstrationProjectPage,
    InstructorPage,
    InstructorSchema,
    OwnersCommitteePage,
    OwnersCommitteeSchema,
)
from api.party_scope import AsOfArgs, require_unit_scope
from api.roles import OFFICERS, READERS
from api.schemas import (
    Answer,
    CommandResultSchema,
    PageArgs,
    Paging,
    ReadArgs,
    page_of,
    take_paging,
)
from api.scope import found, fresh_row
from domain import party_coverage_commands as cmd
from domain.instructors import TARGET_KINDS, Instructor
from projections import dual_coverage, owners_committees, recognitions

COVERAGE = dual_coverage.DualCoverageProjection.name
COMMITTEES = owners_committees.OwnersCommitteesProjection.name
POST_CHANGES = [get_topic(Instructor.Dispatched), get_topic(Instructor.Recalled)]  # type: ignore[attr-defined]

blp = Blueprint(
    "party_coverage",
    __name__,
    url_prefix="/api/v1/party-building",
    description="Instructors (一派), dual coverage, industry party committee, owners' committees, "
    "demonstration projects and brands (R3, R4, R8).",
)


class RegisterInstructor(Schema):
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    home_unit_id = fields.UUID(load_default=None)


class Dispatch(Schema):
    target_kind = Text(required=True, validate=validate.OneOf(TARGET_KINDS))
    target_id = fields.UUID(required=True)
    on = BusinessDate(required=True)


class Recall(Schema):
    on = BusinessDate(required=True)
    reason = Text(load_default=None, validate=validate.Length(min=1, max=500))


class EstablishCommittee(Schema):
    district_id = fields.UUID(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    established_on = BusinessDate(required=True)


class AppointMember(Schema):
    member_ref = Text(required=True, validate=validate.Length(min=1, max=64))
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    post = Text(required=True, validate=validate.Length(min=1, max=40))
    on = BusinessDate(required=True)


class OwnersMember(Schema):
    member_ref = Text(required=True, validate=validate.Length(min=1, max=64))
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    party_member = fields.Boolean(load_default=False)
    from_two_committees = fields.Boolean(load_default=False)


class ElectOwnersCommittee(Schema):
    compound_id = fields.UUID(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    term_starts = BusinessDate(required=True)
    term_ends = BusinessDate(required=True)
    members = fields.List(
        fields.Nested(OwnersMember), required=True, validate=validate.Length(min=1, max=50)
    )


class Designate(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    unit_id = fields.UUID(required=True, metadata={"description": "a community or a compound"})
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    designated_on = BusinessDate(required=True)


class YearArgs(PageArgs):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class CommunityArgs(PageArgs):
    community_id = fields.UUID()


class BrandArgs(Paging, AsOfArgs):
    pass


@blp.route("/instructors")
class Instructors(MethodView):
    @require(*READERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, InstructorPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Registered instructors (open_post is set while dispatched)."""
        ensure_fresh(
            dual_coverage.DualCoverageProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            items = dual_coverage.list_instructors(conn)
        return page_of(items, take_paging(args))

    @require(*OFFICERS)
    @blp.arguments(RegisterInstructor)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Register a party-building instructor."""
        require_unit_scope(body["home_unit_id"])
        return handle(cmd.RegisterInstructor(**body), status=201)


@blp.route("/instructors/<uuid:instructor_id>")
class InstructorResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, InstructorSchema)
    def get(self, args: dict[str, Any], instructor_id: UUID) -> Answer:
        """One instructor (open_post is set while dispatched)."""
        ensure_fresh(
            dual_coverage.DualCoverageProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            found = dual_coverage.get_instructor(conn, str(instructor_id))
        if found is None:
            raise NotFound(f"no instructor {instructor_id}")
        return with_etag(found)


@blp.route("/instructors/<uuid:instructor_id>/dispatch")
class DispatchResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Dispatch)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], instructor_id: UUID) -> Response:
        """Dispatch to a company or owners' committee; already dispatched is 409."""
        require_unit_scope(_target_unit(body["target_kind"], body["target_id"]))
        return handle(cmd.DispatchInstructor(instructor_id=instructor_id, **body))


@blp.route("/instructors/<uuid:instructor_id>/recall")
class RecallResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Recall)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], instructor_id: UUID) -> Response:
        """Recall an instructor from their post."""
        post = fresh_row(
            COVERAGE,
            lambda conn: dual_coverage.instructor_post(conn, str(instructor_id)),
            changed_by=POST_CHANGES,
        )
        post = found(post, "Instructor", instructor_id)
        if post["target_kind"] is not None:
            require_unit_scope(_target_unit(post["target_kind"], UUID(post["target_id"])))
        return handle(cmd.RecallInstructor(instructor_id=instructor_id, **body))


def _target_unit(kind: str, target_id: UUID) -> str | None:
    if kind == "property_company":
        company = fresh_row(COVERAGE, lambda conn: dual_coverage.get_company(conn, str(target_id)))
        street: str | None = found(company, "PropertyCompany", target_id, "target_id")["street_id"]
        return street
    committee = fresh_row(
        COMMITTEES, lambda conn: owners_committees.get_committee(conn, str(target_id))
    )
    compound: str = found(committee, "OwnersCommittee", target_id, "target_id")["compound_id"]
    return compound


@blp.route("/coverage")
class Coverage(MethodView):
    @require(*READERS)
    @blp.arguments(AsOfArgs, location="query")
    @blp.response(200, CoverageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Dual coverage (双覆盖) on date D: district and per street — companies, with a party
        org (organisational coverage %), with an org or instructor (work coverage %),
        instructors in post."""
        ensure_fresh(
            dual_coverage.DualCoverageProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            return dual_coverage.coverage_as_of(conn, args["as_of"])


@blp.route("/industry-committee")
class IndustryCommittee(MethodView):
    @require("district_admin")
    @blp.arguments(EstablishCommittee)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Establish the district property-industry party committee (区物业服务行业党委)."""
        return handle(cmd.EstablishIndustryCommittee(**body), status=201)


@blp.route("/industry-committee/<uuid:committee_id>/members")
class IndustryCommitteeMembers(MethodView):
    @require("district_admin")
    @blp.arguments(AppointMember)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any], committee_id: UUID) -> Response:
        """Appoint a member (secretary or committee member) of the industry party committee."""
        return handle(cmd.AppointCommitteeMember(committee_id=committee_id, **body), status=201)


@blp.route("/owners-committees")
class OwnersCommittees(MethodView):
    @require(*READERS)
    @blp.arguments(CommunityArgs, location="query")
    @blp.response(200, OwnersCommitteePage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Owners' committees with their party-member share (R4)."""
        ensure_fresh(
            owners_committees.OwnersCommitteesProjection.name, min_position=args.get("min_position")
        )
        community = args.get("community_id")
        with services().read_engine.connect() as conn:
            items = owners_committees.committees_with_party_share(
                conn, community_id=str(community) if community else None
            )
        return page_of(items, take_paging(args))

    @require(*OFFICERS)
    @blp.arguments(ElectOwnersCommittee)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Record an owners' committee election (term, members, party members)."""
        require_unit_scope(body["compound_id"])
        return handle(cmd.ElectOwnersCommittee(**body), status=201)


@blp.route("/owners-committees/<uuid:committee_id>")
class OwnersCommitteeResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, OwnersCommitteeSchema)
    def get(self, args: dict[str, Any], committee_id: UUID) -> Answer:
        """One owners' committee with its party-member share (R4)."""
        ensure_fresh(
            owners_committees.OwnersCommitteesProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            found = owners_committees.get_committee(conn, str(committee_id))
        if found is None:
            raise NotFound(f"no owners' committee {committee_id}")
        return with_etag(found)


@blp.route("/demonstration-projects")
class DemonstrationProjects(MethodView):
    @require(*READERS)
    @blp.arguments(YearArgs, location="query")
    @blp.response(200, DemonstrationProjectPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Demonstration projects designated in a year."""
        ensure_fresh(
            recognitions.RecognitionsProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            items = recognitions.demonstration_projects_in(conn, args["year"])
        return page_of(items, take_paging(args), year=args["year"], count=len(items))

    @require(*OFFICERS)
    @blp.arguments(Designate)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Designate a community or compound as a demonstration project for a year."""
        require_unit_scope(body["unit_id"])
        return handle(cmd.DesignateDemonstrationProject(**body), status=201)


@blp.route("/brands")
class Brands(MethodView):
    @require(*READERS)
    @blp.arguments(BrandArgs, location="query")
    @blp.response(200, BrandPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Company brands held on date D."""
        ensure_fresh(
            recognitions.RecognitionsProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            items = recognitions.brands_as_of(conn, args["as_of"])
        return page_of(items, take_paging(args), as_of=args["as_of"].isoformat(), count=len(items))
