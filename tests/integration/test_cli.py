"""The `redprop` command line: demo, verify, head anchoring, state-as-of, log, token, rebuild."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from api.auth import read_token
from infra.cli.main import main


@pytest.fixture
def cli(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("REDPROP_DATABASE_URL", url)
    monkeypatch.setenv("REDPROP_SECRET", "cli-secret")
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False)

    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def test_demo_verify_and_tamper(cli: Any) -> None:
    loaded = cli("demo", "--no-serve")
    assert loaded.exit_code == 0, loaded.output
    ok = cli("verify")
    assert ok.exit_code == 0 and ok.output.startswith("OK")
    head = cli("verify", "--head").output.strip()
    assert head.split(":")[0].isdigit() and len(head.split(":")[1]) == 64
    engine = create_engine(cli.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
                "'北坦', '南坦') AS BLOB) WHERE rowid = 2"
            )
        )
    bad = cli("verify", "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.output)["first_bad_position"] == 2


def test_truncated_tail_is_caught_by_the_anchor(cli: Any) -> None:
    cli("demo", "--no-serve")
    head = cli("verify", "--head").output.strip()
    position = int(head.split(":")[0])
    engine = create_engine(cli.url)
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM stored_events WHERE rowid = {position}"))
        conn.execute(text(f"DELETE FROM stored_events_chain WHERE position = {position}"))
    assert cli("verify").exit_code == 0  # the rest of the chain is intact...
    anchored = cli("verify", "--against", head)
    assert anchored.exit_code == 1 and "missing" in anchored.output  # ...but the anchor is gone


def test_log_and_state_as_of(cli: Any) -> None:
    cli("demo", "--no-serve")
    first = json.loads(cli("log", "--limit", "1").output)
    assert first["position"] == 1 and first["type"] == "OrgUnit.Registered"
    assert first["metadata"]["actor_id"] == "demo-loader"
    unit = first["aggregate_id"]
    before = cli("state-as-of", unit, "2019-12-31T00:00:00+08:00", "--business-time")
    assert before.exit_code != 0 and "did not exist" in before.output
    after = json.loads(
        cli("state-as-of", unit, "2020-01-03T00:00:00+08:00", "--business-time").output
    )
    assert after["name"] == "天桥区" and after["type"] == "OrgUnit"


def test_token_is_signed_with_the_configured_secret(cli: Any) -> None:
    minted = cli("token", "--role", "auditor", "--user", "audit-1").output.strip()
    who = read_token("cli-secret", minted)
    assert (who.user_id, who.role, who.scope) == ("audit-1", "auditor", "*")


def test_rebuild_reaches_the_head(cli: Any) -> None:
    cli("demo", "--no-serve")
    result = cli("rebuild", "org_registry")
    assert result.exit_code == 0
    engine = create_engine(cli.url)
    with engine.connect() as conn:
        position = conn.execute(
            text("SELECT position FROM projection_positions WHERE name='org_registry'")
        ).scalar_one()
        head = conn.execute(text("SELECT MAX(rowid) FROM stored_events")).scalar_one()
        units = conn.execute(text("SELECT COUNT(*) FROM org_units")).scalar_one()
    assert position == head and units == 1 + 5 + 18 + 90 + 90
    assert cli("rebuild", "nonsense").exit_code != 0
