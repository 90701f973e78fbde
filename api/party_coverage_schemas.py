"""Response schemas of the party-coverage reads (R3, R4, R8): instructors, dual coverage,
owners' committees, demonstration projects, brands."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.fields import Text
from api.schemas import PageSchema


class InstructorSchema(Schema):
    id = Text()
    code = Text()
    name = Text()
    open_post = fields.Integer(
        allow_none=True, metadata={"description": "set while dispatched (the post's position)"}
    )
    version = fields.Integer()


class InstructorPage(PageSchema):
    items = fields.List(fields.Nested(InstructorSchema))


class CompanyCoverage(Schema):
    companies = fields.Integer()
    with_party_org = fields.Integer()
    with_org_or_instructor = fields.Integer()
    instructors_in_post = fields.Integer()
    organisational_coverage_pct = fields.Float()
    work_coverage_pct = fields.Float()


class StreetCoverage(CompanyCoverage):
    street_id = Text(allow_none=True)


class CommitteeCoverage(Schema):
    committees = fields.Integer()
    with_party_org = fields.Integer()
    with_org_or_instructor = fields.Integer()
    organisational_coverage_pct = fields.Float()
    work_coverage_pct = fields.Float()


class CoverageSchema(Schema):
    as_of = Text()
    district = fields.Nested(CompanyCoverage)
    streets = fields.List(fields.Nested(StreetCoverage))
    owners_committees = fields.Nested(CommitteeCoverage)


class OwnersCommitteeSchema(Schema):
    id = Text()
    compound_id = Text()
    community_id = Text()
    name = Text()
    term_starts = Text()
    term_ends = Text()
    members = fields.Integer()
    party_members = fields.Integer()
    from_two_committees = fields.Integer()
    party_member_share_pct = fields.Float()
    dissolved = fields.Boolean()
    dissolved_on = Text(allow_none=True)
    version = fields.Integer()


class OwnersCommitteePage(PageSchema):
    items = fields.List(fields.Nested(OwnersCommitteeSchema))


class DemonstrationProjectSchema(Schema):
    id = Text()
    year = fields.Integer()
    unit_id = Text()
    unit_kind = Text()
    name = Text()
    designated_on = Text()
    withdrawn = fields.Boolean()
    withdrawn_on = Text(allow_none=True)


class DemonstrationProjectPage(PageSchema):
    year = fields.Integer()
    count = fields.Integer()
    items = fields.List(fields.Nested(DemonstrationProjectSchema))


class BrandSchema(Schema):
    position = fields.Integer()
    company_id = Text()
    awarded_on = Text()
    decision = Text()
    revoked_on = Text(allow_none=True)


class BrandPage(PageSchema):
    as_of = Text()
    count = fields.Integer()
    items = fields.List(fields.Nested(BrandSchema))
