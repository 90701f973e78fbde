"""R3/R5 party organisations in property companies and owners' committees.

A `PartyOrg` is keyed by its code. Founding links every covered company (the company
aggregate refuses a second active org and is saved in the same transaction, so two
concurrent foundings for one company collide on the company's version). Membership
events carry the business date, so members per branch can be answered for any day.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order
from domain.errors import InvalidTransition, RuleViolation
from domain.property_companies import PropertyCompany

HOST_KINDS = ("property_company", "owners_committee")
METHODS = ("standalone", "joint", "affiliated")
ORG_KINDS = ("branch", "general_branch", "committee")


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise RuleViolation(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


class PartyOrg(LedgerAggregate):
    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return natural_id("party-org", code)

    @classmethod
    def found(
        cls,
        *,
        code: str,
        name: str,
        host_kind: str,
        companies: list[PropertyCompany],
        method: str,
        kind: str,
        founded_on: date,
        street_id: UUID | None = None,
        community_id: UUID | None = None,
        affiliated_to: PartyOrg | None = None,
    ) -> PartyOrg:
        _one_of(host_kind, HOST_KINDS, "host_kind")
        _one_of(method, METHODS, "method")
        _one_of(kind, ORG_KINDS, "kind")
        ids = [c.id for c in companies]
        if len(set(ids)) != len(ids):
            raise RuleViolation("a company is named twice", field="company_ids")
        if host_kind == "property_company" and not ids:
            raise RuleViolation("name the company the org is founded in", field="company_ids")
        if method == "standalone" and host_kind == "property_company" and len(ids) != 1:
            raise RuleViolation("a standalone org covers exactly one company", field="company_ids")
        if method == "joint" and len(ids) < 2:
            raise RuleViolation(
                "a joint org names every covered company (2 or more)", field="company_ids"
            )
        if method == "affiliated":
            if affiliated_to is None:
                raise RuleViolation(
                    "an affiliated org names the org it is attached to", field="affiliated_to"
                )
            if not affiliated_to.active:
                raise InvalidTransition("the org it would be attached to is no longer active")
        elif affiliated_to is not None:
            raise RuleViolation(
                "only an affiliated org is attached to another", field="affiliated_to"
            )
        org = cls(
            code=require_text(code, "code", max_len=40),
            name=require_text(name, "name", max_len=100),
            host_kind=host_kind,
            company_ids=ids,
            method=method,
            kind=kind,
            founded_on=founded_on,
            street_id=street_id,
            community_id=community_id,
            affiliated_to=affiliated_to.id if affiliated_to else None,
        )
        for company in companies:
            company.link_party_org(org.id, founded_on)
        return org

    @event("Founded")
    def __init__(
        self,
        *,
        code: str,
        name: str,
        host_kind: str,
        company_ids: list[UUID],
        method: str,
        kind: str,
        founded_on: date,
        street_id: UUID | None,
        community_id: UUID | None,
        affiliated_to: UUID | None,
    ) -> None:
        self.code = code
        self.name = name
        self.host_kind = host_kind
        self.company_ids = list(company_ids)
        self.method = method
        self.kind = kind
        self.founded_on = founded_on
        self.street_id = street_id
        self.community_id = community_id
        self.affiliated_to = affiliated_to
        self.active = True
        self.members: list[str] = []

    # -- end of life -------------------------------------------------------------------------

    def dissolve(self, on: date, reason: str, companies: list[PropertyCompany]) -> None:
        self._check_active(on, "dissolved_on")
        self._dissolved(dissolved_on=on, reason=require_text(reason, "reason", max_len=500))
        for company in companies:
            company.unlink_party_org(self.id, on)

    def merge_into(self, into: PartyOrg, on: date, companies: list[PropertyCompany]) -> None:
        self._check_active(on, "merged_on")
        if into.id == self.id:
            raise RuleViolation("an org cannot be merged into itself", field="into_id")
        if not into.active:
            raise InvalidTransition("the receiving org is no longer active")
        check_order(into.founded_on, on, "merged_on")
        members = list(self.members)
        self._merged(into_id=into.id, merged_on=on)
        for company in companies:
            company.unlink_party_org(self.id, on)
            company.link_party_org(into.id, on)
        into._absorbed(
            from_id=self.id,
            company_ids=[c.id for c in companies],
            member_refs=members,
            on=on,
        )

    @event("Dissolved")
    def _dissolved(self, dissolved_on: date, reason: str) -> None:
        self.active = False

    @event("Merged")
    def _merged(self, into_id: UUID, merged_on: date) -> None:
        self.active = False
        self.members = []

    @event("Absorbed")
    def _absorbed(
        self, from_id: UUID, company_ids: list[UUID], member_refs: list[str], on: date
    ) -> None:
        self.company_ids += [c for c in company_ids if c not in self.company_ids]
        self.members += [m for m in member_refs if m not in self.members]

    # -- R5 membership -----------------------------------------------------------------------

    def join(self, member_ref: str, on: date) -> None:
        ref = self._new_member(member_ref, on)
        self._member_joined(member_ref=ref, on=on)

    def transfer_in(self, member_ref: str, on: date) -> None:
        ref = self._new_member(member_ref, on)
        self._member_transferred_in(member_ref=ref, on=on)

    def transfer_out(self, member_ref: str, on: date) -> None:
        ref = self._current_member(member_ref, on)
        self._member_transferred_out(member_ref=ref, on=on)

    def leave(self, member_ref: str, on: date) -> None:
        ref = self._current_member(member_ref, on)
        self._member_left(member_ref=ref, on=on)

    def _new_member(self, member_ref: str, on: date) -> str:
        self._check_active(on, "on")
        ref = require_text(member_ref, "member_ref", max_len=64)
        if ref in self.members:
            raise InvalidTransition(f"{ref} is already a member")
        return ref

    def _current_member(self, member_ref: str, on: date) -> str:
        self._check_active(on, "on")
        ref = require_text(member_ref, "member_ref", max_len=64)
        if ref not in self.members:
            raise InvalidTransition(f"{ref} is not a member")
        return ref

    @event("MemberJoined")
    def _member_joined(self, member_ref: str, on: date) -> None:
        self.members.append(member_ref)

    @event("MemberTransferredIn")
    def _member_transferred_in(self, member_ref: str, on: date) -> None:
        self.members.append(member_ref)

    @event("MemberTransferredOut")
    def _member_transferred_out(self, member_ref: str, on: date) -> None:
        self.members.remove(member_ref)

    @event("MemberLeft")
    def _member_left(self, member_ref: str, on: date) -> None:
        self.members.remove(member_ref)

    def _check_active(self, on: date, field: str) -> None:
        if not self.active:
            raise InvalidTransition("the party organisation is dissolved or merged")
        check_order(self.founded_on, on, field)
