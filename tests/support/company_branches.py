"""Company party branches for subsidy tests: real `PartyOrg` aggregates recorded by their
founding event alone, without `PartyOrg.found`'s checks (which need the companies and the
founding members registered first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from domain.party_orgs import PartyOrg


def company_branch(
    code: str,
    company_id: str,
    founded_on: date,
    street_id: UUID | None,
    community_id: UUID | None = None,
    *,
    joint_with: Sequence[str] = (),
) -> PartyOrg:
    return PartyOrg(
        code=code,
        name=f"{code}支部",
        host_kind="property_company",
        company_ids=[company_id, *joint_with],  # type: ignore[list-item]  # the ledger reads them as text
        method="standalone",
        kind="branch",
        founded_on=founded_on,
        street_id=street_id,
        community_id=community_id,
        affiliated_to=None,
    )
