"""A stand-in for the party-organisation area's `PartyOrg` in subsidy tests: same class and
event names and the attributes the subsidy ledger reads (domain/subsidy_branches.py).
Its topics live under tests.support, and the ledger matches them by name like the real one."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id


class PartyOrg(LedgerAggregate):
    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return natural_id("test-party-org", code)

    @event("Founded")
    def __init__(
        self,
        *,
        code: str,
        company_ids: list[str],
        method: str,
        kind: str,
        founded_on: date,
        street_id: UUID | None,
        community_id: UUID | None,
    ) -> None:
        self.company_ids = company_ids
        self.method = method
        self.founded_on = founded_on
        self.street_id = street_id
        self.community_id = community_id
        self.dissolved_on: date | None = None

    @event("Dissolved")
    def dissolve(self, dissolved_on: date, reason: str) -> None:
        self.dissolved_on = dissolved_on
