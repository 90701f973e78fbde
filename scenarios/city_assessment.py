"""City step "assessment" (R10, R13): the scheme of the Tianqiao demo (satisfaction and
complaints weigh most), revised every December for the next year; on the 10th of the
month after each quarter the streets assess the grid workers of the companies registered
with them (用、考、察、评, sent back to the company), then the quarter's scorecards of
companies and communities are computed from what the other steps generated (the input
facts projection, run in-process into a temporary SQLite file), reviewed and published.
Quarters before go-live are skipped.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from uuid import UUID

from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
    PublishAssessment,
    ReviewAssessment,
    ReviseAssessmentScheme,
)
from domain.grid_commands import AssessGridWorkers, SendGridWorkerAssessment
from domain.grid_workers import DIMENSIONS
from scenarios.assessment import FactsReader, scheme_definition
from scenarios.city_context import CityContext

WORKERS_ASSESSED = 5  # per company and quarter


def quarter_before(day: date) -> tuple[int, int, date]:
    """(year, quarter, first day after it) of the quarter that ended before `day`."""
    quarter = (day.month - 1) // 3  # 0 = the previous year's Q4
    year = day.year if quarter else day.year - 1
    return year, quarter or 4, date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


class AssessmentStep:
    name = "assessment"

    def setup(self, ctx: CityContext) -> None:
        self.rng = ctx.rng_for(self.name)
        self.folder = Path(tempfile.mkdtemp(prefix="redprop-city-facts-"))
        self.reader = FactsReader(ctx.app, f"sqlite:///{self.folder}/facts.db")
        start = ctx.plan.start
        with ctx.at(ctx.moment(start, 8 * 60 + 58)):
            self.scheme: UUID = ctx.do(
                ctx.app.handle,
                DefineAssessmentScheme(
                    code="CITY-RED-PROPERTY",
                    name="市红色物业考核办法",
                    definition=scheme_definition(30),
                    effective_from=date(start.year, 1, 1),
                ),
            ).id
        self.weight = 30

    def day(self, ctx: CityContext, day: date) -> None:
        if (day.month, day.day) == (12, 20):
            self.weight = min(self.weight + 5, 45)
            with ctx.at(ctx.moment(day, 10 * 60), actor="assessment-office"):
                ctx.do(
                    ctx.app.handle,
                    ReviseAssessmentScheme(
                        self.scheme,
                        definition=scheme_definition(self.weight),
                        effective_from=date(day.year + 1, 1, 1),
                        note=f"{day.year + 1}: 居民满意度权重调整为{self.weight}%",
                    ),
                )
        if day.day != 10 or day.month % 3 != 1:
            return
        year, quarter, end = quarter_before(day)
        if end <= ctx.plan.start:
            return
        self._grid_workers(ctx, day, f"{year}-Q{quarter}")
        with ctx.at(ctx.moment(day, 9 * 60), actor="assessment-office", role="district_admin"):
            key = f"{year}Q{quarter}"
            period = ctx.do(ctx.app.handle, OpenAssessmentPeriod(key, self.scheme)).id
            ctx.do(ctx.app.handle, ComputeAssessment(period, self.reader.facts_for(key)))
            review = ReviewAssessment(period, reviewer="市物业服务行业党委", note="审核通过")
            ctx.do(ctx.app.handle, review)
            ctx.do(ctx.app.handle, PublishAssessment(period))

    def _grid_workers(self, ctx: CityContext, day: date, period: str) -> None:
        facts = ctx.facts
        workers = facts.get("workers_of_company", {})
        for company in facts.get("companies", []):
            staff = workers.get(company, [])[:WORKERS_ASSESSED]
            if not staff:
                continue
            street = facts["company_street"][company]
            lines = [
                {"worker_id": w, "dimension": d, "score": self.rng.randint(60, 99)}
                for w in staff
                for d in DIMENSIONS
            ]
            with ctx.at(ctx.moment(day, 8 * 60), actor=f"street:{street}", role="street_officer"):
                assess = AssessGridWorkers(
                    company_id=company, period=period, assessor_org_id=street, lines=lines
                )
                done = ctx.do(ctx.app.handle, assess)
                send = SendGridWorkerAssessment(assessment_id=done.id, note="用于季度评优和绩效")
                ctx.do(ctx.app.handle, send)

    def finish(self, ctx: CityContext) -> None:
        self.reader.close()
        shutil.rmtree(self.folder, ignore_errors=True)
