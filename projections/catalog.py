"""Every projection the system runs, in one list (the runner, rebuild and health use it)."""

from __future__ import annotations

from projections.assessment_inputs import AssessmentInputsProjection
from projections.assessment_ledger import AssessmentLedgerProjection
from projections.base import Projection
from projections.grid_workers import GridWorkersProjection
from projections.issue_board import IssueBoardProjection
from projections.org_registry import OrgRegistryProjection


def all_projections() -> list[Projection]:
    return [
        OrgRegistryProjection(),
        IssueBoardProjection(),
        GridWorkersProjection(),
        AssessmentInputsProjection(),
        AssessmentLedgerProjection(),
    ]
