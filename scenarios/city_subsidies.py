"""City step "subsidies" (R11): the policy (5,000 yuan start-up fund, 3,000 yuan a year)
in force since the year before go-live, district and street budgets every year (street
budgets are small, so later payments fall back to the district's), a mid-year top-up,
and every entitlement taken through application, approval and payment; a few rejected,
a few payments reversed and half of those repaid.

Entitlements are raised as in production: by the subsidy process following the log
(`infra.subsidy_process.SubsidyProcess`, run here in-process whenever branches were
founded or a year opened); the step then schedules what the branch and the street do.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_commands import (
    AllocateSubsidyBudget,
    ApproveSubsidy,
    DisburseSubsidy,
    OpenSubsidyYear,
    RecoverSubsidyClawback,
    RejectSubsidy,
    ReverseSubsidy,
    SetSubsidyPolicy,
    SubmitSubsidyApplication,
    TopUpSubsidyBudget,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP, YEARLY
from infra.subsidy_process import SubsidyProcess
from scenarios.city_context import CityContext, Schedule, end_of
from scenarios.subsidies import REVERSALS

STARTUP_FUND, YEARLY_SUBSIDY = 500_000, 300_000  # fen: 5000 and 3000 yuan (seed report)
STREET_BUDGET = 2_000_000  # fen (20,000 yuan) a year
REJECTED, REVERSED = 0.02, 0.01


class SubsidiesStep:
    name = "subsidies"

    def setup(self, ctx: CityContext) -> None:
        self.rng = ctx.rng_for(self.name)
        self.schedule = Schedule()
        self.process = SubsidyProcess(ctx.app)
        self.seen_orgs = 0
        self.year = ctx.plan.start.year
        self.refs = 0
        self._ctx = ctx
        since = date(self.year - 1, 1, 1)
        with ctx.at(ctx.moment(ctx.plan.start, 8 * 60 + 55)):
            ctx.do(
                ctx.app.handle,
                SetSubsidyPolicy(
                    effective_from=since,
                    start_date=since,
                    startup_fund_fen=STARTUP_FUND,
                    yearly_subsidy_fen=YEARLY_SUBSIDY,
                ),
            )
            self._new_year(ctx, self.year)
        self._raise(ctx, ctx.plan.start, years=[self.year])

    def _new_year(self, ctx: CityContext, year: int) -> None:
        """Budgets for the year (the district's covers every branch, and new ones), then
        the year is opened (the process raises every active branch's yearly subsidy)."""
        app, facts = ctx.app, ctx.facts
        branches = sum(1 for o in facts["party_orgs"] if o["active"])
        district = (YEARLY_SUBSIDY + STARTUP_FUND) * (branches + len(facts["companies"]) // 2)
        ctx.do(
            app.handle,
            AllocateSubsidyBudget(
                ctx.ids["district"], year=year, amount_fen=district, note="市财政"
            ),
        )
        for street in facts["streets"]:
            ctx.do(
                app.handle,
                AllocateSubsidyBudget(street, year=year, amount_fen=STREET_BUDGET, note="街道配套"),
            )
        ctx.do(app.handle, OpenSubsidyYear(year))

    def _raise(self, ctx: CityContext, today: date, years: list[int]) -> None:
        """Run the process, then schedule the applications of what it raised: for new
        branches their start-up fund and yearly subsidies, for `years` every branch's."""
        self.process.run_once()
        ctx.resync()
        orgs = ctx.facts["party_orgs"]
        wanted: list[tuple[dict[str, Any], str, int | None]] = []
        for org in orgs[self.seen_orgs :]:
            wanted.append((org, STARTUP, None))
            wanted += [(org, YEARLY, y) for y in range(ctx.plan.start.year, self.year + 1)]
        wanted += [(org, YEARLY, y) for y in years for org in orgs[: self.seen_orgs]]
        self.seen_orgs = len(orgs)
        for org, kind, year in wanted:
            entitlement = SubsidyEntitlement.create_id(org["id"], kind, year)
            if entitlement not in ctx.app.repository:
                continue  # not due: founded before the policy, or not active that year
            if kind == STARTUP:
                applied = max(today, org["founded_on"] + timedelta(days=self.rng.randint(10, 40)))
            else:
                assert year is not None
                opens = date(year, 1, 10) + timedelta(days=self.rng.randint(0, 80))
                applied = max(today + timedelta(days=self.rng.randint(0, 20)), opens)
            when = ctx.moment(applied, 9 * 60 + self.rng.random() * 480)
            self.schedule.at(when, self._apply, org, entitlement)

    # -- every day ------------------------------------------------------------------------

    def day(self, ctx: CityContext, day: date) -> None:
        years = []
        if day.year > self.year:
            self.year = day.year
            with ctx.at(ctx.moment(day, 8 * 60 + 30)):
                self._new_year(ctx, day.year)
            years.append(day.year)
        if (day.month, day.day) == (7, 1):
            with ctx.at(ctx.moment(day, 9 * 60)):
                budget = SubsidyBudget.create_id(ctx.ids["district"], day.year)
                ctx.do(ctx.app.handle, TopUpSubsidyBudget(budget, 10_000_000, note="年中追加"))
        if years or len(ctx.facts["party_orgs"]) > self.seen_orgs:
            self._raise(ctx, day, years)
        self.schedule.run_until(end_of(day), ctx)

    def _actors(self, org: dict[str, Any]) -> tuple[str, str]:
        company = org["company_ids"][0] if org["company_ids"] else org["id"]
        return f"manager:{company}", f"officer:{org['street']}"

    def _apply(self, at: datetime, org: dict[str, Any], entitlement: UUID) -> None:
        if not org["active"]:
            return  # the branch ended before it applied
        ctx, rng = self._ctx, self.rng
        manager, _ = self._actors(org)
        with ctx.at(at, actor=manager, role="company_manager"):
            ctx.do(ctx.app.handle, SubmitSubsidyApplication(entitlement, note="申请党建经费"))
        decided = at + timedelta(days=rng.randint(3, 10))
        self.schedule.at(decided, self._decide, org, entitlement)

    def _decide(self, at: datetime, org: dict[str, Any], entitlement: UUID) -> None:
        ctx = self._ctx
        _, officer = self._actors(org)
        with ctx.at(at, actor=officer, role="street_officer"):
            if self.rng.random() < REJECTED:
                ctx.do(ctx.app.handle, RejectSubsidy(entitlement, reason="申报材料不全"))
                return
            ctx.do(ctx.app.handle, ApproveSubsidy(entitlement, note="材料齐全"))
        paid = at + timedelta(days=self.rng.randint(5, 15))
        self.schedule.at(paid, self._pay, org, entitlement)

    def _pay(self, at: datetime, org: dict[str, Any], entitlement: UUID) -> None:
        ctx = self._ctx
        _, officer = self._actors(org)
        paid_on = at.date()
        self.refs += 1
        with ctx.at(at, actor=officer, role="street_officer"):
            ctx.do(
                ctx.app.handle,
                DisburseSubsidy(
                    entitlement,
                    payment_reference=f"CITY-{paid_on.year}-{self.refs:06d}",
                    paid_on=paid_on,
                ),
            )
        if self.rng.random() < REVERSED:
            later = at + timedelta(days=self.rng.randint(30, 60))
            self.schedule.at(later, self._reverse, entitlement)

    def _reverse(self, at: datetime, entitlement: UUID) -> None:
        ctx = self._ctx
        code, reason = self.rng.choice(REVERSALS)
        with ctx.at(at, actor="officer:district", role="district_admin"):
            ctx.do(
                ctx.app.handle,
                ReverseSubsidy(entitlement, reason_code=code, reason=reason, reversed_on=at.date()),
            )
        if self.rng.random() < 0.5:
            later = at + timedelta(days=self.rng.randint(10, 30))
            self.schedule.at(later, self._recover, entitlement)

    def _recover(self, at: datetime, entitlement: UUID) -> None:
        ctx = self._ctx
        self.refs += 1
        with ctx.at(at, actor="officer:district", role="district_admin"):
            ctx.do(
                ctx.app.handle,
                RecoverSubsidyClawback(
                    entitlement, reference=f"CITY-R-{self.refs:06d}", recovered_on=at.date()
                ),
            )

    def finish(self, ctx: CityContext) -> None:
        pass
