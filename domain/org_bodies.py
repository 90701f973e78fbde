"""R1 organisations the seed names under a community or a street (社区党组织, 居委会,
街道物业管理办公室, 社区物业工作指导委员会): `OrgBody`, one aggregate per body, with a kind.

A body is established on a date under a unit of the right kind and stays in office until it
is dissolved (in office on `d`: established_on ≤ d < dissolved_on). A community or street
has at most one body of each kind at a time: every body is booked on the parent's
`OrgBodyTerms` for its kind in the same transaction, so overlapping bodies are refused even
when established concurrently, and "the body of this kind in office on a day" is answered
from the calendar.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order, not_in_future
from domain.errors import InvalidTransition, OverlappingOrgBody, RuleViolation


class BodyKind(StrEnum):
    COMMUNITY_PARTY_ORG = "community_party_org"  # 社区党组织
    RESIDENTS_COMMITTEE = "residents_committee"  # 居委会
    STREET_PROPERTY_OFFICE = "street_property_office"  # 街道物业管理办公室
    PROPERTY_GUIDANCE_COMMITTEE = "property_guidance_committee"  # 社区物业工作指导委员会


BODY_PARENT_KIND = {
    BodyKind.COMMUNITY_PARTY_ORG: "community",
    BodyKind.RESIDENTS_COMMITTEE: "community",
    BodyKind.STREET_PROPERTY_OFFICE: "street",
    BodyKind.PROPERTY_GUIDANCE_COMMITTEE: "community",
}

BODY_LABELS = {
    BodyKind.COMMUNITY_PARTY_ORG: "社区党组织",
    BodyKind.RESIDENTS_COMMITTEE: "居委会",
    BodyKind.STREET_PROPERTY_OFFICE: "街道物业管理办公室",
    BodyKind.PROPERTY_GUIDANCE_COMMITTEE: "社区物业工作指导委员会",
}

# Bodies an issue may be routed to (受理 and assigned), besides a company.
ISSUE_ROUTING_KINDS = (BodyKind.PROPERTY_GUIDANCE_COMMITTEE, BodyKind.STREET_PROPERTY_OFFICE)


def parse_body_kind(kind: str, field: str = "kind") -> BodyKind:
    try:
        return BodyKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in BodyKind)
        raise RuleViolation(f"unknown kind {kind!r} (one of {allowed})", field=field) from None


def in_office(starts: date, ends: date | None, day: date) -> bool:
    return starts <= day and (ends is None or day < ends)


class OrgBodyTerms(LedgerAggregate):
    """The calendar of one kind of body under one community or street."""

    @staticmethod
    def create_id(parent_id: UUID, kind: str, **_: object) -> UUID:
        return natural_id("org-body-terms", parent_id, kind)

    @event("Opened")
    def __init__(self, *, parent_id: UUID, kind: str) -> None:
        self.parent_id = parent_id
        self.kind = kind
        self.terms: dict[str, list[date | None]] = {}  # body id -> [starts, ends]

    def book(self, body_id: UUID, starts: date) -> None:
        for other_id, (other_starts, other_ends) in self.terms.items():
            assert other_starts is not None
            if other_ends is None or starts < other_ends:
                ends = f"until {other_ends}" if other_ends else "with no end"
                raise OverlappingOrgBody(
                    f"a {self.kind} of this unit ({other_id}) is in office from "
                    f"{other_starts} {ends}: dissolve it first (from a date after it began)",
                    field="established_on",
                )
        self._booked(body_id=body_id, starts=starts)

    def end(self, body_id: UUID, on: date) -> None:
        self._ended(body_id=body_id, on=on)

    def in_office(self) -> UUID | None:
        """The body of this kind not yet dissolved, if any."""
        for body_id, (_, ends) in self.terms.items():
            if ends is None:
                return UUID(body_id)
        return None

    def holder_on(self, day: date) -> UUID | None:
        """The body of this kind in office on `day`, if any."""
        for body_id, (starts, ends) in self.terms.items():
            assert starts is not None
            if in_office(starts, ends, day):
                return UUID(body_id)
        return None

    @event("TermBooked")
    def _booked(self, body_id: UUID, starts: date) -> None:
        self.terms[str(body_id)] = [starts, None]

    @event("TermEnded")
    def _ended(self, body_id: UUID, on: date) -> None:
        self.terms[str(body_id)][1] = on


class OrgBody(LedgerAggregate):
    @staticmethod
    def create_id(kind: str, parent_id: UUID, established_on: date, **_: object) -> UUID:
        return natural_id("org-body", kind, parent_id, established_on.isoformat())

    @classmethod
    def establish(
        cls,
        *,
        kind: str,
        name: str,
        parent_id: UUID,
        parent_kind: str,
        parent_closed: bool,
        street_id: UUID | None,
        established_on: date,
        terms: OrgBodyTerms,
    ) -> OrgBody:
        body_kind = parse_body_kind(kind)
        expected = BODY_PARENT_KIND[body_kind]
        if parent_kind != expected:
            raise RuleViolation(
                f"a {body_kind.value} belongs to a {expected}, not a {parent_kind}",
                field="parent_id",
            )
        if parent_closed:
            raise InvalidTransition(f"the {parent_kind} {parent_id} is closed")
        not_in_future(established_on, "established_on")
        clean_name = require_text(name, "name", max_len=100)
        body_id = cls.create_id(body_kind.value, parent_id, established_on)
        terms.book(body_id, established_on)
        return cls(
            kind=body_kind.value,
            name=clean_name,
            parent_id=parent_id,
            street_id=street_id,
            community_id=parent_id if expected == "community" else None,
            established_on=established_on,
        )

    @event("Established")
    def __init__(
        self,
        *,
        kind: str,
        name: str,
        parent_id: UUID,
        street_id: UUID | None,
        community_id: UUID | None,
        established_on: date,
    ) -> None:
        self.kind = kind
        self.name = name
        self.parent_id = parent_id
        self.street_id = street_id
        self.community_id = community_id
        self.established_on = established_on
        self.named_on = established_on  # the day the current name was taken
        self.dissolved_on: date | None = None

    def in_office_on(self, day: date) -> bool:
        return in_office(self.established_on, self.dissolved_on, day)

    def rename(self, name: str, on: date) -> None:
        self._check_in_office(on)
        check_order(self.named_on, on, "on")  # names follow each other in time
        new_name = require_text(name, "name", max_len=100)
        if new_name != self.name:
            self._renamed(name=new_name, on=on)

    def dissolve(self, on: date, reason: str, terms: OrgBodyTerms) -> None:
        self._check_in_office(on)
        if on == self.established_on:
            raise RuleViolation("a body is dissolved after the day it was established", field="on")
        self._dissolved(on=on, reason=require_text(reason, "reason", max_len=500))
        terms.end(self.id, on)

    @event("Renamed")
    def _renamed(self, name: str, on: date) -> None:
        self.name = name
        self.named_on = on

    @event("Dissolved")
    def _dissolved(self, on: date, reason: str) -> None:
        self.dissolved_on = on

    def _check_in_office(self, on: date) -> None:
        not_in_future(on, "on")
        if self.dissolved_on is not None:
            raise InvalidTransition(f"the {self.kind} was dissolved on {self.dissolved_on}")
        check_order(self.established_on, on, "on")


def require_in_office(body: OrgBody, kinds: tuple[str, ...], day: date, field: str) -> OrgBody:
    """A body named in the input must be of one of `kinds` and in office on `day`."""
    if body.kind not in kinds:
        raise RuleViolation(f"{body.id} is a {body.kind}, not a {' or '.join(kinds)}", field=field)
    if not body.in_office_on(day):
        raise RuleViolation(f"the {body.kind} {body.name} is not in office on {day}", field=field)
    return body
