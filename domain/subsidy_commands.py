"""Commands of the subsidy ledger (R11): policy, budgets, entitlements and their workflow.
Amounts are integer fen (5000 yuan = 500000)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True)
class SetSubsidyPolicy(Command[CommandResult]):
    effective_from: date
    start_date: date
    startup_fund_fen: int
    yearly_subsidy_fen: int
    pro_rating: str = "none"


@dataclass(frozen=True)
class SetSubsidyEligibility(Command[CommandResult]):
    """Which founding methods are subsidised, from a date (default: standalone, joint)."""

    effective_from: date
    methods: Sequence[str]


@dataclass(frozen=True)
class OpenSubsidyYear(Command[CommandResult]):
    year: int


@dataclass(frozen=True)
class AllocateSubsidyBudget(Command[CommandResult]):
    holder_id: UUID
    year: int
    amount_fen: int
    note: str = ""


@dataclass(frozen=True)
class TopUpSubsidyBudget(Command[CommandResult]):
    budget_id: UUID
    amount_fen: int
    note: str = ""


@dataclass(frozen=True)
class RaiseSubsidyEntitlement(Command[CommandResult]):
    branch_id: UUID
    kind: str
    year: int | None = None


@dataclass(frozen=True)
class SubmitSubsidyApplication(Command[CommandResult]):
    """`applicant_id` defaults to the actor of the command context."""

    entitlement_id: UUID
    applicant_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ApproveSubsidy(Command[CommandResult]):
    """`approver_id` defaults to the actor of the command context."""

    entitlement_id: UUID
    approver_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class RejectSubsidy(Command[CommandResult]):
    entitlement_id: UUID
    reason: str
    approver_id: str | None = None


@dataclass(frozen=True)
class DisburseSubsidy(Command[CommandResult]):
    """Without `budget_id`: the street's budget of that year if it can pay, else the
    district's."""

    entitlement_id: UUID
    payment_reference: str
    paid_on: date
    budget_id: UUID | None = None


@dataclass(frozen=True)
class ReverseSubsidy(Command[CommandResult]):
    entitlement_id: UUID
    reason_code: str
    reason: str
    reversed_on: date


@dataclass(frozen=True)
class RecoverSubsidyClawback(Command[CommandResult]):
    entitlement_id: UUID
    reference: str
    recovered_on: date
