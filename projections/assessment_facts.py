"""Tables and queries of the assessment input facts (R13, R24): per subject, per month,
the counts that feed the indicators, each with the log position of the event behind it.

Every fact is one append-only row (position, subject, fact, month, value), so a period's
facts are a sum over rows and the drill-down of a scorecard line is a select of positions.
Months are Asia/Shanghai business time (`occurred_at`). Small lookup tables (compounds,
issues) remember what later events need to be attributed (community, company, deadlines).
The projection that fills them is `projections/assessment_inputs.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    MetaData,
    String,
    Table,
    and_,
    select,
)

from domain.assessment_period import period_months
from domain.assessment_scoring import PeriodFacts, Subject
from domain.indicators import FLOW_FACTS, STOCK_FACTS
from domain.metadata import occurred_at
from projections.positions import read_positions
from projections.view import View

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPANY, COMMUNITY = "property_company", "community"

metadata = MetaData()

assessment_facts = Table(
    "assessment_facts",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("subject_kind", String(20), primary_key=True),
    Column("subject_id", String(36), primary_key=True),
    Column("fact", String(40), primary_key=True),
    Column("month", String(7), nullable=False),
    Column("value", Float, nullable=False),
    Index("ix_assessment_facts_month", "month"),
    Index("ix_assessment_facts_subject", "subject_kind", "subject_id", "fact"),
)

assessment_subjects = Table(
    "assessment_subjects",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("position", BigInteger, nullable=False),
)

assessment_compounds = Table(
    "assessment_compounds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36)),
    Column("company_id", String(36)),
    Column("households", BigInteger, nullable=False),
)

assessment_orgs = Table(
    "assessment_orgs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("community_id", String(36)),
    Column("company_ids", String(1000)),  # companies linked to the org, space-separated
)

assessment_meetings = Table(
    "assessment_meetings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), nullable=False),
    Column("fact", String(40), nullable=False),
    Column("month", String(7), nullable=False),
)

assessment_issues = Table(
    "assessment_issues",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("compound_id", String(36)),
    Column("community_id", String(36)),
    Column("company_id", String(36)),
    Column("accept_due", String(40)),
    Column("handle_due", String(40)),
    Column("missed", String(200), nullable=False),
    Column("accepted_month", String(7)),
    Column("reported_month", String(7)),
    Column("last_rating", String(24)),
)


def month_of(event: Any) -> str:
    return occurred_at(event).astimezone(SHANGHAI).strftime("%Y-%m")


def due_met(event: Any, due: str | None) -> bool:
    return due is None or occurred_at(event) <= datetime.fromisoformat(due)


def add_fact(
    view: View,
    event: Any,
    subjects: Iterable[tuple[str, str | None]],
    fact: str,
    value: float = 1.0,
) -> None:
    """One fact row per named subject (subjects without an id are skipped)."""
    add_fact_in_month(view, month_of(event), subjects, fact, value)


def add_fact_in_month(
    view: View,
    month: str,
    subjects: Iterable[tuple[str, str | None]],
    fact: str,
    value: float = 1.0,
) -> None:
    for kind, subject_id in subjects:
        if subject_id:
            view.add(
                "assessment_facts",
                {
                    "position": view.position,
                    "subject_kind": kind,
                    "subject_id": subject_id,
                    "fact": fact,
                    "month": month,
                    "value": float(value),
                },
            )


def put_subject(view: View, kind: str, subject_id: str, name: str) -> None:
    view.put(
        "assessment_subjects",
        {"kind": kind, "id": subject_id, "name": name, "position": view.position},
    )


# -- queries ------------------------------------------------------------------------------

PROJECTION_NAME = "assessment_inputs"


def read_period_facts(conn: Connection, key: str, *, position: int | None = None) -> PeriodFacts:
    """Every subject's facts for a period, as of the read model's position (or an earlier
    `position`): flow facts summed over the period's months, stock facts over every month
    up to its last, with the positions of the events behind each fact."""
    months = period_months(key)
    reached = read_positions(conn, [PROJECTION_NAME]).get(PROJECTION_NAME, 0)
    upto = reached if position is None else min(position, reached)
    f, s = assessment_facts, assessment_subjects
    subjects = [
        Subject(r.kind, r.id, r.name)
        for r in conn.execute(select(s).where(s.c.position <= upto).order_by(s.c.kind, s.c.id))
    ]
    stmt = select(f.c.subject_kind, f.c.subject_id, f.c.fact, f.c.position, f.c.value).where(
        f.c.position <= upto,
        (
            and_(f.c.month >= months[0], f.c.month <= months[-1], f.c.fact.in_(FLOW_FACTS))
            | and_(f.c.month <= months[-1], f.c.fact.in_(STOCK_FACTS))
        ),
    )
    facts: dict[tuple[str, str], dict[str, float]] = {}
    sources: dict[tuple[str, str, str], list[int]] = {}
    for kind, sid, fact, pos, value in conn.execute(stmt):
        per = facts.setdefault((kind, sid), {})
        per[fact] = per.get(fact, 0.0) + value
        sources.setdefault((kind, sid, fact), []).append(pos)
    known = {(subject.kind, subject.id) for subject in subjects}
    for kind, sid in sorted(set(facts) - known):  # e.g. a company whose registration the
        subjects.append(Subject(kind, sid, sid))  # log does not hold: named by its id
    return PeriodFacts(upto, len(months), subjects, facts, sources)


def fact_rows(
    conn: Connection, *, subject_kind: str, subject_id: str, positions: list[int]
) -> list[dict[str, Any]]:
    """The fact rows of a subject at these positions (what each event contributed)."""
    f = assessment_facts
    rows = conn.execute(
        select(f)
        .where(
            f.c.subject_kind == subject_kind,
            f.c.subject_id == subject_id,
            f.c.position.in_(positions),
        )
        .order_by(f.c.position, f.c.fact)
    )
    return [dict(r._mapping) for r in rows]
