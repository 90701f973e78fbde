"""City step "issues": the grid closed loop at city scale (R9, R10, R15), the bulk of the
log. At go-live: the SLA policy, one (part-time, company staff) grid worker per grid and a
collection point in every fifth grid. Every day `plan.issues_per_day` residents' problems
are reported (categories weighted as in the Tianqiao demo, heating only in the heating
season), then each is driven through its life in business-time order by a schedule:
accepted (or referred out, or linked as a duplicate), handling started, handled, feedback,
closed. Some are dissatisfied once and reopened, some reopened by the community, some
closed without feedback; some are accepted or handled late, and the hourly SLA tick
(`RecordMissedDeadlines`, as `redprop sla tick`) records their missed deadlines and
escalations. Issues still open at the end of the run stay open.

Timings follow the SLA in force: on time is a random share of the allowance, late is
hours after the deadline. Routing: to the company serving the compound (companies area),
else by id to the property-work guidance committee of the compound's community on the day
it was reported.

Facts for the other steps: "workers_of_company" (company → grid-worker ids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.grid_commands import OpenCollectionPoint, RegisterGridWorker
from domain.issue_catalog import CATEGORIES
from domain.service_issue_commands import (
    AcceptIssue,
    CloseIssue,
    DefineSlaPolicy,
    GiveIssueFeedback,
    LinkDuplicateIssue,
    MarkIssueHandled,
    RecordMissedDeadlines,
    ReferIssueOut,
    ReopenIssue,
    ReportIssue,
    StartHandlingIssue,
)
from domain.service_issue_handlers import sla_policy
from domain.sla import DEFAULT_RULES, SlaPolicy
from scenarios import seed_terms as terms
from scenarios.city_context import CityContext, Schedule, end_of, pick_share
from scenarios.grid_loop import CATEGORY_WEIGHTS, CHANNELS

HEATING_MONTHS = (11, 12, 1, 2, 3)
OUTCOMES = (  # share of reported issues
    ("solved", 0.75),
    ("dissatisfied_once", 0.05),
    ("reopened_by_community", 0.02),
    ("referred", 0.08),
    ("duplicate", 0.04),
    ("closed_without_feedback", 0.06),
)
LATE_ACCEPT, LATE_HANDLE = 0.05, 0.08
URGENT = 0.05
HOURS = [0, 0, 0, 0, 0, 0, 1, 3, 8, 10, 10, 8, 5, 6, 8, 8, 7, 6, 5, 4, 3, 2, 1, 1]  # reports/hour
OFFICER, COMPANY, RESIDENT = "community_officer", "company_manager", "resident"


def revised_rules() -> list[dict[str, Any]]:
    """The yearly revision: heating issues accepted within 90 minutes instead of 120."""
    return [
        {**rule, "accept_minutes": 90} if rule["category"] == "heating" else dict(rule)
        for rule in DEFAULT_RULES
    ]


@dataclass(eq=False)
class Issue:
    ref: str
    compound: UUID
    grid: UUID | None
    category: str
    priority: str
    outcome: str
    late_accept: bool
    late_handle: bool
    id: UUID | None = None
    stage: str | None = "accept"  # the deadline it is waiting on (None: none)
    cycle: int = 0
    rounds: int = 1  # handling rounds still to do
    extra: dict[str, Any] = field(default_factory=dict)


class ServiceIssuesStep:
    name = "issues"

    def setup(self, ctx: CityContext) -> None:
        self.rng = ctx.rng_for(self.name)
        self._ctx = ctx
        self.schedule = Schedule()
        self.ticks: dict[datetime, list[tuple[Issue, str, int]]] = {}
        self.recent: dict[UUID, Issue] = {}  # compound -> its latest original issue
        self.seen_compounds = 0
        self.workers = 0
        self.year = ctx.plan.start.year
        ctx.facts["workers_of_company"] = {}
        app = ctx.app
        with ctx.at(ctx.moment(ctx.plan.start, 8 * 60 + 50)):
            since = ctx.moment(date(ctx.plan.start.year - 1, 1, 1), 0)  # in force before go-live
            ctx.do(app.handle, DefineSlaPolicy(rules=DEFAULT_RULES, effective_from=since))
            self.policy = self._policy(ctx)
            self._grid_workers(ctx)

    @staticmethod
    def _policy(ctx: CityContext) -> SlaPolicy:
        policy = sla_policy(ctx.app)
        assert policy is not None
        return policy

    def _grid_workers(self, ctx: CityContext) -> None:
        facts = ctx.facts
        company_of = facts.get("company_of", {})
        for compound in facts["compounds"][self.seen_compounds :]:
            company = company_of.get(compound)
            for grid in facts["grids_of"][compound]:
                self.workers += 1
                register = RegisterGridWorker(
                    staff_code=f"CGW{self.workers:05d}",
                    name=f"网格员{self.workers:05d}",
                    employment="part_time" if company else "full_time",
                    company_id=company,
                    grid_ids=[grid],
                )
                worker = ctx.do(ctx.app.handle, register).id
                if company is not None:
                    facts["workers_of_company"].setdefault(company, []).append(worker)
                if self.workers % 5 == 1:
                    point = OpenCollectionPoint(grid_id=grid, name=terms.COLLECTION_POINT)
                    ctx.do(ctx.app.handle, point)
        self.seen_compounds = len(facts["compounds"])

    # -- every day ------------------------------------------------------------------------

    def day(self, ctx: CityContext, day: date) -> None:
        with ctx.at(ctx.moment(day, 8 * 60 + 55)):
            self._grid_workers(ctx)  # for compounds registered since yesterday
            if day.year > self.year:
                self.year = day.year
                start = ctx.moment(day, 0)
                revised = DefineSlaPolicy(rules=revised_rules(), effective_from=start)
                ctx.do(ctx.app.handle, revised)
                self.policy = self._policy(ctx)
        self._report_today(ctx, day)
        self.schedule.run_until(end_of(day), ctx)

    def _report_today(self, ctx: CityContext, day: date) -> None:
        rng, facts = self.rng, ctx.facts
        weights = {
            c: w * (1 if c != "heating" or day.month in HEATING_MONTHS else 0.05)
            for c, w in CATEGORY_WEIGHTS.items()
        }
        categories = list(weights)
        count = ctx.plan.issues_per_day
        hours = rng.choices(range(24), weights=HOURS, k=count)
        chosen = rng.choices(categories, weights=list(weights.values()), k=count)
        for n in range(count):
            compound = rng.choice(facts["compounds"])
            grids = facts["grids_of"][compound]
            outcome = pick_share(rng, OUTCOMES, "solved")
            issue = Issue(
                ref=f"CITY-{day:%Y%m%d}-{n:05d}",
                compound=compound,
                grid=rng.choice(grids) if grids else None,
                category=chosen[n],
                priority="urgent" if rng.random() < URGENT else "normal",
                outcome=outcome,
                late_accept=rng.random() < LATE_ACCEPT,
                late_handle=rng.random() < LATE_HANDLE,
            )
            at = ctx.moment(day, hours[n] * 60 + rng.random() * 60)
            self.schedule.at(at, self._report, issue)

    # -- the life of an issue -------------------------------------------------------------

    def _due(self, stage: str, start: datetime, issue: Issue) -> datetime:
        due = self.policy.due(stage, start, issue.category, issue.priority)
        assert due is not None
        return due

    def _within(self, start: datetime, due: datetime, low: float, high: float) -> datetime:
        return start + (due - start) * self.rng.uniform(low, high)

    def _late(
        self, issue: Issue, stage: str, due: datetime, low_h: float, high_h: float
    ) -> datetime:
        """A time hours after `due`; the first hourly tick after `due` will record it."""
        tick = due.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if tick not in self.ticks:
            self.ticks[tick] = []
            self.schedule.at(tick, self._tick)
        self.ticks[tick].append((issue, stage, issue.cycle))
        return due + timedelta(hours=self.rng.uniform(low_h, high_h))

    def _report(self, at: datetime, issue: Issue) -> None:
        ctx, rng = self._ctx, self.rng
        with ctx.at(at, actor=f"grid-worker:{issue.compound.hex[:8]}", role="grid_worker"):
            report = ReportIssue(
                channel=rng.choice(CHANNELS),
                category=issue.category,
                priority=issue.priority,
                compound_id=issue.compound,
                grid_id=issue.grid,
                building=f"{rng.randint(1, 30)}号楼",
                description=f"居民反映{CATEGORIES[issue.category]}问题",
                source_ref=issue.ref,
            )
            issue.id = ctx.do(ctx.app.handle, report).id
        issue.extra["community"] = ctx.facts["community_of"][issue.compound]  # on the report day
        original = self.recent.get(issue.compound)
        if issue.outcome == "duplicate" and original is not None and original.id is not None:
            issue.extra["original"] = original.id
            self.schedule.at(at + timedelta(minutes=rng.uniform(5, 90)), self._link, issue)
            return
        if issue.outcome == "duplicate":
            issue.outcome = "solved"
        self.recent[issue.compound] = issue
        due = self._due("accept", at, issue)
        when = (
            self._late(issue, "accept", due, 2, 20)
            if issue.late_accept
            else self._within(at, due, 0.05, 0.8)
        )
        self.schedule.at(when, self._accept, issue)

    def _link(self, at: datetime, issue: Issue) -> None:
        with self._ctx.at(at, role=OFFICER):
            link = LinkDuplicateIssue(issue_id=issue.id, original_id=issue.extra["original"])
            self._ctx.do(self._ctx.app.handle, link)
        issue.stage = None

    def _accept(self, at: datetime, issue: Issue) -> None:
        ctx = self._ctx
        with ctx.at(at, role=OFFICER):
            if issue.outcome == "referred":
                refer = ReferIssueOut(issue_id=issue.id, reason="不属于物业服务事项, 转相关部门")
                ctx.do(ctx.app.handle, refer)
                issue.stage = None
                return
            company = ctx.facts.get("company_of", {}).get(issue.compound)
            committee = ctx.facts["guidance_committee_of"][issue.extra["community"]]
            route: dict[str, Any] = {"company_id": company} if company else {"body_id": committee}
            ctx.do(ctx.app.handle, AcceptIssue(issue_id=issue.id, **route))
        issue.stage = "handle"
        if issue.outcome == "dissatisfied_once":
            issue.rounds = 2
        self._plan_handling(at, issue)

    def _plan_handling(self, at: datetime, issue: Issue) -> None:
        due = self._due("handle", at, issue)
        start = self._within(at, due, 0.02, 0.3)
        late = issue.late_handle and issue.cycle == 0
        done = self._late(issue, "handle", due, 3, 48) if late else self._within(at, due, 0.35, 0.9)
        self.schedule.at(start, self._start, issue, done)

    def _start(self, at: datetime, issue: Issue, done: datetime) -> None:
        with self._ctx.at(at, role=COMPANY):
            self._ctx.do(self._ctx.app.handle, StartHandlingIssue(issue_id=issue.id))
        self.schedule.at(max(done, at + timedelta(minutes=1)), self._handled, issue)

    def _handled(self, at: datetime, issue: Issue) -> None:
        ctx = self._ctx
        with ctx.at(at, role=COMPANY):
            handled = MarkIssueHandled(issue_id=issue.id, resolution="已处置, 待居民评价")
            ctx.do(ctx.app.handle, handled)
        issue.stage = "feedback"
        issue.rounds -= 1
        due = self._due("feedback", at, issue)
        if issue.outcome == "closed_without_feedback":
            when = self._late(issue, "feedback", due, 4, 24)
            self.schedule.at(when, self._close, issue, "逾期未评价, 按期办结")
            return
        rating = "dissatisfied" if issue.rounds > 0 else self._positive()
        self.schedule.at(self._within(at, due, 0.05, 0.7), self._feedback, issue, rating)

    def _positive(self) -> str:
        return "satisfied" if self.rng.random() < 0.8 else "basically_satisfied"

    def _feedback(self, at: datetime, issue: Issue, rating: str) -> None:
        ctx = self._ctx
        with ctx.at(at, role=RESIDENT):
            comment = "问题仍未解决" if rating == "dissatisfied" else None
            feedback = GiveIssueFeedback(issue_id=issue.id, rating=rating, comment=comment)
            ctx.do(ctx.app.handle, feedback)
        if rating == "dissatisfied":  # reopened in the same command: a new handling round
            issue.cycle += 1
            issue.stage = "handle"
            self._plan_handling(at, issue)
            return
        issue.stage = None
        if issue.outcome == "reopened_by_community" and issue.cycle == 0:
            later = at + timedelta(hours=self.rng.uniform(1, 20))
            self.schedule.at(later, self._reopen, issue)
            return
        self.schedule.at(
            at + timedelta(hours=self.rng.uniform(1, 4)), self._close, issue, "考核通过"
        )

    def _reopen(self, at: datetime, issue: Issue) -> None:
        ctx = self._ctx
        with ctx.at(at, role=OFFICER):
            ctx.do(ctx.app.handle, ReopenIssue(issue_id=issue.id, reason="回访发现问题复发"))
        issue.cycle += 1
        issue.stage = "handle"
        issue.rounds = 1
        self._plan_handling(at, issue)

    def _close(self, at: datetime, issue: Issue, note: str) -> None:
        with self._ctx.at(at, role=OFFICER):
            self._ctx.do(self._ctx.app.handle, CloseIssue(issue_id=issue.id, note=note))
        issue.stage = None

    def _tick(self, at: datetime) -> None:
        """The hourly SLA tick over the issues known to be late at this hour."""
        ctx = self._ctx
        waiting = self.ticks.pop(at, [])
        ids = [
            i.id
            for i, stage, cycle in waiting
            if i.id is not None and i.stage == stage and i.cycle == cycle
        ]
        if ids:
            with ctx.at(at, actor="sla-tick", role="system"):
                ctx.app.handle(RecordMissedDeadlines(issue_ids=tuple(ids), now=at))
            ctx.resync()

    def finish(self, ctx: CityContext) -> None:
        pass
