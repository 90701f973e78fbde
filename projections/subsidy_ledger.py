"""R11/R24 the subsidy ledger: a double-entry journal built from the log.

Accounts (one per holder or branch):
  appropriation:<holder>        funds appropriated to the district / a street (credit side)
  budget:<holder>               what the holder can still pay out (never negative)
  entitlements:<branch>         subsidy expense recognised for the branch
  payable:<branch>              entitlements raised but not yet paid
  clawback_receivable:<branch>  money a branch owes back after a reversal

Postings (debit / credit):
  budget allocated, topped up   budget:H              / appropriation:H
  entitlement raised            entitlements:B        / payable:B
  application rejected          payable:B             / entitlements:B
  disbursed                     payable:B             / budget:H
  reversed (clawback)           clawback_receivable:B / entitlements:B
  clawback recovered            budget:H              / clawback_receivable:B

Each posting names the event that caused it (log position, aggregate id and version);
its chain hash is joined at query time (see `subsidy_reports.journal`). The period of a
posting is the calendar year of its business date; `subsidy_year` is the budget's or the
entitlement's year. Balances are sums over the postings (see `subsidy_reports`), so
there is no running total that could drift from the lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

from domain.metadata import occurred_at
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import SubsidyEntitlement
from projections.base import Projection, handles
from projections.view import View

metadata = MetaData()

subsidy_postings = Table(
    "subsidy_postings",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("leg", Integer, primary_key=True),
    Column("entry_date", String(10), nullable=False),
    Column("period", Integer, nullable=False),
    Column("subsidy_year", Integer, nullable=False),
    Column("event_type", String(60), nullable=False),
    Column("debit_account", String(80), nullable=False),
    Column("credit_account", String(80), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("branch_id", String(36)),
    Column("street_id", String(36)),
    Column("entitlement_id", String(36)),
    Column("budget_id", String(36)),
    Column("aggregate_id", String(36), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Index("ix_subsidy_postings_branch", "branch_id"),
    Index("ix_subsidy_postings_debit", "debit_account"),
    Index("ix_subsidy_postings_credit", "credit_account"),
)

subsidy_entitlements = Table(
    "subsidy_entitlements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("branch_id", String(36), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("year", Integer, nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("basis", String(200), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("street_id", String(36), index=True),
    Column("company_ids", Text, nullable=False),  # comma-separated, every company of the branch
    Column("status", String(16), nullable=False, index=True),
    Column("raised_on", String(10), nullable=False),
    Column("applicant_id", String(100)),
    Column("approver_id", String(100)),
    Column("decision_note", String(500)),
    Column("budget_id", String(36)),
    Column("payment_reference", String(100)),
    Column("paid_on", String(10)),
    Column("reversal_reason_code", String(20)),
    Column("reversal_reason", String(500)),
    Column("reversed_on", String(10)),
    Column("recovered_on", String(10)),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)

subsidy_budgets = Table(
    "subsidy_budgets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("holder_id", String(36), nullable=False, index=True),
    Column("holder_kind", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("allocated_fen", BigInteger, nullable=False),
    Column("drawn_fen", BigInteger, nullable=False),
    Column("returned_fen", BigInteger, nullable=False),
    Column("available_fen", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)


_EMPTY_ENTITLEMENT: dict[str, Any] = {c.name: None for c in subsidy_entitlements.columns}


class SubsidyLedgerProjection(Projection):
    name = "subsidy_ledger"
    metadata = metadata

    # -- budgets --------------------------------------------------------------------------

    @handles(SubsidyBudget, "Allocated")
    def subsidy_budget_allocated(self, event: Any, view: View) -> None:
        budget_id = str(event.originator_id)
        view.insert(
            "subsidy_budgets",
            {
                "id": budget_id,
                "holder_id": str(event.holder_id),
                "holder_kind": event.holder_kind,
                "year": event.year,
                "allocated_fen": event.amount_fen,
                "drawn_fen": 0,
                "returned_fen": 0,
                "available_fen": event.amount_fen,
                "version": event.originator_version,
                "position": view.position,
            },
        )
        _post_allocation(view, event, budget_id, str(event.holder_id), event.year)

    @handles(SubsidyBudget, "ToppedUp")
    def subsidy_budget_topped_up(self, event: Any, view: View) -> None:
        row = _budget(view, event)
        row["allocated_fen"] += event.amount_fen
        row["available_fen"] += event.amount_fen
        _post_allocation(view, event, row["id"], row["holder_id"], row["year"])

    @handles(SubsidyBudget, "Drawn")
    def subsidy_budget_drawn(self, event: Any, view: View) -> None:
        row = _budget(view, event)
        row["drawn_fen"] += event.amount_fen
        row["available_fen"] -= event.amount_fen

    @handles(SubsidyBudget, "Returned")
    def subsidy_budget_returned(self, event: Any, view: View) -> None:
        row = _budget(view, event)
        row["returned_fen"] += event.amount_fen
        row["available_fen"] += event.amount_fen

    # -- entitlements ---------------------------------------------------------------------

    @handles(SubsidyEntitlement, "Raised")
    def subsidy_entitlement_raised(self, event: Any, view: View) -> None:
        row = {
            **_EMPTY_ENTITLEMENT,
            "id": str(event.originator_id),
            "branch_id": str(event.branch_id),
            "kind": event.kind,
            "year": event.year,
            "amount_fen": event.amount_fen,
            "basis": event.basis[:200],
            "policy_version": event.policy_version,
            "street_id": None if event.street_id is None else str(event.street_id),
            "company_ids": ",".join(event.company_ids),
            "status": "raised",
            "raised_on": event.raised_on.isoformat(),
        }
        _stamp(row, event, view)
        view.insert("subsidy_entitlements", row)
        _post(view, event, row, "entitlements", "payable", event.raised_on)

    @handles(SubsidyEntitlement, "ApplicationSubmitted")
    def subsidy_entitlement_application_submitted(self, event: Any, view: View) -> None:
        _entitlement(view, event, status="submitted", applicant_id=event.applicant_id)

    @handles(SubsidyEntitlement, "Approved")
    def subsidy_entitlement_approved(self, event: Any, view: View) -> None:
        _entitlement(
            view, event, status="approved", approver_id=event.approver_id, decision_note=event.note
        )

    @handles(SubsidyEntitlement, "Rejected")
    def subsidy_entitlement_rejected(self, event: Any, view: View) -> None:
        row = _entitlement(
            view,
            event,
            status="rejected",
            approver_id=event.approver_id,
            decision_note=event.reason,
        )
        _post(view, event, row, "payable", "entitlements", _business_date(event))

    @handles(SubsidyEntitlement, "Disbursed")
    def subsidy_entitlement_disbursed(self, event: Any, view: View) -> None:
        row = _entitlement(
            view,
            event,
            status="disbursed",
            budget_id=str(event.budget_id),
            payment_reference=event.payment_reference,
            paid_on=event.paid_on.isoformat(),
        )
        _post(view, event, row, "payable", f"budget:{event.holder_id}", event.paid_on)

    @handles(SubsidyEntitlement, "Reversed")
    def subsidy_entitlement_reversed(self, event: Any, view: View) -> None:
        row = _entitlement(
            view,
            event,
            status="reversed",
            reversal_reason_code=event.reason_code,
            reversal_reason=event.reason,
            reversed_on=event.reversed_on.isoformat(),
        )
        _post(view, event, row, "clawback_receivable", "entitlements", event.reversed_on)

    @handles(SubsidyEntitlement, "ClawbackRecovered")
    def subsidy_entitlement_clawback_recovered(self, event: Any, view: View) -> None:
        row = _entitlement(
            view, event, status="recovered", recovered_on=event.recovered_on.isoformat()
        )
        debit = f"budget:{event.holder_id}"
        _post(view, event, row, debit, "clawback_receivable", event.recovered_on)


# -- helpers ------------------------------------------------------------------------------


def _stamp(row: dict[str, Any], event: Any, view: View) -> dict[str, Any]:
    row["version"] = event.originator_version
    row["position"] = view.position
    return row


def _budget(view: View, event: Any) -> dict[str, Any]:
    row = view.get("subsidy_budgets", str(event.originator_id))
    if row is None:
        raise LookupError(f"subsidy budget {event.originator_id} not found (events out of order?)")
    view.put("subsidy_budgets", _stamp(row, event, view))
    return row


def _entitlement(view: View, event: Any, **changes: Any) -> dict[str, Any]:
    return view.update(
        "subsidy_entitlements",
        str(event.originator_id),
        version=event.originator_version,
        position=view.position,
        **changes,
    )


def _business_date(event: Any) -> date:
    return occurred_at(event).date()


def _account(name: str, branch_id: str) -> str:
    return name if ":" in name else f"{name}:{branch_id}"


def _post(view: View, event: Any, row: dict[str, Any], debit: str, credit: str, on: date) -> None:
    """One posting caused by an entitlement event (accounts without ':' are per branch)."""
    _write(
        view,
        event,
        on,
        subsidy_year=row["year"],
        debit_account=_account(debit, row["branch_id"]),
        credit_account=_account(credit, row["branch_id"]),
        amount_fen=row["amount_fen"],
        branch_id=row["branch_id"],
        street_id=row["street_id"],
        entitlement_id=row["id"],
        budget_id=row["budget_id"],
        aggregate_id=row["id"],
    )


def _post_allocation(view: View, event: Any, budget_id: str, holder_id: str, year: int) -> None:
    _write(
        view,
        event,
        _business_date(event),
        subsidy_year=year,
        debit_account=f"budget:{holder_id}",
        credit_account=f"appropriation:{holder_id}",
        amount_fen=event.amount_fen,
        branch_id=None,
        street_id=None,
        entitlement_id=None,
        budget_id=budget_id,
        aggregate_id=budget_id,
    )


def _write(view: View, event: Any, on: date, **posting: Any) -> None:
    view.add(
        "subsidy_postings",
        {
            "position": view.position,
            "leg": 1,
            "entry_date": on.isoformat(),
            "period": on.year,
            "event_type": type(event).__qualname__,
            "aggregate_version": event.originator_version,
            **posting,
        },
    )
