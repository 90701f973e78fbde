"""R3 dispatched party-building instructors (选派党建指导员) and the district property-industry
party committee (区物业服务行业党委) with its members."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order, not_in_future
from domain.errors import InvalidTransition, RuleViolation

TARGET_KINDS = ("property_company", "owners_committee")


class Instructor(LedgerAggregate):
    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return natural_id("party-instructor", code)

    @classmethod
    def register(cls, *, code: str, name: str, home_unit_id: UUID | None = None) -> Instructor:
        return cls(
            code=require_text(code, "code", max_len=40),
            name=require_text(name, "name", max_len=100),
            home_unit_id=home_unit_id,
        )

    @event("Registered")
    def __init__(self, *, code: str, name: str, home_unit_id: UUID | None) -> None:
        self.code = code
        self.name = name
        self.home_unit_id = home_unit_id
        self.post: dict[str, Any] | None = None
        self.last_recalled_on: date | None = None

    def dispatch(self, *, target_kind: str, target_id: UUID, on: date) -> None:
        if target_kind not in TARGET_KINDS:
            raise RuleViolation(
                f"target_kind must be one of {', '.join(TARGET_KINDS)}", field="target_kind"
            )
        not_in_future(on, "on")
        if self.post is not None:
            raise InvalidTransition(
                f"instructor {self.code} is already dispatched (since {self.post['on']}); recall first"
            )
        if self.last_recalled_on is not None:
            check_order(self.last_recalled_on, on, "on")
        self._dispatched(target_kind=target_kind, target_id=target_id, on=on)

    def recall(self, on: date, reason: str | None = None) -> None:
        if self.post is None:
            raise InvalidTransition(f"instructor {self.code} is not dispatched")
        check_order(self.post["on"], not_in_future(on, "on"), "on")
        self._recalled(target_id=self.post["target_id"], on=on, reason=reason)

    @event("Dispatched")
    def _dispatched(self, target_kind: str, target_id: UUID, on: date) -> None:
        self.post = {"target_kind": target_kind, "target_id": target_id, "on": on}

    @event("Recalled")
    def _recalled(self, target_id: UUID, on: date, reason: str | None) -> None:
        self.post = None
        self.last_recalled_on = on


class IndustryPartyCommittee(LedgerAggregate):
    """The district property-industry party committee; one per district."""

    @staticmethod
    def create_id(district_id: UUID, **_: object) -> UUID:
        return natural_id("industry-party-committee", district_id)

    @classmethod
    def establish(
        cls, *, district_id: UUID, name: str, established_on: date
    ) -> IndustryPartyCommittee:
        return cls(
            district_id=district_id,
            name=require_text(name, "name", max_len=100),
            established_on=established_on,
        )

    @event("Established")
    def __init__(self, *, district_id: UUID, name: str, established_on: date) -> None:
        self.district_id = district_id
        self.name = name
        self.established_on = established_on
        self.members: dict[str, dict[str, Any]] = {}

    def appoint(self, *, member_ref: str, name: str, post: str, on: date) -> None:
        ref = require_text(member_ref, "member_ref", max_len=64)
        if ref in self.members:
            raise InvalidTransition(f"{ref} is already a committee member")
        check_order(self.established_on, on, "on")
        self._appointed(
            member_ref=ref,
            name=require_text(name, "name", max_len=100),
            post=require_text(post, "post", max_len=40),
            on=on,
        )

    def remove(self, member_ref: str, on: date) -> None:
        member = self.members.get(member_ref)
        if member is None:
            raise InvalidTransition(f"{member_ref} is not a committee member")
        check_order(member["on"], on, "on")
        self._removed(member_ref=member_ref, on=on)

    @event("MemberAppointed")
    def _appointed(self, member_ref: str, name: str, post: str, on: date) -> None:
        self.members[member_ref] = {"name": name, "post": post, "on": on}

    @event("MemberRemoved")
    def _removed(self, member_ref: str, on: date) -> None:
        del self.members[member_ref]
