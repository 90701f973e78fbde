"""A projection whose handler raises stops at that event, says so (/readyz, `redprop
projections status`), is retried, and catches up by itself once fixed; the others go on."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import System
from infra.cli.main import main
from infra.rebuild import rebuild
from infra.settings import Settings
from projections.org_registry import OrgRegistryProjection, org_units


def _renamed_topic() -> str:
    return next(t for t in OrgRegistryProjection().topics if t.endswith("Renamed"))


def _load(system: System) -> int:
    """Registers and renames org units; returns the position of the first rename."""
    with command_context(actor_id="t"):
        district = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区")).id
        streets = [
            system.app.handle(
                RegisterOrgUnit(kind="street", code=f"S{s}", name=f"街{s}", parent_id=district)
            ).id
            for s in range(4)
        ]
        first = system.app.handle(RenameOrgUnit(unit_id=streets[1], name="新街1")).position
        system.app.handle(RenameOrgUnit(unit_id=streets[2], name="新街2"))
    return first


def _rows(system: System) -> list[dict[str, Any]]:
    with system.read_engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(org_units).order_by(org_units.c.id))]


def _status(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("REDPROP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REDPROP_DATABASE_SCHEMA", settings.database_schema)
    return CliRunner().invoke(main, ["projections", "status"])


def test_a_failing_projection_stops_at_the_event_reports_it_and_resumes_once_fixed(
    system: System, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_at = _load(system)
    head = system.app.recorder.max_notification_id()

    def broken(self: Any, event: Any, view: Any) -> None:
        raise ValueError("cannot hold this name")

    monkeypatch.setitem(OrgRegistryProjection._handlers, _renamed_topic(), broken)
    system.worker.poll_seconds = 0.001  # first retry pauses 2 ms
    system.catch_up()  # does not raise: the others keep going

    org = system.runner("org_registry")
    assert org.position == failing_at - 1  # everything before it, nothing after it
    assert system.runner("issue_board").position == head
    report = system.wsgi().test_client().get("/readyz")
    assert report.status_code == 503
    failure = report.json["projections"]["org_registry"]["failure"]
    assert failure["position"] == failing_at
    assert "ValueError: cannot hold this name" in failure["error"]
    assert report.json["problems"] == [
        f"org_registry stopped at position {failing_at}: ValueError: cannot hold this name"
        " (1 attempts)"
    ]
    shown = _status(settings, monkeypatch)
    assert shown.exit_code == 1
    assert f"STOPPED at {failing_at}" in shown.output and "cannot hold this name" in shown.output

    for _ in range(200):  # retried (with backoff) while still broken: never skipped
        system.catch_up()
        if system.worker.failures["org_registry"].attempts >= 3:
            break
    assert system.worker.failures["org_registry"].attempts >= 3
    assert org.position == failing_at - 1

    monkeypatch.undo()  # the fix is deployed
    for _ in range(2000):
        system.catch_up()
        if org.position == head:
            break
    assert org.position == head
    assert system.wsgi().test_client().get("/readyz").status_code == 200
    assert _status(settings, monkeypatch).exit_code == 0
    caught_up = _rows(system)
    rebuild(system.app, system.write_engine, OrgRegistryProjection())
    assert _rows(system) == caught_up
    assert {r["name"] for r in caught_up} >= {"新街1", "新街2"}
