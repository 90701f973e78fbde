"""Branch life and activities in the demo: Kangdu's 三会一课 in 2020 on the seed's platforms,
三会一课 in every party organisation from its founding to 2021, each keeping the rule to
its own (seeded) degree (`scenarios.branch_life`),
the yearly secretary training, cross-appointments at Huali, a service window with a model
post, a deliberation hall, the epidemic response at Huali (seed, R7) and a three-party deliberation after the
owners' committee election."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.branch_life_commands import HoldBranchMeeting
from domain.party_activities_commands import (
    AppointCross,
    DesignateMemberPost,
    HoldJointEvent,
    HoldSecretaryTraining,
    OpenPlace,
)
from domain.party_orgs import PartyOrg
from scenarios import branch_life
from scenarios import seed_terms as terms
from scenarios.context import ScenarioContext

PLATFORMS = ["community_party_school", "class_19", "e_study", "secretary_live", "on_site"]
TRAININGS = (date(2020, 9, 20), date(2021, 9, 18))  # one secretary training a year


def _at(on: date) -> str:
    return f"{on.isoformat()}T19:30:00"


def load(ctx: ScenarioContext) -> None:
    app = ctx.app
    kangdu: UUID = ctx.ids["party_org:康都"]
    huali = ctx.ids["community:华黎社区"]
    compound = ctx.facts["compounds"][0]
    for month in range(1, 13):
        on = date(2020, month, 12)
        with ctx.at(_at(on)):
            members = sorted(app.load(PartyOrg, kangdu).members_on(on))
            app.handle(
                HoldBranchMeeting(
                    org_id=kangdu,
                    kind="branch_committee",
                    held_on=on,
                    platform="on_site",
                    title=f"{month}月支委会",
                    attendees=members[:3],
                )
            )
            app.handle(
                HoldBranchMeeting(
                    org_id=kangdu,
                    kind="party_group",
                    held_on=on,
                    platform="door_to_door",
                    title=f"{month}月党小组会",
                    attendees=members[3:8],
                )
            )
            if month % 3 == 0:
                app.handle(
                    HoldBranchMeeting(
                        org_id=kangdu,
                        kind="branch_assembly",
                        held_on=on,
                        platform="class_19",
                        title=f"第{month // 3}季度党员大会",
                        attendees=members,
                    )
                )
                app.handle(
                    HoldBranchMeeting(
                        org_id=kangdu,
                        kind="party_lesson",
                        held_on=on,
                        platform=PLATFORMS[month // 3 % len(PLATFORMS)],
                        title=f"第{month // 3}季度党课",
                        attendees=members[: len(members) - 2],
                    )
                )
    orgs = ctx.facts["party_orgs"]
    branch_life.load(ctx, kangdu)
    for held_on in TRAININGS:  # 每年定期组织党支部书记培训
        with ctx.at(_at(held_on)):
            app.handle(
                HoldSecretaryTraining(
                    title=f"{held_on.year}年物业服务企业{terms.SECRETARY_TRAINING}班",
                    held_on=held_on,
                    attendees=[
                        {"secretary_ref": f"SJ-{n:03d}", "org_id": org["id"]}
                        for n, org in enumerate(orgs, 1)
                    ],
                )
            )
    company = ctx.facts["companies"][0]
    residents = {"kind": "residents_committee", "id": huali}
    provider = {"kind": "property_company", "id": company}
    owners = {"kind": "owners_committee", "id": ctx.ids["owners_committee:华黎"]}
    joint = [
        (
            date(2020, 1, 28),
            f"华黎社区{terms.EPIDEMIC_MEETING}及{terms.DISINFECTION}",
            "epidemic_response",
            [residents, provider],
            36,
        ),
        (
            date(2020, 7, 15),
            f"华黎{terms.MONTHLY_CONSULTATION}",
            "deliberation",
            [residents, provider, owners],
            24,
        ),
    ]
    for on, name, kind, hosts, people in joint:
        with ctx.at(_at(on)):
            app.handle(
                HoldJointEvent(
                    name=name,
                    kind=kind,
                    held_on=on,
                    community_id=huali,
                    co_hosts=hosts,
                    participants=people,
                )
            )
    with ctx.at(_at(date(2020, 4, 1))):
        app.handle(
            AppointCross(
                person_ref="HL-LW01",
                name=f"华黎{terms.COMMUNITY_TWO_COMMITTEES_MEMBER}",
                role="company_supervisor",
                company_id=company,
                community_id=huali,
                starts_on=date(2020, 4, 1),
            )
        )
        app.handle(
            AppointCross(
                person_ref="KD-SJ",
                name="康都物业党支部书记",
                role="community_party_committee",
                company_id=ctx.facts["companies"][10],
                community_id=ctx.ids["community:康都社区"],
                starts_on=date(2020, 4, 1),
            )
        )
        app.handle(
            OpenPlace(
                kind="deliberation_hall",
                unit_id=compound,
                name=f"华黎红色{terms.DELIBERATION_HALL}",
                opened_on=date(2020, 4, 1),
            )
        )
        window = app.handle(
            OpenPlace(
                kind="service_window",
                unit_id=huali,
                name=f"{terms.PARTY_SERVICE_CENTRE}物业{terms.SERVICE_WINDOW}",
                opened_on=date(2020, 4, 1),
            )
        ).id
        members = sorted(app.load(PartyOrg, kangdu).members)
        app.handle(
            DesignateMemberPost(
                org_id=kangdu,
                member_ref=members[0],
                kind="model_post",
                starts_on=date(2020, 4, 1),
                window_id=window,
            )
        )
        app.handle(
            DesignateMemberPost(
                org_id=kangdu,
                member_ref=members[1],
                kind="responsibility_area",
                starts_on=date(2020, 4, 1),
                unit_ids=[ctx.facts["compounds"][10]],
            )
        )
