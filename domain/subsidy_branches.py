"""What the subsidy rules need to know about a company party branch (a `PartyOrg` of
domain/party_orgs.py that names the companies it is founded in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.base import LedgerAggregate
from domain.errors import RuleViolation
from domain.party_orgs import PartyOrg

FOUNDING_METHODS = ("standalone", "joint", "affiliated")  # 单独建, 联合建, 挂靠建


@dataclass(frozen=True)
class BranchFacts:
    id: UUID
    founded_on: date
    dissolved_on: date | None
    street_id: UUID | None
    company_ids: list[str]
    method: str


def facts_of(org: LedgerAggregate) -> BranchFacts:
    """Facts of a party org; only company party organisations get subsidies."""
    if not isinstance(org, PartyOrg):
        raise RuleViolation(f"{org.id} is not a party organisation", field="branch_id")
    if not org.company_ids:
        raise RuleViolation("only company party branches get subsidies", field="branch_id")
    return BranchFacts(
        id=org.id,
        founded_on=as_date(org.founded_on),
        dissolved_on=None,  # a PartyOrg keeps no end date: its Dissolved and Merged events do
        street_id=UUID(str(org.street_id)) if org.street_id else None,
        company_ids=[str(c) for c in org.company_ids],
        method=str(org.method),
    )


def community_of(org: LedgerAggregate) -> UUID | None:
    """The org's community (to find its street when it names no street)."""
    community = org.community_id if isinstance(org, PartyOrg) else None
    return UUID(str(community)) if community else None


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
