"""R11 party-building budget of the district or of a street, per calendar year.

Allocated once, topped up later; every disbursement draws on it and a recovered
clawback returns to it. It can never go negative: a draw that would overdraw is refused.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import RuleViolation
from domain.subsidy_policy import check_fen, check_year

HOLDER_KINDS = ("district", "street")


class SubsidyBudget(LedgerAggregate):
    @staticmethod
    def create_id(holder_id: UUID, year: int, **_: object) -> UUID:
        return natural_id("subsidy-budget", holder_id, year)

    @classmethod
    def allocate(
        cls, *, holder_id: UUID, holder_kind: str, year: int, amount_fen: int, note: str = ""
    ) -> SubsidyBudget:
        if holder_kind not in HOLDER_KINDS:
            raise RuleViolation("a budget belongs to the district or a street", field="holder_id")
        return cls(
            holder_id=holder_id,
            holder_kind=holder_kind,
            year=check_year(year),
            amount_fen=check_fen(amount_fen),
            note=note.strip()[:500],
        )

    @event("Allocated")
    def __init__(
        self, *, holder_id: UUID, holder_kind: str, year: int, amount_fen: int, note: str
    ) -> None:
        self.holder_id = holder_id
        self.holder_kind = holder_kind
        self.year = year
        self.available_fen = amount_fen
        self.allocated_fen = amount_fen

    def top_up(self, amount_fen: int, note: str = "") -> None:
        self._topped_up(amount_fen=check_fen(amount_fen), note=note.strip()[:500])

    def draw(self, amount_fen: int, entitlement_id: UUID) -> None:
        check_fen(amount_fen)
        if amount_fen > self.available_fen:
            raise RuleViolation(
                f"the budget has {self.available_fen} fen available, {amount_fen} requested: "
                "a disbursement may not overdraw it",
                field="budget_id",
            )
        self._drawn(amount_fen=amount_fen, entitlement_id=entitlement_id)

    def give_back(self, amount_fen: int, entitlement_id: UUID, reference: str) -> None:
        self._returned(
            amount_fen=check_fen(amount_fen),
            entitlement_id=entitlement_id,
            reference=require_text(reference, "reference", max_len=100),
        )

    @event("ToppedUp")
    def _topped_up(self, amount_fen: int, note: str) -> None:
        self.available_fen += amount_fen
        self.allocated_fen += amount_fen

    @event("Drawn")
    def _drawn(self, amount_fen: int, entitlement_id: UUID) -> None:
        self.available_fen -= amount_fen

    @event("Returned")
    def _returned(self, amount_fen: int, entitlement_id: UUID, reference: str) -> None:
        self.available_fen += amount_fen
