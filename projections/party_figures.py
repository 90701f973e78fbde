"""The seed's party-building figures as of a business date D, from the read models.

Each figure depends only on facts dated on or before D: companies registered, party-org
links, instructor posts, brands, demonstration projects designated (of `year`, by default
D's year), organisations founded and not ended, members, owners' committees in office."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from projections import dual_coverage, owners_committees, party_orgs, recognitions

LARGEST = 3


def party_figures(conn: Connection, day: date, *, year: int | None = None) -> dict[str, Any]:
    year = day.year if year is None else year
    branches = sorted(
        (
            (party_orgs.members_on(conn, o["id"], day), o["name"])
            for o in party_orgs.list_orgs(conn, active_on=day)
        ),
        reverse=True,
    )[:LARGEST]
    return {
        "as_of": day.isoformat(),
        "coverage": dual_coverage.coverage_as_of(conn, day)["district"],
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
    }
