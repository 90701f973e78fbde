"""Handlers of instructors, the industry party committee, owners' committees and
demonstration projects (R3, R4, R8)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.demonstration import DemonstrationProject
from domain.errors import RuleViolation
from domain.handling import HandlerTable
from domain.instructors import IndustryPartyCommittee, Instructor
from domain.org_registry import OrgUnit
from domain.org_registry_handlers import unit_of_kind
from domain.owners_committees import OwnersCommittee, OwnersCommitteeTerms
from domain.party_coverage_commands import (
    AppointCommitteeMember,
    DesignateDemonstrationProject,
    DispatchInstructor,
    ElectOwnersCommittee,
    EstablishIndustryCommittee,
    RecallInstructor,
    RegisterInstructor,
    RemoveCommitteeMember,
)
from domain.property_companies import PropertyCompany


def register_instructor(app: CommandApplication, command: RegisterInstructor) -> CommandResult:
    code = command.code
    app.ensure_new(Instructor, Instructor.create_id(code), f"instructor {code}")
    if command.home_unit_id is not None:
        app.load_reference(OrgUnit, command.home_unit_id, "home_unit_id")
    return app.commit(
        Instructor.register(code=code, name=command.name, home_unit_id=command.home_unit_id)
    )


def dispatch_instructor(app: CommandApplication, command: DispatchInstructor) -> CommandResult:
    instructor = app.load(Instructor, command.instructor_id)
    target_kind = command.target_kind
    target_cls: Any = PropertyCompany if target_kind == "property_company" else OwnersCommittee
    app.load_reference(target_cls, command.target_id, "target_id")
    instructor.dispatch(target_kind=target_kind, target_id=command.target_id, on=command.on)
    return app.commit(instructor)


def recall_instructor(app: CommandApplication, command: RecallInstructor) -> CommandResult:
    instructor = app.load(Instructor, command.instructor_id)
    instructor.recall(command.on, command.reason)
    return app.commit(instructor)


def establish_industry_committee(
    app: CommandApplication, command: EstablishIndustryCommittee
) -> CommandResult:
    district = unit_of_kind(app, command.district_id, "district", "district_id")
    committee_id = IndustryPartyCommittee.create_id(district.id)
    app.ensure_new(IndustryPartyCommittee, committee_id, "the industry party committee")
    return app.commit(
        IndustryPartyCommittee.establish(
            district_id=district.id, name=command.name, established_on=command.established_on
        )
    )


def appoint_committee_member(
    app: CommandApplication, command: AppointCommitteeMember
) -> CommandResult:
    committee = app.load(IndustryPartyCommittee, command.committee_id)
    committee.appoint(
        member_ref=command.member_ref, name=command.name, post=command.post, on=command.on
    )
    return app.commit(committee)


def remove_committee_member(
    app: CommandApplication, command: RemoveCommitteeMember
) -> CommandResult:
    committee = app.load(IndustryPartyCommittee, command.committee_id)
    committee.remove(command.member_ref, command.on)
    return app.commit(committee)


def elect_owners_committee(app: CommandApplication, command: ElectOwnersCommittee) -> CommandResult:
    compound_id = command.compound_id
    compound = app.load_reference(OrgUnit, compound_id, "compound_id")
    if compound.kind != "compound" or compound.parent_id is None:
        raise RuleViolation(f"{compound_id} is not a compound", field="compound_id")
    key = OwnersCommittee.create_id(compound.id, command.term_starts)
    app.ensure_new(OwnersCommittee, key, f"owners' committee from {command.term_starts}")
    terms = _committee_terms(app, compound.id)
    committee = OwnersCommittee.elect(
        compound_id=compound.id,
        community_id=compound.parent_id,
        name=command.name,
        term_starts=command.term_starts,
        term_ends=command.term_ends,
        members=command.members,
        terms=terms,
    )
    return app.commit(committee, terms)


def _committee_terms(app: CommandApplication, compound_id: UUID) -> OwnersCommitteeTerms:
    terms_id = OwnersCommitteeTerms.create_id(compound_id)
    if terms_id in app.repository:
        return app.load(OwnersCommitteeTerms, terms_id)
    return OwnersCommitteeTerms(compound_id=compound_id)


def designate_demonstration_project(
    app: CommandApplication, command: DesignateDemonstrationProject
) -> CommandResult:
    unit = app.load_reference(OrgUnit, command.unit_id, "unit_id")
    key = DemonstrationProject.create_id(command.year, unit.id)
    app.ensure_new(DemonstrationProject, key, f"demonstration project {command.year}")
    return app.commit(
        DemonstrationProject.designate(
            year=command.year,
            unit_id=unit.id,
            unit_kind=unit.kind,
            name=command.name,
            designated_on=command.designated_on,
        )
    )


HANDLERS: HandlerTable = {
    RegisterInstructor: register_instructor,
    DispatchInstructor: dispatch_instructor,
    RecallInstructor: recall_instructor,
    EstablishIndustryCommittee: establish_industry_committee,
    AppointCommitteeMember: appoint_committee_member,
    RemoveCommitteeMember: remove_committee_member,
    ElectOwnersCommittee: elect_owners_committee,
    DesignateDemonstrationProject: designate_demonstration_project,
}
