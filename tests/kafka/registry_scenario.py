"""Small logs for Kafka tests: the demo's org registry step (a few hundred events), and the
same with owners' committees so large that each election is a message of hundreds of KB."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.org_registry_commands import RenameOrgUnit
from domain.party_coverage_commands import ElectOwnersCommittee
from scenarios import org_registry
from scenarios.context import ScenarioContext


def load_registry(app: Any) -> ScenarioContext:
    ctx = ScenarioContext(app)
    org_registry.load(ctx)
    return ctx


def load_registry_with_large_events(app: Any, members: tuple[int, ...]) -> list[int]:
    """The registry, then one owners' committee per entry of `members` (that many members,
    about 110 bytes each), each followed by renames of its compound. Returns the committees'
    log positions."""
    ctx = load_registry(app)
    positions = []
    for k, count in enumerate(members):
        compound = ctx.facts["compounds"][k]
        with ctx.at(f"2021-03-{k + 1:02d}T09:00:00"):
            elected = app.handle(
                ElectOwnersCommittee(
                    compound_id=compound,
                    name=f"第{k + 1}业主委员会",
                    term_starts=date(2021, 3, k + 1),
                    term_ends=date(2026, 3, k + 1),
                    members=[_member(k, m) for m in range(count)],
                )
            )
            positions.append(_position_of_election(app, elected.position))
            for n in range(20):
                app.handle(RenameOrgUnit(unit_id=compound, name=f"小区{k}-{n}"))
    return positions


def _position_of_election(app: Any, head: int) -> int:
    """The election is saved with the compound's term calendar: find its own event."""
    recent = app.recorder.select_notifications(start=max(1, head - 5), limit=6)
    return next(n.id for n in recent if n.topic.endswith("OwnersCommittee.Elected"))


def _member(committee: int, m: int) -> dict[str, Any]:
    return {
        "member_ref": f"C{committee}-M{m:05d}",
        "name": f"业主{m:05d}号（{m % 30 + 1}号楼{m % 6 + 1}单元{m % 18 + 1}0{m % 4 + 1}室）",
        "party_member": m % 3 == 0,
        "from_two_committees": m % 7 == 0,
    }
