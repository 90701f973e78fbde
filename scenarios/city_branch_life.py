"""City step "branch life": what the party organisations and communities do (R4–R8, R12,
R14): 三会一课 in every active branch (branch committee and party group monthly, branch
assembly and party lesson quarterly, organisational life meeting and democratic evaluation
in January), now and then a meeting record cancelled; joint events co-hosted by the
residents' committee, the company and the owners' committee; the yearly secretary
training; service windows, deliberation halls, cross-appointments and member posts at
go-live; demonstration projects (July) and company brands (December).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.branch_life import PLATFORMS
from domain.branch_life_commands import CancelBranchMeeting, HoldBranchMeeting
from domain.party_activities_commands import (
    AppointCross,
    DesignateMemberPost,
    HoldJointEvent,
    HoldSecretaryTraining,
    OpenPlace,
)
from domain.party_building_commands import AwardCompanyBrand, RevokeCompanyBrand
from domain.party_coverage_commands import DesignateDemonstrationProject
from scenarios import seed_terms as terms
from scenarios.city_context import CityContext, pick_share

EVENT_KINDS = (("volunteer_service", 0.4), ("culture", 0.3), ("deliberation", 0.25), ("other", 1))
JOINT_EVENTS = 2 / 30  # per community and day
HALLS = 0.2  # share of compounds with a deliberation hall
CANCELLED = 0.005  # meeting records cancelled
DEMONSTRATION, BRANDS = 0.03, 0.03  # shares of communities / companies recognised a year
TRAINING_DAY = 20  # days after go-live, then yearly


class BranchLifeStep:
    name = "branch_life"

    def setup(self, ctx: CityContext) -> None:
        self.rng = ctx.rng_for(self.name)
        self.windows: dict[UUID, UUID] = {}  # community -> its service window
        self.slot: dict[UUID, int] = {}  # org -> its day of the month for meetings
        start = ctx.plan.start
        with ctx.at(ctx.moment(start, 9 * 60 + 30)):
            self._places(ctx, start)
            self._cross_appointments(ctx, start)
            for org in ctx.facts["party_orgs"]:
                self._posts(ctx, org, start)

    # -- go-live --------------------------------------------------------------------------

    def _places(self, ctx: CityContext, on: date) -> None:
        app = ctx.app
        for community in ctx.facts["communities"]:
            self.windows[community] = ctx.do(
                app.handle,
                OpenPlace(
                    kind="service_window",
                    unit_id=community,
                    name=f"{terms.PARTY_SERVICE_CENTRE}物业{terms.SERVICE_WINDOW}",
                    opened_on=on,
                ),
            ).id
        for compound in ctx.facts["compounds"]:
            if self.rng.random() < HALLS:
                ctx.do(
                    app.handle,
                    OpenPlace(
                        kind="deliberation_hall",
                        unit_id=compound,
                        name=f"红色{terms.DELIBERATION_HALL}",
                        opened_on=on,
                    ),
                )

    def _serving(self, ctx: CityContext, community: UUID) -> UUID | None:
        facts = ctx.facts
        for compound in facts["compounds"]:
            if facts["community_of"][compound] == community and compound in facts["company_of"]:
                return facts["company_of"][compound]  # type: ignore[no-any-return]
        return None

    def _cross_appointments(self, ctx: CityContext, on: date) -> None:
        facts, seated = ctx.facts, set()
        for n, community in enumerate(facts["communities"], start=1):
            company = self._serving(ctx, community)
            if company is None:
                continue
            ctx.do(
                ctx.app.handle,
                AppointCross(
                    person_ref=f"LW-{n:04d}",
                    name=f"{terms.COMMUNITY_TWO_COMMITTEES_MEMBER}{n:04d}",
                    role="company_supervisor",
                    company_id=company,
                    community_id=community,
                    starts_on=on,
                ),
            )
            org = facts["org_of_company"].get(company)
            if org is not None and org["active"] and org["id"] not in seated:
                seated.add(org["id"])  # on the committee of the first community it serves
                ctx.do(
                    ctx.app.handle,
                    AppointCross(
                        person_ref=f"{org['code']}-SJ",
                        name=f"{org['code']}书记",
                        role="community_party_committee",
                        company_id=company,
                        community_id=community,
                        starts_on=on,
                    ),
                )

    def _posts(self, ctx: CityContext, org: dict[str, Any], on: date) -> None:
        """Half of the branches have a responsibility area over a compound their company
        serves; a fifth a model post at that community's service window."""
        facts = ctx.facts
        if not org["members"] or self.rng.random() >= 0.5:
            return
        served = [c for c, company in facts["company_of"].items() if company in org["company_ids"]]
        if not served:
            return
        compound = self.rng.choice(served)
        ctx.do(
            ctx.app.handle,
            DesignateMemberPost(
                org_id=org["id"],
                member_ref=org["members"][0],
                kind="responsibility_area",
                starts_on=on,
                unit_ids=[compound],
            ),
        )
        window = self.windows.get(facts["community_of"][compound])
        if window is not None and len(org["members"]) > 1 and self.rng.random() < 0.4:
            ctx.do(
                ctx.app.handle,
                DesignateMemberPost(
                    org_id=org["id"],
                    member_ref=org["members"][1],
                    kind="model_post",
                    starts_on=on,
                    window_id=window,
                ),
            )

    # -- every day ------------------------------------------------------------------------

    def day(self, ctx: CityContext, day: date) -> None:
        for org in ctx.facts["party_orgs"]:
            if ctx.full:
                return
            if org["active"] and org["founded_on"] <= day:
                slot = self.slot.setdefault(org["id"], self.rng.randint(1, 26))
                if day.day == slot:
                    self._meetings(ctx, org, day)
        self._joint_events(ctx, day)
        if (day - ctx.plan.start).days % 365 == TRAINING_DAY:
            self._training(ctx, day)
        if (day.month, day.day) == (7, 1):
            self._demonstration_projects(ctx, day)
        if (day.month, day.day) == (12, 10):
            self._brands(ctx, day)

    def _meetings(self, ctx: CityContext, org: dict[str, Any], day: date) -> None:
        members = list(org["members"])
        if not members:
            return
        month = f"{day:%Y年%m月}"
        plan = [
            ("branch_committee", "on_site", f"{month}支委会", members[:5]),
            ("party_group", "door_to_door", f"{month}党小组会", self._some(members, 0.6)),
        ]
        if day.month % 3 == 0:
            quarter = f"{day.year}年第{day.month // 3}季度"
            plan.append(("branch_assembly", "on_site", f"{quarter}党员大会", members))
            platform = self.rng.choice(PLATFORMS)
            plan.append(("party_lesson", platform, f"{quarter}党课", self._some(members, 0.9)))
        if day.month == 1:
            plan.append(("org_life_meeting", "on_site", f"{day.year}年组织生活会", members))
            plan.append(("democratic_evaluation", "on_site", f"{day.year}年民主评议", members))
        with ctx.at(ctx.moment(day, 19 * 60 + 30), actor=f"secretary:{org['code']}"):
            for kind, platform, title, attendees in plan:
                meeting = ctx.do(
                    ctx.app.handle,
                    HoldBranchMeeting(
                        org_id=org["id"],
                        kind=kind,
                        held_on=day,
                        platform=platform,
                        title=title,
                        attendees=attendees,
                    ),
                ).id
                if self.rng.random() < CANCELLED:
                    ctx.do(
                        ctx.app.handle, CancelBranchMeeting(meeting_id=meeting, reason="重复录入")
                    )

    def _some(self, members: list[str], share: float) -> list[str]:
        return [m for m in members if self.rng.random() < share] or members[:1]

    def _joint_events(self, ctx: CityContext, day: date) -> None:
        facts = ctx.facts
        for n, community in enumerate(facts["communities"]):
            if self.rng.random() >= JOINT_EVENTS:
                continue
            kind = pick_share(self.rng, EVENT_KINDS, "other")
            hosts: list[dict[str, Any]] = [{"kind": "residents_committee", "id": community}]
            company = self._serving(ctx, community)
            if company is not None:
                hosts.append({"kind": "property_company", "id": company})
            if kind == "deliberation":
                committees = facts.get("owners_committees", {})
                mine = [
                    committees[c]
                    for c, where in facts["community_of"].items()
                    if where == community and c in committees
                ]
                if mine:
                    hosts.append({"kind": "owners_committee", "id": self.rng.choice(mine)})
            with ctx.at(ctx.moment(day, 14 * 60 + n % 240), actor="community-office"):
                ctx.do(
                    ctx.app.handle,
                    HoldJointEvent(
                        name=f"{kind}-{community.hex[:8]}-{day:%Y%m%d}",
                        kind=kind,
                        held_on=day,
                        community_id=community,
                        co_hosts=hosts,
                        participants=self.rng.randint(10, 300),
                    ),
                )

    def _training(self, ctx: CityContext, day: date) -> None:
        orgs = [o for o in ctx.facts["party_orgs"] if o["active"]]
        if not orgs:
            return
        with ctx.at(ctx.moment(day, 9 * 60)):
            ctx.do(
                ctx.app.handle,
                HoldSecretaryTraining(
                    title=f"{day.year}年物业服务企业{terms.SECRETARY_TRAINING}班",
                    held_on=day,
                    attendees=[
                        {"secretary_ref": f"{o['code']}-SJ", "org_id": o["id"]}
                        for o in orgs
                        if self.rng.random() < 0.9
                    ],
                ),
            )

    def _demonstration_projects(self, ctx: CityContext, day: date) -> None:
        communities = ctx.facts["communities"]
        chosen = self.rng.sample(communities, max(1, round(DEMONSTRATION * len(communities))))
        with ctx.at(ctx.moment(day, 10 * 60)):
            for community in chosen:
                ctx.do(
                    ctx.app.handle,
                    DesignateDemonstrationProject(
                        year=day.year,
                        unit_id=community,
                        name=f"{day.year}年{terms.DEMONSTRATION_PROJECT}",
                        designated_on=day,
                    ),
                )

    def _brands(self, ctx: CityContext, day: date) -> None:
        companies = ctx.facts["companies"]
        held: list[UUID] = ctx.facts.setdefault("brands", [])
        with ctx.at(ctx.moment(day, 10 * 60)):
            if held and self.rng.random() < 0.5:
                company = held.pop(self.rng.randrange(len(held)))
                ctx.do(
                    ctx.app.handle,
                    RevokeCompanyBrand(company_id=company, on=day, decision="年度复核未通过"),
                )
            candidates = [c for c in companies if c not in held]
            for company in self.rng.sample(candidates, max(1, round(BRANDS * len(companies)))):
                decision = f"红色物业服务企业品牌（{day.year}）"
                ctx.do(
                    ctx.app.handle, AwardCompanyBrand(company_id=company, on=day, decision=decision)
                )
                held.append(company)

    def finish(self, ctx: CityContext) -> None:
        pass
