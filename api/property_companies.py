"""Property companies (R2, R8): registration, rename, brand, service contracts."""

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
from api.conditional import expected_version, with_etag
from api.fields import BusinessDate, Text
from api.party_scope import require_unit_scope
from api.read_policy import read_scope
from api.roles import OFFICERS, READERS
from api.schemas import (
    Answer,
    CommandResultSchema,
    PageArgs,
    PageSchema,
    ReadArgs,
    page_body,
    page_of,
    take_paging,
)
from api.scope import found, fresh_row
from domain import party_building_commands as cmd
from domain.property_companies import PropertyCompany
from projections import dual_coverage, service_contracts

COVERAGE = dual_coverage.DualCoverageProjection.name
CONTRACTS = service_contracts.ServiceContractsProjection.name
CONTRACT = "contract"  # the read policy resource

blp = Blueprint(
    "property_companies",
    __name__,
    url_prefix="/api/v1/property-companies",
    description="Property service companies: credit code, brand, contracts with compounds (R2, R8).",
)


class RegisterCompany(Schema):
    credit_code = Text(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Za-z]{18}$"),
        metadata={
            "description": "统一社会信用代码 (18 characters), the natural key",
            "example": "91370105MA3C0001XY",
        },
    )
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    street_id = fields.UUID(load_default=None)


class RenameCompany(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))


BRAND_ACTIONS: dict[str, type[cmd.AwardCompanyBrand | cmd.RevokeCompanyBrand]] = {
    "award": cmd.AwardCompanyBrand,
    "revoke": cmd.RevokeCompanyBrand,
}


class BrandChange(Schema):
    action = Text(required=True, validate=validate.OneOf(list(BRAND_ACTIONS)))
    on = BusinessDate(required=True)
    decision = Text(required=True, validate=validate.Length(min=1, max=200))


class SignContract(Schema):
    compound_id = fields.UUID(required=True)
    starts_on = BusinessDate(required=True)
    ends_on = BusinessDate(load_default=None)


class EndContract(Schema):
    on = BusinessDate(required=True)
    reason = Text(
        load_default=None,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "with a reason the contract is terminated early"},
    )


class CompanyArgs(PageArgs):
    street_id = fields.UUID()


class CompanySchema(Schema):
    id = Text()
    name = Text()
    street_id = Text(allow_none=True)
    registered_on = Text()
    has_party_org = fields.Boolean()
    version = fields.Integer()


class CompanyList(PageSchema):
    items = fields.List(fields.Nested(CompanySchema))


class ContractSchema(Schema):
    id = Text()
    company_id = Text()
    compound_id = Text()
    starts_on = Text()
    ends_on = Text(allow_none=True)
    closed_on = Text(allow_none=True, metadata={"description": "set once ended or terminated"})
    closed_how = Text(allow_none=True, metadata={"description": "ended | terminated"})
    reason = Text(allow_none=True, metadata={"description": "why it was terminated early"})
    signed_at = Text()
    position = fields.Integer()
    version = fields.Integer(
        metadata={"description": "the company's version (the ETag): a contract is part of it"}
    )


class ContractList(PageSchema):
    items = fields.List(fields.Nested(ContractSchema))


def _company(company_id: UUID) -> None:
    """404 unless the company is registered; 403 unless the caller's scope covers its street."""
    company = fresh_row(COVERAGE, lambda conn: dual_coverage.get_company(conn, str(company_id)))
    require_unit_scope(found(company, "PropertyCompany", company_id)["street_id"])


