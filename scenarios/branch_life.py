"""Demo: 三会一课 in every party organisation (R6), so that branch life is behaviour, not
missing data. Each organisation keeps the rule (branch committee and party group monthly,
branch assembly and party lesson quarterly) to its own degree, drawn once from a seeded
generator; its first branch committee after founding is always held. Kangdu's 2020 is
the seed's own (`scenarios.party_life`); from 2021 it is one organisation among the rest.
"""

from __future__ import annotations

import random
from datetime import date
from uuid import UUID

from domain.branch_life_commands import HoldBranchMeeting
from domain.party_orgs import PartyOrg
from scenarios.context import ScenarioContext

LAST_YEAR = 2021
MONTHLY = ("branch_committee", "party_group")
QUARTERLY = ("branch_assembly", "party_lesson")
PLATFORMS = ("on_site", "class_19", "e_study", "community_party_school", "secretary_live")
TITLES = {
    "branch_committee": "支委会",
    "party_group": "党小组会",
    "branch_assembly": "党员大会",
    "party_lesson": "党课",
}


def months_from(first: date) -> list[tuple[int, int]]:
    start = first.year * 12 + first.month - 1
    return [(m // 12, m % 12 + 1) for m in range(start, LAST_YEAR * 12 + 12)]


def load(ctx: ScenarioContext, kangdu: UUID) -> None:
    rng = random.Random(2020_6)  # its own generator: the other steps' draws stay the same
    for org in ctx.facts["party_orgs"]:
        diligence = 0.95 if org["id"] == kangdu else rng.uniform(0.45, 1.0)
        day = rng.randint(8, 25)
        party_org = ctx.app.load(PartyOrg, org["id"])
        if not party_org.active:  # dissolved or merged: no branch life of its own
            continue
        first = date(2021, 1, 1) if org["id"] == kangdu else party_org.founded_on
        _meetings(ctx, rng, party_org, first, day, diligence)


def _meetings(
    ctx: ScenarioContext,
    rng: random.Random,
    party_org: PartyOrg,
    first: date,
    day: int,
    diligence: float,
) -> None:
    held_any = False
    for year, month in months_from(first):
        on = date(year, month, day)
        members = sorted(party_org.members_on(on))
        if on < first or not members:
            continue
        kinds = [*MONTHLY, *(QUARTERLY if month % 3 == 0 else ())]
        held = [k for k in kinds if rng.random() < diligence or (k == MONTHLY[0] and not held_any)]
        if not held:
            continue
        held_any = True
        with ctx.at(f"{on.isoformat()}T19:30:00", actor="branch-secretary"):
            for kind in held:
                ctx.app.handle(
                    HoldBranchMeeting(
                        org_id=party_org.id,
                        kind=kind,
                        held_on=on,
                        platform="on_site" if kind in MONTHLY else rng.choice(PLATFORMS),
                        title=f"{year}年{month}月{TITLES[kind]}",
                        attendees=_attending(rng, members, kind),
                    )
                )


def _attending(rng: random.Random, members: list[str], kind: str) -> list[str]:
    if kind == "branch_assembly":
        return members
    if kind == "branch_committee":
        return members[:3]
    return [m for m in members if rng.random() < 0.8] or members[:1]
