"""The request schemas of the grid loop agree with the command dataclasses they build: the
same field names, required exactly where the command has no default, the same defaults."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from marshmallow import Schema

from api import grid_workers, issue_reports, service_issues
from domain import grid_commands, service_issue_commands
from domain.handling import Command

FROM_PATH = {"issue_id", "expected_version"}  # the URL and If-Match, not the body
PAIRS: list[tuple[type[Schema], type[Command[Any]], set[str]]] = [
    (service_issues.ReportIssue, service_issue_commands.ReportIssue, set()),
    (service_issues.AcceptIssue, service_issue_commands.AcceptIssue, FROM_PATH),
    (service_issues.Reason, service_issue_commands.ReferIssueOut, FROM_PATH),
    (service_issues.LinkDuplicate, service_issue_commands.LinkDuplicateIssue, FROM_PATH),
    (service_issues.Empty, service_issue_commands.StartHandlingIssue, FROM_PATH),
    (service_issues.Resolution, service_issue_commands.MarkIssueHandled, FROM_PATH),
    (service_issues.Feedback, service_issue_commands.GiveIssueFeedback, FROM_PATH),
    (service_issues.Reason, service_issue_commands.ReopenIssue, FROM_PATH),
    (service_issues.CloseIssue, service_issue_commands.CloseIssue, FROM_PATH),
    (issue_reports.SlaPolicyBody, service_issue_commands.DefineSlaPolicy, {"name"}),
    (grid_workers.RegisterWorker, grid_commands.RegisterGridWorker, set()),
    (grid_workers.GridRef, grid_commands.AssignGridWorker, {"worker_id"}),
    (grid_workers.GridRef, grid_commands.UnassignGridWorker, {"worker_id"}),
    (grid_workers.OpenPoint, grid_commands.OpenCollectionPoint, set()),
    (grid_workers.Assess, grid_commands.AssessGridWorkers, set()),
    (grid_workers.SendBack, grid_commands.SendGridWorkerAssessment, {"assessment_id"}),
]


@pytest.mark.parametrize(
    ("schema", "command", "elsewhere"),
    PAIRS,
    ids=[f"{s.__name__}->{c.__name__}" for s, c, _ in PAIRS],
)
def test_schema_agrees_with_its_command(
    schema: type[Schema], command: type[Command[Any]], elsewhere: set[str]
) -> None:
    declared = schema().fields
    wanted = {f.name: f for f in dataclasses.fields(command) if f.name not in elsewhere}
    assert set(declared) == set(wanted)
    for name, field in declared.items():
        spec = wanted[name]
        default = spec.default
        if spec.default_factory is not dataclasses.MISSING:
            default = spec.default_factory
        assert field.required is (default is dataclasses.MISSING), name
        if not field.required:
            assert field.load_default == default, name
