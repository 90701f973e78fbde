"""Handlers of party building and the management system (R2–R5)."""

from __future__ import annotations

from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.handling import HandlerTable
from domain.org_registry_handlers import unit_of_kind
from domain.owners_committees import OwnersCommittee
from domain.party_building_commands import (
    MEMBERSHIP_CHANGES,
    AwardCompanyBrand,
    DissolvePartyOrg,
    EndServiceContract,
    FoundPartyOrg,
    MergePartyOrg,
    RecordMembership,
    RegisterPropertyCompany,
    RenamePropertyCompany,
    RevokeCompanyBrand,
    SignServiceContract,
)
from domain.party_orgs import PartyOrg
from domain.property_companies import CompoundServiceSlot, PropertyCompany


def service_slot(app: CommandApplication, compound_id: UUID) -> CompoundServiceSlot:
    """The compound's calendar of contracts, opened on its first contract."""
    compound = unit_of_kind(app, compound_id, "compound", "compound_id")
    slot_id = CompoundServiceSlot.create_id(compound.id)
    if slot_id in app.repository:
        return app.load(CompoundServiceSlot, slot_id)
    return CompoundServiceSlot(compound_id=compound.id)


# -- companies -------------------------------------------------------------------------------


def register_property_company(
    app: CommandApplication, command: RegisterPropertyCompany
) -> CommandResult:
    if command.street_id is not None:
        unit_of_kind(app, command.street_id, "street", "street_id")
    company = PropertyCompany.register(
        credit_code=command.credit_code, name=command.name, street_id=command.street_id
    )
    app.ensure_new(PropertyCompany, company.id, f"property company {company.credit_code}")
    return app.commit(company)


def rename_property_company(
    app: CommandApplication, command: RenamePropertyCompany
) -> CommandResult:
    company = app.load(
        PropertyCompany, command.company_id, expected_version=command.expected_version
    )
    company.rename(command.name)
    return app.commit(company)


def award_company_brand(app: CommandApplication, command: AwardCompanyBrand) -> CommandResult:
    company = app.load(PropertyCompany, command.company_id)
    company.award_brand(command.on, command.decision)
    return app.commit(company)


def revoke_company_brand(app: CommandApplication, command: RevokeCompanyBrand) -> CommandResult:
    company = app.load(PropertyCompany, command.company_id)
    company.revoke_brand(command.on, command.decision)
    return app.commit(company)


def sign_service_contract(app: CommandApplication, command: SignServiceContract) -> CommandResult:
    company = app.load(PropertyCompany, command.company_id)
    slot = service_slot(app, command.compound_id)
    company.sign_contract(slot, command.starts_on, command.ends_on)
    return app.commit(company, slot)


def end_service_contract(app: CommandApplication, command: EndServiceContract) -> CommandResult:
    company = app.load(
        PropertyCompany, command.company_id, expected_version=command.expected_version
    )
    slot = service_slot(app, company.contract(command.contract_id)["compound_id"])
    if command.reason is None:
        company.end_contract(slot, command.contract_id, command.on)
    else:
        company.terminate_contract(slot, command.contract_id, command.on, command.reason)
    return app.commit(company, slot)


# -- party organisations ---------------------------------------------------------------------


def found_party_org(app: CommandApplication, command: FoundPartyOrg) -> CommandResult:
    code = command.code
    app.ensure_new(PartyOrg, PartyOrg.create_id(code), f"party organisation {code}")
    if command.street_id is not None:
        unit_of_kind(app, command.street_id, "street", "street_id")
    if command.community_id is not None:
        unit_of_kind(app, command.community_id, "community", "community_id")
    companies = [app.load_reference(PropertyCompany, c, "company_ids") for c in command.company_ids]
    affiliated_to = command.affiliated_to
    parent = app.load_reference(PartyOrg, affiliated_to, "affiliated_to") if affiliated_to else None
    committee_id = command.owners_committee_id
    committee = (
        app.load_reference(OwnersCommittee, committee_id, "owners_committee_id")
        if committee_id
        else None
    )
    org = PartyOrg.found(
        code=code,
        name=command.name,
        host_kind=command.host_kind,
        companies=companies,
        method=command.method,
        kind=command.kind,
        founded_on=command.founded_on,
        street_id=command.street_id,
        community_id=command.community_id,
        affiliated_to=parent,
        full_members=command.full_members or [],
        owners_committee=committee,
    )
    return app.commit(org, *companies, *([committee] if committee else []))


def _org_companies(app: CommandApplication, org: PartyOrg) -> list[PropertyCompany]:
    return [app.load(PropertyCompany, c) for c in org.company_ids]


def _org_committee(app: CommandApplication, org: PartyOrg) -> list[OwnersCommittee]:
    committee_id = org.owners_committee_id
    return [app.load(OwnersCommittee, committee_id)] if committee_id else []


def dissolve_party_org(app: CommandApplication, command: DissolvePartyOrg) -> CommandResult:
    org = app.load(PartyOrg, command.org_id)
    companies = _org_companies(app, org)
    committee = _org_committee(app, org)
    org.dissolve(command.on, command.reason, companies, *committee)
    return app.commit(org, *companies, *committee)


def merge_party_org(app: CommandApplication, command: MergePartyOrg) -> CommandResult:
    org = app.load(PartyOrg, command.org_id)
    into = app.load_reference(PartyOrg, command.into_id, "into_id")
    companies = _org_companies(app, org)
    committee = _org_committee(app, org)
    org.merge_into(into, command.on, companies, *committee)
    return app.commit(org, into, *companies, *committee)


def record_membership(app: CommandApplication, command: RecordMembership) -> CommandResult:
    org = app.load(PartyOrg, command.org_id)
    change, member_ref, on = command.change, command.member_ref, command.on
    if change == "joined":
        org.join(member_ref, on)
    elif change == "transferred_in":
        org.transfer_in(member_ref, on)
    elif change == "transferred_out":
        org.transfer_out(member_ref, on)
    elif change == "left":
        org.leave(member_ref, on)
    else:
        raise RuleViolation(
            f"change must be one of {', '.join(MEMBERSHIP_CHANGES)}", field="change"
        )
    return app.commit(org)


HANDLERS: HandlerTable = {
    RegisterPropertyCompany: register_property_company,
    RenamePropertyCompany: rename_property_company,
    AwardCompanyBrand: award_company_brand,
    RevokeCompanyBrand: revoke_company_brand,
    SignServiceContract: sign_service_contract,
    EndServiceContract: end_service_contract,
    FoundPartyOrg: found_party_org,
    DissolvePartyOrg: dissolve_party_org,
    MergePartyOrg: merge_party_org,
    RecordMembership: record_membership,
}
