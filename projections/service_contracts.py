"""Read model of service contracts: which company serves which compound, from when to when,
and how the contract closed (ended on its date, or terminated early with a reason)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from domain.metadata import occurred_at
from domain.property_companies import PropertyCompany
from projections.base import Projection, handles
from projections.read_scope import EVERYTHING, ReadScope, within
from projections.view import View

metadata = MetaData()

service_contracts = Table(
    "service_contracts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("company_id", String(36), nullable=False, index=True),
    Column("compound_id", String(36), nullable=False, index=True),
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10)),
    Column("closed_on", String(10)),
    Column("closed_how", String(12)),  # ended | terminated
    Column("reason", String(500)),
    Column("signed_at", String(40), nullable=False),
    Column("position", BigInteger, nullable=False),
)

# A contract is part of its company's record: its entity tag is the company's version,
# which If-Match on ending it checks.
contract_companies = Table(
    "contract_companies",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
)


class ServiceContractsProjection(Projection):
    name = "service_contracts"
    metadata = metadata

    @handles(
        PropertyCompany,
        "Registered",
        "Renamed",
        "BrandAwarded",
        "BrandRevoked",
        "PartyOrgLinked",
        "PartyOrgUnlinked",
    )
    def property_company_changed(self, event: Any, view: View) -> None:
        """Events with no contract in them still move the contracts' version (their ETag)."""
        _company_at(view, event)

    @handles(PropertyCompany, "ContractSigned")
    def property_company_contract_signed(self, event: Any, view: View) -> None:
        _company_at(view, event)
        view.insert(
            "service_contracts",
            {
                "id": str(event.contract_id),
                "company_id": str(event.originator_id),
                "compound_id": str(event.compound_id),
                "starts_on": event.starts_on.isoformat(),
                "ends_on": event.ends_on.isoformat() if event.ends_on else None,
                "closed_on": None,
                "closed_how": None,
                "reason": None,
                "signed_at": occurred_at(event).isoformat(),
                "position": view.position,
            },
        )

    @handles(PropertyCompany, "ContractEnded")
    def property_company_contract_ended(self, event: Any, view: View) -> None:
        _close(view, event, "ended", None)

    @handles(PropertyCompany, "ContractTerminated")
    def property_company_contract_terminated(self, event: Any, view: View) -> None:
        _close(view, event, "terminated", event.reason)


def _company_at(view: View, event: Any) -> None:
    view.put(
        "contract_companies",
        {"id": str(event.originator_id), "version": event.originator_version},
    )


def _close(view: View, event: Any, how: str, reason: str | None) -> None:
    _company_at(view, event)
    view.update(
        "service_contracts",
        str(event.contract_id),
        closed_on=event.on.isoformat(),
        closed_how=how,
        reason=reason,
        position=view.position,
    )


def readable(scope: ReadScope) -> Any:
    """The contracts the scope covers: on a compound in its unit, or of its company."""
    t = service_contracts.c
    return within(scope, units=(t.compound_id,), company=t.company_id)


def list_contracts(
    conn: Connection,
    company_id: str,
    *,
    page: int,
    per_page: int,
    scope: ReadScope = EVERYTHING,
) -> tuple[list[dict[str, Any]], int]:
    """A company's contracts the scope covers, oldest start first, and how many there are."""
    t = service_contracts.c
    stmt = _with_version().where(t.company_id == company_id, readable(scope))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    ordered = stmt.order_by(t.starts_on, t.id).limit(per_page).offset((page - 1) * per_page)
    return [dict(row._mapping) for row in conn.execute(ordered)], total


def get_contract(
    conn: Connection, company_id: str, contract_id: str, scope: ReadScope = EVERYTHING
) -> dict[str, Any] | None:
    t = service_contracts.c
    query = _with_version().where(t.id == contract_id, t.company_id == company_id, readable(scope))
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def _with_version() -> Any:
    """Contracts with their company's version (None until `contract_companies` holds the
    company, as after an upgrade not yet rebuilt: the contract is still read, without ETag)."""
    t, company = service_contracts, contract_companies
    return select(t, company.c.version).outerjoin(company, company.c.id == t.c.company_id)
