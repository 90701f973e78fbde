"""The grid closed loop of the seed report (R9, R10, R15), loaded through the commands.

Since 2020 the district's grid service centre collected 882 public-opinion items and
solved 577 property problems (heating, gas connections...). This step reports 882
issues between 2020-01 and 2021-06 and drives exactly 577 of them to a close with
satisfied / basically satisfied feedback; the funnel read model reproduces both figures
(`GET /api/v1/grid-loop/funnel?month_from=2020-01&month_to=2021-06`).

Routing: to the company serving the issue's compound (ctx.facts["company_of"], compound →
company, put there by the party-building step with the service contracts), else by id to the
property-work guidance committee (社区物业工作指导委员会) of the compound's community
(ctx.facts["guidance_committee_of"], from the org-registry step). Grid workers are staff of the companies in
ctx.facts["companies"] (ids or dicts with "id") when there are any.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.grid_commands import (
    AssessGridWorkers,
    OpenCollectionPoint,
    RegisterGridWorker,
    SendGridWorkerAssessment,
)
from domain.org_registry import OrgUnit
from domain.service_issue_commands import (
    AcceptIssue,
    CloseIssue,
    DefineSlaPolicy,
    GiveIssueFeedback,
    LinkDuplicateIssue,
    MarkIssueHandled,
    ReferIssueOut,
    ReportIssue,
    StartHandlingIssue,
)
from domain.sla import DEFAULT_RULES
from scenarios import seed_terms as terms
from scenarios.context import ScenarioContext

COLLECTED, SOLVED = 882, 577
# outcome plan of the other 305 items
OUTCOMES = {
    "solved": SOLVED - 40,
    "solved_after_reopen": 40,
    "referred": 120,
    "duplicate": 35,
    "closed_without_feedback": 60,
    "reopened_open": 50,
    "in_progress": 40,
}
CATEGORY_WEIGHTS = {
    "heating": 260,
    "gas_connection": 150,
    "repairs": 120,
    "parking": 80,
    "cleaning": 70,
    "noise": 50,
    "fees": 50,
    "greenery": 40,
    "thrown_objects": 20,
    "security": 22,
    "other": 20,
}
CHANNELS = (
    ["grid_worker"] * 5 + ["collection_point"] * 2 + ["hotline", "service_window", "resident"]
)
MONTHS = [(2020 + (m // 12), m % 12 + 1) for m in range(18)]  # 2020-01 .. 2021-06


def company_ids(ctx: ScenarioContext) -> list[UUID]:
    found = []
    for item in ctx.facts.get("companies") or []:
        value = item.get("id") if isinstance(item, dict) else item
        try:
            found.append(value if isinstance(value, UUID) else UUID(str(value)))
        except (TypeError, ValueError):
            continue
    return found


def load(ctx: ScenarioContext) -> None:
    app = ctx.app
    rng = ctx.rng
    compounds: list[UUID] = ctx.facts["compounds"]
    companies = company_ids(ctx)
    grids = {c: _grid_of(app, c) for c in compounds}
    with ctx.at("2020-01-01T00:00:00"):
        app.handle(DefineSlaPolicy(rules=DEFAULT_RULES))
    _grid_workers(ctx, compounds, grids, companies)
    assert sum(OUTCOMES.values()) == COLLECTED
    plan = [name for name, n in OUTCOMES.items() for _ in range(n)]
    rng.shuffle(plan)
    categories = [c for c, n in CATEGORY_WEIGHTS.items() for _ in range(n)]
    rng.shuffle(categories)
    reported: list[UUID] = []
    for number, outcome in enumerate(plan):
        year, month = MONTHS[number * len(MONTHS) // COLLECTED]
        start = datetime(year, month, rng.randint(1, 25), rng.randint(8, 18), rng.randrange(60))
        compound = compounds[rng.randrange(len(compounds))]
        with ctx.at(start, actor=f"grid-worker-{compound.hex[:6]}", role="grid_worker"):
            report = ReportIssue(
                channel=rng.choice(CHANNELS),
                category=categories[number],
                compound_id=compound,
                grid_id=grids[compound],
                building=f"{rng.randint(1, 20)}号楼",
                description=f"社情民意第{number + 1}条",
                source_ref=f"TQ-GRID-{number + 1:04d}",
            )
            issue = app.handle(report).id
        if outcome == "duplicate" and reported:
            with ctx.at(start + timedelta(minutes=30)):
                app.handle(LinkDuplicateIssue(issue_id=issue, original_id=reported[-1]))
            continue
        reported.append(issue)
        _drive(ctx, issue, outcome, start, compound)


def _drive(
    ctx: ScenarioContext,
    issue: UUID,
    outcome: str,
    start: datetime,
    compound: UUID,
) -> None:
    app, rng = ctx.app, ctx.rng
    step = start + timedelta(minutes=rng.choice([3, 20, 60, 90, 150, 300]))
    if outcome == "referred":
        with ctx.at(step, role="community_officer"):
            app.handle(ReferIssueOut(issue_id=issue, reason="不属于物业服务事项, 转相关部门"))
        return
    company = ctx.facts.get("company_of", {}).get(compound)
    route: dict[str, Any] = (
        {"company_id": company} if company else _guidance_committee(ctx, compound)
    )
    with ctx.at(step, role="community_officer"):
        app.handle(AcceptIssue(issue_id=issue, **route))
    rounds = 2 if outcome in ("solved_after_reopen", "reopened_open") else 1
    for round_no in range(rounds):
        step += timedelta(hours=rng.randint(1, 30))
        with ctx.at(step, role="company_manager"):
            app.handle(StartHandlingIssue(issue_id=issue))
            if outcome == "in_progress":
                return
        step += timedelta(hours=rng.randint(2, 60))
        with ctx.at(step, role="company_manager"):
            app.handle(MarkIssueHandled(issue_id=issue, resolution="已处置, 待居民评价"))
        if outcome == "closed_without_feedback":
            with ctx.at(step + timedelta(days=4), role="community_officer"):
                app.handle(CloseIssue(issue_id=issue, note="逾期未评价, 按期办结"))
            return
        step += timedelta(hours=rng.randint(4, 48))
        last_round = round_no == rounds - 1
        if not last_round:
            with ctx.at(step, role="resident"):
                app.handle(
                    GiveIssueFeedback(issue_id=issue, rating="dissatisfied", comment="问题仍未解决")
                )
            continue
        if outcome == "reopened_open":
            with ctx.at(step, role="resident"):
                app.handle(
                    GiveIssueFeedback(issue_id=issue, rating="dissatisfied", comment="仍不满意")
                )
            return
        with ctx.at(step, role="resident"):
            rating = "satisfied" if rng.random() < 0.8 else "basically_satisfied"
            app.handle(GiveIssueFeedback(issue_id=issue, rating=rating))
        with ctx.at(step + timedelta(hours=2), role="community_officer"):
            app.handle(CloseIssue(issue_id=issue, note="考核通过"))


def _guidance_committee(ctx: ScenarioContext, compound: UUID) -> dict[str, Any]:
    """The route to the property-work guidance committee of the compound's community."""
    community = ctx.facts["community_of"][compound]
    return {"body_id": ctx.facts["guidance_committee_of"][community]}


