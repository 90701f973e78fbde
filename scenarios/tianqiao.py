"""The Tianqiao demo scenario: deterministic, loaded through commands only."""

from __future__ import annotations

from collections.abc import Callable

from domain.app import RedPropertyApp
from scenarios import (
    assessment,
    grid_assessments,
    grid_loop,
    org_registry,
    party_building,
    party_life,
    subsidies,
)
from scenarios.context import ScenarioContext

Step = Callable[[ScenarioContext], None]

STEPS: list[tuple[str, Step]] = [
    ("org registry", org_registry.load),
    ("party building", party_building.load),
    ("party life", party_life.load),
    ("subsidies", subsidies.load),  # needs facts["party_orgs"] from party building
    ("grid loop", grid_loop.load),
    ("grid-worker assessments", grid_assessments.load),  # of the workers grid loop registers
    ("assessment", assessment.load),  # after every step whose events it scores
]


def load_tianqiao(
    app: RedPropertyApp, progress: Callable[[str], None] | None = None
) -> ScenarioContext:
    ctx = ScenarioContext(app)
    for name, step in STEPS:
        if progress:
            progress(name)
        step(ctx)
    return ctx
