"""Questions the assessment ledger answers: rankings (current or as published on a date),
scorecards, drill-down positions, trends, scheme versions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from projections.assessment_ledger import (
    assessment_cards,
    assessment_lines,
    assessment_periods,
    assessment_revisions,
    assessment_schemes,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

CARD_COLUMNS = ("subject_kind", "subject_id", "subject_name", "total", "grade", "rank")


def get_period(conn: Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute(select(assessment_periods).where(assessment_periods.c.key == key)).first()
    return dict(row._mapping) if row else None


def list_periods(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(assessment_periods).order_by(assessment_periods.c.start))
    return [dict(r._mapping) for r in rows]


def revisions_of(conn: Connection, period_id: str) -> list[dict[str, Any]]:
    r = assessment_revisions
    rows = conn.execute(select(r).where(r.c.period_id == period_id).order_by(r.c.revision))
    return [dict(row._mapping) for row in rows]


def published_revision(
    conn: Connection, period_id: str, as_of: date | None = None, *, by_record_time: bool = False
) -> dict[str, Any] | None:
    """The latest revision published up to the end of `as_of` (Asia/Shanghai) by business
    time (or by the time it was recorded), or the latest published revision."""
    r = assessment_revisions
    stmt = select(r).where(r.c.period_id == period_id, r.c.state == "published")
    if as_of is not None:
        end = datetime.combine(as_of + timedelta(days=1), time(), SHANGHAI).astimezone(UTC)
        column = r.c.recorded_at if by_record_time else r.c.published_at
        stmt = stmt.where(column < end.isoformat())
    row = conn.execute(stmt.order_by(r.c.revision.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


def draft_revision(conn: Connection, period_id: str) -> dict[str, Any] | None:
    r = assessment_revisions
    row = conn.execute(
        select(r).where(r.c.period_id == period_id).order_by(r.c.revision.desc()).limit(1)
    ).first()
    return dict(row._mapping) if row else None


def ranking(
    conn: Connection, period_id: str, revision: int, subject_kind: str
) -> list[dict[str, Any]]:
    c = assessment_cards
    rows = conn.execute(
        select(*(c.c[name] for name in CARD_COLUMNS), c.c.result_sent_position)
        .where(c.c.period_id == period_id, c.c.revision == revision)
        .where(c.c.subject_kind == subject_kind)
        .order_by(c.c.rank, c.c.subject_name)
    )
    return [dict(r._mapping) for r in rows]


def scorecard(
    conn: Connection, period_id: str, revision: int, subject_kind: str, subject_id: str
) -> dict[str, Any] | None:
    c, ln = assessment_cards, assessment_lines
    key = (
        c.c.period_id == period_id,
        c.c.revision == revision,
        c.c.subject_kind == subject_kind,
        c.c.subject_id == subject_id,
    )
    card = conn.execute(select(c).where(*key)).first()
    if card is None:
        return None
    lines = conn.execute(
        select(ln)
        .where(
            ln.c.period_id == period_id,
            ln.c.revision == revision,
            ln.c.subject_kind == subject_kind,
            ln.c.subject_id == subject_id,
        )
        .order_by(ln.c.seq)
    )
    body = {k: card._mapping[k] for k in (*CARD_COLUMNS, "key", "revision", "published")}
    body["lines"] = [
        {k: v for k, v in row._mapping.items() if k not in ("period_id", "revision", "seq")}
        for row in lines
    ]
    return body


def trend(conn: Connection, subject_kind: str, subject_id: str) -> list[dict[str, Any]]:
    """Per period, the subject's card in the latest published revision, oldest first."""
    c, p, r = assessment_cards, assessment_periods, assessment_revisions
    latest = (
        select(r.c.period_id, func.max(r.c.revision).label("revision"))
        .where(r.c.state == "published")
        .group_by(r.c.period_id)
        .subquery()
    )
    rows = conn.execute(
        select(p.c.key, p.c.start, c.c.revision, c.c.total, c.c.grade, c.c.rank, c.c.subject_name)
        .join(latest, (latest.c.period_id == c.c.period_id) & (latest.c.revision == c.c.revision))
        .join(p, p.c.id == c.c.period_id)
        .where(c.c.subject_kind == subject_kind, c.c.subject_id == subject_id)
        .order_by(p.c.start)
    )
    return [dict(row._mapping) for row in rows]


def scheme_versions(conn: Connection, scheme_id: str | None = None) -> list[dict[str, Any]]:
    s = assessment_schemes
    stmt = select(s).order_by(s.c.code, s.c.version)
    if scheme_id:
        stmt = stmt.where(s.c.scheme_id == scheme_id)
    return [dict(row._mapping) for row in conn.execute(stmt)]
