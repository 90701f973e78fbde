"""The ledger application: one eventsourcing Application, one notification log.

Each area contributes a handler module (`<area>_handlers.py`) whose `HANDLERS` map its
frozen command dataclasses (`<area>_commands.py`) to functions; `handle(command)` is the one
typed seam.
"""

from __future__ import annotations

from typing import TypeVar, cast

from domain import (
    assessment_handlers,
    branch_life_handlers,
    grid_handlers,
    org_bodies_handlers,
    org_registry_handlers,
    party_activities_handlers,
    party_building_handlers,
    party_coverage_handlers,
    service_issue_handlers,
    subsidy_handlers,
    token_handlers,
)
from domain.commands import CommandApplication
from domain.handling import Command, UnknownCommand, merge_tables

R = TypeVar("R")


class RedPropertyApp(CommandApplication):
    name = "RedProperty"

    handlers = merge_tables(
        assessment_handlers.HANDLERS,
        subsidy_handlers.HANDLERS,
        service_issue_handlers.HANDLERS,
        grid_handlers.HANDLERS,
        org_registry_handlers.HANDLERS,
        org_bodies_handlers.HANDLERS,
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
