"""`redprop party-figures`: the party-building figures of the seed, from the read models."""

from __future__ import annotations

import json
from datetime import date

import click

from infra.cli_params import DAY, YEAR


@click.command("party-figures")
@click.option(
    "--as-of", "as_of", type=DAY, default="2020-12-31", help="business date D (YYYY-MM-DD)"
)
@click.option("--year", default=2020, type=YEAR, help="year of demonstration projects")
def party_figures(as_of: date, year: int) -> None:
    """Print dual coverage (district), demonstration projects, brands, and the largest
    branches' members on D, as JSON."""
    from infra.cli import _system
    from projections import dual_coverage, owners_committees, party_orgs, recognitions

    day = as_of
    system = _system()
    try:
        system.catch_up()
        with system.read_engine.connect() as conn:
            coverage = dual_coverage.coverage_as_of(conn, day)["district"]
            branches = sorted(
                (
                    (party_orgs.members_on(conn, o["id"], day), o["name"])
                    for o in party_orgs.list_orgs(conn)
                ),
                reverse=True,
            )[:3]
            figures = {
                "as_of": day.isoformat(),
                "coverage": coverage,
                "demonstration_projects": len(recognitions.demonstration_projects_in(conn, year)),
                "brands": len(recognitions.brands_as_of(conn, day)),
                "largest_branches": [{"name": n, "members": m} for m, n in branches],
                "owners_committees": [
                    {"name": c["name"], "party_member_share_pct": c["party_member_share_pct"]}
                    for c in owners_committees.committees_with_party_share(conn)
                ],
            }
    finally:
        system.close()
    click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
