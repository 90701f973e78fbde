"""Org-ancestry closure (R1): one row per (ancestor, descendant) pair with its depth, every
unit its own ancestor at depth 0. Scope checks ask it "which units are above X".

A compound's move re-parents its whole subtree (its grids, closed ones too: a closed unit
keeps its place in the tree, as the registry keeps its parent). `org_chains` holds each
unit's ancestors and children so a move is computed from cached rows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, bindparam, select

from domain.org_bodies import OrgBody
from domain.org_registry import OrgUnit
from projections.base import Projection, handles
from projections.view import View

metadata = MetaData()
BODY = "body"

org_closure = Table(
    "org_closure",
    metadata,
    Column("ancestor_id", String(36), primary_key=True),
    Column("descendant_id", String(36), primary_key=True, index=True),
    Column("depth", Integer, nullable=False),
)

org_chains = Table(
    "org_chains",
    metadata,
    Column("unit_id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("ancestor_ids", Text, nullable=False),  # space-separated, nearest first
    Column("child_ids", Text, nullable=False),  # space-separated
)


class OrgClosureProjection(Projection):
    name = "org_closure"
    metadata = metadata

    @handles(OrgUnit, "Registered")
    @handles(OrgBody, "Established")
    def org_unit_registered(self, event: Any, view: View) -> None:
        unit_id = str(event.originator_id)
        ancestors: list[str] = []
        if event.parent_id is not None:
            parent_id = str(event.parent_id)
            parent = _chain(view, parent_id)
            ancestors = [parent_id, *parent["ancestor_ids"].split()]
            view.update("org_chains", parent_id, child_ids=f"{parent['child_ids']} {unit_id}")
        is_body = isinstance(event, OrgBody.Established)  # type: ignore[attr-defined]
        kind = BODY if is_body else event.kind
        chain = {"unit_id": unit_id, "kind": kind, "ancestor_ids": " ".join(ancestors)}
        view.insert("org_chains", {**chain, "child_ids": ""})
        _link(view, unit_id, [unit_id, *ancestors])

    @handles(OrgUnit, "Moved")
    def org_unit_moved(self, event: Any, view: View) -> None:
        moved_id, old_parent_id = str(event.originator_id), str(event.from_parent_id)
        new_parent_id = str(event.to_parent_id)
        old_above = _chain(view, moved_id)["ancestor_ids"].split()
        new_parent = _chain(view, new_parent_id)
        new_above = [new_parent_id, *new_parent["ancestor_ids"].split()]
        for unit_id in _subtree(view, moved_id):
            chain = _chain(view, unit_id)["ancestor_ids"].split()
            within = chain[: len(chain) - len(old_above)]  # the path up to the moved unit
            for ancestor_id in old_above:
                view.delete("org_closure", ancestor_id, unit_id)
            view.update("org_chains", unit_id, ancestor_ids=" ".join([*within, *new_above]))
            _link(view, unit_id, [unit_id, *within, *new_above], start=len(within) + 1)
        old_parent = _chain(view, old_parent_id)
        siblings = [c for c in old_parent["child_ids"].split() if c != moved_id]
        view.update("org_chains", old_parent_id, child_ids=" ".join(siblings))
        view.update("org_chains", new_parent_id, child_ids=f"{new_parent['child_ids']} {moved_id}")


def _chain(view: View, unit_id: str) -> dict[str, Any]:
    row = view.get("org_chains", unit_id)
    if row is None:
        raise LookupError(f"org_chains: no unit {unit_id} (events out of order?)")
    return row


def _subtree(view: View, root_id: str) -> list[str]:
    """The unit (first) and every unit below it."""
    found, stack = [], [root_id]
    while stack:
        unit_id = stack.pop()
        found.append(unit_id)
        stack.extend(_chain(view, unit_id)["child_ids"].split())
    return found


def _link(view: View, unit_id: str, chain: list[str], start: int = 0) -> None:
    """Closure rows from `chain` (the unit, then its ancestors nearest first), from index
    `start` on; on registration (start 0) every row is new."""
    write = view.insert if start == 0 else view.put
    for depth in range(start, len(chain)):
        write(
            "org_closure", {"ancestor_id": chain[depth], "descendant_id": unit_id, "depth": depth}
        )


# -- queries ------------------------------------------------------------------------------


_PLACE = select(org_chains.c.kind, org_chains.c.ancestor_ids).where(
    org_chains.c.unit_id == bindparam("unit_id")
)


def place(conn: Connection, unit_id: UUID) -> tuple[str, list[UUID]] | None:
    """The unit's kind ("body" for an org body) and its ancestry: its id and its
    ancestors' ids, nearest first; None for an unknown unit. One primary-key read."""
    row = conn.execute(_PLACE, {"unit_id": str(unit_id)}).first()
    if row is None:
        return None
    return row.kind, [UUID(str(unit_id)), *map(UUID, row.ancestor_ids.split())]


def is_unit(kind: str) -> bool:
    """Whether a `place` kind is an org unit's (district ... grid), not a body's."""
    return kind != BODY
