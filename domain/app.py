"""The ledger application: one eventsourcing Application, one notification log.

Each area contributes a handler module (`<area>_handlers.py`) whose `HANDLERS` map its
frozen command dataclasses to functions; `handle(command)` is the one typed seam. Areas not
yet moved to handler modules still contribute a mixin of commands (`<area>_service.py`).
"""

from __future__ import annotations

from typing import TypeVar, cast

from domain import assessment_handlers, grid_handlers, service_issue_handlers, subsidy_handlers
from domain.branch_life_service import BranchLifeCommands
from domain.handling import Command, UnknownCommand, merge_tables
from domain.org_registry_service import OrgRegistryCommands
from domain.party_activities_service import PartyActivityCommands
from domain.party_building_service import PartyBuildingCommands
from domain.party_coverage_service import PartyCoverageCommands
from domain.token_service import TokenCommands

R = TypeVar("R")


class RedPropertyApp(
    OrgRegistryCommands,
    PartyBuildingCommands,
    PartyCoverageCommands,
    BranchLifeCommands,
    PartyActivityCommands,
    TokenCommands,
):
    name = "RedProperty"

    handlers = merge_tables(
        # one line per area: <area>_handlers.HANDLERS
        assessment_handlers.HANDLERS,
        subsidy_handlers.HANDLERS,
        service_issue_handlers.HANDLERS,
        grid_handlers.HANDLERS,
    )

    def handle(self, command: Command[R]) -> R:
        """Run one command through its area's handler."""
        try:
            handler = self.handlers[type(command)]
        except KeyError:
            raise UnknownCommand(type(command).__name__) from None
        return cast(R, handler(self, command))
