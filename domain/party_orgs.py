"""R3/R5 party organisations in property companies and owners' committees.

A `PartyOrg` is keyed by its code. Founding links every covered company (the company
aggregate refuses a second active org and is saved in the same transaction, so two
concurrent foundings for one company collide on the company's version). Membership
events carry the business date, so members per branch can be answered for any day.

An organisation is founded with its full members (正式党员), recorded as `MemberJoined` on
the founding date: a branch, general branch or committee needs at least
MIN_BRANCH_FULL_MEMBERS; fewer form a party group (党小组), which exists only attached to
another organisation (挂靠建, method `affiliated`).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order, not_in_future
from domain.errors import InvalidTransition, RuleViolation, TooFewFullMembers
from domain.owners_committees import OwnersCommittee
from domain.property_companies import PropertyCompany

HOST_KINDS = ("property_company", "owners_committee")
METHODS = ("standalone", "joint", "affiliated")
ORG_KINDS = ("branch", "general_branch", "committee", "party_group")
PARTY_GROUP = "party_group"
MIN_BRANCH_FULL_MEMBERS = 3


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise RuleViolation(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


def _full_members(refs: list[str] | tuple[str, ...], kind: str, method: str) -> list[str]:
    clean = [require_text(str(ref), "full_members", max_len=64) for ref in refs]
    if len(set(clean)) != len(clean):
        raise RuleViolation("a full member is named twice", field="full_members")
    if kind == PARTY_GROUP:
        if method != "affiliated":
            raise RuleViolation(
                "a party group exists only attached to another organisation (affiliated)",
                field="kind",
            )
        if not clean:
            raise TooFewFullMembers(
                "a party group has at least one full member", field="full_members"
            )
    elif len(clean) < MIN_BRANCH_FULL_MEMBERS:
        raise TooFewFullMembers(
            f"a {kind} is founded with at least {MIN_BRANCH_FULL_MEMBERS} full members "
            f"({len(clean)} named); fewer form a party group attached to another organisation",
            field="full_members",
        )
    return clean


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
        full_members: list[str] | tuple[str, ...] = (),
        owners_committee: OwnersCommittee | None = None,
    ) -> PartyOrg:
        _one_of(host_kind, HOST_KINDS, "host_kind")
        not_in_future(founded_on, "founded_on")
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
        founders = _full_members(full_members, kind, method)
        if (host_kind == "owners_committee") != (owners_committee is not None):
            raise RuleViolation(
                "an owners' committee org names its committee (and only such an org does)",
                field="owners_committee_id",
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
        for ref in founders:
            org._member_joined(member_ref=ref, on=founded_on)
        for company in companies:
            company.link_party_org(org.id, founded_on)
        if owners_committee is not None:
            owners_committee.link_party_org(org.id, founded_on)
            org._hosted_by_owners_committee(owners_committee_id=owners_committee.id)
        return org

    @event("HostedByOwnersCommittee")
    def _hosted_by_owners_committee(self, owners_committee_id: UUID) -> None:
        self.owners_committee_id: UUID | None = owners_committee_id

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
        self.owners_committee_id = None  # set by HostedByOwnersCommittee
        self.active = True
        self.members: list[str] = []
        self.history: list[tuple[str, date, int]] = []  # (member_ref, on, +1/-1)

    # -- end of life -------------------------------------------------------------------------

    def dissolve(
        self,
        on: date,
        reason: str,
        companies: list[PropertyCompany],
        committee: OwnersCommittee | None = None,
    ) -> None:
        self._check_active(on, "dissolved_on")
        self._dissolved(dissolved_on=on, reason=require_text(reason, "reason", max_len=500))
        for company in companies:
            company.unlink_party_org(self.id, on)
        if committee is not None:
            committee.unlink_party_org(self.id, on)

    def merge_into(
        self,
        into: PartyOrg,
        on: date,
        companies: list[PropertyCompany],
        committee: OwnersCommittee | None = None,
    ) -> None:
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
        if committee is not None:  # its members now meet in the receiving org
            committee.unlink_party_org(self.id, on)
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
        self.history += [(m, merged_on, -1) for m in self.members]
        self.members = []

    @event("Absorbed")
    def _absorbed(
        self, from_id: UUID, company_ids: list[UUID], member_refs: list[str], on: date
    ) -> None:
        self.company_ids += [c for c in company_ids if c not in self.company_ids]
        new = [m for m in member_refs if m not in self.members]
        self.members += new
        self.history += [(m, on, 1) for m in new]

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
        self.history.append((member_ref, on, 1))

    @event("MemberTransferredIn")
    def _member_transferred_in(self, member_ref: str, on: date) -> None:
        self.members.append(member_ref)
        self.history.append((member_ref, on, 1))

    @event("MemberTransferredOut")
    def _member_transferred_out(self, member_ref: str, on: date) -> None:
        self.members.remove(member_ref)
        self.history.append((member_ref, on, -1))

    @event("MemberLeft")
    def _member_left(self, member_ref: str, on: date) -> None:
        self.members.remove(member_ref)
        self.history.append((member_ref, on, -1))

    def members_on(self, day: date) -> set[str]:
        """Members on `day`, from the dated membership changes."""
        count: dict[str, int] = {}
        for ref, on, delta in self.history:
            if on <= day:
                count[ref] = count.get(ref, 0) + delta
        return {ref for ref, n in count.items() if n > 0}

    def _check_active(self, on: date, field: str) -> None:
        not_in_future(on, field)
        if not self.active:
            raise InvalidTransition("the party organisation is dissolved or merged")
        check_order(self.founded_on, on, field)
