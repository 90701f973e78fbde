"""Party building in Tianqiao (seed report): 65 property companies, 48 of them with a party
organisation (三建: standalone, joint, affiliated), 65 dispatched instructors (一派), the district
property-industry party committee, Kangdu's branch growing from 5 to over 20 members, the
Huali owners' committee with over 60% party members, 15 community demonstration projects and
5 company brands in 2020.

Uses its own seeded RNG so the steps after it (the grid loop) draw the same numbers as before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.party_building_commands import (
    AwardCompanyBrand,
    FoundPartyOrg,
    RecordMembership,
    RegisterPropertyCompany,
    SignServiceContract,
)
from domain.party_coverage_commands import (
    AppointCommitteeMember,
    DesignateDemonstrationProject,
    DispatchInstructor,
    ElectOwnersCommittee,
    EstablishIndustryCommittee,
    RegisterInstructor,
)
from scenarios import seed_terms as terms
from scenarios.context import ScenarioContext
from scenarios.org_registry import STREETS

COMPANIES = 65
WITH_ORG = 48
KANGDU = 10  # company serving 康都1号小区 in 北坦街道
KANGDU_NAME = terms.KANGDU_COMPANY
BRANDS = 5
DEMONSTRATION_PROJECTS = 15


def _day(on: date) -> str:
    return f"{on.isoformat()}T10:00:00"


def _street_of_compound() -> list[str]:
    return [
        street for street, communities in STREETS.items() for _ in communities for _ in range(5)
    ]


def load(ctx: ScenarioContext) -> None:
    rng = random.Random(2020_3)
    compounds: list[UUID] = ctx.facts["compounds"]
    streets = _street_of_compound()
    companies = _companies(ctx, compounds, streets)
    orgs = _party_orgs(ctx, rng, companies, streets)
    _instructors(ctx, rng, companies)
    _industry_committee(ctx)
    _kangdu_growth(ctx, rng, orgs[KANGDU])
    _huali_owners_committee(ctx, compounds)
    _recognitions(ctx, rng, companies)
    ctx.facts["companies"] = companies
    ctx.facts["party_orgs"] = list({o["id"]: o for o in orgs.values()}.values())


def _companies(ctx: ScenarioContext, compounds: list[UUID], streets: list[str]) -> list[UUID]:
    app = ctx.app
    ids: list[UUID] = []
    with ctx.at("2020-01-03T09:00:00"):
        for n in range(COMPANIES):
            name = KANGDU_NAME if n == KANGDU else f"济南天桥{n + 1:02d}号物业服务有限公司"
            ids.append(
                app.handle(
                    RegisterPropertyCompany(
                        credit_code=f"91370105MA3C{n + 1:06d}",
                        name=name,
                        street_id=ctx.ids[f"street:{streets[n]}"],
                    )
                ).id
            )
        for k, compound in enumerate(compounds):
            ctx.facts.setdefault("company_of", {})[compound] = ids[k % COMPANIES]
            app.handle(
                SignServiceContract(
                    company_id=ids[k % COMPANIES],
                    compound_id=compound,
                    starts_on=date(2020, 1, 1),
                    ends_on=date(2022, 12, 31),
                )
            )
    return ids


def _party_orgs(
    ctx: ScenarioContext, rng: random.Random, companies: list[UUID], streets: list[str]
) -> dict[int, dict[str, Any]]:
    """48 covered companies: 40 standalone branches, 2 joint orgs of two companies each,
    4 companies affiliated to the first joint org."""
    others = [n for n in range(COMPANIES) if n != KANGDU]
    covered = sorted([KANGDU, *rng.sample(others, WITH_ORG - 1)])
    pool = [n for n in covered if n != KANGDU]
    joint = [pool[0:2], pool[2:4]]
    affiliated = pool[4:8]
    standalone = [n for n in covered if n not in pool[:8]]
    plan: list[tuple[str, list[int], str]] = [
        *(("joint", pair, "general_branch") for pair in joint),
        *(("affiliated", [n], "branch") for n in affiliated),
        *(("standalone", [n], "branch") for n in standalone),
    ]
    orgs: dict[int, dict[str, Any]] = {}
    joint_org: UUID | None = None
    for seq, (method, members, kind) in enumerate(plan, start=1):
        founded_on = (
            date(2020, 1, 10)
            if members[0] == KANGDU
            else date(2020, 1, 15) + timedelta(days=5 * seq)
        )
        street = ctx.ids[f"street:{streets[members[0]]}"]
        size = 5 if members[0] == KANGDU else rng.randint(3, 6)
        with ctx.at(_day(founded_on)):
            org_id = ctx.app.handle(
                FoundPartyOrg(
                    code=f"DZB{seq:03d}",
                    name=terms.KANGDU_BRANCH if members[0] == KANGDU else f"物业党组织{seq:03d}",
                    host_kind="property_company",
                    company_ids=[companies[n] for n in members],
                    method=method,
                    kind=kind,
                    founded_on=founded_on,
                    street_id=street,
                    affiliated_to=joint_org if method == "affiliated" else None,
                    full_members=[f"DZB{seq:03d}-M{m:02d}" for m in range(1, size + 1)],
                )
            ).id
            if method == "joint" and joint_org is None:
                joint_org = org_id
        fact = {
            "id": org_id,
            "company_ids": [companies[n] for n in members],
            "founded_on": founded_on,
            "street": street,
        }
        for n in members:
            orgs[n] = fact
    return orgs


def _instructors(ctx: ScenarioContext, rng: random.Random, companies: list[UUID]) -> None:
    app = ctx.app
    for n, company in enumerate(companies, start=1):
        on = date(2020, 2, 1) + timedelta(days=rng.randrange(0, 120))
        with ctx.at("2020-01-20T09:00:00"):
            instructor = app.handle(
                RegisterInstructor(code=f"ZDY{n:03d}", name=f"党建指导员{n:03d}")
            ).id
        with ctx.at(_day(on)):
            app.handle(
                DispatchInstructor(
                    instructor_id=instructor,
                    target_kind="property_company",
                    target_id=company,
                    on=on,
                )
            )


def _industry_committee(ctx: ScenarioContext) -> None:
    on = date(2020, 1, 8)
    with ctx.at(_day(on)):
        committee = ctx.app.handle(
            EstablishIndustryCommittee(
                district_id=ctx.ids["district"],
                name=terms.DISTRICT.removesuffix("区") + terms.INDUSTRY_COMMITTEE,
                established_on=on,
            )
        ).id
        posts = [
            ("书记", terms.INDUSTRY_COMMITTEE_SECRETARY),
            ("委员", "区民政局"),
            ("委员", "北坦街道"),
        ]
        posts += [("委员", terms.KANGDU_BRANCH), ("委员", "制锦市街道")]
        for n, (post, name) in enumerate(posts, start=1):
            ctx.app.handle(
                AppointCommitteeMember(
                    committee_id=committee, member_ref=f"HYDW-{n:02d}", name=name, post=post, on=on
                )
            )
    ctx.ids["industry_committee"] = committee


def _kangdu_growth(ctx: ScenarioContext, rng: random.Random, org: dict[str, Any]) -> None:
    """From 5 members at founding to 22 by December 2020 (18 in, 1 out)."""
    org_id = org["id"]
    changes = ["joined"] * 12 + ["transferred_in"] * 6
    for k, change in enumerate(changes, start=6):
        on = date(2020, 2, 1) + timedelta(days=17 * (k - 6))
        with ctx.at(_day(on)):
            ctx.app.handle(
                RecordMembership(org_id=org_id, change=change, member_ref=f"KD-M{k:02d}", on=on)
            )
    on = date(2020, 11, 20)
    with ctx.at(_day(on)):
        ctx.app.handle(
            RecordMembership(org_id=org_id, change="transferred_out", member_ref="KD-M07", on=on)
        )
    ctx.ids["party_org:康都"] = org_id


def _huali_owners_committee(ctx: ScenarioContext, compounds: list[UUID]) -> None:
    """华黎1号小区 (the first compound): 7 members, 5 party members (71.4%)."""
    members = [
        {
            "member_ref": f"HL-YW{n}",
            "name": f"委员{n}",
            "party_member": n <= 5,
            "from_two_committees": n <= 2,
        }
        for n in range(1, 8)
    ]
    on = date(2020, 6, 18)
    with ctx.at(_day(on)):
        committee = ctx.app.handle(
            ElectOwnersCommittee(
                compound_id=compounds[0],
                name="华黎1号小区业主委员会",
                term_starts=on,
                term_ends=date(2025, 6, 17),
                members=members,
            )
        ).id
    ctx.ids["owners_committee:华黎"] = committee


def _recognitions(ctx: ScenarioContext, rng: random.Random, companies: list[UUID]) -> None:
    communities = [c for cs in STREETS.values() for c in cs]
    for k, community in enumerate(communities[:DEMONSTRATION_PROJECTS]):
        on = date(2020, 7, 1) + timedelta(days=3 * k)
        with ctx.at(_day(on)):
            ctx.app.handle(
                DesignateDemonstrationProject(
                    year=2020,
                    unit_id=ctx.ids[f"community:{community}"],
                    name=f"{community}{terms.DEMONSTRATION_PROJECT}",
                    designated_on=on,
                )
            )
    branded = [KANGDU, *rng.sample([n for n in range(COMPANIES) if n != KANGDU], BRANDS - 1)]
    on = date(2020, 12, 10)
    with ctx.at(_day(on)):
        for n in branded:
            ctx.app.handle(
                AwardCompanyBrand(
                    company_id=companies[n], on=on, decision="天桥区红色物业服务企业品牌（2020）"
                )
            )
