"""R4 owners' committees (业主委员会): elected for a term with members, some of them party
members and some from the community's "two committees"."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order
from domain.errors import InvalidTransition, RuleViolation


class OwnersCommittee(LedgerAggregate):
    @staticmethod
    def create_id(compound_id: UUID, term_starts: date, **_: object) -> UUID:
        return natural_id("owners-committee", compound_id, term_starts.isoformat())

    @classmethod
    def elect(
        cls,
        *,
        compound_id: UUID,
        community_id: UUID,
        name: str,
        term_starts: date,
        term_ends: date,
        members: list[dict[str, Any]],
    ) -> OwnersCommittee:
        check_order(term_starts, term_ends, "term_ends")
        if not members:
            raise RuleViolation("an owners' committee has members", field="members")
        refs = [require_text(str(m.get("member_ref", "")), "members", max_len=64) for m in members]
        if len(set(refs)) != len(refs):
            raise RuleViolation("a member is named twice", field="members")
        clean = [
            {
                "member_ref": ref,
                "name": require_text(str(m.get("name", "")), "members", max_len=100),
                "party_member": bool(m.get("party_member", False)),
                "from_two_committees": bool(m.get("from_two_committees", False)),
            }
            for ref, m in zip(refs, members, strict=True)
        ]
        return cls(
            compound_id=compound_id,
            community_id=community_id,
            name=require_text(name, "name", max_len=100),
            term_starts=term_starts,
            term_ends=term_ends,
            members=clean,
        )

    @event("Elected")
    def __init__(
        self,
        *,
        compound_id: UUID,
        community_id: UUID,
        name: str,
        term_starts: date,
        term_ends: date,
        members: list[dict[str, Any]],
    ) -> None:
        self.compound_id = compound_id
        self.community_id = community_id
        self.name = name
        self.term_starts = term_starts
        self.term_ends = term_ends
        self.members = list(members)
        self.dissolved = False

    def dissolve(self, on: date, reason: str) -> None:
        if self.dissolved:
            raise InvalidTransition("the committee is already dissolved")
        check_order(self.term_starts, on, "on")
        self._dissolved(on=on, reason=require_text(reason, "reason", max_len=500))

    @event("Dissolved")
    def _dissolved(self, on: date, reason: str) -> None:
        self.dissolved = True
