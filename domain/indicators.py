"""Assessment indicators (R13, R10): pure functions of a subject's facts for one period.

A *fact* is a named count collected from events by `projections/assessment_inputs.py`,
per subject (property company or community) and per month in Asia/Shanghai business time.
Two kinds of facts:

- flow facts are summed over the months of the period (e.g. issues handled in 2020Q4);
- stock facts are summed over every month up to the period's last month (+1 when a thing
  starts, -1 when it ends), giving the state at the end of the period (e.g. households
  under contract on 31 December).

Each indicator reads its facts and returns a `Measure`: numerator, denominator and value.
A zero denominator gives value None ("no data"); the scheme then decides the score.
An indicator's definition of record is its `definition`: the formula of its versioned
figure (`domain/figures.py`: response, resolution, satisfaction, complaint rates) or the docstring
of its function (version 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from domain.figures import (
    COHORT_COUNTS,
    COMPLAINT_RATE,
    RESOLUTION_RATE,
    RESPONSE_RATE,
    SATISFACTION_RATE,
    FigureDefinition,
    Measure,
    ratio,
)

# -- facts --------------------------------------------------------------------------------

FLOW_FACTS = (
    "issues_reported",  # ServiceIssue.Reported: every public-opinion item, a figure of its own
    *COHORT_COUNTS,  # issues reported in the month, by their state now (domain.figures)
    "issues_handled",  # ServiceIssue.Handled
    "issues_handled_on_time",  # ServiceIssue.Handled by handle_due
    "issues_reopened",  # ServiceIssue.Reopened
    "grid_assessments",  # grid-worker assessments recorded
    "grid_assessment_points",  # sum of their total scores (0-100 each)
    "meetings_branch_assembly",  # 三会一课: 支部党员大会
    "meetings_branch_committee",  # 支部委员会
    "meetings_party_group",  # 党小组会
    "meetings_party_lesson",  # 党课
    "joint_events",  # joint events co-hosted (R7/R14)
    "joint_event_participants",  # participants of those events
)
STOCK_FACTS = (
    "households_under_contract",  # households of compounds served (company) / in (community)
    "party_orgs",  # active party organisations covering the subject
    "instructors",  # party-building instructors in post
    "party_branches",  # active party orgs that hold 三会一课 (same as party_orgs today)
)
ALL_FACTS = FLOW_FACTS + STOCK_FACTS

# "三会一课" minimum per party branch: meetings per month (assembly and lesson quarterly,
# committee and party group monthly). A rule, not code: change it here, in one place.
MEETING_RULE: dict[str, float] = {
    "meetings_branch_assembly": 1 / 3,
    "meetings_branch_committee": 1.0,
    "meetings_party_group": 1.0,
    "meetings_party_lesson": 1 / 3,
}

# What an item is once referred out as not a property matter, or linked as a duplicate.
NOT_COMPLAINTS = ("referred_out", "duplicate")


def is_complaint(company_id: object, state: str) -> bool:
    """A complaint against a property company is a public-opinion item accepted for that
    company (ServiceIssue.Accepted with its company_id) that is not referred out as not a
    property matter (ServiceIssue.ReferredOut) nor linked as a duplicate of another item
    (ServiceIssue.LinkedAsDuplicate). Items routed to a department are not complaints
    against a company. It counts in the month the item was reported (`COMPLAINT_RATE`)."""
    return company_id is not None and state not in NOT_COMPLAINTS


MONTHS_FACT = "period_months"  # put in the facts by the caller: length of the period


__all__ = ["INDICATORS", "Indicator", "Measure"]


@dataclass(frozen=True)
class Indicator:
    """An indicator a scheme may weigh: a figure definition (code, version, formula) and
    the subject kinds and facts it applies to. Indicators not in `domain.figures` are
    version 1, their formula the docstring of their function."""

    code: str
    label: str  # zh-CN
    unit: str
    subjects: tuple[str, ...]  # subject kinds it applies to
    facts: tuple[str, ...]  # facts it reads (drill-down returns their events)
    measure: Callable[[Mapping[str, float]], Measure]
    version: int = 1
    formula: str | None = None

    @property
    def definition(self) -> str:
        return self.formula or " ".join((self.measure.__doc__ or "").split())

    @property
    def ref(self) -> str:
        """How a scorecard line names the definition it used: `code@version`."""
        return f"{self.code}@{self.version}"


def _of_figure(figure: FigureDefinition, subjects: tuple[str, ...]) -> Indicator:
    return Indicator(
        figure.code,
        figure.label,
        figure.unit,
        subjects,
        figure.counts,
        figure.measure,
        figure.version,
        figure.formula,
    )


_ratio = ratio


def on_time_handling_rate(f: Mapping[str, float]) -> Measure:
    """On-time handling rate, %. Numerator: issues handled in the period on time: the
    Handled event's business time is not after the handle_due of the Accepted (or last
    Reopened) event, and no DeadlineMissed for the handle stage of that cycle came before
    it. Denominator: issues handled (ServiceIssue.Handled) in the period."""
    return _ratio(f.get("issues_handled_on_time", 0), f.get("issues_handled", 0))


def reopen_rate(f: Mapping[str, float]) -> Measure:
    """Reopen rate, %. Numerator: ServiceIssue.Reopened events in the period (dissatisfied
    feedback reopens an issue). Denominator: ServiceIssue.Handled events in the period."""
    return _ratio(f.get("issues_reopened", 0), f.get("issues_handled", 0))


def grid_worker_assessment_average(f: Mapping[str, float]) -> Measure:
    """Grid-worker assessment average, points (0-100, R10). Numerator: sum of the scores
    (one per grid worker and dimension 用/考/察/评) of GridWorkerAssessment.Recorded events
    of the company whose assessed period ends in the period. Denominator: number of those
    scores."""
    return _ratio(f.get("grid_assessment_points", 0), f.get("grid_assessments", 0), 1.0)


def party_coverage(f: Mapping[str, float]) -> Measure:
    """Party-building work coverage, % (R3 双覆盖): 100 if at the end of the period the
    subject has an active party organisation or a party-building instructor in post,
    else 0. Numerator: 1 or 0. Denominator: 1."""
    covered = 1.0 if f.get("party_orgs", 0) > 0 or f.get("instructors", 0) > 0 else 0.0
    return _ratio(covered, 1.0)


def meeting_compliance(f: Mapping[str, float]) -> Measure:
    """ "三会一课" compliance, %. For each meeting kind k, required_k = active party
    branches at the end of the period x round(months in period x minimum per month);
    numerator = sum over k of min(meetings of kind k held in the period, required_k);
    denominator = sum of required_k (minimum: assembly and party lesson quarterly,
    branch committee and party group monthly — `MEETING_RULE`)."""
    months = f.get(MONTHS_FACT, 0)
    branches = f.get("party_branches", 0)
    num = den = 0.0
    for fact, per_month in MEETING_RULE.items():
        required = branches * max(1, round(months * per_month)) if months else 0
        num += min(f.get(fact, 0), required)
        den += required
    return _ratio(num, den)


def joint_events_held(f: Mapping[str, float]) -> Measure:
    """Joint events, count (R7/R14). Numerator: joint events co-hosted by the subject (or
    held in the community) in the period. Denominator: 1."""
    return _ratio(f.get("joint_events", 0), 1.0, 1.0)


def joint_event_participation(f: Mapping[str, float]) -> Measure:
    """Joint-event participation per 100 households. Numerator: participants recorded for
    the joint events of the period. Denominator: households under contract at the end of
    the period, divided by 100."""
    return _ratio(f.get("joint_event_participants", 0), f.get("households_under_contract", 0))


BOTH = ("property_company", "community")
SUBJECT_KINDS = BOTH

INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        _of_figure(SATISFACTION_RATE, BOTH),
        _of_figure(COMPLAINT_RATE, BOTH),
        _of_figure(RESPONSE_RATE, BOTH),
        _of_figure(RESOLUTION_RATE, BOTH),
        Indicator(
            "on_time_handling_rate",
            "按时办结率",
            "%",
            BOTH,
            ("issues_handled", "issues_handled_on_time"),
            on_time_handling_rate,
        ),
        Indicator(
            "reopen_rate",
            "重办率",
            "%",
            BOTH,
            ("issues_reopened", "issues_handled"),
            reopen_rate,
        ),
        Indicator(
            "grid_worker_assessment",
            "网格员考核平均分",
            "points",
            ("property_company",),
            ("grid_assessments", "grid_assessment_points"),
            grid_worker_assessment_average,
        ),
        Indicator(
            "party_coverage",
            "党组织或党建指导员覆盖",
            "%",
            BOTH,
            ("party_orgs", "instructors"),
            party_coverage,
        ),
        Indicator(
            "meeting_compliance",
            "三会一课落实率",
            "%",
            BOTH,
            ("party_branches", *MEETING_RULE),
            meeting_compliance,
        ),
        Indicator(
            "joint_events",
            "联建活动次数",
            "events",
            BOTH,
            ("joint_events",),
            joint_events_held,
        ),
        Indicator(
            "joint_event_participation",
            "联建活动参与(每百户)",
            "per 100 households",
            BOTH,
            ("joint_event_participants", "households_under_contract"),
            joint_event_participation,
        ),
    )
}
