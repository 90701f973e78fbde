"""The registry areas' request schemas agree with their command dataclasses: the same field
names (less those a route takes from the path or the headers) and the same required-ness."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from marshmallow import Schema

from api import (
    branch_life,
    org_registry,
    party_activities,
    party_coverage,
    party_orgs,
    property_companies,
    token_revocations,
)
from domain import (
    branch_life_commands,
    org_registry_commands,
    party_activities_commands,
    party_building_commands,
    party_coverage_commands,
    token_commands,
)

IF_MATCH = "expected_version"

# (schema, command, fields the route fills from the path or headers, schema-only fields)
PAIRS: list[tuple[type[Schema], type[Any], tuple[str, ...], tuple[str, ...]]] = [
    (org_registry.RegisterOrgUnit, org_registry_commands.RegisterOrgUnit, (), ()),
    (org_registry.RenameOrgUnit, org_registry_commands.RenameOrgUnit, ("unit_id", IF_MATCH), ()),
    (
        org_registry.MoveCompound,
        org_registry_commands.MoveCompound,
        ("compound_id", IF_MATCH),
        (),
    ),
    (org_registry.CloseOrgUnit, org_registry_commands.CloseOrgUnit, ("unit_id", IF_MATCH), ()),
    (property_companies.RegisterCompany, party_building_commands.RegisterPropertyCompany, (), ()),
    (
        property_companies.RenameCompany,
        party_building_commands.RenamePropertyCompany,
        ("company_id", IF_MATCH),
        (),
    ),
    (
        property_companies.BrandChange,
        party_building_commands.AwardCompanyBrand,
        ("company_id",),
        ("action",),
    ),
    (
        property_companies.BrandChange,
        party_building_commands.RevokeCompanyBrand,
        ("company_id",),
        ("action",),
    ),
    (
        property_companies.SignContract,
        party_building_commands.SignServiceContract,
        ("company_id",),
        (),
    ),
    (
        property_companies.EndContract,
        party_building_commands.EndServiceContract,
        ("company_id", "contract_id", IF_MATCH),
        (),
    ),
    (party_orgs.FoundOrg, party_building_commands.FoundPartyOrg, (), ()),
    (party_orgs.DissolveOrg, party_building_commands.DissolvePartyOrg, ("org_id",), ()),
    (party_orgs.MergeOrg, party_building_commands.MergePartyOrg, ("org_id",), ()),
    (party_orgs.Membership, party_building_commands.RecordMembership, ("org_id",), ()),
    (party_coverage.RegisterInstructor, party_coverage_commands.RegisterInstructor, (), ()),
    (party_coverage.Dispatch, party_coverage_commands.DispatchInstructor, ("instructor_id",), ()),
    (party_coverage.Recall, party_coverage_commands.RecallInstructor, ("instructor_id",), ()),
    (
        party_coverage.EstablishCommittee,
        party_coverage_commands.EstablishIndustryCommittee,
        (),
        (),
    ),
    (
        party_coverage.AppointMember,
        party_coverage_commands.AppointCommitteeMember,
        ("committee_id",),
        (),
    ),
    (party_coverage.ElectOwnersCommittee, party_coverage_commands.ElectOwnersCommittee, (), ()),
    (party_coverage.Designate, party_coverage_commands.DesignateDemonstrationProject, (), ()),
    (branch_life.HoldMeeting, branch_life_commands.HoldBranchMeeting, (), ()),
    (party_activities.Appoint, party_activities_commands.AppointCross, (), ()),
    (party_activities.Post, party_activities_commands.DesignateMemberPost, (), ()),
    (party_activities.OpenPlace, party_activities_commands.OpenPlace, (), ()),
    (party_activities.End, party_activities_commands.EndPeriodFact, ("what", "fact_id"), ()),
    (party_activities.Training, party_activities_commands.HoldSecretaryTraining, (), ()),
    (party_activities.Joint, party_activities_commands.HoldJointEvent, (), ()),
    (token_revocations.RevokeToken, token_commands.RevokeToken, (), ()),
]


def _optional(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


@pytest.mark.parametrize(
    "schema,command,from_route,schema_only",
    PAIRS,
    ids=[f"{s.__name__}-{c.__name__}" for s, c, _, _ in PAIRS],
)
def test_schema_agrees_with_command(
    schema: type[Schema],
    command: type[Any],
    from_route: tuple[str, ...],
    schema_only: tuple[str, ...],
) -> None:
    body = {n: f for n, f in schema().fields.items() if n not in schema_only}
    fields = {f.name: f for f in dataclasses.fields(command)}
    assert set(from_route) <= set(fields), "a route fills a field the command does not have"
    assert set(body) == set(fields) - set(from_route)
    for name, field in body.items():
        assert field.required == (not _optional(fields[name])), name


def test_every_registry_command_with_a_route_is_paired() -> None:
    paired = {command for _, command, _, _ in PAIRS}
    modules = [
        org_registry_commands,
        party_building_commands,
        party_coverage_commands,
        branch_life_commands,
        party_activities_commands,
        token_commands,
    ]
    commands = {
        obj
        for module in modules
        for obj in vars(module).values()
        if isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == module.__name__
    }
    no_route = {
        party_coverage_commands.RemoveCommitteeMember,
        branch_life_commands.CancelBranchMeeting,
    }
    assert commands - paired == no_route
