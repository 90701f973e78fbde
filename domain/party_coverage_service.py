"""Commands of instructors, the industry party committee, owners' committees and
demonstration projects (R3, R4, R8)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.demonstration import DemonstrationProject
from domain.errors import RuleViolation
from domain.instructors import IndustryPartyCommittee, Instructor
from domain.org_registry import OrgUnit
from domain.owners_committees import OwnersCommittee, OwnersCommitteeTerms
from domain.property_companies import PropertyCompany


class PartyCoverageCommands(CommandApplication):
    def register_instructor(
        self, *, code: str, name: str, home_unit_id: UUID | None = None
    ) -> CommandResult:
        self.ensure_new(Instructor, Instructor.create_id(code), f"instructor {code}")
        if home_unit_id is not None:
            self.load_reference(OrgUnit, home_unit_id, "home_unit_id")
        return self.commit(Instructor.register(code=code, name=name, home_unit_id=home_unit_id))

    def dispatch_instructor(
        self, instructor_id: UUID, *, target_kind: str, target_id: UUID, on: date
    ) -> CommandResult:
        instructor = self.load(Instructor, instructor_id)
        target_cls: Any = PropertyCompany if target_kind == "property_company" else OwnersCommittee
        self.load_reference(target_cls, target_id, "target_id")
        instructor.dispatch(target_kind=target_kind, target_id=target_id, on=on)
        return self.commit(instructor)

    def recall_instructor(
        self, instructor_id: UUID, *, on: date, reason: str | None = None
    ) -> CommandResult:
        instructor = self.load(Instructor, instructor_id)
        instructor.recall(on, reason)
        return self.commit(instructor)

    def establish_industry_committee(
        self, *, district_id: UUID, name: str, established_on: date
    ) -> CommandResult:
        district = self.load_reference(OrgUnit, district_id, "district_id")
        if district.kind != "district":
            raise RuleViolation(f"{district_id} is not a district", field="district_id")
        committee_id = IndustryPartyCommittee.create_id(district.id)
        self.ensure_new(IndustryPartyCommittee, committee_id, "the industry party committee")
        return self.commit(
            IndustryPartyCommittee.establish(
                district_id=district.id, name=name, established_on=established_on
            )
        )

    def appoint_committee_member(
        self, committee_id: UUID, *, member_ref: str, name: str, post: str, on: date
    ) -> CommandResult:
        committee = self.load(IndustryPartyCommittee, committee_id)
        committee.appoint(member_ref=member_ref, name=name, post=post, on=on)
        return self.commit(committee)

    def remove_committee_member(
        self, committee_id: UUID, *, member_ref: str, on: date
    ) -> CommandResult:
        committee = self.load(IndustryPartyCommittee, committee_id)
        committee.remove(member_ref, on)
        return self.commit(committee)

    def elect_owners_committee(
        self,
        *,
        compound_id: UUID,
        name: str,
        term_starts: date,
        term_ends: date,
        members: list[dict[str, Any]],
    ) -> CommandResult:
        compound = self.load_reference(OrgUnit, compound_id, "compound_id")
        if compound.kind != "compound" or compound.parent_id is None:
            raise RuleViolation(f"{compound_id} is not a compound", field="compound_id")
        key = OwnersCommittee.create_id(compound.id, term_starts)
        self.ensure_new(OwnersCommittee, key, f"owners' committee from {term_starts}")
        terms = self._committee_terms(compound.id)
        committee = OwnersCommittee.elect(
            compound_id=compound.id,
            community_id=compound.parent_id,
            name=name,
            term_starts=term_starts,
            term_ends=term_ends,
            members=members,
            terms=terms,
        )
        return self.commit(committee, terms)

    def _committee_terms(self, compound_id: UUID) -> OwnersCommitteeTerms:
        terms_id = OwnersCommitteeTerms.create_id(compound_id)
        if terms_id in self.repository:
            return self.load(OwnersCommitteeTerms, terms_id)
        return OwnersCommitteeTerms(compound_id=compound_id)

    def designate_demonstration_project(
        self, *, year: int, unit_id: UUID, name: str, designated_on: date
    ) -> CommandResult:
        unit = self.load_reference(OrgUnit, unit_id, "unit_id")
        key = DemonstrationProject.create_id(year, unit.id)
        self.ensure_new(DemonstrationProject, key, f"demonstration project {year}")
        return self.commit(
            DemonstrationProject.designate(
                year=year,
                unit_id=unit.id,
                unit_kind=unit.kind,
                name=name,
                designated_on=designated_on,
            )
        )