def _grid_of(app: Any, compound_id: UUID) -> UUID | None:
    code = app.load(OrgUnit, compound_id).code
    grid_id = OrgUnit.create_id("grid", f"{code}G1")
    return grid_id if grid_id in app.repository else None


def _grid_workers(
    ctx: ScenarioContext,
    compounds: list[UUID],
    grids: dict[UUID, UUID | None],
    companies: list[UUID],
) -> None:
    """One grid worker per grid: company staff (part-time) where companies are known."""
    app = ctx.app
    with ctx.at("2020-01-02T10:00:00"):
        for n, compound in enumerate(compounds):
            grid = grids[compound]
            if grid is None:
                continue
            company = companies[n % len(companies)] if companies else None
            worker = RegisterGridWorker(
                staff_code=f"GW{n + 1:03d}",
                name=f"网格员{n + 1:03d}",
                employment="part_time" if company else "full_time",
                company_id=company,
                grid_ids=[grid],
            )
            app.handle(worker)
            if n % 5 == 0:
                point = f"多功能网格工作室{terms.COLLECTION_POINT}"
                app.handle(OpenCollectionPoint(grid_id=grid, name=point))
    if not companies:
        return
    with ctx.at("2021-01-10T10:00:00", role="street_officer"):
        for street_key in [k for k in ctx.ids if k.startswith("street:")][:2]:
            company = companies[0]
            workers = [
                w
                for n, w in enumerate(_worker_ids(app, compounds, grids))
                if n % len(companies) == 0
            ]
            lines = [
                {"worker_id": w, "dimension": d, "score": ctx.rng.randint(70, 98)}
                for w in workers[:5]
                for d in ("deployment", "performance", "inspection", "evaluation")
            ]
            assess = AssessGridWorkers(
                company_id=company,
                period="2020-Q4",
                assessor_org_id=ctx.ids[street_key],
                lines=lines,
            )
            done = app.handle(assess)
            app.handle(SendGridWorkerAssessment(assessment_id=done.id, note="用于年度评优和绩效"))


def _worker_ids(app: Any, compounds: list[UUID], grids: dict[UUID, UUID | None]) -> list[UUID]:
    from domain.grid_workers import GridWorker

    return [GridWorker.create_id(f"GW{n + 1:03d}") for n, c in enumerate(compounds) if grids[c]]
