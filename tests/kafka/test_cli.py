"""`redprop relay --once` and `redprop kafka-worker --once` from the environment."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from infra.bootstrap import build_system
from infra.cli.main import main
from infra.settings import Settings
from tests.kafka.registry_scenario import load_registry

pytestmark = pytest.mark.kafka


def test_relay_and_worker_commands(broker: Any, tmp_path: Any) -> None:
    env = {
        "REDPROP_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.db",
        "REDPROP_READ_DATABASE_URL": f"sqlite:///{tmp_path}/worker-view.db",
        "REDPROP_KAFKA_BOOTSTRAP": broker.bootstrap,
        "REDPROP_KAFKA_TOPIC": "cli-topic",
        "REDPROP_KAFKA_OPT_REQUEST_TIMEOUT_MS": "5000",
    }
    system = build_system(Settings.from_env(env))
    load_registry(system.app)
    head = system.app.recorder.max_notification_id()
    system.close()
    cli = CliRunner()
    relayed = cli.invoke(main, ["relay", "--once"], env=env)
    assert relayed.exit_code == 0, relayed.output
    assert f"published up to position {head} (lag 0)" in relayed.output
    worked = cli.invoke(main, ["kafka-worker", "org_registry", "--once"], env=env)
    assert worked.exit_code == 0, worked.output
    assert f"'position': {head}" in worked.output


def test_relay_command_fails_loudly_on_a_message_above_the_limit(
    broker: Any, tmp_path: Any
) -> None:
    env = {
        "REDPROP_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.db",
        "REDPROP_KAFKA_BOOTSTRAP": broker.bootstrap,
        "REDPROP_KAFKA_TOPIC": "cli-too-large",
        "REDPROP_KAFKA_MAX_MESSAGE_BYTES": "300",  # below the first event's message
    }
    system = build_system(Settings.from_env(env))
    load_registry(system.app)
    head = system.app.recorder.max_notification_id()
    system.close()
    relayed = CliRunner().invoke(main, ["relay", "--once"], env=env)
    assert relayed.exit_code == 1
    assert f"stopped after position 0 (lag {head})" in relayed.output
    assert "position 1 (OrgUnit.Registered)" in relayed.output
    assert "REDPROP_KAFKA_MAX_MESSAGE_BYTES=300" in relayed.output
