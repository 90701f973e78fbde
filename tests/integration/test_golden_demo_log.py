"""A stored log survives the code moving under it: the Tianqiao demo as written by an
earlier version (tests/fixtures/golden_demo_log.jsonl.gz, see tests/support/golden_log.py)
loads into a fresh database, replays, projects and verifies with today's code. Never
regenerate the fixture to make these pass after a move: register the old topics in
domain/moved_topics.py."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from eventsourcing.utils import get_topic, resolve_topic

from domain.base import LedgerAggregate
from domain.moved_topics import MOVED_TOPICS, former_topics, register_moved_topics
from infra.bootstrap import build_system
from infra.cli.main import main
from infra.settings import Settings
from infra.storage.chain import verify_chain
from infra.storage.event_store import build_application
from projections.catalog import all_projections
from tests.support.golden_log import GoldenRow, load_into, read

ROWS = read()
HEAD = f"{ROWS[-1].position}:{ROWS[-1].hash}"


def _aggregate_topics(rows: list[GoldenRow]) -> set[str]:
    """The aggregate classes named inside the stored state of the Created events."""
    states = (json.loads(row.state) for row in rows)
    return {state["originator_topic"] for state in states if "originator_topic" in state}


def test_the_fixture_is_the_whole_demo_in_log_order() -> None:
    assert [row.position for row in ROWS] == list(range(1, len(ROWS) + 1))
    assert [row.prev_position for row in ROWS] == list(range(len(ROWS)))
    assert len(ROWS) > 7000 and len({row.topic for row in ROWS}) > 50


def test_every_topic_in_the_golden_log_resolves() -> None:
    register_moved_topics()
    unresolved = []
    for topic in sorted({row.topic for row in ROWS}):
        try:
            event_class = resolve_topic(topic)
        except Exception as error:  # noqa: BLE001 - every failure is listed below
            unresolved.append(f"{topic}: {error}")
        else:
            assert callable(getattr(event_class, "mutate", None)), topic
    for topic in sorted(_aggregate_topics(ROWS)):
        try:
            assert issubclass(resolve_topic(topic), LedgerAggregate), topic
        except Exception as error:  # noqa: BLE001
            unresolved.append(f"{topic}: {error}")
    assert unresolved == [], "register these in domain/moved_topics.py:\n" + "\n".join(unresolved)


def test_projections_read_events_under_every_topic_they_were_stored_under() -> None:
    register_moved_topics()
    stored = {get_topic(resolve_topic(row.topic)): row.topic for row in ROWS}
    for projection in all_projections():
        for topic in projection.topics:
            missing = {*former_topics(topic), stored.get(topic, topic)} - projection.topics
            assert not missing, f"{projection.name} handles {topic} but not {missing}"


def test_a_moved_module_resolves_through_the_registry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setitem(MOVED_TOPICS, "domain.retired_registry", "domain.org_registry")
    app = build_application(Settings(database_url=f"sqlite:///{tmp_path}/moved.db"))
    try:
        first = ROWS[0]
        moved = GoldenRow(
            **{
                **vars(first),
                "topic": first.topic.replace("domain.org_registry", "domain.retired_registry"),
                "state": first.state.replace("domain.org_registry", "domain.retired_registry"),
            }
        )
        assert moved.topic != first.topic and "retired" in moved.state
        assert former_topics(first.topic) == [moved.topic]
        event = app.mapper.to_domain_event(moved.stored_event)
        original = app.mapper.to_domain_event(first.stored_event)
        assert type(event) is type(original) and type(event).__qualname__ == "OrgUnit.Registered"
        assert vars(event.mutate(None)) == vars(original.mutate(None))
    finally:
        app.close()


def test_the_golden_log_loads_replays_projects_and_verifies(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = build_system(settings)
    try:
        load_into(system.app, ROWS)
        assert system.app.recorder.select_links(0, len(ROWS) + 1) == [r.link for r in ROWS]
        report = verify_chain(system.app.recorder)
        assert report.ok and report.checked == len(ROWS)
        assert f"{report.head_position}:{report.head_hash}" == HEAD

        versions = {UUID(row.originator_id): row.originator_version for row in ROWS}
        for aggregate_id, version in versions.items():
            aggregate = system.app.repository.get(aggregate_id)
            assert isinstance(aggregate, LedgerAggregate)
            assert aggregate.version == version

        for runner in system.runners:
            runner.catch_up()
        health = system.health()
        assert health["ok"], health["problems"]
        assert {p["position"] for p in health["projections"].values()} == {len(ROWS)}
    finally:
        system.close()

    for name, value in [
        ("REDPROP_DATABASE_URL", settings.database_url),
        ("REDPROP_DATABASE_SCHEMA", settings.database_schema),
        ("REDPROP_SECRET", settings.secret),
    ]:
        monkeypatch.setenv(name, value)
    verified = CliRunner().invoke(main, ["verify", "--against", HEAD], catch_exceptions=False)
    assert verified.exit_code == 0 and verified.output.startswith("OK"), verified.output
