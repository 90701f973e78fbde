"""The request schemas of the subsidy and assessment endpoints agree with the command
dataclasses they build: the same field names, required exactly when the command field has
no default. Fields the route takes from elsewhere (the path, the caller, If-Match, the read
model) are named; a scheme's `definition` arrives as its parts."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from marshmallow import Schema

from api import assessment as assessment_api
from api import subsidy_schemas as s
from domain import assessment_commands as a
from domain import subsidy_commands as c

DEFINITION = {"subjects", "indicators", "bands"}
PERIOD_ROUTE = {"period_id", "expected_version"}

CASES: list[tuple[type[Schema], type[Any], set[str]]] = [
    (s.SetPolicy, c.SetSubsidyPolicy, set()),
    (s.SetEligibility, c.SetSubsidyEligibility, set()),
    (s.OpenYear, c.OpenSubsidyYear, set()),
    (s.AllocateBudget, c.AllocateSubsidyBudget, set()),
    (s.TopUpBudget, c.TopUpSubsidyBudget, {"budget_id"}),
    (s.RaiseEntitlement, c.RaiseSubsidyEntitlement, set()),
    (s.Note, c.SubmitSubsidyApplication, {"entitlement_id", "applicant_id"}),
    (s.Note, c.ApproveSubsidy, {"entitlement_id", "approver_id"}),
    (s.Reject, c.RejectSubsidy, {"entitlement_id", "approver_id"}),
    (s.Disburse, c.DisburseSubsidy, {"entitlement_id"}),
    (s.Reverse, c.ReverseSubsidy, {"entitlement_id"}),
    (s.Recover, c.RecoverSubsidyClawback, {"entitlement_id"}),
    (assessment_api.DefineScheme, a.DefineAssessmentScheme, set()),
    (assessment_api.ReviseScheme, a.ReviseAssessmentScheme, {"scheme_id", "expected_version"}),
    (assessment_api.OpenPeriod, a.OpenAssessmentPeriod, set()),
    (assessment_api.AssessmentNoBody, a.ComputeAssessment, {*PERIOD_ROUTE, "facts"}),
    (assessment_api.Review, a.ReviewAssessment, PERIOD_ROUTE),
    (assessment_api.AssessmentNoBody, a.PublishAssessment, PERIOD_ROUTE),
    (assessment_api.ReassessReason, a.Reassess, PERIOD_ROUTE),
]


def _command_fields(command: type[Any], from_route: set[str]) -> dict[str, bool]:
    """Each field the body carries, and whether it is required (has no default)."""
    found: dict[str, bool] = {}
    for f in dataclasses.fields(command):
        if f.name in from_route:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        parts = DEFINITION if f.name == "definition" else {f.name}
        found.update(dict.fromkeys(parts, required))
    return found


@pytest.mark.parametrize(
    ("schema", "command", "from_route"),
    CASES,
    ids=[f"{k[0].__name__}-{k[1].__name__}" for k in CASES],
)
def test_the_schema_carries_the_command_fields(
    schema: type[Schema], command: type[Any], from_route: set[str]
) -> None:
    declared = {name: field.required for name, field in schema().fields.items()}
    assert declared == _command_fields(command, from_route)


def test_every_command_of_the_two_areas_has_its_schema() -> None:
    covered = {command for _, command, _ in CASES}
    for module in (c, a):
        for value in vars(module).values():
            if dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                assert value in covered, value
