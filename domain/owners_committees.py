"""R4 owners' committees (业主委员会): elected for a term with members, some of them party
members and some from the community's "two committees". A compound has one committee at a
time: every election is booked on the compound's `OwnersCommitteeTerms` in the same
transaction, so overlapping terms are refused even when elected concurrently."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order, overlaps
from domain.errors import (
    InvalidTransition,
    OverlappingOwnersCommittee,
    RuleViolation,
)
from domain.party_org_holders import PartyOrgHolder


class OwnersCommittee(PartyOrgHolder, LedgerAggregate):
    holder_label = "owners' committee"

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
        terms: OwnersCommitteeTerms,
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
        terms.book(cls.create_id(compound_id, term_starts), term_starts, term_ends)
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
        self.party_org_id: UUID | None = None

    def in_office_on(self, day: date) -> bool:
        return self.term_starts <= day <= self.term_ends and not self.dissolved

    # -- R3 party organisation of the committee (业委会党组织) ---------------------------------

    def link_party_org(self, party_org_id: UUID, on: date) -> None:
        if not self.in_office_on(on):
            raise RuleViolation(
                f"the owners' committee is not in office on {on} "
                f"(term {self.term_starts} to {self.term_ends})",
                field="founded_on",
            )
        super().link_party_org(party_org_id, on)

    @event("PartyOrgLinked")
    def _party_org_linked(self, party_org_id: UUID, on: date) -> None:
        self.party_org_id = party_org_id

    @event("PartyOrgUnlinked")
    def _party_org_unlinked(self, party_org_id: UUID, on: date) -> None:
        self.party_org_id = None

    def dissolve(self, on: date, reason: str) -> None:
        if self.dissolved:
            raise InvalidTransition("the committee is already dissolved")
        check_order(self.term_starts, on, "on")
        self._dissolved(on=on, reason=require_text(reason, "reason", max_len=500))

    @event("Dissolved")
    def _dissolved(self, on: date, reason: str) -> None:
        self.dissolved = True


class OwnersCommitteeTerms(LedgerAggregate):
    """The compound's calendar of owners' committee terms; refuses overlapping ones."""

    @staticmethod
    def create_id(compound_id: UUID, **_: object) -> UUID:
        return natural_id("owners-committee-terms", compound_id)

    @event("Opened")
    def __init__(self, *, compound_id: UUID) -> None:
        self.compound_id = compound_id
        self.terms: dict[str, tuple[date, date]] = {}

    def book(self, committee_id: UUID, starts: date, ends: date) -> None:
        for other_id, (other_starts, other_ends) in self.terms.items():
            if overlaps(starts, ends, other_starts, other_ends):
                raise OverlappingOwnersCommittee(
                    f"the compound's owners' committee {other_id} holds office "
                    f"from {other_starts} to {other_ends}",
                    field="term_starts",
                )
        self._booked(committee_id=committee_id, starts=starts, ends=ends)

    @event("TermBooked")
    def _booked(self, committee_id: UUID, starts: date, ends: date) -> None:
        self.terms[str(committee_id)] = (starts, ends)
