"""The funnel and the 12345-style rates, computed from the issue board's rows (R9, R13).

Period: the Asia/Shanghai month of the report (`month_from`..`month_to`, inclusive).
Definitions (every count is of issues reported in the period and area):

- reported: all issues; accepted: ever accepted; referred: referred out (not a property
  matter); duplicates: linked to an original; handled: ever marked handled;
  resolved: closed with a satisfied / basically satisfied last feedback (the seed's
  "problems solved"); reopened: reopened at least once (dissatisfied feedback or by hand).
- response, resolution, satisfaction and complaint rates: the figures of record of
  `domain.figures` (`ISSUE_RATES`), computed by their own functions from the counts of
  the issues reported in the period; each row names the definitions used
  (`definitions`: code -> `code@version`), as the assessment scorecards do.
- complaints: items accepted for a company, neither referred out nor duplicates
  (`domain.indicators.is_complaint`); reported (every item) stays a figure of its own.
- households: under contract at the end of the period, the scorecards' stock fact
  (a company: the compounds it serves under contract; a community: its compounds).
- median time to close: median of (closed − reported) in hours over closed issues.
Rates are None when their denominator is 0.

The rates list every group with an issue in the period and area, and every group with
households under contract at the end of the period whose compounds lie in the area (a
company serving a compound there, a community holding one): a company no resident
complained of is listed with zero counts, not left out.
"""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import Connection, case, func, select

from domain.figures import (
    COMPLAINTS,
    HOUSEHOLDS,
    ISSUE_RATES,
    REPORTED_ACCEPTED,
    REPORTED_ACCEPTED_ON_TIME,
    REPORTED_RESOLVED,
    REPORTED_SATISFIED,
    REPORTED_WITH_FEEDBACK,
)
from domain.indicators import NOT_COMPLAINTS
from projections.assessment_facts import (
    COMMUNITY,
    COMPANY,
    assessment_compounds,
    assessment_facts,
)
from projections.issue_board import filtered, issues
from projections.read_scope import under

FUNNEL_STAGES = (
    "reported",
    "accepted",
    "referred",
    "duplicates",
    "handled",
    "resolved",
    "reopened",
)
GROUPS = {"street": "street_id", "community": "community_id", "compound": "compound_id"}


def _one(condition: Any) -> Any:
    """How many rows meet `condition`."""
    return func.sum(case((condition, 1), else_=0))


def _counts() -> list[Any]:
    c = issues.c
    return [
        func.count().label("reported"),
        _one(c.accepted_at.is_not(None)).label("accepted"),
        _one(c.state == "referred_out").label("referred"),
        _one(c.state == "duplicate").label("duplicates"),
        _one(c.handled_at.is_not(None)).label("handled"),
        _one(c.resolved.is_(True)).label("resolved"),
        _one(c.reopen_count > 0).label("reopened"),
        _one(c.accepted_on_time.is_(True)).label("accepted_on_time"),
        _one(c.last_rating.in_(("satisfied", "basically_satisfied"))).label("satisfied"),
        _one(c.feedback_count > 0).label("with_feedback"),
        _one(c.company_id.is_not(None) & c.state.not_in(NOT_COMPLAINTS)).label("complaints"),
    ]


def funnel(
    conn: Connection, *, by: str | None = None, per_month: bool = False, **filters: Any
) -> list[dict[str, Any]]:
    """Funnel counts for the period and area, optionally per month and/or per area."""
    keys = []
    if per_month:
        keys.append(issues.c.reported_month.label("month"))
    if by:
        keys.append(issues.c[GROUPS[by]].label("area_id"))
    stmt = filtered(select(*keys, *_counts()), **filters)
    if keys:
        stmt = stmt.group_by(*keys).order_by(*keys)
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    return [
        {
            **{k: r[k] for k in ("month", "area_id") if k in r},
            **{s: int(r[s] or 0) for s in FUNNEL_STAGES},
        }
        for r in rows
        if r["reported"]
    ]


