"""Handlers of the assessment ledger's commands, and its write-side queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
    PublishAssessment,
    Reassess,
    ReviewAssessment,
    ReviseAssessmentScheme,
)
from domain.assessment_period import AssessmentPeriod, parse_period
from domain.assessment_scheme import AssessmentScheme
from domain.assessment_scoring import PeriodFacts, score_period
from domain.commands import CommandApplication, CommandResult
from domain.handling import HandlerTable


def define_assessment_scheme(
    app: CommandApplication, command: DefineAssessmentScheme
) -> CommandResult:
    code = command.code
    app.ensure_new(AssessmentScheme, AssessmentScheme.create_id(code), f"scheme {code}")
    scheme = AssessmentScheme.define(
        code=code,
        name=command.name,
        definition=command.definition,
        effective_from=command.effective_from,
        override_reason=command.override_reason,
    )
    return app.commit(scheme)


def revise_assessment_scheme(
    app: CommandApplication, command: ReviseAssessmentScheme
) -> CommandResult:
    scheme = app.load(
        AssessmentScheme, command.scheme_id, expected_version=command.expected_version
    )
    scheme.revise(
        command.definition,
        command.effective_from,
        command.note,
        override_reason=command.override_reason,
    )
    return app.commit(scheme)


def open_assessment_period(app: CommandApplication, command: OpenAssessmentPeriod) -> CommandResult:
    key, scheme_id = command.period, command.scheme_id
    app.load_reference(AssessmentScheme, scheme_id, "scheme_id")
    parse_period(key)
    app.ensure_new(AssessmentPeriod, AssessmentPeriod.create_id(key), f"period {key}")
    return app.commit(AssessmentPeriod.open(key=key, scheme_id=scheme_id))


def compute_assessment(app: CommandApplication, command: ComputeAssessment) -> CommandResult:
    period = app.load(
        AssessmentPeriod, command.period_id, expected_version=command.expected_version
    )
    definition = scheme_for_period(app, period)
    cards = score_period(definition, command.facts)
    period.record_scores(
        scheme_version=definition["version"], facts_position=command.facts.position, cards=cards
    )
    return app.commit(period)


def review_assessment(app: CommandApplication, command: ReviewAssessment) -> CommandResult:
    period = app.load(
        AssessmentPeriod, command.period_id, expected_version=command.expected_version
    )
    period.review(command.reviewer, command.note)
    return app.commit(period)


def publish_assessment(app: CommandApplication, command: PublishAssessment) -> CommandResult:
    period = app.load(
        AssessmentPeriod, command.period_id, expected_version=command.expected_version
    )
    period.publish()
    return app.commit(period)


def reassess(app: CommandApplication, command: Reassess) -> CommandResult:
    period = app.load(
        AssessmentPeriod, command.period_id, expected_version=command.expected_version
    )
    period.reassess(command.reason)
    return app.commit(period)


HANDLERS: HandlerTable = {
    DefineAssessmentScheme: define_assessment_scheme,
    ReviseAssessmentScheme: revise_assessment_scheme,
    OpenAssessmentPeriod: open_assessment_period,
    ComputeAssessment: compute_assessment,
    ReviewAssessment: review_assessment,
    PublishAssessment: publish_assessment,
    Reassess: reassess,
}

# -- write-side queries (no events) -------------------------------------------------------


def scheme_for_period(
    app: CommandApplication, period: AssessmentPeriod, version: int | None = None
) -> dict[str, Any]:
    """The scheme version named, or the one in force on the period's last day."""
    scheme = app.load(AssessmentScheme, period.scheme_id)
    if version is not None:
        return scheme.version_def(version)
    return scheme.in_force_on(period.end - timedelta(days=1))


def what_if_assessment(
    app: CommandApplication, period_id: UUID, facts: PeriodFacts, *, scheme_version: int
) -> dict[str, Any]:
    """How the period would score under another scheme version. Stores nothing."""
    period = app.load(AssessmentPeriod, period_id)
    definition = scheme_for_period(app, period, scheme_version)
    return {
        "period": period.key,
        "scheme_id": str(period.scheme_id),
        "scheme_version": scheme_version,
        "facts_position": facts.position,
        "cards": score_period(definition, facts, with_sources=False),
    }
