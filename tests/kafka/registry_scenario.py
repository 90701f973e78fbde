"""A small log for Kafka tests: the demo's org registry step only (a few hundred events)."""

from __future__ import annotations

from typing import Any

from infra.scenario import org_registry
from infra.scenario.context import ScenarioContext


def load_registry(app: Any) -> ScenarioContext:
    ctx = ScenarioContext(app)
    org_registry.load(ctx)
    return ctx
