"""Commands of party building and the management system (R2–R5): companies, contracts,
party organisations and their membership."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandResult
from domain.handling import Command

MEMBERSHIP_CHANGES = ("joined", "transferred_in", "transferred_out", "left")


@dataclass(frozen=True, kw_only=True)
class RegisterPropertyCompany(Command[CommandResult]):
    credit_code: str
    name: str
    street_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class RenamePropertyCompany(Command[CommandResult]):
    company_id: UUID
    name: str
    expected_version: ExpectedVersion = None


@dataclass(frozen=True, kw_only=True)
class AwardCompanyBrand(Command[CommandResult]):
    company_id: UUID
    on: date
    decision: str


@dataclass(frozen=True, kw_only=True)
class RevokeCompanyBrand(Command[CommandResult]):
    company_id: UUID
    on: date
    decision: str


@dataclass(frozen=True, kw_only=True)
class SignServiceContract(Command[CommandResult]):
    company_id: UUID
    compound_id: UUID
    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class EndServiceContract(Command[CommandResult]):
    """End a contract on `on`; with a reason it is an early termination."""

    company_id: UUID
    contract_id: UUID
    on: date
    reason: str | None = None
    expected_version: ExpectedVersion = None


@dataclass(frozen=True, kw_only=True)
class FoundPartyOrg(Command[CommandResult]):
    code: str
    name: str
    host_kind: str
    company_ids: list[UUID] = field(default_factory=list)
    method: str
    kind: str
    founded_on: date
    street_id: UUID | None = None
    community_id: UUID | None = None
    affiliated_to: UUID | None = None
    full_members: list[str] | None = None
    owners_committee_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class DissolvePartyOrg(Command[CommandResult]):
    org_id: UUID
    on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class MergePartyOrg(Command[CommandResult]):
    org_id: UUID
    into_id: UUID
    on: date


@dataclass(frozen=True, kw_only=True)
class RecordMembership(Command[CommandResult]):
    """`change` is one of MEMBERSHIP_CHANGES."""

    org_id: UUID
    change: str
    member_ref: str
    on: date
