"""The seed's party-building figures as of a business date D, from the read models.

Each figure depends only on facts dated on or before D: companies registered, party-org
links, instructor posts, brands, demonstration projects designated (of `year`, by default
D's year), organisations founded and not ended, members, owners' committees in office,
study sessions held from 1 January of D's year to D (学习全覆盖, per street and district),
secretary trainings held by D (每年定期组织党支部书记培训, per year, with the organisations
that missed a year)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from domain.branch_life import DEFAULT_RULES
from projections import (
    branch_life,
    dual_coverage,
    owners_committees,
    party_activities,
    party_orgs,
    recognitions,
)

LARGEST = 3


def party_figures(conn: Connection, day: date, *, year: int | None = None) -> dict[str, Any]:
    year = day.year if year is None else year
    coverage = dual_coverage.coverage_as_of(conn, day)
    branches = sorted(
        (
            (party_orgs.members_on(conn, o["id"], day), o["name"])
            for o in party_orgs.list_orgs(conn, active_on=day)
        ),
        reverse=True,
    )[:LARGEST]
    return {
        "as_of": day.isoformat(),
        "coverage": coverage["district"],
        "owners_committee_coverage": coverage["owners_committees"],
        "demonstration_projects_year": year,
        "demonstration_projects": len(
            recognitions.demonstration_projects_in(conn, year, as_of=day)
        ),
        "brands": len(recognitions.brands_as_of(conn, day)),
        "largest_branches": [{"name": n, "members": m} for m, n in branches],
        "owners_committees": [
            {"name": c["name"], "party_member_share_pct": c["party_member_share_pct"]}
            for c in owners_committees.committees_with_party_share(conn, as_of=day)
        ],
        "study_coverage": branch_life.study_coverage(
            conn, date(day.year, 1, 1), day, DEFAULT_RULES
        ),
        "secretary_training": secretary_training(conn, day),
    }


def secretary_training(conn: Connection, day: date) -> dict[str, Any]:
    """每年定期组织党支部书记培训, checked: for every year from the first company party
    organisation's founding to D's year (up to D), the trainings held and the company
    organisations (not party groups) active that year whose secretary attended none."""
    orgs = [
        o
        for o in party_orgs.list_orgs(conn)
        if o["host_kind"] == "property_company"
        and o["kind"] != "party_group"
        and o["founded_on"] <= day.isoformat()
    ]
    first = min((int(o["founded_on"][:4]) for o in orgs), default=day.year)
    years: list[dict[str, Any]] = []
    for year in range(first, day.year + 1):
        active = [o for o in orgs if _active_in(o, year, day)]
        trained = party_activities.orgs_trained_in(conn, year, day)
        missed = [{"id": o["id"], "name": o["name"]} for o in active if o["id"] not in trained]
        held = party_activities.trainings_held_in(conn, year, day)
        years.append(
            {
                "year": year,
                "trainings": held,
                "organisations": len(active),
                "missed": missed,
            }
        )
    return {
        "held_every_year": all(y["trainings"] > 0 for y in years),
        "years": years,
    }


def _active_in(org: dict[str, Any], year: int, day: date) -> bool:
    last = min(date(year, 12, 31), day).isoformat()
    ended = org["ended_on"]
    return bool(org["founded_on"] <= last and (ended is None or ended > f"{year}-01-01"))
