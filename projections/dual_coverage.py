"""Read model "dual coverage" (双覆盖, R3): per street and for the district, as of any date D —
companies, companies with a party org (organisational coverage), companies with an org or a
dispatched instructor (work coverage), instructors in post; and the same two coverages of
the owners' committees in office on D (terms from the owners_committees read model, same
database). Built from business dates in the events (registration business time,
founding/dissolution dates, dispatch/recall dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, String, Table, select

from domain.instructors import Instructor
from domain.metadata import occurred_at
from domain.owners_committees import OwnersCommittee
from domain.property_companies import PropertyCompany
from projections.base import Projection, handles, id_str
from projections.in_force import in_force_on
from projections.owners_committees import owners_committees
from projections.view import View

metadata = MetaData()

cov_companies = Table(
    "cov_companies",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("street_id", String(36), index=True),
    Column("registered_on", String(10), nullable=False),
    Column("open_link", BigInteger),
    Column("version", Integer, nullable=False),
)

# One row per period a company was covered by a party org: [from_on, to_on).
cov_org_links = Table(
    "cov_org_links",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("company_id", String(36), nullable=False, index=True),
    Column("party_org_id", String(36), nullable=False),
    Column("from_on", String(10), nullable=False),
    Column("to_on", String(10)),
)

# One row per dispatch of an instructor: [from_on, to_on).
cov_instructor_posts = Table(
    "cov_instructor_posts",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("instructor_id", String(36), nullable=False, index=True),
    Column("target_kind", String(20), nullable=False),
    Column("target_id", String(36), nullable=False),
    Column("from_on", String(10), nullable=False),
    Column("to_on", String(10)),
)

# One row per period an owners' committee had a party org: [from_on, to_on).
cov_committee_links = Table(
    "cov_committee_links",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("committee_id", String(36), nullable=False, index=True),
    Column("party_org_id", String(36), nullable=False),
    Column("from_on", String(10), nullable=False),
    Column("to_on", String(10)),
)

cov_committees = Table(
    "cov_committees",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("open_link", BigInteger),
)

cov_instructors = Table(
    "cov_instructors",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("name", String(100), nullable=False),
    Column("open_post", BigInteger),
    Column("version", Integer, nullable=False),
)


class DualCoverageProjection(Projection):
    name = "dual_coverage"
    metadata = metadata

    @handles(PropertyCompany, "Registered")
    def property_company_registered(self, event: Any, view: View) -> None:
        view.insert(
            "cov_companies",
            {
                "id": str(event.originator_id),
                "name": event.name,
                "street_id": id_str(event.street_id),
                "registered_on": occurred_at(event).date().isoformat(),
                "open_link": None,
                "version": event.originator_version,
            },
        )

    @handles(PropertyCompany, "Renamed")
    def property_company_renamed(self, event: Any, view: View) -> None:
        _touch(view, "cov_companies", event, name=event.name)

    @handles(
        PropertyCompany,
        "BrandAwarded",
        "BrandRevoked",
        "ContractSigned",
        "ContractEnded",
        "ContractTerminated",
    )
    def property_company_changed(self, event: Any, view: View) -> None:
        """Events with no coverage figure still move the company's version (its ETag)."""
        _touch(view, "cov_companies", event)

    @handles(PropertyCompany, "PartyOrgLinked")
    def property_company_party_org_linked(self, event: Any, view: View) -> None:
        view.insert(
            "cov_org_links",
            {
                "position": view.position,
                "company_id": str(event.originator_id),
                "party_org_id": str(event.party_org_id),
                "from_on": event.on.isoformat(),
                "to_on": None,
            },
        )
        _touch(view, "cov_companies", event, open_link=view.position)

    @handles(PropertyCompany, "PartyOrgUnlinked")
    def property_company_party_org_unlinked(self, event: Any, view: View) -> None:
        company = view.get("cov_companies", str(event.originator_id))
        assert company is not None and company["open_link"] is not None
        view.update("cov_org_links", company["open_link"], to_on=event.on.isoformat())
        _touch(view, "cov_companies", event, open_link=None)

    @handles(OwnersCommittee, "PartyOrgLinked")
    def owners_committee_party_org_linked(self, event: Any, view: View) -> None:
        view.insert(
            "cov_committee_links",
            {
                "position": view.position,
                "committee_id": str(event.originator_id),
                "party_org_id": str(event.party_org_id),
                "from_on": event.on.isoformat(),
                "to_on": None,
            },
        )
        view.put("cov_committees", {"id": str(event.originator_id), "open_link": view.position})

    @handles(OwnersCommittee, "PartyOrgUnlinked")
    def owners_committee_party_org_unlinked(self, event: Any, view: View) -> None:
        committee = view.get("cov_committees", str(event.originator_id))
        assert committee is not None and committee["open_link"] is not None
        view.update("cov_committee_links", committee["open_link"], to_on=event.on.isoformat())
        view.update("cov_committees", committee["id"], open_link=None)

    @handles(Instructor, "Registered")
    def instructor_registered(self, event: Any, view: View) -> None:
        view.insert(
            "cov_instructors",
            {
                "id": str(event.originator_id),
                "code": event.code,
                "name": event.name,
                "open_post": None,
                "version": event.originator_version,
            },
        )

    @handles(Instructor, "Dispatched")
    def instructor_dispatched(self, event: Any, view: View) -> None:
        view.insert(
            "cov_instructor_posts",
            {
                "position": view.position,
                "instructor_id": str(event.originator_id),
                "target_kind": event.target_kind,
                "target_id": str(event.target_id),
                "from_on": event.on.isoformat(),
                "to_on": None,
            },
        )
        _touch(view, "cov_instructors", event, open_post=view.position)

    @handles(Instructor, "Recalled")
    def instructor_recalled(self, event: Any, view: View) -> None:
        instructor = view.get("cov_instructors", str(event.originator_id))
        assert instructor is not None and instructor["open_post"] is not None
        view.update("cov_instructor_posts", instructor["open_post"], to_on=event.on.isoformat())
        _touch(view, "cov_instructors", event, open_post=None)


