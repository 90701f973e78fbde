"""Property-based: random sequences of valid and invalid commands keep the trial balance
at zero, never overdraw a budget and never pay an entitlement twice (both backends). Each
command is applied or refused exactly as a small model of the workflow says."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from domain.errors import (
    AlreadyExists,
    DomainError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    RuleViolation,
)
from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_commands import (
    AllocateSubsidyBudget,
    ApproveSubsidy,
    DisburseSubsidy,
    RaiseSubsidyEntitlement,
    RecoverSubsidyClawback,
    RejectSubsidy,
    ReverseSubsidy,
    SubmitSubsidyApplication,
    TopUpSubsidyBudget,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP, YEARLY
from projections import subsidy_reports as reports
from projections.subsidy_ledger import subsidy_budgets, subsidy_postings
from tests.support.subsidies import found_branch, setup_district

_counter = itertools.count()

STEP = st.tuples(
    st.sampled_from(
        ["advance"] * 14
        + ["raise", "submit", "approve", "self_approve", "reject", "disburse", "reverse"]
        + ["recover", "top_up"]
    ),
    st.integers(0, 3),  # which entitlement: (branch 0/1) x (startup/yearly)
    st.sampled_from([100_000, 300_000, 0, -500, 299_999, 1]),  # fen
)


NEXT = {"raised": "submit", "submitted": "approve", "approved": "disburse"}
NEXT.update({"disbursed": "reverse", "reversed": "recover"})


NEEDS = {"submit": "raised", "approve": "submitted", "self_approve": "submitted",
         "reject": "submitted", "disburse": "approved", "reverse": "disbursed",
         "recover": "reversed"}  # fmt: skip
WORDS = {"submit": "submit an application for", "approve": "approve", "self_approve": "approve",
         "reject": "reject", "disburse": "disburse", "reverse": "reverse",
         "recover": "record the repayment of"}  # fmt: skip
BAD_AMOUNTS = {0: "amount_fen must be positive", -500: "amount_fen must be positive"}
NEVER_PAID = ("raised", "submitted", "approved", "rejected")
Refusal = tuple[type[DomainError], str] | None


@dataclass
class Model:
    """What each command should do: the status of each entitlement and the money left."""

    available_fen: int
    status: dict[str, str] = field(default_factory=dict)

    def refusal(self, op: str, key: str, amount: int, due_fen: int) -> Refusal:
        status = self.status.get(key)
        if op == "top_up":
            return (RuleViolation, BAD_AMOUNTS[amount]) if amount in BAD_AMOUNTS else None
        if op == "raise":
            return (AlreadyExists, "already exists") if status else None
        if status is None:
            return NotFound, "no .* with id"
        if op == "recover" and status in NEVER_PAID:
            return RuleViolation, "this entitlement was never paid"
        if op == "reverse" and status in ("reversed", "recovered"):
            return InvalidTransition, "this entitlement was already reversed"
        if status != NEEDS[op]:
            return InvalidTransition, f"cannot {WORDS[op]} an entitlement that is {status} "
        if op == "self_approve":
            return NotPermitted, "maker-checker"
        if op == "disburse" and due_fen > self.available_fen:
            return RuleViolation, "may not overdraw"
        return None

    def apply(self, op: str, key: str, amount: int, due_fen: int) -> None:
        after = {"raise": "raised", "submit": "submitted", "approve": "approved",
                 "reject": "rejected", "disburse": "disbursed", "reverse": "reversed",
                 "recover": "recovered"}  # fmt: skip
        if op == "top_up":
            self.available_fen += amount
            return
        self.status[key] = after[op]
        if op == "disburse":
            self.available_fen -= due_fen
        elif op == "recover":
            self.available_fen += due_fen


def _run(app: Any, step: tuple[str, int, int], ids: dict[str, Any], model: Model) -> None:
    op, target, amount = step
    branch = ids["branches"][target // 2]
    kind = (STARTUP, YEARLY)[target % 2]
    entitlement = SubsidyEntitlement.create_id(branch, kind, 2020)
    key = f"{target}"
    if op == "advance":  # the next step of the workflow (may still be refused: budget)
        op = NEXT.get(model.status.get(key, ""), "raise")
    due_fen = app.load(SubsidyEntitlement, entitlement).amount_fen if key in model.status else 0
    expected = model.refusal(op, key, amount, due_fen)
    actor = "manager" if op in ("submit", "self_approve") else "officer"
    with command_context(actor_id=actor, role="street_officer"):
        if expected is None:
            _command(app, op, branch, kind, entitlement, amount, ids)
            model.apply(op, key, amount, due_fen)
            return
        with pytest.raises(expected[0], match=expected[1]):
            _command(app, op, branch, kind, entitlement, amount, ids)


def _command(
    app: Any, op: str, branch: Any, kind: str, entitlement: Any, amount: int, ids: dict
) -> None:
    if op == "raise":
        app.handle(RaiseSubsidyEntitlement(branch_id=branch, kind=kind, year=2020))
    elif op == "submit":
        app.handle(SubmitSubsidyApplication(entitlement))
    elif op in ("approve", "self_approve"):
        app.handle(ApproveSubsidy(entitlement))
    elif op == "reject":
        app.handle(RejectSubsidy(entitlement, reason="incomplete"))
    elif op == "disburse":
        app.handle(
            DisburseSubsidy(
                entitlement,
                payment_reference="P",
                paid_on=date(2020, 6, 1),
                budget_id=ids["budget"],
            )
        )
    elif op == "reverse":
        app.handle(
            ReverseSubsidy(
                entitlement, reason_code="paid_twice", reason="dup", reversed_on=date(2020, 7, 1)
            )
        )
    elif op == "recover":
        app.handle(
            RecoverSubsidyClawback(entitlement, reference="R", recovered_on=date(2020, 8, 1))
        )
    else:
        app.handle(TopUpSubsidyBudget(ids["budget"], amount))


def test_random_commands_keep_the_ledger_sound(system: Any) -> None:
    app = system.app
    base = setup_district(app)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        budget=st.sampled_from([300_000, 500_000, 800_000, 50]),  # fen
        steps=st.lists(STEP, min_size=8, max_size=24),
    )
    def check(budget: int, steps: list[tuple[str, int, int]]) -> None:
        n = next(_counter)
        with command_context(actor_id="admin", role="district_admin"):
            street = app.handle(
                RegisterOrgUnit(
                    kind="street", code=f"P{n}", name=f"街道{n}", parent_id=base["district"]
                )
            ).id
            app.handle(AllocateSubsidyBudget(holder_id=street, year=2020, amount_fen=budget))
        ids = {
            "budget": SubsidyBudget.create_id(street, 2020),
            "branches": [
                found_branch(app, f"P{n}B{i}", date(2020, 2, 1), street) for i in range(2)
            ],
        }
        model = Model(available_fen=budget)
        for step in steps:  # each applied, or refused for the reason the model gives
            _run(app, step, ids, model)
        system.catch_up()
        with system.read_engine.connect() as conn:
            trial = reports.trial_balance(conn)
            assert trial["net_fen"] == 0
            assert trial["total_debit_fen"] == trial["total_credit_fen"]
            lowest = conn.execute(select(func.min(subsidy_budgets.c.available_fen))).scalar_one()
            assert lowest >= 0
            paid = conn.execute(
                select(subsidy_postings.c.entitlement_id, func.count())
                .where(subsidy_postings.c.event_type == "SubsidyEntitlement.Disbursed")
                .group_by(subsidy_postings.c.entitlement_id)
            ).all()
            assert all(count == 1 for _, count in paid)
            budget_balance = {b["account"]: b["balance_fen"] for b in reports.balances(conn)}
            row = (
                conn.execute(
                    select(subsidy_budgets).where(subsidy_budgets.c.id == str(ids["budget"]))
                )
                .mappings()
                .one()
            )
            assert budget_balance[f"budget:{street}"] == row["available_fen"]
            assert app.load(SubsidyBudget, ids["budget"]).available_fen == row["available_fen"]
            assert row["available_fen"] == model.available_fen

    check()
