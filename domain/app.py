"""The ledger application: one eventsourcing Application, one notification log.

Each area contributes a mixin of commands (`<area>_service.py`); this class composes them.
"""

from __future__ import annotations

from domain.assessment_service import AssessmentCommands
from domain.branch_life_service import BranchLifeCommands
from domain.grid_service import GridCommands
from domain.org_registry_service import OrgRegistryCommands
from domain.party_activities_service import PartyActivityCommands
from domain.party_building_service import PartyBuildingCommands
from domain.party_coverage_service import PartyCoverageCommands
from domain.service_issues_service import ServiceIssueCommands
from domain.subsidy_service import SubsidyCommands
from domain.token_service import TokenCommands


class RedPropertyApp(
    OrgRegistryCommands,
    ServiceIssueCommands,
    GridCommands,
    PartyBuildingCommands,
    PartyCoverageCommands,
    BranchLifeCommands,
    PartyActivityCommands,
    AssessmentCommands,
    SubsidyCommands,
    TokenCommands,
):
    name = "RedProperty"
