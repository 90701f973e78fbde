"""R11 subsidies in the Tianqiao demo: the policy, district and street budgets, the
2020 and 2021 subsidy years, and every branch's start-up fund and yearly subsidies taken
through application, approval and payment, with a couple of reversals.

Entitlements are raised by the subsidy process following the log (as in production);
this step runs it in-process after the policy and years are set.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_commands import (
    AllocateSubsidyBudget,
    ApproveSubsidy,
    DisburseSubsidy,
    OpenSubsidyYear,
    RecoverSubsidyClawback,
    ReverseSubsidy,
    SetSubsidyEligibility,
    SetSubsidyPolicy,
    SubmitSubsidyApplication,
    TopUpSubsidyBudget,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import DEFAULT_ELIGIBLE_METHODS, STARTUP, YEARLY
from infra.subsidy_process import SubsidyProcess
from scenarios.context import ScenarioContext

POLICY_START = date(2019, 1, 1)
DISTRICT_BUDGET = {2020: 40_000_000, 2021: 25_000_000}  # fen (400,000 and 250,000 yuan)
TOP_UP_2021 = 10_000_000  # fen: the district's mid-year top-up of 100,000 yuan
STREET_BUDGET = ("北坦街道", 2021, 2_000_000)  # fen
LAST_DAY = date(2021, 12, 31)  # the demo's books close here
UNPAID_2021 = 4  # applications still waiting at the end of the demo
REVERSALS = (("wrong_account", "拨付至错误账户，已退回"), ("other", "申报材料不实，责令退回"))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _at(ctx: ScenarioContext, day: date, actor: str, role: str) -> Any:
    return ctx.at(f"{day.isoformat()}T10:00:00", actor=actor, role=role)


def load(ctx: ScenarioContext) -> None:
    app = ctx.app
    district = ctx.ids["district"]
    with ctx.at("2020-01-02T09:00:00"):
        app.handle(
            SetSubsidyPolicy(
                effective_from=POLICY_START,
                start_date=POLICY_START,
                startup_fund_fen=500_000,
                yearly_subsidy_fen=300_000,
            )
        )
        # as the seed reads: newly founded company branches (单独建, 联合建), not 挂靠建
        app.handle(SetSubsidyEligibility(POLICY_START, methods=list(DEFAULT_ELIGIBLE_METHODS)))
        for year, amount in DISTRICT_BUDGET.items():
            app.handle(AllocateSubsidyBudget(district, year=year, amount_fen=amount, note="区财政"))
        app.handle(OpenSubsidyYear(2020))
    with ctx.at("2021-01-04T09:00:00"):
        app.handle(OpenSubsidyYear(2021))
        street, year, amount = STREET_BUDGET
        app.handle(
            AllocateSubsidyBudget(
                holder_id=ctx.ids[f"street:{street}"], year=year, amount_fen=amount, note="街道配套"
            )
        )
    with ctx.at("2021-07-01T09:00:00"):
        budget_2021 = SubsidyBudget.create_id(district, 2021)
        app.handle(TopUpSubsidyBudget(budget_2021, TOP_UP_2021, note="年中追加"))
    SubsidyProcess(app).run_once()  # raises what is due, as the live process would

    orgs = sorted(
        ctx.facts.get("party_orgs", []), key=lambda o: (str(o["founded_on"]), str(o["id"]))
    )
    paid: list[UUID] = []
    refs = {2020: 0, 2021: 0}
    for n, org in enumerate(orgs):
        branch = UUID(str(org["id"]))
        founded = _day(org["founded_on"])
        company = str(org["company_ids"][0]) if org.get("company_ids") else str(branch)
        plan = [(STARTUP, None, max(founded, date(2020, 1, 1)) + timedelta(days=20))]
        plan += [
            (YEARLY, y, max(date(y, 3, 1) + timedelta(days=n % 20), founded + timedelta(days=20)))
            for y in (2020, 2021)
        ]
        for kind, year, applied in plan:
            entitlement = SubsidyEntitlement.create_id(branch, kind, year)
            if entitlement not in app.repository or applied > LAST_DAY:
                continue  # not due (founded before the policy, not active), or after the demo
            late = applied + timedelta(days=14) > LAST_DAY
            if late or (year == 2021 and n >= len(orgs) - UNPAID_2021):
                with _at(ctx, applied, f"manager:{company}", "company_manager"):
                    app.handle(SubmitSubsidyApplication(entitlement))
                continue
            with _at(ctx, applied, f"manager:{company}", "company_manager"):
                app.handle(SubmitSubsidyApplication(entitlement, note="申请党建经费"))
            officer = f"officer:{org.get('street', 'street')}"
            with _at(ctx, applied + timedelta(days=7), officer, "street_officer"):
                app.handle(ApproveSubsidy(entitlement, note="材料齐全"))
            paid_on = applied + timedelta(days=14)
            refs[paid_on.year] += 1
            with _at(ctx, paid_on, officer, "street_officer"):
                app.handle(
                    DisburseSubsidy(
                        entitlement,
                        payment_reference=f"TQ-{paid_on.year}-{refs[paid_on.year]:04d}",
                        paid_on=paid_on,
                    )
                )
            paid.append(entitlement)
    _reverse_a_couple(ctx, paid)


def _reverse_a_couple(ctx: ScenarioContext, paid: list[UUID]) -> None:
    """Two clawbacks; the first is repaid into its budget."""
    app = ctx.app
    picks = [paid[i] for i in (3, len(paid) // 2) if i < len(paid)]
    for number, (entitlement, (code, reason)) in enumerate(zip(picks, REVERSALS, strict=False)):
        state = app.load(SubsidyEntitlement, entitlement)
        on = state.paid_on + timedelta(days=45 + number)
        with _at(ctx, on, "officer:district", "district_admin"):
            app.handle(ReverseSubsidy(entitlement, code, reason, reversed_on=on))
        if number == 0:
            back = on + timedelta(days=20)
            with _at(ctx, back, "officer:district", "district_admin"):
                app.handle(RecoverSubsidyClawback(entitlement, "TQ-R-0001", recovered_on=back))
