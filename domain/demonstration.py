"""R8 demonstration projects (红色物业示范项目): designated for a community or compound in a year."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import InvalidTransition, RuleViolation


class DemonstrationProject(LedgerAggregate):
    @staticmethod
    def create_id(year: int, unit_id: UUID, **_: object) -> UUID:
        return natural_id("demonstration-project", year, unit_id)

    @classmethod
    def designate(
        cls, *, year: int, unit_id: UUID, unit_kind: str, name: str, designated_on: date
    ) -> DemonstrationProject:
        if unit_kind not in ("community", "compound"):
            raise RuleViolation("designate a community or a compound", field="unit_id")
        if designated_on.year != year:
            raise RuleViolation("designated_on must fall in the year", field="designated_on")
        return cls(
            year=year,
            unit_id=unit_id,
            unit_kind=unit_kind,
            name=require_text(name, "name", max_len=100),
            designated_on=designated_on,
        )

    @event("Designated")
    def __init__(
        self, *, year: int, unit_id: UUID, unit_kind: str, name: str, designated_on: date
    ) -> None:
        self.year = year
        self.unit_id = unit_id
        self.unit_kind = unit_kind
        self.name = name
        self.withdrawn = False

    def withdraw(self, on: date, reason: str) -> None:
        if self.withdrawn:
            raise InvalidTransition("the designation is already withdrawn")
        self._withdrawn(on=on, reason=require_text(reason, "reason", max_len=500))

    @event("Withdrawn")
    def _withdrawn(self, on: date, reason: str) -> None:
        self.withdrawn = True
