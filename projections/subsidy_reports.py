"""Questions the subsidy ledger answers: journal (with each line's event hash), balances,
trial balance, per-branch statement, per-street summary and the yearly report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    LargeBinary,
    MetaData,
    Table,
    case,
    func,
    inspect,
    literal,
    select,
    union_all,
)

from projections.org_registry import org_units
from projections.read_scope import EVERYTHING, ReadScope, within
from projections.subsidy_ledger import subsidy_budgets, subsidy_entitlements, subsidy_postings

P = subsidy_postings
E = subsidy_entitlements

RAISED = "SubsidyEntitlement.Raised"
REJECTED = "SubsidyEntitlement.Rejected"
DISBURSED = "SubsidyEntitlement.Disbursed"
REVERSED = "SubsidyEntitlement.Reversed"
RECOVERED = "SubsidyEntitlement.ClawbackRecovered"


def _chain(conn: Connection, chain_table: str | None) -> Table | None:
    """The event store's chain table, if it lives in this database (else hashes are null)."""
    if not chain_table or not inspect(conn).has_table(chain_table):
        return None
    return Table(
        chain_table,
        MetaData(),
        Column("position", BigInteger, primary_key=True),
        Column("hash", LargeBinary),
    )


def journal(
    conn: Connection,
    *,
    chain_table: str | None = None,
    page: int = 1,
    per_page: int | None = None,
    scope: ReadScope = EVERYTHING,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    """Journal lines in log order (those the scope covers); each with the hash of the event
    that caused it."""
    chain = _chain(conn, chain_table)
    hash_col = chain.c.hash if chain is not None else literal(None).label("hash")
    stmt = select(P, hash_col.label("event_hash")).where(ledger_readable(scope))
    if chain is not None:
        stmt = stmt.select_from(P.outerjoin(chain, chain.c.position == P.c.position))
    for column, value in filters.items():
        if value is None:
            continue
        if column == "account":
            stmt = stmt.where((P.c.debit_account == value) | (P.c.credit_account == value))
        else:
            stmt = stmt.where(
                P.c[column] == str(value) if column.endswith("_id") else P.c[column] == value
            )
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    stmt = stmt.order_by(P.c.position, P.c.leg)
    if per_page is not None:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    lines = []
    for row in conn.execute(stmt).mappings():
        line = dict(row)
        raw = line.pop("event_hash")
        line["event_hash"] = bytes(raw).hex() if raw is not None else None
        lines.append(line)
    return lines, total


def ledger_readable(scope: ReadScope) -> Any:
    """The postings the scope covers: those of branches in its streets, and those of the
    budgets held by units in it."""
    B = subsidy_budgets

    def held_budgets(subtree: Any) -> Any:
        return P.c.budget_id.in_(select(B.c.id).where(B.c.holder_id.in_(subtree)))

    return within(scope, units=(P.c.street_id, held_budgets))


def balances(
    conn: Connection,
    *,
    period: int | None = None,
    cumulative: bool = False,
    scope: ReadScope = EVERYTHING,
) -> list[dict[str, Any]]:
    """Debit, credit and balance (debit − credit) per account, summed from the postings the
    scope covers: for one period (year), up to and including it (`cumulative`), or over all
    periods."""
    where = [ledger_readable(scope)]
    if period is not None:
        where.append(P.c.period <= period if cumulative else P.c.period == period)
    sides = union_all(
        select(
            P.c.debit_account.label("account"),
            P.c.amount_fen.label("debit_fen"),
            literal(0).label("credit_fen"),
        ).where(*where),
        select(
            P.c.credit_account.label("account"),
            literal(0).label("debit_fen"),
            P.c.amount_fen.label("credit_fen"),
        ).where(*where),
    ).subquery()
    stmt = (
        select(
            sides.c.account,
            func.sum(sides.c.debit_fen).label("debit_fen"),
            func.sum(sides.c.credit_fen).label("credit_fen"),
        )
        .group_by(sides.c.account)
        .order_by(sides.c.account)
    )
    rows = []
    for row in conn.execute(stmt):
        debit, credit = int(row.debit_fen), int(row.credit_fen)
        rows.append(
            {
                "account": row.account,
                "account_type": row.account.split(":", 1)[0],
                "debit_fen": debit,
                "credit_fen": credit,
                "balance_fen": debit - credit,
            }
        )
    return rows


def trial_balance(
    conn: Connection, *, period: int | None = None, scope: ReadScope = EVERYTHING
) -> dict[str, Any]:
    accounts = balances(conn, period=period, scope=scope)
    return {
        "period": period,
        "accounts": accounts,
        "total_debit_fen": sum(a["debit_fen"] for a in accounts),
        "total_credit_fen": sum(a["credit_fen"] for a in accounts),
        "net_fen": sum(a["balance_fen"] for a in accounts),
    }


def _amounts() -> list[Any]:
    """Due, paid, outstanding, clawed back and recovered, summed from the postings."""

    def total(*types: str, sign: int = 1) -> Any:
        return func.coalesce(
            func.sum(case((P.c.event_type.in_(types), P.c.amount_fen * sign), else_=0)), 0
        )

    due = total(RAISED) - total(REJECTED)
    paid = total(DISBURSED)
    return [
        due.label("due_fen"),
        paid.label("paid_fen"),
        (due - paid).label("outstanding_fen"),
        total(REVERSED).label("clawed_back_fen"),
        total(RECOVERED).label("recovered_fen"),
    ]


def _ints(row: Any) -> dict[str, Any]:
    return {k: int(v) if k.endswith("_fen") else v for k, v in dict(row._mapping).items()}


def yearly_report(conn: Connection, scope: ReadScope = EVERYTHING) -> list[dict[str, Any]]:
    """Per subsidy year and kind: what was due, paid, outstanding and clawed back (of the
    postings the scope covers)."""
    stmt = (
        select(
            P.c.subsidy_year.label("year"),
            E.c.kind,
            func.count(func.distinct(E.c.id)).label("entitlements"),
            *_amounts(),
        )
        .select_from(P.join(E, E.c.id == P.c.entitlement_id))
        .where(ledger_readable(scope))
        .group_by(P.c.subsidy_year, E.c.kind)
        .order_by(P.c.subsidy_year, E.c.kind)
    )
    return [_ints(r) for r in conn.execute(stmt)]


def street_summary(
    conn: Connection, *, year: int | None = None, scope: ReadScope = EVERYTHING
) -> list[dict[str, Any]]:
    """Per street in the scope (with its name from the org registry): branches, due, paid,
    outstanding and clawed back."""
    stmt = (
        select(
            P.c.street_id,
            func.max(org_units.c.name).label("street_name"),
            func.count(func.distinct(P.c.branch_id)).label("branches"),
            *_amounts(),
        )
        .select_from(P.outerjoin(org_units, org_units.c.id == P.c.street_id))
        .where(P.c.entitlement_id.is_not(None), ledger_readable(scope))
        .group_by(P.c.street_id)
        .order_by(P.c.street_id)
    )
    if year is not None:
        stmt = stmt.where(P.c.subsidy_year == year)
    return [_ints(r) for r in conn.execute(stmt)]


def branch_statement(
    conn: Connection, branch_id: str, *, chain_table: str | None = None
) -> dict[str, Any]:
    """A branch's entitlements, its journal lines and its totals."""
    entitlements = [
        dict(r)
        for r in conn.execute(
            select(E).where(E.c.branch_id == branch_id).order_by(E.c.year, E.c.kind)
        ).mappings()
    ]
    lines, _ = journal(conn, chain_table=chain_table, branch_id=branch_id)
    totals = conn.execute(select(*_amounts()).where(P.c.branch_id == branch_id)).first()
    return {
        "branch_id": branch_id,
        "entitlements": entitlements,
        "lines": lines,
        "totals": _ints(totals) if totals is not None else {},
    }


def entitlement_readable(scope: ReadScope) -> Any:
    """The entitlements the scope covers: of a branch in its street, or of its company."""
    return within(scope, units=(E.c.street_id,), companies_csv=E.c.company_ids)


def branch_readable(conn: Connection, branch_id: str, scope: ReadScope) -> bool:
    """Whether the scope covers the branch: all of them, or one of its entitlements."""
    if scope.everything:
        return True
    found = select(E.c.id).where(E.c.branch_id == branch_id, entitlement_readable(scope))
    return conn.execute(found.limit(1)).first() is not None


def list_entitlements(
    conn: Connection, *, page: int, per_page: int, scope: ReadScope = EVERYTHING, **filters: Any
) -> tuple[list[dict[str, Any]], int]:
    stmt = select(E).where(entitlement_readable(scope))
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(E.c[column] == (str(value) if column.endswith("_id") else value))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(
        stmt.order_by(E.c.year, E.c.branch_id, E.c.kind)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).mappings()
    return [dict(r) for r in rows], total


def get_entitlement(
    conn: Connection, entitlement_id: str, scope: ReadScope = EVERYTHING
) -> dict[str, Any] | None:
    query = select(E).where(E.c.id == entitlement_id, entitlement_readable(scope))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def get_budget(
    conn: Connection, budget_id: str, scope: ReadScope = EVERYTHING
) -> dict[str, Any] | None:
    B = subsidy_budgets
    found = conn.execute(
        select(B).where(B.c.id == budget_id, within(scope, units=(B.c.holder_id,)))
    )
    row = found.mappings().first()
    return dict(row) if row else None


def list_budgets(
    conn: Connection, *, year: int | None = None, scope: ReadScope = EVERYTHING
) -> list[dict[str, Any]]:
    """Budgets held by units in the scope."""
    B = subsidy_budgets
    stmt = select(B).where(within(scope, units=(B.c.holder_id,)))
    stmt = stmt.order_by(B.c.year, B.c.holder_kind, B.c.holder_id)
    if year is not None:
        stmt = stmt.where(B.c.year == year)
    return [dict(r) for r in conn.execute(stmt).mappings()]
