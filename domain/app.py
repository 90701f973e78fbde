"""The ledger application: one eventsourcing Application, one notification log.

Each area contributes a handler module (`<area>_handlers.py`) whose `HANDLERS` map its
frozen command dataclasses to functions; `handle(command)` is the one typed seam. Areas not
yet moved to handler modules still contribute a mixin of commands (`<area>_service.py`).
"""

from __future__ import annotations

from typing import TypeVar, cast

from domain import (
    branch_life_handlers,
    org_registry_handlers,
    party_activities_handlers,
    party_building_handlers,
    party_coverage_handlers,
    token_handlers,
)
from domain.assessment_service import AssessmentCommands
from domain.grid_service import GridCommands
from domain.handling import Command, UnknownCommand, merge_tables
from domain.service_issues_service import ServiceIssueCommands
from domain.subsidy_service import SubsidyCommands

R = TypeVar("R")


class RedPropertyApp(
    ServiceIssueCommands,
    GridCommands,
    AssessmentCommands,
    SubsidyCommands,
):
    name = "RedProperty"

    handlers = merge_tables(
        # one line per area: <area>_handlers.HANDLERS
        org_registry_handlers.HANDLERS,
        party_building_handlers.HANDLERS,
        party_coverage_handlers.HANDLERS,
        branch_life_handlers.HANDLERS,
        party_activities_handlers.HANDLERS,
        token_handlers.HANDLERS,
    )

    def handle(self, command: Command[R]) -> R:
        """Run one command through its area's handler."""
        try:
            handler = self.handlers[type(command)]
        except KeyError:
            raise UnknownCommand(type(command).__name__) from None
        return cast(R, handler(self, command))
