"""Which entitlements an event of the log makes due (R11), decided from the events alone.

- a branch founded        → its start-up fund, and the yearly subsidy of every open year
                            in which it is active;
- a year opened           → the yearly subsidy of every branch active in that year;
- a policy set or changed → the start-up fund of every known branch (newly eligible ones);
- eligibility set         → the start-up fund and open years' subsidies of every known
                            branch (those whose founding method became eligible).

What is listed here may still be refused by the command (founded before the policy start
date, a founding method the eligibility excludes, not a company branch...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from domain.party_orgs import PartyOrg
from domain.subsidy_branches import as_date
from domain.subsidy_policy import STARTUP, YEARLY, SubsidyPolicy, months_active

# The event classes the aggregates' @event decorators make (mypy cannot see them).
FOUNDED: type[Any] = PartyOrg.Founded  # type: ignore[attr-defined]
DISSOLVED: type[Any] = PartyOrg.Dissolved  # type: ignore[attr-defined]
MERGED: type[Any] = PartyOrg.Merged  # type: ignore[attr-defined]
POLICY_SET: tuple[type[Any], ...] = (
    SubsidyPolicy.Configured,  # type: ignore[attr-defined]
    SubsidyPolicy.Changed,  # type: ignore[attr-defined]
)
YEAR_OPENED: type[Any] = SubsidyPolicy.YearOpened  # type: ignore[attr-defined]
ELIGIBILITY_SET: type[Any] = SubsidyPolicy.EligibilitySet  # type: ignore[attr-defined]
EVENT_TYPES = (FOUNDED, DISSOLVED, MERGED, *POLICY_SET, YEAR_OPENED, ELIGIBILITY_SET)


class DueEntitlement(NamedTuple):
    branch_id: UUID
    kind: str
    year: int | None


@dataclass
class BranchLife:
    founded_on: date
    ended_on: date | None = None

    def active_in(self, year: int) -> bool:
        return months_active(year, self.founded_on, self.ended_on) > 0


@dataclass
class DueState:
    """What the decision remembers of the events seen so far."""

    branches: dict[UUID, BranchLife] = field(default_factory=dict)
    open_years: set[int] = field(default_factory=set)

    def yearly(self, branch_id: UUID) -> list[DueEntitlement]:
        life = self.branches[branch_id]
        return [
            DueEntitlement(branch_id, YEARLY, y)
            for y in sorted(self.open_years)
            if life.active_in(y)
        ]


def entitlements_due(state: DueState, event: object) -> list[DueEntitlement]:
    """Take the event into `state`; the entitlements it makes due, in order."""
    if isinstance(event, FOUNDED):
        branch_id = event.originator_id
        state.branches[branch_id] = BranchLife(as_date(event.founded_on))
        return [DueEntitlement(branch_id, STARTUP, None), *state.yearly(branch_id)]
    if isinstance(event, DISSOLVED):
        _end(state, event.originator_id, event.dissolved_on)
    elif isinstance(event, MERGED):
        _end(state, event.originator_id, event.merged_on)
    elif isinstance(event, YEAR_OPENED):
        year: int = event.year
        state.open_years.add(year)
        return [
            DueEntitlement(b, YEARLY, year)
            for b, life in state.branches.items()
            if life.active_in(year)
        ]
    elif isinstance(event, POLICY_SET):
        return [DueEntitlement(b, STARTUP, None) for b in state.branches]
    elif isinstance(event, ELIGIBILITY_SET):
        return [
            d for b in state.branches for d in (DueEntitlement(b, STARTUP, None), *state.yearly(b))
        ]
    return []


def _end(state: DueState, branch_id: UUID, on: date | str) -> None:
    if branch_id in state.branches:
        state.branches[branch_id].ended_on = as_date(on)