def _touch(view: View, table: str, event: Any, **changes: Any) -> None:
    view.update(table, str(event.originator_id), version=event.originator_version, **changes)


# -- queries ------------------------------------------------------------------------------


def _in_force(table: Any, day: str) -> Any:
    return select(table).where(in_force_on(table.c.from_on, table.c.to_on, day))


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def coverage_as_of(conn: Connection, day: date) -> dict[str, Any]:
    """Dual coverage on `day` for the district and for each street."""
    d = day.isoformat()
    companies = {
        r.id: r.street_id
        for r in conn.execute(select(cov_companies).where(cov_companies.c.registered_on <= d))
    }
    with_org = {r.company_id for r in conn.execute(_in_force(cov_org_links, d))}
    posts = list(conn.execute(_in_force(cov_instructor_posts, d)))
    with_instructor = {p.target_id for p in posts if p.target_kind == "property_company"}
    streets: dict[str | None, dict[str, Any]] = {}
    for company_id, street_id in companies.items():
        figures = streets.setdefault(street_id, _empty())
        figures["companies"] += 1
        figures["with_party_org"] += company_id in with_org
        figures["with_org_or_instructor"] += company_id in with_org or company_id in with_instructor
    for post in posts:
        street_id = (
            companies.get(post.target_id) if post.target_kind == "property_company" else None
        )
        streets.setdefault(street_id, _empty())["instructors_in_post"] += 1
    district = _empty()
    for figures in streets.values():
        for key in district:
            district[key] += figures[key]
    return {
        "as_of": d,
        "owners_committees": _committee_coverage(conn, d, posts),
        "district": _with_rates(district),
        "streets": [
            {"street_id": street_id, **_with_rates(figures)}
            for street_id, figures in sorted(streets.items(), key=lambda kv: kv[0] or "")
        ],
    }


def _committee_coverage(conn: Connection, d: str, posts: list[Any]) -> dict[str, Any]:
    """业委会党的组织和工作覆盖: of the owners' committees in office on D, those with a party
    org (organisational), and with a party org or an instructor posted to them (work)."""
    t = owners_committees
    in_office = {
        r.id
        for r in conn.execute(
            select(t.c.id).where(
                t.c.term_ends >= d, in_force_on(t.c.term_starts, t.c.dissolved_on, d)
            )
        )
    }
    with_org = {r.committee_id for r in conn.execute(_in_force(cov_committee_links, d))} & in_office
    with_instructor = {p.target_id for p in posts if p.target_kind == "owners_committee"}
    worked = with_org | (with_instructor & in_office)
    return {
        "committees": len(in_office),
        "with_party_org": len(with_org),
        "with_org_or_instructor": len(worked),
        "organisational_coverage_pct": _share(len(with_org), len(in_office)),
        "work_coverage_pct": _share(len(worked), len(in_office)),
    }


def _empty() -> dict[str, int]:
    return {
        "companies": 0,
        "with_party_org": 0,
        "with_org_or_instructor": 0,
        "instructors_in_post": 0,
    }


def _with_rates(figures: dict[str, int]) -> dict[str, Any]:
    return {
        **figures,
        "organisational_coverage_pct": _share(figures["with_party_org"], figures["companies"]),
        "work_coverage_pct": _share(figures["with_org_or_instructor"], figures["companies"]),
    }


def list_instructors(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(cov_instructors).order_by(cov_instructors.c.code))
    return [dict(r._mapping) for r in rows]


def get_instructor(conn: Connection, instructor_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(cov_instructors).where(cov_instructors.c.id == instructor_id)).first()
    return dict(row._mapping) if row else None


def instructor_post(conn: Connection, instructor_id: str) -> dict[str, Any] | None:
    """The instructor's id with the target of the post it holds (target_kind and target_id
    None when not in post); None for an unknown instructor."""
    i, p = cov_instructors, cov_instructor_posts
    stmt = (
        select(i.c.id, p.c.target_kind, p.c.target_id)
        .select_from(i.outerjoin(p, p.c.position == i.c.open_post))
        .where(i.c.id == instructor_id)
    )
    row = conn.execute(stmt).first()
    return dict(row._mapping) if row else None


def list_companies(conn: Connection, *, street_id: str | None = None) -> list[dict[str, Any]]:
    stmt = select(cov_companies).order_by(cov_companies.c.name)
    if street_id:
        stmt = stmt.where(cov_companies.c.street_id == street_id)
    return [_company(r) for r in conn.execute(stmt)]


def get_company(conn: Connection, company_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(cov_companies).where(cov_companies.c.id == company_id)).first()
    return _company(row) if row else None


def company_names(conn: Connection, company_ids: set[str]) -> dict[str, str]:
    """id -> name of the companies among `company_ids` that are registered."""
    if not company_ids:
        return {}
    stmt = select(cov_companies.c.id, cov_companies.c.name)
    rows = conn.execute(stmt.where(cov_companies.c.id.in_(company_ids)))
    return {row.id: row.name for row in rows}


def _company(row: Any) -> dict[str, Any]:
    return {**dict(row._mapping), "has_party_org": row.open_link is not None}
