"""Read model of service issues (R9): one row per issue, the board and the overdue list.

Times are stored as UTC ISO strings (sortable); `reported_month` is the Asia/Shanghai
calendar month of the report, the period used by the funnel and the rates
(projections.issue_metrics). Only the masked reporter contact is stored here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from domain.issue_catalog import CATEGORIES, OPEN_STATES, POSITIVE_RATINGS, STATES
from domain.metadata import occurred_at
from domain.service_issues import ServiceIssue
from domain.sla import SHANGHAI
from projections.base import Projection, handles, id_str
from projections.read_scope import EVERYTHING, ReadScope, within
from projections.view import View

metadata = MetaData()

issues = Table(
    "service_issues",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source_ref", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("category", String(20), nullable=False, index=True),
    Column("priority", String(10), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("street_id", String(36), index=True),
    Column("community_id", String(36), index=True),
    Column("compound_id", String(36), nullable=False, index=True),
    Column("grid_id", String(36), index=True),
    Column("building", String(50)),
    Column("description", String(2000), nullable=False),
    Column("address", String(200)),
    Column("lat", Float),
    Column("long", Float),
    Column("reporter_contact_masked", String(40)),
    Column("reported_by", String(100), index=True),  # the reporting user (not shown)
    Column("company_id", String(36), index=True),
    Column("department", String(100)),
    Column("body_id", String(36), index=True),  # the guidance committee or street office
    Column("original_id", String(36)),
    Column("reported_at", String(32), nullable=False),
    Column("reported_month", String(7), nullable=False, index=True),
    Column("accepted_at", String(32)),
    Column("accept_due", String(32)),
    Column("accepted_on_time", Boolean),
    Column("referred_at", String(32)),
    Column("handled_at", String(32)),
    Column("closed_at", String(32)),
    Column("close_minutes", Integer),
    Column("current_due", String(32), index=True),
    Column("missed_count", Integer, nullable=False),
    Column("escalated", Boolean, nullable=False),
    Column("reopen_count", Integer, nullable=False),
    Column("feedback_count", Integer, nullable=False),
    Column("last_rating", String(24)),
    Column("resolved", Boolean, nullable=False),
    Column("status_note", String(2000)),
    Column("updated_at", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)


def utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


class IssueBoardProjection(Projection):
    name = "issue_board"
    metadata = metadata

    @handles(ServiceIssue, "Reported")
    def service_issue_reported(self, event: Any, view: View) -> None:
        at = utc(event.reported_at)
        row = {
            "id": str(event.originator_id),
            "source_ref": event.source_ref,
            "channel": event.channel,
            "category": event.category,
            "priority": event.priority,
            "state": "reported",
            "street_id": id_str(event.street_id),
            "community_id": id_str(event.community_id),
            "compound_id": str(event.compound_id),
            "grid_id": id_str(event.grid_id),
            "building": event.building,
            "description": event.description,
            "address": event.address,
            "lat": event.lat,
            "long": event.long,
            "reporter_contact_masked": event.reporter_contact_masked,
            "reported_by": (getattr(event, "meta", None) or {}).get("actor_id"),
            "company_id": None,
            "department": None,
            "body_id": None,
            "original_id": None,
            "reported_at": at,
            "reported_month": event.reported_at.astimezone(SHANGHAI).strftime("%Y-%m"),
            "accepted_at": None,
            "accept_due": utc(event.accept_due),
            "accepted_on_time": None,
            "referred_at": None,
            "handled_at": None,
            "closed_at": None,
            "close_minutes": None,
            "current_due": utc(event.accept_due),
            "missed_count": 0,
            "escalated": False,
            "reopen_count": 0,
            "feedback_count": 0,
            "last_rating": None,
            "resolved": False,
            "status_note": None,
            "updated_at": at,
            "version": event.originator_version,
            "position": view.position,
        }
        view.insert("service_issues", row)

    @handles(ServiceIssue, "Accepted")
    def service_issue_accepted(self, event: Any, view: View) -> None:
        row = _touch(view, event, state="accepted")
        due = row["accept_due"]
        row.update(
            accepted_at=row["updated_at"],
            # by the deadline, and no missed accept deadline recorded before (domain.figures)
            accepted_on_time=(due is None or row["updated_at"] <= due) and not row["missed_count"],
            company_id=id_str(event.company_id),
            department=event.department,
            body_id=id_str(event.body_id),
            current_due=utc(event.handle_due),
        )

    @handles(ServiceIssue, "ReferredOut")
    def service_issue_referred_out(self, event: Any, view: View) -> None:
        row = _touch(view, event, state="referred_out", current_due=None, status_note=event.reason)
        row["referred_at"] = row["updated_at"]

    @handles(ServiceIssue, "LinkedAsDuplicate")
    def service_issue_linked_as_duplicate(self, event: Any, view: View) -> None:
        _touch(
            view,
            event,
            state="duplicate",
            current_due=None,
            original_id=str(event.original_id),
            status_note=f"duplicate of {event.original_id}",
        )

    @handles(ServiceIssue, "HandlingStarted")
    def service_issue_handling_started(self, event: Any, view: View) -> None:
        _touch(view, event, state="handling")

    @handles(ServiceIssue, "Handled")
    def service_issue_handled(self, event: Any, view: View) -> None:
        row = _touch(
            view,
            event,
            state="handled",
            current_due=utc(event.feedback_due),
            status_note=event.resolution,
        )
        row["handled_at"] = row["updated_at"]

    @handles(ServiceIssue, "FeedbackGiven")
    def service_issue_feedback_given(self, event: Any, view: View) -> None:
        row = _touch(view, event, state="feedback_given", current_due=None)
        row["feedback_count"] += 1
        row["last_rating"] = event.rating

    @handles(ServiceIssue, "Reopened")
    def service_issue_reopened(self, event: Any, view: View) -> None:
        row = _touch(view, event, state="reopened", current_due=utc(event.handle_due))
        row["reopen_count"] += 1

    @handles(ServiceIssue, "Closed")
    def service_issue_closed(self, event: Any, view: View) -> None:
        row = _touch(view, event, state="closed", current_due=None)
        if event.note:
            row["status_note"] = event.note
        closed = datetime.fromisoformat(row["updated_at"])
        reported = datetime.fromisoformat(row["reported_at"])
        row.update(
            closed_at=row["updated_at"],
            close_minutes=int((closed - reported).total_seconds() // 60),
            resolved=row["last_rating"] in POSITIVE_RATINGS,
        )

    @handles(ServiceIssue, "DeadlineMissed")
    def service_issue_deadline_missed(self, event: Any, view: View) -> None:
        row = _touch(view, event)
        row["missed_count"] += 1

    @handles(ServiceIssue, "Escalated")
    def service_issue_escalated(self, event: Any, view: View) -> None:
        _touch(view, event, escalated=True)


def _touch(view: View, event: Any, **changes: Any) -> dict[str, Any]:
    return view.update(
        "service_issues",
        str(event.originator_id),
        updated_at=utc(occurred_at(event)),
        version=event.originator_version,
        position=view.position,
        **changes,
    )


# -- queries ------------------------------------------------------------------------------

AREA_FILTERS = ("street_id", "community_id", "compound_id", "grid_id", "company_id", "body_id")


def issue_as_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data.pop("reported_by", None)
    data["category_label"] = CATEGORIES[data["category"]]
    data["state_label"] = STATES[data["state"]]
    return data


def readable(scope: ReadScope) -> Any:
    """The issues the scope covers: in its unit (by compound or grid), routed to its company,
    or reported by its user."""
    return within(
        scope,
        units=(issues.c.compound_id, issues.c.grid_id),
        company=issues.c.company_id,
        reporter=issues.c.reported_by,
    )


def filtered(
    stmt: Any,
    *,
    category: str | None = None,
    state: str | None = None,
    overdue: bool | None = None,
    as_of: datetime | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    states: tuple[str, ...] | None = None,
    categories: tuple[str, ...] | None = None,
    reported_from: datetime | None = None,
    reported_to: datetime | None = None,
    scope: ReadScope = EVERYTHING,
    **areas: Any,
) -> Any:
    stmt = stmt.where(readable(scope))
    for column in AREA_FILTERS:
        if areas.get(column) is not None:
            stmt = stmt.where(issues.c[column] == str(areas[column]))
    if category:
        stmt = stmt.where(issues.c.category == category)
    if state:
        stmt = stmt.where(issues.c.state == state)
    if states is not None:
        stmt = stmt.where(issues.c.state.in_(states))
    if categories is not None:
        stmt = stmt.where(issues.c.category.in_(categories))
    if reported_from is not None:
        stmt = stmt.where(issues.c.reported_at >= utc(reported_from))
    if reported_to is not None:
        stmt = stmt.where(issues.c.reported_at <= utc(reported_to))
    if month_from:
        stmt = stmt.where(issues.c.reported_month >= month_from)
    if month_to:
        stmt = stmt.where(issues.c.reported_month <= month_to)
    if overdue is not None:
        late = issues.c.state.in_(OPEN_STATES) & (
            issues.c.current_due < utc(as_of or datetime.now(UTC))
        )
        stmt = stmt.where(late if overdue else ~late | issues.c.current_due.is_(None))
    return stmt


def issue_board(
    conn: Connection, *, page: int, per_page: int, **filters: Any
) -> tuple[list[dict[str, Any]], int]:
    """The board: issues matching the filters, newest report first."""
    stmt = filtered(select(issues), **filters)
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(
        stmt.order_by(issues.c.reported_at.desc(), issues.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [issue_as_dict(r) for r in rows], total


def overdue_issues(
    conn: Connection, as_of: datetime, *, page: int = 1, per_page: int = 500, **filters: Any
) -> tuple[list[dict[str, Any]], int]:
    """Open issues whose current deadline passed before `as_of`, most overdue first."""
    stmt = filtered(select(issues), overdue=True, as_of=as_of, **filters)
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(
        stmt.order_by(issues.c.current_due, issues.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [issue_as_dict(r) for r in rows], total


def overdue_issue_ids(conn: Connection, as_of: datetime) -> list[str]:
    """Candidates for the SLA tick (the aggregate decides what is newly missed)."""
    stmt = filtered(select(issues.c.id), overdue=True, as_of=as_of)
    return [r.id for r in conn.execute(stmt.order_by(issues.c.id))]


def get_issue(
    conn: Connection, issue_id: str, scope: ReadScope = EVERYTHING
) -> dict[str, Any] | None:
    """The issue, if the scope covers it."""
    query = select(issues).where(issues.c.id == issue_id, readable(scope))
    row = conn.execute(query).first()
    return issue_as_dict(row) if row else None
