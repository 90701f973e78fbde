"""City step "companies": property companies and their contracts (R2), party organisations
by the 三建一派 methods with their members (R3, R5), instructors, the industry party
committee and owners' committees (R3, R4).

At go-live (the first day) the ledger records the standing structure: `plan.companies`
companies spread over the streets, every compound under contract with a company of its
street, about three in four companies with a party organisation (standalone branches, a
few joint ones with affiliated branches) founded in the years before, one instructor per
company, owners' committees in a quarter of the compounds. Then, every day: members join,
transfer and leave; uncovered companies found branches (the subsidy step pays their
start-up funds); now and then a branch is dissolved or merged, a contract is ended and the
compound taken over by another company, an instructor is rotated; new compounds get a
contract, expiring contracts are renewed.

Facts for the other steps: "companies", "company_street", "company_of" (compound → its
company now), "party_orgs" (append-only list of dicts: id, code, company_ids,
founded_on, street, community, active, members), "owners_committees" (compound → id).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.party_building_commands import (
    DissolvePartyOrg,
    EndServiceContract,
    FoundPartyOrg,
    MergePartyOrg,
    RecordMembership,
    RegisterPropertyCompany,
    SignServiceContract,
)
from domain.party_coverage_commands import (
    AppointCommitteeMember,
    DispatchInstructor,
    ElectOwnersCommittee,
    EstablishIndustryCommittee,
    RecallInstructor,
    RegisterInstructor,
)
from domain.property_companies import PropertyCompany
from scenarios import seed_terms as terms
from scenarios.city_context import CityContext

COVERED = 0.74  # seed: 48 of 65 companies have a party organisation
JOINT, AFFILIATED = 0.06, 0.06  # shares of the covered companies
OWNERS_COMMITTEES = 0.25  # of compounds
MEMBER_CHANGE = 0.02  # per branch and day
FOUNDING = 1 / 400  # per uncovered company and day
DISSOLUTION, MERGER = 1 / 40_000, 1 / 60_000  # per branch and day
TAKEOVER = 1 / 3_000  # per compound and day
ROTATION = 1 / 2_000  # instructor, per company and day
CONTRACT_YEARS = 3


class CompaniesStep:
    name = "companies"

    def setup(self, ctx: CityContext) -> None:
        self.rng = ctx.rng_for(self.name)
        self.seen_compounds = 0
        self.renewals: dict[date, list[tuple[UUID, date]]] = {}  # (compound, contract start)
        self.contracts: dict[UUID, tuple[UUID, date]] = {}  # compound -> (company, starts_on)
        self.instructors: dict[UUID, UUID] = {}  # company -> instructor in post
        self.instructor_count = 0
        self.org_count = 0
        facts = ctx.facts
        facts.update(
            companies=[],
            company_street={},
            companies_of_street={},
            company_of={},
            party_orgs=[],
            org_of_company={},
            owners_committees={},
        )
        start = ctx.plan.start
        with ctx.at(ctx.moment(start, 9 * 60)):
            self._companies(ctx)
            self._contracts(ctx, date(start.year - 1, 1, 1))
            self._party_orgs(ctx)
            for company in facts["companies"]:
                on = start - timedelta(days=self.rng.randrange(10, 700))
                self._instructor(ctx, company, on)
            self._industry_committee(ctx)
            self._owners_committees(ctx)

    # -- go-live --------------------------------------------------------------------------

    def _companies(self, ctx: CityContext) -> None:
        facts, streets = ctx.facts, ctx.facts["streets"]
        for n in range(ctx.plan.companies):
            street = streets[n % len(streets)]
            company = ctx.do(
                ctx.app.handle,
                RegisterPropertyCompany(
                    credit_code=f"91370100MA{n + 1:08d}",
                    name=f"城市{n + 1:03d}号物业服务有限公司",
                    street_id=street,
                ),
            ).id
            facts["companies"].append(company)
            facts["company_street"][company] = street
            facts["companies_of_street"].setdefault(street, []).append(company)

    def _street_companies(self, ctx: CityContext, compound: UUID) -> list[UUID]:
        facts = ctx.facts
        street = facts["street_of"][facts["community_of"][compound]]
        return facts["companies_of_street"].get(street) or facts["companies"]

    def _contracts(self, ctx: CityContext, starts_on: date) -> None:
        compounds = ctx.facts["compounds"]
        for compound in compounds[self.seen_compounds :]:
            company = self.rng.choice(self._street_companies(ctx, compound))
            self._sign(ctx, company, compound, starts_on)
        self.seen_compounds = len(compounds)

    def _sign(self, ctx: CityContext, company: UUID, compound: UUID, starts_on: date) -> None:
        ends_on = date(starts_on.year + CONTRACT_YEARS, starts_on.month, 1) - timedelta(days=1)
        ctx.do(
            ctx.app.handle,
            SignServiceContract(
                company_id=company, compound_id=compound, starts_on=starts_on, ends_on=ends_on
            ),
        )
        ctx.facts["company_of"][compound] = company
        self.contracts[compound] = (company, starts_on)
        self.renewals.setdefault(ends_on + timedelta(days=1), []).append((compound, starts_on))

    def _party_orgs(self, ctx: CityContext) -> None:
        companies = list(ctx.facts["companies"])
        covered = self.rng.sample(companies, round(COVERED * len(companies)))
        joint_n = 2 * round(JOINT * len(covered) / 2)
        affiliated_n = round(AFFILIATED * len(covered))
        joint, affiliated = covered[:joint_n], covered[joint_n : joint_n + affiliated_n]
        start = ctx.plan.start
        joint_orgs = []
        for i in range(0, len(joint), 2):
            founded = start - timedelta(days=self.rng.randrange(400, 1500))
            joint_orgs.append(self.found(ctx, joint[i : i + 2], founded, "joint"))
        for company in covered[joint_n:]:
            founded = start - timedelta(days=self.rng.randrange(5, 1500))
            parent = None
            if company in affiliated and joint_orgs:
                parent = self.rng.choice(joint_orgs)
                founded = max(founded, parent["founded_on"])
            self.found(ctx, [company], founded, "affiliated" if parent else "standalone", parent)

    def found(
        self,
        ctx: CityContext,
        companies: list[UUID],
        founded_on: date,
        method: str,
        parent: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self.org_count += 1
        code = f"CDZ{self.org_count:05d}"
        street = ctx.facts["company_street"][companies[0]]
        founders = [f"{code}-M{n:03d}" for n in range(1, self.rng.randint(3, 8) + 1)]
        org = ctx.do(
            ctx.app.handle,
            FoundPartyOrg(
                code=code,
                name=f"城市物业党组织{self.org_count:05d}",
                host_kind="property_company",
                company_ids=companies,
                method=method,
                kind="general_branch" if method == "joint" else "branch",
                founded_on=founded_on,
                street_id=street,
                affiliated_to=parent["id"] if parent else None,
                full_members=founders,
            ),
        ).id
        fact: dict[str, Any] = {
            "id": org,
            "code": code,
            "company_ids": list(companies),
            "founded_on": founded_on,
            "street": street,
            "active": True,
            "members": founders,
            "next_member": len(founders) + 1,
        }
        ctx.facts["party_orgs"].append(fact)
        for company in companies:
            ctx.facts["org_of_company"][company] = fact
        return fact

    def _instructor(self, ctx: CityContext, company: UUID, on: date) -> None:
        self.instructor_count += 1
        code = f"CZDY{self.instructor_count:05d}"
        instructor = ctx.do(
            ctx.app.handle,
            RegisterInstructor(code=code, name=f"党建指导员{self.instructor_count:05d}"),
        ).id
        ctx.do(
            ctx.app.handle,
            DispatchInstructor(
                instructor_id=instructor, target_kind="property_company", target_id=company, on=on
            ),
        )
        self.instructors[company] = instructor

    def _industry_committee(self, ctx: CityContext) -> None:
        on = date(ctx.plan.start.year - 2, 1, 8)
        committee = ctx.do(
            ctx.app.handle,
            EstablishIndustryCommittee(
                district_id=ctx.ids["district"],
                name="市" + terms.INDUSTRY_COMMITTEE.removeprefix("区"),
                established_on=on,
            ),
        ).id
        posts = ["书记", "副书记", "委员", "委员", "委员", "委员", "委员"]
        for n, post in enumerate(posts, start=1):
            ctx.do(
                ctx.app.handle,
                AppointCommitteeMember(
                    committee_id=committee,
                    member_ref=f"CHYDW-{n:02d}",
                    name=f"行业党委成员{n}",
                    post=post,
                    on=on,
                ),
            )
        ctx.ids["industry_committee"] = committee

    def _owners_committees(self, ctx: CityContext) -> None:
        compounds = ctx.facts["compounds"]
        chosen = self.rng.sample(compounds, round(OWNERS_COMMITTEES * len(compounds)))
        for compound in chosen:
            size = self.rng.randint(5, 9)
            party = round(size * self.rng.uniform(0.2, 0.8))
            starts = ctx.plan.start - timedelta(days=self.rng.randrange(30, 1500))
            key = compound.hex[:8]
            members = [
                {
                    "member_ref": f"YW-{key}-{m}",
                    "name": f"业委会委员{m}",
                    "party_member": m <= party,
                    "from_two_committees": m <= 1,
                }
                for m in range(1, size + 1)
            ]
            committee = ctx.do(
                ctx.app.handle,
                ElectOwnersCommittee(
                    compound_id=compound,
                    name=f"{key}小区业主委员会",
                    term_starts=starts,
                    term_ends=date(starts.year + 5, starts.month, 1),
                    members=members,
                ),
            ).id
            ctx.facts["owners_committees"][compound] = committee

    # -- every day ------------------------------------------------------------------------

    def day(self, ctx: CityContext, day: date) -> None:
        with ctx.at(ctx.moment(day, 9 * 60 + 30)):
            self._contracts(ctx, day)  # compounds registered since yesterday
            for compound, starts_on in self.renewals.pop(day, []):
                if self.contracts[compound][1] == starts_on:  # not taken over meanwhile
                    self._renew(ctx, compound, day)
        orgs = [o for o in ctx.facts["party_orgs"] if o["active"]]
        for n, org in enumerate(orgs):
            if ctx.full:
                return
            if self.rng.random() < MEMBER_CHANGE:
                with ctx.at(ctx.moment(day, 10 * 60 + n % 420)):
                    self._churn(ctx, org, day)
        with ctx.at(ctx.moment(day, 15 * 60)):
            self._foundings(ctx, day)
            self._ends(ctx, orgs, day)
            self._takeovers(ctx, day)
            self._rotations(ctx, day)

    def _churn(self, ctx: CityContext, org: dict[str, Any], day: date) -> None:
        roll = self.rng.random()
        if len(org["members"]) <= 3 or roll < 0.55:
            self.member_change(ctx, org, "joined", day)
        elif roll < 0.75:
            self.member_change(ctx, org, "transferred_in", day)
        else:
            change = "transferred_out" if roll < 0.9 else "left"
            self.member_change(ctx, org, change, day, self.rng.choice(org["members"]))

    def member_change(
        self, ctx: CityContext, org: dict[str, Any], change: str, on: date, ref: str | None = None
    ) -> None:
        if ref is None:
            ref = f"{org['code']}-M{org['next_member']:03d}"
            org["next_member"] += 1
        ctx.do(
            ctx.app.handle, RecordMembership(org_id=org["id"], change=change, member_ref=ref, on=on)
        )
        if change in ("joined", "transferred_in"):
            org["members"].append(ref)
        else:
            org["members"].remove(ref)

    def _foundings(self, ctx: CityContext, day: date) -> None:
        covered = ctx.facts["org_of_company"]
        for company in ctx.facts["companies"]:
            org = covered.get(company)
            if (org is None or not org["active"]) and self.rng.random() < FOUNDING:
                self.found(ctx, [company], day, "standalone")

    def _ends(self, ctx: CityContext, orgs: list[dict[str, Any]], day: date) -> None:
        for org in orgs:
            roll = self.rng.random()
            if roll < DISSOLUTION:
                ctx.do(
                    ctx.app.handle,
                    DissolvePartyOrg(org_id=org["id"], on=day, reason="企业退出本市经营"),
                )
                org["active"] = False
            elif roll < DISSOLUTION + MERGER:
                peers = [
                    o for o in orgs if o["active"] and o is not org and o["street"] == org["street"]
                ]
                if not peers:
                    continue
                into = self.rng.choice(peers)
                ctx.do(ctx.app.handle, MergePartyOrg(org_id=org["id"], into_id=into["id"], on=day))
                org["active"] = False
                into["members"] += [m for m in org["members"] if m not in into["members"]]
                into["company_ids"] += org["company_ids"]
                for company in org["company_ids"]:
                    ctx.facts["org_of_company"][company] = into
                org["members"] = []

    def _takeovers(self, ctx: CityContext, day: date) -> None:
        """A compound changes hands: its contract ends today (early, with a reason, in a
        third of cases) and another company of the street serves it from tomorrow."""
        for compound in ctx.facts["compounds"]:
            if self.rng.random() >= TAKEOVER:
                continue
            company, starts_on = self.contracts[compound]
            if starts_on > day:
                continue
            others = [c for c in self._street_companies(ctx, compound) if c != company]
            if not others:
                continue
            contract = PropertyCompany.contract_id_for(company, compound, starts_on)
            reason = "业主大会决定解聘" if self.rng.random() < 1 / 3 else None
            ctx.do(
                ctx.app.handle,
                EndServiceContract(company_id=company, contract_id=contract, on=day, reason=reason),
            )
            self._sign(ctx, self.rng.choice(others), compound, day + timedelta(days=1))

    def _renew(self, ctx: CityContext, compound: UUID, day: date) -> None:
        company, _ = self.contracts[compound]
        if self.rng.random() < 0.2:
            company = self.rng.choice(self._street_companies(ctx, compound))
        self._sign(ctx, company, compound, day)

    def _rotations(self, ctx: CityContext, day: date) -> None:
        for company, instructor in list(self.instructors.items()):
            if self.rng.random() < ROTATION:
                ctx.do(
                    ctx.app.handle,
                    RecallInstructor(instructor_id=instructor, on=day, reason="任期届满轮换"),
                )
                self._instructor(ctx, company, day)

    def finish(self, ctx: CityContext) -> None:
        pass
