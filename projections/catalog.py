"""Every projection the system runs, in one list (the runner, rebuild and health use it)."""

from __future__ import annotations

from projections.assessment_inputs import AssessmentInputsProjection
from projections.assessment_ledger import AssessmentLedgerProjection
from projections.base import Projection
from projections.branch_life import BranchLifeProjection
from projections.dual_coverage import DualCoverageProjection
from projections.grid_workers import GridWorkersProjection
from projections.issue_board import IssueBoardProjection
from projections.org_bodies import OrgBodiesProjection
from projections.org_closure import OrgClosureProjection
from projections.org_registry import OrgRegistryProjection
from projections.owners_committees import OwnersCommitteesProjection
from projections.party_activities import PartyActivitiesProjection
from projections.party_orgs import PartyOrgsProjection
from projections.recognitions import RecognitionsProjection
from projections.service_contracts import ServiceContractsProjection
from projections.subsidy_ledger import SubsidyLedgerProjection
from projections.subsidy_policy import SubsidyPolicyProjection
from projections.token_revocations import TokenRevocationsProjection


def all_projections() -> list[Projection]:
    return [
        OrgRegistryProjection(),
        OrgClosureProjection(),
        OrgBodiesProjection(),
        IssueBoardProjection(),
        GridWorkersProjection(),
        DualCoverageProjection(),
        PartyOrgsProjection(),
        RecognitionsProjection(),
        OwnersCommitteesProjection(),
        BranchLifeProjection(),
        PartyActivitiesProjection(),
        AssessmentInputsProjection(),
        AssessmentLedgerProjection(),
        SubsidyLedgerProjection(),
        SubsidyPolicyProjection(),
        TokenRevocationsProjection(),
        ServiceContractsProjection(),
    ]
