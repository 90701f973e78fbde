"""Read model of branch life (R6): meetings per branch with platform and attendees; answers
"per branch and period: held vs the minimum rule, and the share of members who attended at
least one study session (学习全覆盖)". Membership on the period's last day comes from the
party_orgs read model (same database)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Integer, MetaData, String, Table, select

from domain.branch_life import BranchLifeRules, BranchMeeting
from projections.base import Projection, handles
from projections.party_orgs import list_orgs, member_refs_on
from projections.view import View

metadata = MetaData()

branch_meetings = Table(
    "branch_meetings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("held_on", String(10), nullable=False),
    Column("platform", String(24), nullable=False),
    Column("title", String(200), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("cancelled", Boolean, nullable=False),
)

meeting_attendance = Table(
    "branch_meeting_attendance",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("member_ref", String(64), primary_key=True),
    Column("org_id", String(36), nullable=False, index=True),
)


class BranchLifeProjection(Projection):
    name = "branch_life"
    metadata = metadata

    @handles(BranchMeeting, "Held")
    def branch_meeting_held(self, event: Any, view: View) -> None:
        meeting_id, org_id = str(event.originator_id), str(event.org_id)
        view.insert(
            "branch_meetings",
            {
                "id": meeting_id,
                "org_id": org_id,
                "kind": event.kind,
                "held_on": event.held_on.isoformat(),
                "platform": event.platform,
                "title": event.title,
                "attendees": len(event.attendees),
                "cancelled": False,
            },
        )
        for ref in event.attendees:
            view.add(
                "branch_meeting_attendance",
                {"meeting_id": meeting_id, "member_ref": ref, "org_id": org_id},
            )

    @handles(BranchMeeting, "RecordCancelled")
    def branch_meeting_record_cancelled(self, event: Any, view: View) -> None:
        view.update("branch_meetings", str(event.originator_id), cancelled=True)


def _bucket(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _buckets(start: date, end: date, period: str) -> list[str]:
    out: dict[str, None] = {}
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out[_bucket(date(year, month, 1), period)] = None
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return list(out)


def branch_life_report(
    conn: Connection, org_id: str, start: date, end: date, rules: BranchLifeRules
) -> dict[str, Any]:
    """Meetings held per kind against the minimum rule, and study coverage, in [start, end]."""
    t = branch_meetings
    rows = list(
        conn.execute(
            select(t).where(
                t.c.org_id == org_id,
                t.c.cancelled.is_(False),
                t.c.held_on >= start.isoformat(),
                t.c.held_on <= end.isoformat(),
            )
        )
    )
    kinds = []
    for kind, (count, period) in rules.minimums.items():
        buckets = _buckets(start, end, period)
        held: dict[str, int] = dict.fromkeys(buckets, 0)
        for row in rows:
            if row.kind == kind:
                held[_bucket(date.fromisoformat(row.held_on), period)] += 1
        met = sum(1 for n in held.values() if n >= count)
        kinds.append(
            {
                "kind": kind,
                "minimum": count,
                "per": period,
                "held": sum(held.values()),
                "periods": len(buckets),
                "periods_met": met,
                "met": met == len(buckets),
            }
        )
    members = member_refs_on(conn, org_id, end)
    study_ids = [r.id for r in rows if r.kind in rules.study_kinds]
    a = meeting_attendance
    studied = (
        {r.member_ref for r in conn.execute(select(a).where(a.c.meeting_id.in_(study_ids)))}
        if study_ids
        else set()
    )
    covered = len(studied & set(members))
    return {
        "org_id": org_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "meetings": len(rows),
        "by_kind": kinds,
        "other_kinds": {
            k: sum(1 for r in rows if r.kind == k)
            for k in sorted({r.kind for r in rows} - set(rules.minimums))
        },
        "members": len(members),
        "members_who_studied": covered,
        "study_coverage_pct": round(100.0 * covered / len(members), 1) if members else 0.0,
    }


def study_coverage(
    conn: Connection, start: date, end: date, rules: BranchLifeRules
) -> dict[str, Any]:
    """学习全覆盖 per street and for the district: of the members (on `end`) of every party
    organisation active on `end`, how many attended at least one study session of their
    organisation in [start, end]."""
    streets: dict[str | None, list[int]] = {}
    for org in list_orgs(conn, active_on=end):
        report = branch_life_report(conn, org["id"], start, end, rules)
        figures = streets.setdefault(org["street_id"], [0, 0])
        figures[0] += report["members"]
        figures[1] += report["members_who_studied"]
    district = [sum(f[0] for f in streets.values()), sum(f[1] for f in streets.values())]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "district": _coverage(*district),
        "streets": [
            {"street_id": street, **_coverage(*figures)}
            for street, figures in sorted(streets.items(), key=lambda kv: kv[0] or "")
        ],
    }


def _coverage(members: int, studied: int) -> dict[str, Any]:
    share = round(100.0 * studied / members, 1) if members else 0.0
    return {"members": members, "members_who_studied": studied, "study_coverage_pct": share}
