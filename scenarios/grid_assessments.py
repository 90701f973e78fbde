"""Demo: every street assesses the grid workers of the companies registered in it, each
quarter of 2020-2021 (R10: 用/考/察/评), and sends the result to the company. A company's
level is drawn once from a seeded generator, each quarter drifts from it and each score
varies around it, so the grid-worker line of a scorecard reflects how the company's
grid workers did, not whether anyone looked. An assessment already on record for a
company, quarter and street (the grid-loop step's own) is kept as it is.
"""

from __future__ import annotations

import random
from uuid import UUID

from domain.grid_commands import AssessGridWorkers, SendGridWorkerAssessment
from domain.grid_workers import DIMENSIONS, GridWorker, GridWorkerAssessment
from domain.property_companies import PropertyCompany
from scenarios.context import ScenarioContext

QUARTERS = [(year, q) for year in (2020, 2021) for q in (1, 2, 3, 4)]
ASSESSED_ON = {1: "04-05", 2: "07-05", 3: "10-05", 4: "01-05"}  # after the quarter


def workers_by_company(ctx: ScenarioContext) -> dict[UUID, list[UUID]]:
    """The grid workers registered by the grid-loop step (staff codes GW001...), by company."""
    app, found = ctx.app, dict[UUID, list[UUID]]()
    for n in range(1, len(ctx.facts["compounds"]) + 1):
        worker_id = GridWorker.create_id(f"GW{n:03d}")
        if worker_id in app.repository:
            company = app.load(GridWorker, worker_id).company_id
            if company is not None:
                found.setdefault(company, []).append(worker_id)
    return found


def load(ctx: ScenarioContext) -> None:
    rng = random.Random(2020_10)  # its own generator: the other steps' draws stay the same
    app = ctx.app
    workers = workers_by_company(ctx)
    street: dict[UUID, UUID] = {}
    for company in ctx.facts["companies"]:
        registered_in = app.load(PropertyCompany, company).street_id
        if company in workers and registered_in is not None:
            street[company] = registered_in
    companies = list(street)
    level = {c: rng.uniform(62, 94) for c in companies}
    for year, quarter in QUARTERS:
        period = f"{year}-Q{quarter}"
        day = f"{year + (quarter == 4)}-{ASSESSED_ON[quarter]}"
        with ctx.at(f"{day}T10:00:00", actor="street-office", role="street_officer"):
            for company in companies:
                key = GridWorkerAssessment.create_id(company, period, street[company])
                if key in app.repository:
                    continue
                mean = level[company] + rng.uniform(-6, 6)
                lines = [
                    {"worker_id": w, "dimension": d, "score": _score(rng, mean)}
                    for w in workers[company]
                    for d in DIMENSIONS
                ]
                assess = AssessGridWorkers(
                    company_id=company, period=period, assessor_org_id=street[company], lines=lines
                )
                done = app.handle(assess)
                app.handle(
                    SendGridWorkerAssessment(assessment_id=done.id, note="用于季度评优和绩效")
                )


def _score(rng: random.Random, mean: float) -> int:
    return max(0, min(100, round(rng.gauss(mean, 5))))
