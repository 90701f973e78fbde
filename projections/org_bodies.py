"""Read model of the bodies under communities and streets (R1): 社区党组织, 居委会,
街道物业管理办公室, 社区物业工作指导委员会, each with its period in office and its names over
time, so a list as of a day shows the bodies in office that day under the name they bore."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from domain.org_bodies import BODY_LABELS, BodyKind, OrgBody
from projections.base import Projection, handles, id_str
from projections.in_force import in_force_on
from projections.view import View

metadata = MetaData()

org_bodies = Table(
    "org_bodies",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("parent_id", String(36), nullable=False, index=True),
    Column("street_id", String(36), index=True),
    Column("community_id", String(36), index=True),
    Column("established_on", String(10), nullable=False),
    Column("dissolved_on", String(10)),
    Column("dissolved_reason", String(500)),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# Every name a body bore, from the day it took it.
org_body_names = Table(
    "org_body_names",
    metadata,
    Column("body_id", String(36), primary_key=True),
    Column("since", String(10), primary_key=True),
    Column("name", String(100), nullable=False),
)


class OrgBodiesProjection(Projection):
    name = "org_bodies"
    metadata = metadata

    @handles(OrgBody, "Established")
    def org_body_established(self, event: Any, view: View) -> None:
        body_id, since = str(event.originator_id), event.established_on.isoformat()
        row = {
            "id": body_id,
            "kind": event.kind,
            "name": event.name,
            "parent_id": str(event.parent_id),
            "street_id": id_str(event.street_id),
            "community_id": id_str(event.community_id),
            "established_on": since,
            "dissolved_on": None,
            "dissolved_reason": None,
            "version": event.originator_version,
            "position": view.position,
        }
        view.insert("org_bodies", row)
        view.put("org_body_names", {"body_id": body_id, "since": since, "name": event.name})

    @handles(OrgBody, "Renamed")
    def org_body_renamed(self, event: Any, view: View) -> None:
        body_id = str(event.originator_id)
        _touch(view, event, name=event.name)
        since = event.on.isoformat()
        view.put("org_body_names", {"body_id": body_id, "since": since, "name": event.name})

    @handles(OrgBody, "Dissolved")
    def org_body_dissolved(self, event: Any, view: View) -> None:
        _touch(view, event, dissolved_on=event.on.isoformat(), dissolved_reason=event.reason)


def _touch(view: View, event: Any, **changes: Any) -> None:
    view.update(
        "org_bodies",
        str(event.originator_id),
        version=event.originator_version,
        position=view.position,
        **changes,
    )


# -- queries ------------------------------------------------------------------------------


def body_as_dict(row: Any, name: str | None = None) -> dict[str, Any]:
    data = dict(row._mapping)
    data["kind_label"] = BODY_LABELS[BodyKind(data["kind"])]
    if name is not None:
        data["name"] = name
    return data


def get_body(conn: Connection, body_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(org_bodies).where(org_bodies.c.id == body_id)).first()
    return body_as_dict(row) if row else None


def list_bodies(
    conn: Connection,
    *,
    page: int,
    per_page: int,
    as_of: date | None = None,
    include_dissolved: bool = False,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    """Bodies (filters: kind, parent_id, street_id, community_id). With `as_of`, those in
    office on that day, each under the name it bore then; without, the current ones (or all
    with `include_dissolved`)."""
    stmt = select(org_bodies)
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(org_bodies.c[column] == str(value))
    if as_of is not None:
        day = as_of.isoformat()
        stmt = stmt.where(in_force_on(org_bodies.c.established_on, org_bodies.c.dissolved_on, day))
    elif not include_dissolved:
        stmt = stmt.where(org_bodies.c.dissolved_on.is_(None))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(
        stmt.order_by(org_bodies.c.kind, org_bodies.c.parent_id, org_bodies.c.established_on)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    names = _names_on(conn, [r.id for r in rows], as_of) if as_of is not None else {}
    return [body_as_dict(r, names.get(r.id)) for r in rows], total


def _names_on(conn: Connection, body_ids: list[str], day: date) -> dict[str, str]:
    """Each body's name on `day` (the latest taken on or before it)."""
    found: dict[str, str] = {}
    rows = conn.execute(
        select(org_body_names)
        .where(org_body_names.c.body_id.in_(body_ids))
        .where(org_body_names.c.since <= day.isoformat())
        .order_by(org_body_names.c.since)
    )
    for row in rows:
        found[row.body_id] = row.name
    return found
