"""Read model of the org registry (R1/R8): every unit with its denormalised ancestry."""

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
    Text,
    bindparam,
    func,
    select,
)

from domain.metadata import occurred_at
from domain.org_registry import COMPOUND_FOCUS, KIND_LABELS, CompoundType, OrgKind, OrgUnit
from projections.base import Projection, handles, id_str
from projections.view import View

metadata = MetaData()

org_units = Table(
    "org_units",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("code", String(40), nullable=False),
    Column("name", String(100), nullable=False),
    Column("parent_id", String(36), index=True),
    Column("street_id", String(36), index=True),
    Column("community_id", String(36), index=True),
    Column("compound_id", String(36)),
    Column("compound_type", String(32)),
    Column("households", Integer),
    Column("closed", Boolean, nullable=False),
    Column("closed_reason", String(500)),
    Column("registered_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# The grids of each compound, so a compound's move updates them without a query.
compound_grids = Table(
    "org_compound_grids",
    metadata,
    Column("compound_id", String(36), primary_key=True),
    Column("grid_ids", Text, nullable=False),  # space-separated ids
)


class OrgRegistryProjection(Projection):
    name = "org_registry"
    metadata = metadata

    @handles(OrgUnit, "Registered")
    def org_unit_registered(self, event: Any, view: View) -> None:
        parent = view.get("org_units", id_str(event.parent_id)) if event.parent_id else None
        row = {
            "id": str(event.originator_id),
            "kind": event.kind,
            "code": event.code,
            "name": event.name,
            "parent_id": id_str(event.parent_id),
            "compound_type": event.compound_type,
            "households": event.households,
            "closed": False,
            "closed_reason": None,
            "registered_at": occurred_at(event).isoformat(),
        }
        row.update(_ancestry(event.kind, str(event.originator_id), parent))
        view.put("org_units", _stamped(row, event, view))

    @handles(OrgUnit, "Renamed")
    def org_unit_renamed(self, event: Any, view: View) -> None:
        _touch(view, event, name=event.name)

    @handles(OrgUnit, "Moved")
    def org_unit_moved(self, event: Any, view: View) -> None:
        community = view.get("org_units", str(event.to_parent_id))
        assert community is not None
        changes = {"community_id": community["id"], "street_id": community["street_id"]}
        _touch(view, event, parent_id=community["id"], **changes)
        for grid_id in _grids_of(view, str(event.originator_id)):
            view.update("org_units", grid_id, **changes)

    @handles(OrgUnit, "Closed")
    def org_unit_closed(self, event: Any, view: View) -> None:
        _touch(view, event, closed=True, closed_reason=event.reason)

    @handles(OrgUnit, "ChildAttached")
    def org_unit_child_attached(self, event: Any, view: View) -> None:
        if _touch(view, event)["kind"] == "compound":
            grids = [*_grids_of(view, str(event.originator_id)), str(event.child_id)]
            _set_grids(view, str(event.originator_id), grids)

    @handles(OrgUnit, "ChildDetached")
    def org_unit_child_detached(self, event: Any, view: View) -> None:
        _touch(view, event)  # a closed grid stays listed: it still moves with its compound


def _grids_of(view: View, compound_id: str) -> list[str]:
    row = view.get("org_compound_grids", compound_id)
    return row["grid_ids"].split() if row else []


def _set_grids(view: View, compound_id: str, grid_ids: list[str]) -> None:
    view.put("org_compound_grids", {"compound_id": compound_id, "grid_ids": " ".join(grid_ids)})


def _stamped(row: dict[str, Any], event: Any, view: View) -> dict[str, Any]:
    row["version"] = event.originator_version
    row["position"] = view.position
    return row


def _touch(view: View, event: Any, **changes: Any) -> dict[str, Any]:
    return view.update(
        "org_units",
        str(event.originator_id),
        version=event.originator_version,
        position=view.position,
        **changes,
    )


def _ancestry(kind: str, unit_id: str, parent: dict[str, Any] | None) -> dict[str, Any]:
    chain: dict[str, Any] = {"street_id": None, "community_id": None, "compound_id": None}
    if parent is not None:
        chain = {k: parent[k] for k in chain}
        if parent["kind"] in ("street", "community", "compound"):
            chain[f"{parent['kind']}_id"] = parent["id"]
    if kind in ("street", "community", "compound"):
        chain[f"{kind}_id"] = unit_id
    return chain


# -- queries ------------------------------------------------------------------------------


def unit_as_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping if hasattr(row, "_mapping") else row)
    data["kind_label"] = KIND_LABELS[OrgKind(data["kind"])]
    if data["compound_type"]:
        zh, en = COMPOUND_FOCUS[CompoundType(data["compound_type"])]
        data["management_focus"] = {"zh": zh, "en": en}
    return data


_ONE_UNIT = select(org_units).where(org_units.c.id == bindparam("unit_id"))


def get_unit(conn: Connection, unit_id: str) -> dict[str, Any] | None:
    row = conn.execute(_ONE_UNIT, {"unit_id": unit_id}).first()
    return unit_as_dict(row) if row else None


def list_units(
    conn: Connection,
    *,
    page: int,
    per_page: int,
    include_closed: bool = False,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    stmt = select(org_units)
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(org_units.c[column] == str(value))
    if not include_closed:
        stmt = stmt.where(org_units.c.closed.is_(False))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(
        stmt.order_by(org_units.c.kind, org_units.c.code)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [unit_as_dict(r) for r in rows], total
