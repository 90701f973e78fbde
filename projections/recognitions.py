"""Read model of R8 recognitions: demonstration projects per year and company brands
(awarded/revoked, answerable as of any date)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    select,
)

from domain.demonstration import DemonstrationProject
from domain.property_companies import PropertyCompany
from projections.base import Projection, handles
from projections.in_force import in_force_on
from projections.view import View

metadata = MetaData()

demonstration_projects = Table(
    "demonstration_projects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("unit_id", String(36), nullable=False),
    Column("unit_kind", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("designated_on", String(10), nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("withdrawn_on", String(10)),
)

company_brands = Table(
    "company_brands",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("company_id", String(36), nullable=False, index=True),
    Column("awarded_on", String(10), nullable=False),
    Column("decision", String(200), nullable=False),
    Column("revoked_on", String(10)),
)

brand_holders = Table(
    "brand_holders",
    metadata,
    Column("company_id", String(36), primary_key=True),
    Column("open_brand", BigInteger),
)


class RecognitionsProjection(Projection):
    name = "recognitions"
    metadata = metadata

    @handles(DemonstrationProject, "Designated")
    def demonstration_project_designated(self, event: Any, view: View) -> None:
        view.insert(
            "demonstration_projects",
            {
                "id": str(event.originator_id),
                "year": event.year,
                "unit_id": str(event.unit_id),
                "unit_kind": event.unit_kind,
                "name": event.name,
                "designated_on": event.designated_on.isoformat(),
                "withdrawn": False,
                "withdrawn_on": None,
            },
        )

    @handles(DemonstrationProject, "Withdrawn")
    def demonstration_project_withdrawn(self, event: Any, view: View) -> None:
        view.update(
            "demonstration_projects",
            str(event.originator_id),
            withdrawn=True,
            withdrawn_on=event.on.isoformat(),
        )

    @handles(PropertyCompany, "BrandAwarded")
    def property_company_brand_awarded(self, event: Any, view: View) -> None:
        company_id = str(event.originator_id)
        view.insert(
            "company_brands",
            {
                "position": view.position,
                "company_id": company_id,
                "awarded_on": event.on.isoformat(),
                "decision": event.decision,
                "revoked_on": None,
            },
        )
        view.put("brand_holders", {"company_id": company_id, "open_brand": view.position})

    @handles(PropertyCompany, "BrandRevoked")
    def property_company_brand_revoked(self, event: Any, view: View) -> None:
        holder = view.get("brand_holders", str(event.originator_id))
        assert holder is not None
        view.update("company_brands", holder["open_brand"], revoked_on=event.on.isoformat())
        view.update("brand_holders", holder["company_id"], open_brand=None)


def demonstration_projects_in(
    conn: Connection, year: int, *, as_of: date | None = None
) -> list[dict[str, Any]]:
    """The year's demonstration projects; with `as_of`, those designated on or before that
    day and not withdrawn by then, else those not withdrawn now."""
    t = demonstration_projects
    stmt = select(t).where(t.c.year == year).order_by(t.c.designated_on)
    if as_of is None:
        return [dict(r._mapping) for r in conn.execute(stmt.where(t.c.withdrawn.is_(False)))]
    stmt = stmt.where(in_force_on(t.c.designated_on, t.c.withdrawn_on, as_of.isoformat()))
    return [dict(r._mapping) for r in conn.execute(stmt)]


def brands_as_of(conn: Connection, day: date) -> list[dict[str, Any]]:
    t = company_brands
    stmt = select(t).where(in_force_on(t.c.awarded_on, t.c.revoked_on, day.isoformat()))
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(t.c.awarded_on))]
