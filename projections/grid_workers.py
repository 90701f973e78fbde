"""Read model of grid workers, collection points and grid-worker assessments (R9, R10):
who works which grid, and the per-company grid-worker scorecard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from domain.grid_workers import DIMENSIONS, EMPLOYMENT, CollectionPoint, GridWorker
from domain.grid_workers import GridWorkerAssessment as Assessment
from domain.metadata import occurred_at
from projections.base import Projection, handles, id_str
from projections.read_scope import EVERYTHING, ReadScope, within
from projections.view import View

metadata = MetaData()

grid_workers = Table(
    "grid_workers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("staff_code", String(40), nullable=False),
    Column("name", String(50), nullable=False),
    Column("company_id", String(36), index=True),
    Column("employment", String(10), nullable=False),
    Column("grid_count", Integer, nullable=False),
    Column("registered_at", String(40), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
)
grid_assignments = Table(
    "grid_worker_assignments",
    metadata,
    Column("worker_id", String(36), primary_key=True),
    Column("grid_id", String(36), primary_key=True),
    Column("assigned", Boolean, nullable=False),
    Column("since", String(40), nullable=False),
)
collection_points = Table(
    "collection_points",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("grid_id", String(36), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("location", String(200)),
    Column("closed", Boolean, nullable=False),
)
assessment_scores = Table(
    "grid_worker_scores",
    metadata,
    Column("assessment_id", String(36), primary_key=True),
    Column("worker_id", String(36), primary_key=True),
    Column("dimension", String(20), primary_key=True),
    Column("company_id", String(36), nullable=False, index=True),
    Column("period", String(7), nullable=False),
    Column("assessor_org_id", String(36), nullable=False),
    Column("assessor_level", String(10), nullable=False),
    Column("score", Integer, nullable=False),
)
assessments = Table(
    "grid_worker_assessments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("company_id", String(36), nullable=False, index=True),
    Column("period", String(7), nullable=False),
    Column("assessor_org_id", String(36), nullable=False),
    Column("assessor_level", String(10), nullable=False),
    Column("comment", String(500)),
    Column("recorded_at", String(40), nullable=False),
    Column("sent_to_company", Boolean, nullable=False),
    Column("sent_at", String(40)),
)


class GridWorkersProjection(Projection):
    name = "grid_workers"
    metadata = metadata

    @handles(GridWorker, "Registered")
    def grid_worker_registered(self, event: Any, view: View) -> None:
        view.put(
            "grid_workers",
            {
                "id": str(event.originator_id),
                "staff_code": event.staff_code,
                "name": event.name,
                "company_id": id_str(event.company_id),
                "employment": event.employment,
                "grid_count": 0,
                "registered_at": occurred_at(event).isoformat(),
                "position": view.position,
                "version": event.originator_version,
            },
        )

    @handles(GridWorker, "AssignedToGrid")
    def grid_worker_assigned_to_grid(self, event: Any, view: View) -> None:
        worker = view.get("grid_workers", str(event.originator_id))
        assert worker is not None
        view.update(
            "grid_workers",
            worker["id"],
            grid_count=worker["grid_count"] + 1,
            version=event.originator_version,
        )
        view.put(
            "grid_worker_assignments",
            {
                "worker_id": worker["id"],
                "grid_id": str(event.grid_id),
                "assigned": True,
                "since": occurred_at(event).isoformat(),
            },
        )

    @handles(GridWorker, "UnassignedFromGrid")
    def grid_worker_unassigned_from_grid(self, event: Any, view: View) -> None:
        worker = view.get("grid_workers", str(event.originator_id))
        assert worker is not None
        view.update(
            "grid_workers",
            worker["id"],
            grid_count=worker["grid_count"] - 1,
            version=event.originator_version,
        )
        view.update(
            "grid_worker_assignments",
            worker["id"],
            str(event.grid_id),
            assigned=False,
            since=occurred_at(event).isoformat(),
        )

    @handles(CollectionPoint, "Opened")
    def collection_point_opened(self, event: Any, view: View) -> None:
        view.put(
            "collection_points",
            {
                "id": str(event.originator_id),
                "grid_id": str(event.grid_id),
                "name": event.name,
                "location": event.location,
                "closed": False,
            },
        )

    @handles(CollectionPoint, "Closed")
    def collection_point_closed(self, event: Any, view: View) -> None:
        view.update("collection_points", str(event.originator_id), closed=True)

    @handles(Assessment, "Recorded")
    def grid_worker_assessment_recorded(self, event: Any, view: View) -> None:
        common = {
            "company_id": str(event.company_id),
            "period": event.period,
            "assessor_org_id": str(event.assessor_org_id),
            "assessor_level": event.assessor_level,
        }
        view.put(
            "grid_worker_assessments",
            {
                "id": str(event.originator_id),
                **common,
                "comment": event.comment,
                "recorded_at": occurred_at(event).isoformat(),
                "sent_to_company": False,
                "sent_at": None,
            },
        )
        for line in event.lines:
            view.add(
                "grid_worker_scores",
                {"assessment_id": str(event.originator_id), **line, **common},
            )

    @handles(Assessment, "SentToCompany")
    def grid_worker_assessment_sent_to_company(self, event: Any, view: View) -> None:
        view.update(
            "grid_worker_assessments",
            str(event.originator_id),
            sent_to_company=True,
            sent_at=occurred_at(event).isoformat(),
        )


# -- queries ------------------------------------------------------------------------------


def readable(scope: ReadScope) -> Any:
    """The grid workers the scope covers: assigned to a grid in its unit, or employed by its
    company."""
    a = grid_assignments.c

    def assigned_within(subtree: Any) -> Any:
        here = select(a.worker_id).where(a.assigned.is_(True), a.grid_id.in_(subtree))
        return grid_workers.c.id.in_(here)

    return within(scope, units=(assigned_within,), company=grid_workers.c.company_id)


def list_grid_workers(
    conn: Connection,
    *,
    page: int,
    per_page: int,
    company_id: Any = None,
    grid_id: Any = None,
    scope: ReadScope = EVERYTHING,
) -> tuple[list[dict[str, Any]], int]:
    stmt = select(grid_workers).where(readable(scope))
    if company_id is not None:
        stmt = stmt.where(grid_workers.c.company_id == str(company_id))
    if grid_id is not None:
        stmt = stmt.join(grid_assignments, grid_assignments.c.worker_id == grid_workers.c.id).where(
            grid_assignments.c.grid_id == str(grid_id), grid_assignments.c.assigned.is_(True)
        )
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(
        stmt.order_by(grid_workers.c.staff_code).limit(per_page).offset((page - 1) * per_page)
    )
    return [_worker(conn, r) for r in rows], total


def get_grid_worker(
    conn: Connection, worker_id: str, scope: ReadScope = EVERYTHING
) -> dict[str, Any] | None:
    query = select(grid_workers).where(grid_workers.c.id == worker_id, readable(scope))
    row = conn.execute(query).first()
    return _worker(conn, row) if row else None


def get_assessment(conn: Connection, assessment_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(assessments).where(assessments.c.id == assessment_id)).first()
    return dict(row._mapping) if row else None


def _worker(conn: Connection, row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    item["employment_label"] = EMPLOYMENT[item["employment"]]
    grids = select(grid_assignments.c.grid_id).where(
        grid_assignments.c.worker_id == item["id"], grid_assignments.c.assigned.is_(True)
    )
    item["grid_ids"] = sorted(g for (g,) in conn.execute(grids))
    return item


def grid_worker_scorecard(
    conn: Connection, company_id: str, period: str | None = None
) -> dict[str, Any]:
    """Per worker of the company: mean score per dimension and overall, the number of
    assessments, and whether every result was sent back to the company."""
    s = assessment_scores
    stmt = select(
        s.c.worker_id,
        s.c.dimension,
        func.avg(s.c.score).label("mean"),
        func.count(func.distinct(s.c.assessment_id)).label("n"),
    ).where(s.c.company_id == company_id)
    if period:
        stmt = stmt.where(s.c.period == period)
    stmt = stmt.group_by(s.c.worker_id, s.c.dimension)
    names = dict(
        conn.execute(
            select(grid_workers.c.id, grid_workers.c.name).where(
                grid_workers.c.company_id == company_id
            )
        ).all()
    )
    workers: dict[str, dict[str, Any]] = {}
    for r in conn.execute(stmt):
        entry = workers.setdefault(
            r.worker_id,
            {"worker_id": r.worker_id, "name": names.get(r.worker_id), "dimensions": {}},
        )
        entry["dimensions"][r.dimension] = {
            "label": DIMENSIONS[r.dimension],
            "mean": round(float(r.mean), 2),
            "assessments": int(r.n),
        }
    for entry in workers.values():
        means = [d["mean"] for d in entry["dimensions"].values()]
        entry["overall"] = round(sum(means) / len(means), 2)
    a = assessments
    sent = select(func.count(), func.sum(func.cast(a.c.sent_to_company, Integer))).where(
        a.c.company_id == company_id
    )
    if period:
        sent = sent.where(a.c.period == period)
    total, sent_count = conn.execute(sent).one()
    return {
        "company_id": company_id,
        "period": period,
        "assessments": int(total or 0),
        "sent_to_company": int(sent_count or 0),
        "workers": sorted(workers.values(), key=lambda w: w["worker_id"]),
    }
