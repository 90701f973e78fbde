"""Assessment periods (R13, R24): opened → computed (draft) → reviewed → published.

Periods are months ("2020-10"), quarters ("2020Q4") or years ("2020") of Asia/Shanghai
business time. The `Published` event holds the whole scorecard of every subject: inputs,
values, normalised scores, weights, weighted scores and the log positions of the events
behind each line. A published revision is immutable; a correction is a numbered
re-assessment (`Reassessed`, revision n+1, with its reason) that is computed, reviewed and
published again. Publishing sends each company its result (`ResultSent`, R10).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import InvalidTransition, RuleViolation

FIRST_YEAR, LAST_YEAR = 1900, 2100  # the dates the API accepts
_KEY = re.compile(r"^(\d{4})(?:-(\d{2})|Q([1-4]))?$")


class PublishedScorecardImmutable(InvalidTransition):
    code = "published_scorecard_immutable"


class EmptyPeriod(RuleViolation):
    code = "empty_period"


def parse_period(key: str) -> tuple[str, date, date]:
    """(kind, first day, day after the last) of "2020", "2020Q4" or "2020-10"."""
    match = _KEY.match((key or "").strip())
    if not match:
        raise RuleViolation("period must look like 2020, 2020Q4 or 2020-10", field="period")
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolation(f"a period lies in {FIRST_YEAR}..{LAST_YEAR}", field="period")
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise RuleViolation("month must be 01..12", field="period")
        return "month", date(year, month, 1), _add_months(date(year, month, 1), 1)
    if match.group(3):
        start = date(year, 3 * int(match.group(3)) - 2, 1)
        return "quarter", start, _add_months(start, 3)
    return "year", date(year, 1, 1), date(year + 1, 1, 1)


def period_months(key: str) -> list[str]:
    """The months ("YYYY-MM") of a period, in order."""
    _, start, end = parse_period(key)
    months, day = [], start
    while day < end:
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = _add_months(day, 1)
    return months


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


class AssessmentPeriod(LedgerAggregate):
    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return natural_id("assessment-period", key)

    @classmethod
    def open(cls, *, key: str, scheme_id: UUID) -> AssessmentPeriod:
        kind, start, end = parse_period(key)
        return cls(key=key.strip(), kind=kind, start=start, end=end, scheme_id=scheme_id)

    @event("Opened")
    def __init__(self, *, key: str, kind: str, start: date, end: date, scheme_id: UUID) -> None:
        self.key = key
        self.kind = kind
        self.start = start
        self.end = end
        self.scheme_id = scheme_id
        self.revision = 1
        self.state = "open"
        self.draft: dict[str, Any] | None = None
        self.reasons: dict[int, str] = {}

    # -- commands -------------------------------------------------------------------------

    def record_scores(
        self, *, scheme_version: int, facts_position: int, cards: list[dict[str, Any]]
    ) -> None:
        self._check_not_published("recompute")
        self._scores_computed(
            revision=self.revision,
            scheme_id=self.scheme_id,
            scheme_version=scheme_version,
            facts_position=facts_position,
            cards=cards,
        )

    def review(self, reviewer: str, note: str) -> None:
        self._check_not_published("review")
        if self.state != "draft":
            raise InvalidTransition("compute the scores before reviewing them")
        self._reviewed(
            revision=self.revision,
            reviewer=require_text(reviewer, "reviewer", max_len=100),
            note=(note or "").strip()[:500],
        )

    def publish(self) -> None:
        self._check_not_published("publish")
        if self.draft is None or not self.draft["cards"]:
            raise EmptyPeriod(f"period {self.key} has no scorecards to publish")
        if self.state != "reviewed":
            raise InvalidTransition("a draft must be reviewed before it is published")
        self._published(
            revision=self.revision, reason=self.reasons.get(self.revision), **self.draft
        )
        for card in self.draft["cards"]:
            if card["subject_kind"] == "property_company":
                self._result_sent(
                    revision=self.revision,
                    company_id=card["subject_id"],
                    total=card["total"],
                    grade=card["grade"],
                    rank=card["rank"],
                )

    def reassess(self, reason: str) -> None:
        if self.state != "published":
            raise InvalidTransition("only a published period can be re-assessed")
        self._reassessed(
            revision=self.revision + 1, reason=require_text(reason, "reason", max_len=500)
        )

    def _check_not_published(self, what: str) -> None:
        if self.state == "published":
            raise PublishedScorecardImmutable(
                f"revision {self.revision} of {self.key} is published and cannot {what}; "
                "re-assess it (a new numbered revision, with a reason) instead"
            )

    # -- events ---------------------------------------------------------------------------

    @event("ScoresComputed")
    def _scores_computed(
        self,
        revision: int,
        scheme_id: UUID,
        scheme_version: int,
        facts_position: int,
        cards: list[dict[str, Any]],
    ) -> None:
        self.draft = {
            "scheme_id": scheme_id,
            "scheme_version": scheme_version,
            "facts_position": facts_position,
            "cards": cards,
        }
        self.state = "draft"

    @event("Reviewed")
    def _reviewed(self, revision: int, reviewer: str, note: str) -> None:
        self.state = "reviewed"

    @event("Published")
    def _published(
        self,
        revision: int,
        reason: str | None,
        scheme_id: UUID,
        scheme_version: int,
        facts_position: int,
        cards: list[dict[str, Any]],
    ) -> None:
        self.state = "published"

    @event("ResultSent")
    def _result_sent(
        self, revision: int, company_id: str, total: float, grade: str, rank: int
    ) -> None:
        pass

    @event("Reassessed")
    def _reassessed(self, revision: int, reason: str) -> None:
        self.revision = revision
        self.reasons[revision] = reason
        self.state = "open"
        self.draft = None
