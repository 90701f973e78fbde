"""Commands of the assessment ledger (R13, R24)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.assessment_period import AssessmentPeriod, parse_period
from domain.assessment_scheme import AssessmentScheme
from domain.assessment_scoring import PeriodFacts, score_period
from domain.base import ExpectedVersion
from domain.commands import CommandApplication, CommandResult


class AssessmentCommands(CommandApplication):
    def define_assessment_scheme(
        self, *, code: str, name: str, definition: dict[str, Any], effective_from: date
    ) -> CommandResult:
        self.ensure_new(AssessmentScheme, AssessmentScheme.create_id(code), f"scheme {code}")
        scheme = AssessmentScheme.define(
            code=code, name=name, definition=definition, effective_from=effective_from
        )
        return self.commit(scheme)

    def revise_assessment_scheme(
        self,
        scheme_id: UUID,
        *,
        definition: dict[str, Any],
        effective_from: date,
        note: str,
        expected_version: ExpectedVersion = None,
    ) -> CommandResult:
        scheme = self.load(AssessmentScheme, scheme_id, expected_version=expected_version)
        scheme.revise(definition, effective_from, note)
        return self.commit(scheme)

    def open_assessment_period(self, *, key: str, scheme_id: UUID) -> CommandResult:
        self.load_reference(AssessmentScheme, scheme_id, "scheme_id")
        parse_period(key)
        self.ensure_new(AssessmentPeriod, AssessmentPeriod.create_id(key), f"period {key}")
        return self.commit(AssessmentPeriod.open(key=key, scheme_id=scheme_id))

    def compute_assessment(
        self, period_id: UUID, facts: PeriodFacts, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        """Score the period from the facts read for it and record the draft."""
        period = self.load(AssessmentPeriod, period_id, expected_version=expected_version)
        definition = self.scheme_for_period(period)
        cards = score_period(definition, facts)
        period.record_scores(
            scheme_version=definition["version"], facts_position=facts.position, cards=cards
        )
        return self.commit(period)

    def review_assessment(
        self,
        period_id: UUID,
        *,
        reviewer: str,
        note: str = "",
        expected_version: ExpectedVersion = None,
    ) -> CommandResult:
        period = self.load(AssessmentPeriod, period_id, expected_version=expected_version)
        period.review(reviewer, note)
        return self.commit(period)

    def publish_assessment(
        self, period_id: UUID, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        period = self.load(AssessmentPeriod, period_id, expected_version=expected_version)
        period.publish()
        return self.commit(period)

    def reassess(
        self, period_id: UUID, *, reason: str, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        period = self.load(AssessmentPeriod, period_id, expected_version=expected_version)
        period.reassess(reason)
        return self.commit(period)

    # -- queries on the write side (no events) ------------------------------------------

    def scheme_for_period(
        self, period: AssessmentPeriod, version: int | None = None
    ) -> dict[str, Any]:
        """The scheme version named, or the one in force on the period's last day."""
        scheme = self.load(AssessmentScheme, period.scheme_id)
        if version is not None:
            return scheme.version_def(version)
        return scheme.in_force_on(period.end - timedelta(days=1))

    def what_if_assessment(
        self, period_id: UUID, facts: PeriodFacts, *, scheme_version: int
    ) -> dict[str, Any]:
        """How the period would score under another scheme version. Stores nothing."""
        period = self.load(AssessmentPeriod, period_id)
        definition = self.scheme_for_period(period, scheme_version)
        return {
            "period": period.key,
            "scheme_id": str(period.scheme_id),
            "scheme_version": scheme_version,
            "facts_position": facts.position,
            "cards": score_period(definition, facts, with_sources=False),
        }
