"""Demo: the district's assessment scheme (satisfaction and complaints weigh most, R13)
and quarterly rankings of companies and communities published for 2020-2021.

Runs after the org registry, party and grid steps: it scores whatever their events
produced, through the input-facts projection (run here into a private in-memory SQLite
database, so the step needs nothing but the application).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
    PublishAssessment,
    ReviewAssessment,
    ReviseAssessmentScheme,
)
from domain.assessment_scoring import PeriodFacts
from infra.projection_runner import ProjectionRunner
from projections.assessment_facts import read_period_facts
from projections.assessment_inputs import AssessmentInputsProjection
from scenarios.context import ScenarioContext

SCHEME_CODE = "TQ-RED-PROPERTY"
BANDS = [
    {"grade": "不合格", "min": 0, "max": 60},
    {"grade": "合格", "min": 60, "max": 75},
    {"grade": "良好", "min": 75, "max": 90},
    {"grade": "优秀", "min": 90, "max": 100},
]
# No data (no feedback, no issues, no grid-worker assessment) is excluded: its weight goes
# to the lines with data. Party coverage, meetings and joint events without data score 0.
RATE = {"direction": "higher", "lower": 50.0, "upper": 100.0, "no_data": "excluded"}
NONE_IS_ZERO = {"no_data": "scored", "no_data_score": 0.0}


def _weights(satisfaction: float, extra: str) -> list[tuple[str, float, dict[str, Any]]]:
    per_100 = {"direction": "lower", "lower": 0.0, "upper": 5.0, "no_data": "excluded"}
    counted = {"direction": "higher", "lower": 0.0, "upper": 100.0}
    handling = 10 - (satisfaction - 30) / 2  # more on satisfaction comes from these two
    return [
        ("satisfaction_rate", satisfaction, RATE),
        ("complaint_rate", 25, per_100),
        ("response_rate", handling, RATE),
        ("resolution_rate", handling, RATE),
        ("on_time_handling_rate", 5, RATE),
        ("reopen_rate", 5, {**per_100, "upper": 20.0}),
        ("party_coverage", 5, {**RATE, "lower": 0.0, **NONE_IS_ZERO}),
        ("meeting_compliance", 5, {**RATE, "lower": 0.0, **NONE_IS_ZERO}),
        (
            extra,
            5,
            {**counted, "no_data": "excluded"}
            if extra == "grid_worker_assessment"
            else {**counted, **NONE_IS_ZERO},
        ),
    ]


def scheme_definition(satisfaction: float = 30) -> dict[str, Any]:
    """The demo scheme, for both kinds: satisfaction `satisfaction`% and complaint rate 25%,
    the two heaviest (R13); a higher satisfaction weight comes out of the response and
    resolution rates (10% each at 30%)."""
    indicators = []
    for kind, extra in (
        ("property_company", "grid_worker_assessment"),
        ("community", "joint_events"),
    ):
        for code, weight, spec in _weights(satisfaction, extra):
            if code == "joint_events":
                spec = {**spec, "upper": 4.0}
            indicators.append({"code": code, "subject_kind": kind, "weight": weight, **spec})
    return {
        "subjects": ["property_company", "community"],
        "indicators": indicators,
        "bands": [dict(b) for b in BANDS],
    }


class FactsReader:
    """The input facts of any period, read from the assessment-inputs projection run here,
    in-process, into a private SQLite database (in memory, or the file at `url`); each
    read first catches up with the log."""

    def __init__(self, app: Any, url: str = "sqlite://") -> None:
        pool = {"poolclass": StaticPool} if url == "sqlite://" else {}
        self.runner = ProjectionRunner(
            app, create_engine(url, **pool), AssessmentInputsProjection(), page_size=5000
        )
        self.runner.create_tables()

    def facts_for(self, key: str) -> PeriodFacts:
        self.runner.catch_up()
        with self.runner.engine.connect() as conn:
            return read_period_facts(conn, key)

    def close(self) -> None:
        self.runner.engine.dispose()


QUARTERS = [f"{year}Q{q}" for year in (2020, 2021) for q in (1, 2, 3, 4)]
PUBLISH_DAY = {1: "04-10", 2: "07-10", 3: "10-10", 4: "01-10"}


def load(ctx: ScenarioContext) -> None:
    app = ctx.app
    with ctx.at("2020-01-02T10:00:00"):
        scheme_id = app.handle(
            DefineAssessmentScheme(
                code=SCHEME_CODE,
                name="天桥区红色物业考核办法",
                definition=scheme_definition(30),
                effective_from=date(2020, 1, 1),
            )
        ).id
    with ctx.at("2020-12-20T10:00:00"):
        app.handle(
            ReviseAssessmentScheme(
                scheme_id,
                definition=scheme_definition(35),
                effective_from=date(2021, 1, 1),
                note="2021: 居民满意度权重提高到35%，响应率、解决率各降至7.5%",
            )
        )
    ctx.ids["assessment_scheme"] = scheme_id
    reader = FactsReader(app)
    for key in QUARTERS:
        year, quarter = int(key[:4]), int(key[-1])
        day = f"{year + (quarter == 4)}-{PUBLISH_DAY[quarter]}"
        with ctx.at(f"{day}T09:00:00", actor="assessment-office", role="district_admin"):
            period_id = app.handle(OpenAssessmentPeriod(key, scheme_id)).id
            app.handle(ComputeAssessment(period_id, reader.facts_for(key)))
            app.handle(ReviewAssessment(period_id, reviewer="区物业服务行业党委", note="审核通过"))
            app.handle(PublishAssessment(period_id))
        ctx.ids[f"assessment_period:{key}"] = period_id
    reader.close()
