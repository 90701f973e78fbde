"""Commands of instructors, the industry party committee, owners' committees and
demonstration projects (R3, R4, R8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class RegisterInstructor(Command[CommandResult]):
    code: str
    name: str
    home_unit_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class DispatchInstructor(Command[CommandResult]):
    """`target_kind` is "property_company" or "owners_committee"."""

    instructor_id: UUID
    target_kind: str
    target_id: UUID
    on: date


@dataclass(frozen=True, kw_only=True)
class RecallInstructor(Command[CommandResult]):
    instructor_id: UUID
    on: date
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class EstablishIndustryCommittee(Command[CommandResult]):
    district_id: UUID
    name: str
    established_on: date


@dataclass(frozen=True, kw_only=True)
class AppointCommitteeMember(Command[CommandResult]):
    committee_id: UUID
    member_ref: str
    name: str
    post: str
    on: date


@dataclass(frozen=True, kw_only=True)
class RemoveCommitteeMember(Command[CommandResult]):
    committee_id: UUID
    member_ref: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ElectOwnersCommittee(Command[CommandResult]):
    compound_id: UUID
    name: str
    term_starts: date
    term_ends: date
    members: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class DesignateDemonstrationProject(Command[CommandResult]):
    year: int
    unit_id: UUID
    name: str
    designated_on: date
