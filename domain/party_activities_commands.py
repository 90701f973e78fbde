"""Commands of cross-appointments, member posts, places, secretary training and joint events
(R4, R5, R7, R12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class AppointCross(Command[CommandResult]):
    """Appoint a two-committees member as company supervisor, or a company party leader to
    the community party committee: that appointment names the community party organisation
    (`community_party_org_id`; if omitted, the one in office in the community that day)."""

    person_ref: str
    name: str
    role: str
    company_id: UUID
    community_id: UUID
    starts_on: date
    community_party_org_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class DesignateMemberPost(Command[CommandResult]):
    org_id: UUID
    member_ref: str
    kind: str
    starts_on: date
    unit_ids: list[UUID] | None = None
    window_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class OpenPlace(Command[CommandResult]):
    kind: str
    unit_id: UUID
    name: str
    opened_on: date


@dataclass(frozen=True, kw_only=True)
class EndPeriodFact(Command[CommandResult]):
    """End a cross-appointment, a member post, or close a place (`what`: "cross_appointment",
    "member_post" or "place")."""

    what: str
    fact_id: UUID
    on: date
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class HoldSecretaryTraining(Command[CommandResult]):
    title: str
    held_on: date
    attendees: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class HoldJointEvent(Command[CommandResult]):
    name: str
    kind: str
    held_on: date
    community_id: UUID
    co_hosts: list[dict[str, Any]]
    participants: int