@blp.route("")
class Companies(MethodView):
    @require(*READERS)
    @blp.arguments(CompanyArgs, location="query")
    @blp.response(200, CompanyList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Registered companies (filter by street)."""
        ensure_fresh(
            dual_coverage.DualCoverageProjection.name, min_position=args.get("min_position")
        )
        street = args.get("street_id")
        with services().read_engine.connect() as conn:
            items = dual_coverage.list_companies(conn, street_id=str(street) if street else None)
        return page_of(items, take_paging(args))

    @require(*OFFICERS)
    @blp.arguments(RegisterCompany)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Register a company; a second registration of the credit code is 409."""
        require_unit_scope(body["street_id"])
        return handle(
            cmd.RegisterPropertyCompany(**body),
            status=201,
            location="/api/v1/property-companies/{id}",
        )


@blp.route("/<uuid:company_id>")
class CompanyResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, CompanySchema)
    def get(self, args: dict[str, Any], company_id: UUID) -> Answer:
        """One registered company, from the read model."""
        ensure_fresh(
            dual_coverage.DualCoverageProjection.name, min_position=args.get("min_position")
        )
        with services().read_engine.connect() as conn:
            company = dual_coverage.get_company(conn, str(company_id))
        if company is None:
            raise NotFound(f"no property company {company_id}")
        return with_etag(CompanySchema().dump(company))

    @require(*OFFICERS)
    @blp.arguments(RenameCompany)
    @blp.response(200, CommandResultSchema)
    def patch(self, body: dict[str, Any], company_id: UUID) -> Response:
        """Rename a company (If-Match refuses stale edits)."""
        _company(company_id)
        return handle(
            cmd.RenamePropertyCompany(
                company_id=company_id, expected_version=expected_version(), **body
            )
        )


@blp.route("/<uuid:company_id>/brand")
class BrandResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(BrandChange)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], company_id: UUID) -> Response:
        """Award or revoke the company brand (R8), with the date and the decision."""
        _company(company_id)
        command = BRAND_ACTIONS[body.pop("action")]
        return handle(command(company_id=company_id, **body))


@blp.route("/<uuid:company_id>/contracts")
class ContractsResource(MethodView):
    @require(*READERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ContractList)
    def get(self, args: dict[str, Any], company_id: UUID) -> dict[str, Any]:
        """The company's service contracts, oldest start first (only those the caller may
        read: its company's, or on compounds in its unit)."""
        ensure_fresh(CONTRACTS, min_position=args.get("min_position"))
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            items, total = service_contracts.list_contracts(
                conn, str(company_id), **paging, scope=read_scope(CONTRACT)
            )
        return page_body(items, total, paging)

    @require(*OFFICERS)
    @blp.arguments(SignContract)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any], company_id: UUID) -> Response:
        """Sign a service contract with a compound; overlapping another company's contract
        on that compound is refused (422). `Location` names the new contract's id."""
        _company(company_id)
        require_unit_scope(body["compound_id"])
        contract = PropertyCompany.contract_id_for(
            company_id, body["compound_id"], body["starts_on"]
        )
        return handle(
            cmd.SignServiceContract(company_id=company_id, **body),
            status=201,
            location=f"/api/v1/property-companies/{company_id}/contracts/{contract}",
        )


@blp.route("/<uuid:company_id>/contracts/<uuid:contract_id>")
class ContractResource(MethodView):
    @require(*READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, ContractSchema)
    def get(self, args: dict[str, Any], company_id: UUID, contract_id: UUID) -> Answer:
        """One service contract (404 outside the caller's read scope). Its ETag is the
        company's version, which If-Match on ending it checks."""
        ensure_fresh(CONTRACTS, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            contract = service_contracts.get_contract(
                conn, str(company_id), str(contract_id), read_scope(CONTRACT)
            )
        if contract is None:
            raise NotFound(f"no contract {contract_id} of property company {company_id}")
        return with_etag(ContractSchema().dump(contract))


@blp.route("/<uuid:company_id>/contracts/<uuid:contract_id>/end")
class EndContractResource(MethodView):
    @require(*OFFICERS)
    @blp.arguments(EndContract)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], company_id: UUID, contract_id: UUID) -> Response:
        """End a contract (with a reason: terminate it early); If-Match refuses stale edits."""
        _company(company_id)
        return handle(
            cmd.EndServiceContract(
                company_id=company_id,
                contract_id=contract_id,
                expected_version=expected_version(),
                **body,
            )
        )