# the board's counts of a group, named as the figures name them
COHORT = {
    REPORTED_ACCEPTED: "accepted",
    REPORTED_ACCEPTED_ON_TIME: "accepted_on_time",
    REPORTED_RESOLVED: "resolved",
    REPORTED_WITH_FEEDBACK: "with_feedback",
    REPORTED_SATISFIED: "satisfied",
    COMPLAINTS: "complaints",
}


def issue_rates(group: dict[str, Any], households: int = 0) -> dict[str, float | None]:
    """The issue rates of `domain.figures` for one group's board counts."""
    counts = {name: float(group[column] or 0) for name, column in COHORT.items()}
    counts[HOUSEHOLDS] = float(households)
    return {code: figure.measure(counts).value for code, figure in ISSUE_RATES.items()}


DEFINITIONS = {code: figure.ref for code, figure in ISSUE_RATES.items()}


def rates(conn: Connection, *, per: str, **filters: Any) -> list[dict[str, Any]]:
    """Response, resolution, satisfaction and complaint rates and median time to close,
    per `company` or per `community`."""
    column = issues.c.company_id if per == "company" else issues.c.community_id
    stmt = filtered(select(column.label("group_id"), *_counts()), **filters)
    stmt = stmt.where(column.is_not(None)).group_by(column).order_by(column)
    groups = {r.group_id: dict(r._mapping) for r in conn.execute(stmt)}
    closing = filtered(select(column.label("group_id"), issues.c.close_minutes), **filters).where(
        issues.c.close_minutes.is_not(None)
    )
    minutes: dict[str, list[int]] = {}
    for r in conn.execute(closing):
        minutes.setdefault(r.group_id, []).append(r.close_minutes)
    households = _households(conn, per, filters.get("month_to"))
    for group_id in _serving(conn, per, filters):
        if households.get(group_id, 0) > 0:
            groups.setdefault(group_id, {"reported": 0, **dict.fromkeys(COHORT.values())})
    result = []
    for group_id, g in sorted(groups.items()):
        homes = households.get(group_id, 0)
        closes = minutes.get(group_id, [])
        result.append(
            {
                "group_id": group_id,
                "reported": int(g["reported"]),
                "accepted": int(g["accepted"] or 0),
                "resolved": int(g["resolved"] or 0),
                "complaints": int(g["complaints"] or 0),
                **issue_rates(g, homes),
                "definitions": DEFINITIONS,
                "households": homes,
                "median_hours_to_close": round(median(closes) / 60, 2) if closes else None,
            }
        )
    return result


def _serving(conn: Connection, per: str, filters: dict[str, Any]) -> set[str]:
    """The companies serving, or communities holding, the compounds the area filters cover."""
    c = assessment_compounds.c
    column = c.company_id if per == "company" else c.community_id
    stmt = select(column).distinct().where(column.is_not(None))
    for area in ("street_id", "community_id", "compound_id"):
        if filters.get(area) is not None:
            stmt = stmt.where(c.id.in_(under(str(filters[area]))))
    if filters.get("company_id") is not None:
        stmt = stmt.where(c.company_id == str(filters["company_id"]))
    return {row[0] for row in conn.execute(stmt)}


def _households(conn: Connection, per: str, month_to: str | None) -> dict[str, int]:
    """Households under contract at the end of `month_to` (or now), per company or
    community: the stock the assessment scorecards read (`HOUSEHOLDS`)."""
    f = assessment_facts
    stmt = select(f.c.subject_id, func.sum(f.c.value)).where(
        f.c.subject_kind == (COMPANY if per == "company" else COMMUNITY), f.c.fact == HOUSEHOLDS
    )
    if month_to is not None:
        stmt = stmt.where(f.c.month <= month_to)
    return {k: int(v or 0) for k, v in conn.execute(stmt.group_by(f.c.subject_id))}
