"""The org-ancestry closure read model agrees with the registry's own parent links, through
registrations, closures and a compound's move with its grids (on both databases)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from domain.org_registry import OrgUnit
from domain.org_registry_commands import CloseOrgUnit, MoveCompound, RegisterOrgUnit
from projections.org_closure import org_closure, place


def _ancestry(conn: Any, unit_id: UUID) -> list[UUID]:
    found = place(conn, unit_id)
    return [] if found is None else found[1]


def _register(app: Any, kind: str, code: str, parent: UUID | None = None, **extra: Any) -> UUID:
    command = RegisterOrgUnit(
        kind=kind, code=code, name=f"{kind} {code}", parent_id=parent, **extra
    )
    return app.handle(command).id


def _written_chain(app: Any, unit_id: UUID) -> list[UUID]:
    chain: list[UUID] = []
    current: UUID | None = unit_id
    while current is not None:
        chain.append(current)
        current = app.load(OrgUnit, current).parent_id
    return chain


def _expected_rows(app: Any, units: list[UUID]) -> set[tuple[str, str, int]]:
    return {
        (str(ancestor), str(unit), depth)
        for unit in units
        for depth, ancestor in enumerate(_written_chain(app, unit))
    }


def _rows(system: Any) -> set[tuple[str, str, int]]:
    with system.read_engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(org_closure))}  # type: ignore[misc]


def _tree(system: Any) -> dict[str, UUID]:
    app = system.app
    ids: dict[str, UUID] = {"district": _register(app, "district", "D")}
    for s in ("1", "2"):
        ids[f"street{s}"] = _register(app, "street", f"S{s}", ids["district"])
        ids[f"community{s}"] = _register(app, "community", f"C{s}", ids[f"street{s}"])
    system.catch_up()  # the rest lands in a later batch, over rows read back from the table
    ids["compound"] = _register(
        app, "compound", "Q", ids["community1"], compound_type="open", households=100
    )
    ids["grid"] = _register(app, "grid", "G1", ids["compound"])
    ids["closed_grid"] = _register(app, "grid", "G2", ids["compound"])
    app.handle(CloseOrgUnit(unit_id=ids["closed_grid"], reason="网格调整"))
    return ids


def test_closure_rows_follow_registrations_and_closures(system: Any) -> None:
    ids = _tree(system)
    system.catch_up()
    assert _rows(system) == _expected_rows(system.app, list(ids.values()))
    with system.read_engine.connect() as conn:
        assert _ancestry(conn, ids["closed_grid"]) == [
            ids["closed_grid"],
            ids["compound"],
            ids["community1"],
            ids["street1"],
            ids["district"],
        ]


def test_a_moved_compound_takes_its_grids_to_the_new_community(system: Any) -> None:
    ids = _tree(system)
    system.catch_up()
    system.app.handle(MoveCompound(compound_id=ids["compound"], community_id=ids["community2"]))
    system.catch_up()
    assert _rows(system) == _expected_rows(system.app, list(ids.values()))
    with system.read_engine.connect() as conn:
        assert _ancestry(conn, ids["grid"]) == [
            ids["grid"],
            ids["compound"],
            ids["community2"],
            ids["street2"],
            ids["district"],
        ]
        assert ids["street1"] not in _ancestry(conn, ids["closed_grid"])


def test_moves_projected_in_one_batch_with_the_registrations(system: Any) -> None:
    ids = _tree(system)
    app = system.app
    app.handle(MoveCompound(compound_id=ids["compound"], community_id=ids["community2"]))
    ids["late_grid"] = _register(app, "grid", "G3", ids["compound"])
    app.handle(MoveCompound(compound_id=ids["compound"], community_id=ids["community1"]))
    system.catch_up()
    assert _rows(system) == _expected_rows(app, list(ids.values()))


def test_an_unknown_unit_has_no_ancestry(system: Any) -> None:
    system.catch_up()
    with system.read_engine.connect() as conn:
        assert _ancestry(conn, UUID(int=7)) == []
