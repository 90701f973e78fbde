"""What the subsidy rules need to know about a company party branch.

Party organisations belong to another area (`domain/party_orgs.py`, aggregate `PartyOrg`
with events `PartyOrg.Founded`, and `PartyOrg.Dissolved` / `PartyOrg.Merged` that end it). The subsidy ledger depends on
that contract only — the class and event names and the attributes read below — not on
the module, so either side can change its internals (and tests can stand in for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import RuleViolation

BRANCH_CLASS_NAME = "PartyOrg"
FOUNDING_METHODS = ("standalone", "joint", "affiliated")  # 单独建, 联合建, 挂靠建
FOUNDED_SUFFIX = ":PartyOrg.Founded"
ENDED = {":PartyOrg.Dissolved": "dissolved_on", ":PartyOrg.Merged": "merged_on"}


@dataclass(frozen=True)
class BranchFacts:
    id: UUID
    founded_on: date
    dissolved_on: date | None
    street_id: UUID | None
    company_ids: list[str]
    method: str


def is_founded(topic: str) -> bool:
    return topic.endswith(FOUNDED_SUFFIX)


def is_ended(topic: str) -> bool:
    """Dissolved, or merged into another org (either ends the branch)."""
    return topic.endswith(tuple(ENDED))


def branch_facts(org: Any) -> BranchFacts:
    """Facts of a party org; only company party organisations get subsidies."""
    if type(org).__name__ != BRANCH_CLASS_NAME:
        raise RuleViolation(f"{org.id} is not a party organisation", field="branch_id")
    if not getattr(org, "company_ids", None):
        raise RuleViolation("only company party branches get subsidies", field="branch_id")
    ended = getattr(org, "ended_on", None) or getattr(org, "dissolved_on", None)
    street = getattr(org, "street_id", None)
    return BranchFacts(
        id=org.id,
        founded_on=as_date(org.founded_on),
        dissolved_on=as_date(ended) if ended else None,
        street_id=UUID(str(street)) if street else None,
        company_ids=[str(c) for c in org.company_ids],
        method=str(org.method),
    )


def community_of(org: Any) -> UUID | None:
    """The org's community (to find its street when it names no street)."""
    community = getattr(org, "community_id", None)
    return UUID(str(community)) if community else None


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def founded_on(event: Any) -> date:
    return as_date(event.founded_on)


def founding_method(event: Any) -> str:
    return str(event.method)


def ended_on(topic: str, event: Any) -> date:
    field = next(f for suffix, f in ENDED.items() if topic.endswith(suffix))
    return as_date(getattr(event, field))
