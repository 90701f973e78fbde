"""Valid requests of the party-building writes (orgs, branch life, instructors, committees,
activities), aimed at side A of the world; see cases.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.access_policy import ACTIVITIES, BUILDING, PARTY, V1
from tests.api.authz.world import Matrix


@dataclass(frozen=True)
class Call:
    path: str
    body: dict[str, Any]
    target: str  # the world unit the request acts in
    form: bool = False  # form-encoded, the token as `api_key` (Open311)
    own_jti: bool = False  # the body names the caller's own token


Case = Callable[[Matrix], Call]


def _party(m: Matrix) -> dict[str, Case]:
    ids = m.ids

    def found(m: Matrix) -> dict[str, Any]:
        return {
            "code": m.unique("DZB"),
            "name": "物业党支部",
            "host_kind": "property_company",
            "company_ids": [m.company()],
            "method": "standalone",
            "kind": "branch",
            "founded_on": "2020-02-01",
            "street_id": ids["street"],
            "community_id": ids["community"],
            "full_members": ["F1", "F2", "F3"],
        }

    return {
        f"POST {PARTY}": lambda m: Call(PARTY, found(m), "community"),
        f"POST {PARTY}/{{org_id}}/dissolve": lambda m: Call(
            f"{PARTY}/{m.party_org()}/dissolve", {"on": "2021-01-01", "reason": "撤销"}, "community"
        ),
        f"POST {PARTY}/{{org_id}}/merge": lambda m: Call(
            f"{PARTY}/{m.party_org()}/merge",
            {"into_id": ids["party_org"], "on": "2021-01-01"},
            "community",
        ),
        f"POST {PARTY}/{{org_id}}/membership": lambda m: Call(
            f"{PARTY}/{ids['party_org']}/membership",
            {"change": "joined", "member_ref": m.unique("M"), "on": "2020-03-01"},
            "community",
        ),
        f"POST {V1}/branch-life/meetings": lambda m: Call(
            f"{V1}/branch-life/meetings",
            {
                "org_id": ids["party_org"],
                "kind": "party_lesson",
                "held_on": "2020-03-01",
                "platform": "secretary_live",
                "title": m.unique("党课"),
                "attendees": ["F1", "F2"],
            },
            "community",
        ),
    }


def _building(m: Matrix) -> dict[str, Case]:
    ids = m.ids

    def dispatched(m: Matrix) -> str:
        instructor = m.instructor()
        m.admin(
            "POST",
            f"{BUILDING}/instructors/{instructor}/dispatch",
            {
                "target_kind": "owners_committee",
                "target_id": ids["owners_committee"],
                "on": "2020-03-01",
            },
        )
        return instructor

    return {
        f"POST {BUILDING}/instructors": lambda m: Call(
            f"{BUILDING}/instructors",
            {"code": m.unique("I"), "name": "指导员", "home_unit_id": ids["community"]},
            "community",
        ),
        f"POST {BUILDING}/instructors/{{instructor_id}}/dispatch": lambda m: Call(
            f"{BUILDING}/instructors/{m.instructor()}/dispatch",
            {
                "target_kind": "owners_committee",
                "target_id": ids["owners_committee"],
                "on": "2020-03-01",
            },
            "compound",
        ),
        f"POST {BUILDING}/instructors/{{instructor_id}}/recall": lambda m: Call(
            f"{BUILDING}/instructors/{dispatched(m)}/recall", {"on": "2020-06-01"}, "compound"
        ),
        f"POST {BUILDING}/industry-committee": lambda m: Call(
            f"{BUILDING}/industry-committee",
            {
                "district_id": m.unit("district", None),  # one committee per district
                "name": "行业党委",
                "established_on": "2020-01-01",
            },
            "district",
        ),
        f"POST {BUILDING}/industry-committee/{{committee_id}}/members": lambda m: Call(
            f"{BUILDING}/industry-committee/{ids['industry_committee']}/members",
            {"member_ref": m.unique("C"), "name": "委员", "post": "委员", "on": "2020-02-01"},
            "district",
        ),
        f"POST {BUILDING}/owners-committees": lambda m: Call(
            f"{BUILDING}/owners-committees",
            {
                "compound_id": m.compound(),
                "name": "业委会",
                "term_starts": "2020-01-01",
                "term_ends": "2022-12-31",
                "members": [{"member_ref": m.unique("O"), "name": "业主"}],
            },
            "community",
        ),
        f"POST {BUILDING}/demonstration-projects": lambda m: Call(
            f"{BUILDING}/demonstration-projects",
            {
                "year": 2020,
                "unit_id": ids["community"],
                "name": m.unique("示范"),
                "designated_on": "2020-06-01",
            },
            "community",
        ),
    }


def _activities(m: Matrix) -> dict[str, Case]:
    ids = m.ids

    def place(m: Matrix) -> dict[str, Any]:
        return {
            "kind": "deliberation_hall",
            "unit_id": ids["compound"],
            "name": m.unique("议事厅"),
            "opened_on": "2020-04-01",
        }

    return {
        f"POST {ACTIVITIES}/cross-appointments": lambda m: Call(
            f"{ACTIVITIES}/cross-appointments",
            {
                "person_ref": m.unique("P"),
                "name": "张三",
                "role": "company_supervisor",
                "company_id": ids["company"],
                "community_id": ids["community"],
                "starts_on": "2020-03-01",
            },
            "community",
        ),
        f"POST {ACTIVITIES}/member-posts": lambda m: Call(
            f"{ACTIVITIES}/member-posts",
            {
                "org_id": ids["party_org"],
                "member_ref": "F1",
                "kind": "responsibility_area",
                "starts_on": "2020-03-01",
                "unit_ids": [ids["compound"]],
            },
            "community",
        ),
        f"POST {ACTIVITIES}/places": lambda m: Call(f"{ACTIVITIES}/places", place(m), "compound"),
        f"POST {ACTIVITIES}/{{what}}/{{fact_id}}/end": lambda m: Call(
            f"{ACTIVITIES}/place/{m.create('/party-activities/places', place(m))}/end",
            {"on": "2020-06-30"},
            "compound",
        ),
        f"POST {ACTIVITIES}/secretary-trainings": lambda m: Call(
            f"{ACTIVITIES}/secretary-trainings",
            {
                "title": m.unique("培训"),
                "held_on": "2020-03-01",
                "attendees": [{"secretary_ref": "S1"}],
            },
            "district",
        ),
        f"POST {ACTIVITIES}/joint-events": lambda m: Call(
            f"{ACTIVITIES}/joint-events",
            {
                "name": m.unique("议事会"),
                "kind": "deliberation",
                "held_on": "2020-05-01",
                "community_id": ids["community"],
                "co_hosts": [
                    {"kind": "residents_committee", "id": ids["community"]},
                    {"kind": "property_company", "id": ids["company"]},
                ],
                "participants": 30,
            },
            "community",
        ),
    }


def party_cases(m: Matrix) -> dict[str, Case]:
    return {**_party(m), **_building(m), **_activities(m)}
