"""Issue 2 (a) / issue 7 row 1: our command path beside a bare eventsourcing save().

Ours: `CommandGateway.run` with an Idempotency-Key, inside a metadata context, through the
chained recorder (hash link + idempotency record in the event's transaction), one event
per command. Peer: a plain eventsourcing `Application` on the same persistence module and
database server, saving a new trivial aggregate, one event per `save()`.

Two of our commands are measured against the same peer: creating a trivial aggregate of
ours (the infrastructure's overhead alone: target >= 0.8x) and renaming an org unit (a real
command: load the aggregate, check the rules, one event).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.harness import Row, Sizes, Target, bare_env, for_backends, side_by_side, temp_database
from domain.base import LedgerAggregate
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import System, build_system

META = {"actor_id": "bench", "role": "district_admin", "scope": "*", "channel": "bench"}


class Tick(LedgerAggregate):
    """A trivial aggregate of ours: one event, carrying the command metadata."""

    @event("Ticked")
    def __init__(self, n: int) -> None:
        self.n = n


class BareTick(Aggregate):
    """The bare library's trivial aggregate: one event, no metadata."""

    @event("Created")
    def __init__(self, n: int) -> None:
        self.n = n


def run_ticks(system: System, count: int, tag: str) -> int:
    """`count` commands through the gateway, each creating one Tick (one event)."""
    app, gateway = system.app, system.gateway
    for i in range(count):
        with command_context(**META, idempotency_key=f"{tag}-{i}"):
            gateway.run(lambda i=i: app.commit(Tick(n=i)), idempotency_key=f"{tag}-{i}")
    return count


def run_renames(system: System, units: list[UUID], count: int, tag: str) -> int:
    """`count` renames through the gateway (load + 1 event each), round-robin over
    `units` so that no aggregate grows long."""
    app, gateway = system.app, system.gateway
    for i in range(count):
        key = f"{tag}-{i}"
        unit_id = units[i % len(units)]
        with command_context(**META, idempotency_key=key):
            gateway.run(
                lambda i=i, unit_id=unit_id: app.handle(
                    RenameOrgUnit(unit_id=unit_id, name=f"{tag} 区 {i}")
                ),
                idempotency_key=key,
                fingerprint=key,
            )
    return count


def register_districts(system: System, count: int) -> list[UUID]:
    with command_context(**META):
        return [
            system.app.handle(RegisterOrgUnit(kind="district", code=f"B{i}", name=f"基准区{i}")).id
            for i in range(count)
        ]


def save_bare(bare: Application[Any], count: int) -> int:
    for i in range(count):
        bare.save(BareTick(n=i))
    return count


def measure(backend: str, commands: int, rounds: int) -> list[Row]:
    per_round = max(1, commands // rounds)
    with temp_database(backend, "cmd") as ours_db, temp_database(backend, "bare") as bare_db:
        system = build_system(ours_db)
        bare: Application[Any] = Application(env=bare_env(bare_db))
        try:
            run_ticks(system, 20, "warm")
            save_bare(bare, 20)
            ticks, bare_rate = side_by_side(
                lambda r: run_ticks(system, per_round, f"tick{r}"),
                lambda r: save_bare(bare, per_round),
                rounds,
            )
            units = register_districts(system, per_round)
            renames, bare_rate2 = side_by_side(
                lambda r: run_renames(system, units, per_round, f"ren{r}"),
                lambda r: save_bare(bare, per_round),
                rounds,
            )
        finally:
            system.close()
            bare.close()
    floor = "bare save()"
    note = f"median of {rounds} interleaved rounds x {per_round} commands"
    return [
        Row(
            "command path: new trivial aggregate, 1 event/command",
            backend,
            "events/s",
            ticks,
            bare_rate,
            floor,
            Target("ratio", ">=", 0.8),
            issue="#2a",
            notes=note,
        ),
        Row(
            "command path: rename org unit (load + 1 event)",
            backend,
            "events/s",
            renames,
            bare_rate2,
            floor,
            issue="#7.1",
            notes=f"each of {per_round} units renamed once per round",
        ),
    ]


def run(sizes: Sizes) -> list[Row]:
    commands = sizes.n("commands", 6000)
    rounds = sizes.n("command_rounds", 12)
    return for_backends(sizes, lambda backend: measure(backend, commands, rounds))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("command_path", run)
