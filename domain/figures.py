"""Figures of record: each figure defined once, named and versioned (R13, R9).

A `FigureDefinition` names a figure, its version, its formula in words and the function
that computes it from named counts. Every read model that shows the figure (the
assessment scorecards, `/grid-loop/rates`) gathers the same counts for its subject and
calls the same function, and a scorecard line names the definition it used
(`resolution_rate@2`). Changing how a figure is computed is a new version here.

The issue rates count a *cohort*: the issues reported in the period (Asia/Shanghai month
of `ServiceIssue.Reported`) of the subject, each counted once, in the state the log holds
at the time of reading (a scorecard: the log position it was computed at). That is the
population of the seed's own figures — 882 items collected, 577 of them solved — and it
counts an issue once however many events it went through (a reopened issue is not two
handlings, two feedbacks of one issue are one resident's final verdict).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    numerator: float
    denominator: float
    value: float | None


Counts = Mapping[str, float]


@dataclass(frozen=True)
class FigureDefinition:
    code: str
    label: str  # zh-CN, as the seed names it
    version: int
    unit: str
    formula: str  # the definition of record, in words
    counts: tuple[str, ...]  # the named counts it reads
    compute: Callable[[Counts], Measure]

    @property
    def ref(self) -> str:
        """How a ledger line names the definition it used: `code@version`."""
        return f"{self.code}@{self.version}"

    def measure(self, counts: Counts) -> Measure:
        return self.compute(counts)


def ratio(num: float, den: float, scale: float = 100.0) -> Measure:
    """num / den x scale to 4 places; None ("no data") when den is 0."""
    return Measure(num, den, round(num / den * scale, 4) if den else None)


def _cohort_rate(numerator: str, denominator: str) -> Callable[[Counts], Measure]:
    def compute(counts: Counts) -> Measure:
        return ratio(counts.get(numerator, 0), counts.get(denominator, 0))

    return compute


# Counts of the cohort (issues reported in the period), as of the reading.
REPORTED = "issues_reported"  # every public-opinion item (the seed's 882)
REPORTED_ACCEPTED = "reported_accepted"  # ever accepted (company: accepted for it)
REPORTED_ACCEPTED_ON_TIME = "reported_accepted_on_time"  # accepted by the accept deadline
REPORTED_RESOLVED = "reported_resolved"  # closed, last feedback positive (the seed's 577)
REPORTED_WITH_FEEDBACK = "reported_with_feedback"  # at least one resident feedback
REPORTED_SATISFIED = "reported_satisfied"  # last feedback satisfied / basically satisfied
COMPLAINTS = "complaints"  # accepted for a company, not referred out nor duplicate
HOUSEHOLDS = "households_under_contract"  # a stock: at the end of the period
COHORT_COUNTS = (
    REPORTED_ACCEPTED,
    REPORTED_ACCEPTED_ON_TIME,
    REPORTED_RESOLVED,
    REPORTED_WITH_FEEDBACK,
    REPORTED_SATISFIED,
    COMPLAINTS,
)

RESPONSE_RATE = FigureDefinition(
    "response_rate",
    "响应率",
    2,
    "%",
    "Response rate, %. Numerator: issues reported in the period and accepted whose "
    "acceptance came no later than the accept deadline of the report, with no missed "
    "accept deadline recorded before it. Denominator: issues reported in the period and "
    "accepted (company: accepted for it).",
    (REPORTED_ACCEPTED_ON_TIME, REPORTED_ACCEPTED),
    _cohort_rate(REPORTED_ACCEPTED_ON_TIME, REPORTED_ACCEPTED),
)

RESOLUTION_RATE = FigureDefinition(
    "resolution_rate",
    "解决率",
    2,
    "%",
    "Resolution rate, %. Numerator: issues reported in the period and accepted that are "
    "resolved — closed with a satisfied or basically satisfied last feedback — at the "
    "time of reading. Denominator: issues reported in the period and accepted (company: "
    "accepted for it).",
    (REPORTED_RESOLVED, REPORTED_ACCEPTED),
    _cohort_rate(REPORTED_RESOLVED, REPORTED_ACCEPTED),
)

SATISFACTION_RATE = FigureDefinition(
    "satisfaction_rate",
    "居民满意度",  # the seed's word; also called 满意率
    2,
    "%",
    "Resident satisfaction rate, %. Numerator: issues reported in the period whose last "
    "resident feedback at the time of reading is satisfied or basically satisfied. "
    "Denominator: issues reported in the period with at least one feedback (company: "
    "issues accepted for it).",
    (REPORTED_SATISFIED, REPORTED_WITH_FEEDBACK),
    _cohort_rate(REPORTED_SATISFIED, REPORTED_WITH_FEEDBACK),
)

COMPLAINT_RATE = FigureDefinition(
    "complaint_rate",
    "物业投诉率",
    2,
    "per 100 households",
    "Complaint rate per 100 households. Numerator: issues reported in the period that "
    "are complaints at the time of reading — accepted for a company, neither referred "
    "out as not a property matter nor linked as a duplicate (company: against it; "
    "community: against the companies of its compounds). Denominator: households under "
    "contract at the end of the period (company: of the compounds it serves under "
    "contract; community: of the compounds registered in it), divided by 100.",
    (COMPLAINTS, HOUSEHOLDS),
    _cohort_rate(COMPLAINTS, HOUSEHOLDS),
)

ISSUE_RATES: dict[str, FigureDefinition] = {
    f.code: f for f in (RESPONSE_RATE, RESOLUTION_RATE, SATISFACTION_RATE, COMPLAINT_RATE)
}


def _count(name: str) -> Callable[[Counts], Measure]:
    def compute(counts: Counts) -> Measure:
        return ratio(counts.get(name, 0), 1.0, 1.0)

    return compute


# The seed's own figures (the funnel, `projections/issue_metrics.funnel`): counts.
ISSUES_REPORTED = FigureDefinition(
    "issues_reported",
    "收集社情民意",
    1,
    "issues",
    "Issues reported in the period (every public-opinion item; the seed's 882).",
    (REPORTED,),
    _count(REPORTED),
)
ISSUES_RESOLVED = FigureDefinition(
    "issues_resolved",
    "解决物业问题",
    1,
    "issues",
    "Issues reported in the period that are resolved — closed with a satisfied or "
    "basically satisfied last feedback — at the time of reading (the seed's 577).",
    (REPORTED_RESOLVED,),
    _count(REPORTED_RESOLVED),
)

FIGURES: dict[str, FigureDefinition] = {
    f.code: f for f in (ISSUES_REPORTED, ISSUES_RESOLVED, *ISSUE_RATES.values())
}

# Versions no longer computed, kept so a line published under them can be read.
RETIRED: dict[str, str] = {
    "response_rate@1": "Accepted events in the period by their accept deadline / all "
    "Accepted events in the period, x 100",
    "resolution_rate@1": "Closed events in the period / Handled events in the period, "
    "x 100, capped at 100",
    "complaint_rate@1": "complaints accepted in the period (scorecards) / households "
    "under contract at period end x 100; in /grid-loop/rates complaints among the "
    "period's issues / households of their compounds x 100, to 2 places",
    "satisfaction_rate@1": "FeedbackGiven events in the period rated satisfied or "
    "basically satisfied / all FeedbackGiven events in the period, x 100",
}
