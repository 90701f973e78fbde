"""Commands of the assessment ledger (R13, R24): schemes and their versions; periods
opened, computed (draft), reviewed, published and re-assessed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.assessment_scoring import PeriodFacts
from domain.base import ExpectedVersion
from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True)
class DefineAssessmentScheme(Command[CommandResult]):
    code: str
    name: str
    definition: dict[str, Any]
    effective_from: date
    override_reason: str | None = None  # recorded when the scheme breaks the weight rule


@dataclass(frozen=True)
class ReviseAssessmentScheme(Command[CommandResult]):
    scheme_id: UUID
    definition: dict[str, Any]
    effective_from: date
    note: str
    expected_version: ExpectedVersion = None
    override_reason: str | None = None


@dataclass(frozen=True)
class OpenAssessmentPeriod(Command[CommandResult]):
    """`period`: the period's key, a month 2020-10, a quarter 2020Q4 or a year 2020."""

    period: str
    scheme_id: UUID


@dataclass(frozen=True)
class ComputeAssessment(Command[CommandResult]):
    """Score the period from the facts read for it and record the draft."""

    period_id: UUID
    facts: PeriodFacts
    expected_version: ExpectedVersion = None


@dataclass(frozen=True)
class ReviewAssessment(Command[CommandResult]):
    period_id: UUID
    reviewer: str
    note: str = ""
    expected_version: ExpectedVersion = None


@dataclass(frozen=True)
class PublishAssessment(Command[CommandResult]):
    period_id: UUID
    expected_version: ExpectedVersion = None


@dataclass(frozen=True)
class Reassess(Command[CommandResult]):
    period_id: UUID
    reason: str
    expected_version: ExpectedVersion = None
