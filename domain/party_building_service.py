"""Commands of party building and the management system (R2–R5): companies, contracts,
party organisations and their membership."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.org_registry import OrgUnit
from domain.owners_committees import OwnersCommittee
from domain.party_orgs import PartyOrg
from domain.property_companies import CompoundServiceSlot, PropertyCompany

MEMBERSHIP_CHANGES = ("joined", "transferred_in", "transferred_out", "left")


class PartyBuildingCommands(CommandApplication):
    def _unit(self, unit_id: UUID, kind: str, field: str) -> OrgUnit:
        unit = self.load_reference(OrgUnit, unit_id, field)
        if unit.kind != kind:
            raise RuleViolation(f"{unit_id} is not a {kind}", field=field)
        return unit

    def _slot(self, compound_id: UUID) -> CompoundServiceSlot:
        compound = self._unit(compound_id, "compound", "compound_id")
        slot_id = CompoundServiceSlot.create_id(compound.id)
        if slot_id in self.repository:
            return self.load(CompoundServiceSlot, slot_id)
        return CompoundServiceSlot(compound_id=compound.id)

    # -- companies -----------------------------------------------------------------------------

    def register_property_company(
        self, *, credit_code: str, name: str, street_id: UUID | None = None
    ) -> CommandResult:
        if street_id is not None:
            self._unit(street_id, "street", "street_id")
        company = PropertyCompany.register(credit_code=credit_code, name=name, street_id=street_id)
        self.ensure_new(PropertyCompany, company.id, f"property company {company.credit_code}")
        return self.commit(company)

    def rename_property_company(
        self, company_id: UUID, name: str, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        company = self.load(PropertyCompany, company_id, expected_version=expected_version)
        company.rename(name)
        return self.commit(company)

    def award_company_brand(self, company_id: UUID, on: date, decision: str) -> CommandResult:
        company = self.load(PropertyCompany, company_id)
        company.award_brand(on, decision)
        return self.commit(company)

    def revoke_company_brand(self, company_id: UUID, on: date, decision: str) -> CommandResult:
        company = self.load(PropertyCompany, company_id)
        company.revoke_brand(on, decision)
        return self.commit(company)

    def sign_service_contract(
        self, company_id: UUID, *, compound_id: UUID, starts_on: date, ends_on: date | None = None
    ) -> CommandResult:
        company = self.load(PropertyCompany, company_id)
        slot = self._slot(compound_id)
        company.sign_contract(slot, starts_on, ends_on)
        return self.commit(company, slot)

    def end_service_contract(
        self, company_id: UUID, contract_id: UUID, *, on: date, reason: str | None = None
    ) -> CommandResult:
        """End a contract on `on`; with a reason it is an early termination."""
        company = self.load(PropertyCompany, company_id)
        slot = self._slot(company.contract(contract_id)["compound_id"])
        if reason is None:
            company.end_contract(slot, contract_id, on)
        else:
            company.terminate_contract(slot, contract_id, on, reason)
        return self.commit(company, slot)

    # -- party organisations -----------------------------------------------------------------

    def found_party_org(
        self,
        *,
        code: str,
        name: str,
        host_kind: str,
        company_ids: list[UUID],
        method: str,
        kind: str,
        founded_on: date,
        street_id: UUID | None = None,
        community_id: UUID | None = None,
        affiliated_to: UUID | None = None,
        full_members: list[str] | None = None,
        owners_committee_id: UUID | None = None,
    ) -> CommandResult:
        self.ensure_new(PartyOrg, PartyOrg.create_id(code), f"party organisation {code}")
        if street_id is not None:
            self._unit(street_id, "street", "street_id")
        if community_id is not None:
            self._unit(community_id, "community", "community_id")
        companies = [self.load_reference(PropertyCompany, c, "company_ids") for c in company_ids]
        parent = (
            self.load_reference(PartyOrg, affiliated_to, "affiliated_to") if affiliated_to else None
        )
        committee = (
            self.load_reference(OwnersCommittee, owners_committee_id, "owners_committee_id")
            if owners_committee_id
            else None
        )
        org = PartyOrg.found(
            code=code,
            name=name,
            host_kind=host_kind,
            companies=companies,
            method=method,
            kind=kind,
            founded_on=founded_on,
            street_id=street_id,
            community_id=community_id,
            affiliated_to=parent,
            full_members=full_members or [],
            owners_committee=committee,
        )
        return self.commit(org, *companies, *([committee] if committee else []))

    def _org_companies(self, org: PartyOrg) -> list[PropertyCompany]:
        return [self.load(PropertyCompany, c) for c in org.company_ids]

    def _org_committee(self, org: PartyOrg) -> list[OwnersCommittee]:
        committee_id = org.owners_committee_id
        return [self.load(OwnersCommittee, committee_id)] if committee_id else []

    def dissolve_party_org(self, org_id: UUID, *, on: date, reason: str) -> CommandResult:
        org = self.load(PartyOrg, org_id)
        companies = self._org_companies(org)
        committee = self._org_committee(org)
        org.dissolve(on, reason, companies, *committee)
        return self.commit(org, *companies, *committee)

    def merge_party_org(self, org_id: UUID, *, into_id: UUID, on: date) -> CommandResult:
        org = self.load(PartyOrg, org_id)
        into = self.load_reference(PartyOrg, into_id, "into_id")
        companies = self._org_companies(org)
        committee = self._org_committee(org)
        org.merge_into(into, on, companies, *committee)
        return self.commit(org, into, *companies, *committee)

    def record_membership(
        self, org_id: UUID, *, change: str, member_ref: str, on: date
    ) -> CommandResult:
        org = self.load(PartyOrg, org_id)
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
        return self.commit(org)
