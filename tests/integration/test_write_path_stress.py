"""64 threads mixing commands (over HTTP), reads with min_position and projection catch-up:
no errors, the chain verifies, and every view equals a fresh rebuild (issue 14)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Table, select

from infra.bootstrap import build_system
from infra.projection_runner import ProjectionRunner
from infra.rebuild import beside_tables
from infra.storage.chain import verify_chain
from projections.catalog import all_projections
from tests.grid_helpers import small_district
from tests.integration.test_write_path import in_threads

ROUNDS = 4
REPORTERS, RENAMERS, REGISTRARS, CATCHERS = 24, 16, 16, 8
UNIT_KEYS = ("district", "street", "community", "community2")
UNIT_KEYS += ("compound1", "compound2", "grid1", "grid2")
ISSUES, UNITS = "/api/v1/service-issues", "/api/v1/org-units"


def test_commands_reads_and_catch_up_at_once(make_settings: Any, auth: Any) -> None:
    settings = make_settings(projection_poll_seconds=0.02, read_wait_seconds=60)
    system = build_system(settings, start_worker=True)
    try:
        ids = small_district(system.app)
        flask_app = system.wsgi()
        admin = auth("district_admin")
        stop = threading.Event()
        failures: list[str] = []
        done: list[int] = []
        done_lock = threading.Lock()

        def expect(response: Any, statuses: tuple[int, ...], what: str) -> Any:
            if response.status_code not in statuses:
                failures.append(f"{what}: {response.status_code} {response.get_data(True)[:300]}")
                return None
            return response.get_json()

        def reporter(n: int) -> None:
            client = flask_app.test_client()
            for i in range(ROUNDS):
                body = {
                    "channel": "hotline",
                    "category": "heating",
                    "compound_id": str(ids[f"compound{1 + n % 2}"]),
                    "description": f"暖气不热 {n}-{i}",
                    "reporter_contact": f"1381234{n:02d}{i:02d}",
                }
                made = expect(client.post(ISSUES, json=body, headers=admin), (201,), "report")
                if made:
                    read = {"min_position": made["position"]}
                    got = client.get(f"{ISSUES}/{made['id']}", query_string=read, headers=admin)
                    issue = expect(got, (200,), "read issue")
                    if issue and issue.get("reporter_contact") != body["reporter_contact"]:
                        failures.append(f"read issue: {issue}")

        def renamer(n: int) -> None:
            client = flask_app.test_client()
            unit = ids[UNIT_KEYS[n % len(UNIT_KEYS)]]  # two renamers contend for each unit
            for i in range(ROUNDS):
                name = {"name": f"社区 {n}-{i}"}
                done = expect(
                    client.patch(f"{UNITS}/{unit}", json=name, headers=admin), (200,), "rename"
                )
                if done:
                    read = {"min_position": done["position"]}
                    got = client.get(f"{UNITS}/{unit}", query_string=read, headers=admin)
                    expect(got, (200,), "read unit")

        def registrar(n: int) -> None:
            client = flask_app.test_client()
            for i in range(ROUNDS):
                body = {"kind": "district", "code": f"R{n}-{i}", "name": f"区 {n}-{i}"}
                key = {**admin, "Idempotency-Key": f"reg-{n}-{i}"}
                first = expect(client.post(UNITS, json=body, headers=key), (201,), "register")
                again = client.post(UNITS, json=body, headers=key)
                expect(again, (201,), "register again")
                if again.headers.get("Idempotent-Replayed") != "true" or again.get_json() != first:
                    failures.append(f"repeat not replayed: {again.get_json()} vs {first}")
                if first:
                    read = {"min_position": first["position"]}
                    got = client.get(f"{UNITS}/{first['id']}", query_string=read, headers=admin)
                    expect(got, (200,), "read new unit")

        def catcher(_: int) -> None:  # another process's runners, racing the worker's
            runners = [
                ProjectionRunner(system.app, system.write_engine, p) for p in all_projections()
            ]
            while not stop.is_set():
                for runner in runners:
                    runner.catch_up()

        roles: list[tuple[int, Callable[[int], None]]] = [
            (REPORTERS, reporter),
            (RENAMERS, renamer),
            (REGISTRARS, registrar),
            (CATCHERS, catcher),
        ]
        plan = [(role, n) for count, role in roles for n in range(count)]
        assert len(plan) == 64

        def work(k: int) -> None:
            role, n = plan[k]
            try:
                role(n)
            finally:
                if role is not catcher:
                    with done_lock:
                        done.append(n)
                        if len(done) == len(plan) - CATCHERS:
                            stop.set()

        errors = in_threads(64, work)
        stop.set()
        system.worker.stop()
        assert errors == [] and failures == []
        system.catch_up()
        report = verify_chain(system.app.recorder)
        assert report.ok and report.head_position == system.app.recorder.max_notification_id()
        for projection in all_projections():
            assert _differences(system, projection) == [], projection.name
    finally:
        system.close()


def _differences(system: Any, projection: Any) -> list[str]:
    """Rebuild `projection` from position 0 beside the live tables and compare them."""
    live = system.runner(projection.name)
    fresh = type(projection)()
    copies = beside_tables(fresh)
    with system.write_engine.begin() as conn:
        for table in copies.values():
            table.drop(conn, checkfirst=True)
    scratch = ProjectionRunner(
        system.app, system.write_engine, fresh, tables=copies, tracking_name=f"{fresh.name}__check"
    )
    scratch.create_tables()
    scratch.catch_up(until=live.position)
    assert scratch.position == live.position
    return [
        name
        for name, table in projection.tables.items()
        if _rows(system.read_engine, table) != _rows(system.read_engine, copies[name])
    ]


def _rows(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    order = list(table.primary_key.columns) or list(table.columns)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(*order))]
