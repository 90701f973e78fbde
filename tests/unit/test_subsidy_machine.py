"""Stateful property test: entitlements paid from budgets. Every command either does what a
small reference model says or is refused for the model's reason; the money balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import uuid4

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import DomainError, InvalidTransition, NotPermitted, RuleViolation
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import YEARLY, Due
from tests.unit.machines import MACHINE_SETTINGS

AMOUNTS = (300_000, 200_000, 100_000)  # three entitlements
START = 500_000  # each budget: the first two empty it exactly; all three overdraw it
WHO = st.sampled_from(["manager", "officer", ""])
WHICH = st.integers(0, len(AMOUNTS) - 1)
DAY = st.integers(-2, 2)  # days from a reference date
CODES = st.sampled_from(["paid_twice", "dissolved", "bogus"])
NEXT = {"raised": "submit", "submitted": "approve", "approved": "disburse",
        "disbursed": "reverse", "reversed": "recover"}  # fmt: skip
Refusal = tuple[type[DomainError], str] | None


@dataclass
class Claim:
    amount: int
    status: str = "raised"
    applicant: str | None = None
    paid_on: date | None = None
    reversed_on: date | None = None
    budget: str | None = None  # "2020" or "2021"


def needs(claim: Claim, status: str, words: str) -> Refusal:
    if claim.status != status:
        return InvalidTransition, f"cannot {words} an entitlement that is {claim.status} "
    return None


class SubsidyLedger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        holder = uuid4()
        self.budgets = {
            year: SubsidyBudget.allocate(
                holder_id=holder, holder_kind="street", year=int(year), amount_fen=START
            )  # fmt: skip
            for year in ("2020", "2021")
        }
        self.entitlements = [
            SubsidyEntitlement.raise_for(
                branch_id=uuid4(),
                kind=YEARLY,
                year=2020,
                due=Due(a, "yearly", 1),
                street_id=holder,
                company_ids=[],
                raised_on=date(2020, 1, 1),
            )  # fmt: skip
            for a in AMOUNTS
        ]
        self.claims = [Claim(a) for a in AMOUNTS]
        self.available = {"2020": START, "2021": START}
        self.allocated = {"2020": START, "2021": START}
        self.flows: dict[str, list[int]] = {"2020": [], "2021": []}  # + in, - out
        self.collect()

    def collect(self) -> list[str]:
        names = []
        for aggregate in (*self.entitlements, *self.budgets.values()):
            for e in aggregate.collect_events():
                names.append(type(e).__name__)
                if hasattr(e, "amount_fen") and isinstance(aggregate, SubsidyBudget):
                    sign = -1 if type(e).__name__ == "Drawn" else 1
                    self.flows[str(aggregate.year)].append(sign * e.amount_fen)
        return sorted(names)

    def attempt(self, refusal: Refusal, act: object, events: list[str]) -> bool:
        if refusal:
            with pytest.raises(refusal[0], match=refusal[1]):
                act()  # type: ignore[operator]
            assert self.collect() == []
            return False
        act()  # type: ignore[operator]
        assert self.collect() == sorted(events)
        return True

    @rule(i=WHICH, who=WHO)
    def submit(self, i: int, who: str) -> None:
        claim = self.claims[i]
        refusal = needs(claim, "raised", "submit an application for") or (
            (RuleViolation, "applicant_id must not be empty") if not who else None
        )
        if self.attempt(refusal, lambda: self.entitlements[i].submit(who),
                        ["ApplicationSubmitted"]):  # fmt: skip
            claim.status, claim.applicant = "submitted", who

    def decide(self, i: int, who: str, words: str) -> Refusal:
        claim = self.claims[i]
        return needs(claim, "submitted", words) or (
            (NotPermitted, "maker-checker") if not who or who == claim.applicant else None
        )

    @rule(i=WHICH, who=WHO)
    def approve(self, i: int, who: str) -> None:
        if self.attempt(self.decide(i, who, "approve"),
                        lambda: self.entitlements[i].approve(who), ["Approved"]):  # fmt: skip
            self.claims[i].status = "approved"

    @rule(i=WHICH, who=WHO)
    def reject(self, i: int, who: str) -> None:
        if self.attempt(self.decide(i, who, "reject"),
                        lambda: self.entitlements[i].reject(who, "incomplete"),
                        ["Rejected"]):  # fmt: skip
            self.claims[i].status = "rejected"

    @rule(i=WHICH, year=st.sampled_from(["2020", "2021"]), last_day=st.booleans())
    def disburse(self, i: int, year: str, last_day: bool) -> None:
        claim = self.claims[i]
        paid_on = date(2020, 12, 31) if last_day else date(2020, 6, 1)
        refusal = needs(claim, "approved", "disburse")
        if not refusal and year != "2020":
            refusal = RuleViolation, f"paid on {paid_on}, but the budget is for {year}"
        if not refusal and claim.amount > self.available[year]:
            refusal = RuleViolation, "may not overdraw it"
        budget = self.budgets[year]
        act = lambda: self.entitlements[i].disburse(budget, "P", paid_on)  # noqa: E731
        if self.attempt(refusal, act, ["Disbursed", "Drawn"]):
            claim.status, claim.paid_on, claim.budget = "disbursed", paid_on, year
            self.available[year] -= claim.amount

    @rule(i=WHICH, code=CODES, days=DAY)
    def reverse(self, i: int, code: str, days: int) -> None:
        claim = self.claims[i]
        on = (claim.paid_on or date(2020, 6, 1)) + timedelta(days=days)
        if claim.status in ("reversed", "recovered"):
            refusal: Refusal = InvalidTransition, "already reversed"
        else:
            refusal = needs(claim, "disbursed", "reverse")
        if not refusal and code == "bogus":
            refusal = RuleViolation, "reason_code is one of"
        if not refusal and claim.paid_on and on < claim.paid_on:
            refusal = RuleViolation, "a reversal cannot precede the payment"
        act = lambda: self.entitlements[i].reverse(code, "why", on)  # noqa: E731
        if self.attempt(refusal, act, ["Reversed"]):
            claim.status, claim.reversed_on = "reversed", on

    @rule(i=WHICH, year=st.sampled_from(["2020", "2021"]), days=DAY)
    def recover(self, i: int, year: str, days: int) -> None:
        claim = self.claims[i]
        on = (claim.reversed_on or date(2020, 6, 1)) + timedelta(days=days)
        refusal = needs(claim, "reversed", "record the repayment of")
        if not refusal and year != claim.budget:
            refusal = RuleViolation, "the repayment goes back to the paying budget"
        if not refusal and claim.reversed_on and on < claim.reversed_on:
            refusal = RuleViolation, "a repayment cannot precede the reversal"
        act = lambda: self.entitlements[i].recover(self.budgets[year], "R", on)  # noqa: E731
        if self.attempt(refusal, act, ["ClawbackRecovered", "Returned"]):
            claim.status = "recovered"
            self.available[year] += claim.amount

    @rule(year=st.sampled_from(["2020", "2021"]), fen=st.sampled_from([-1, 0, 1, 100_000]))
    def top_up(self, year: str, fen: int) -> None:
        refusal = (RuleViolation, "amount_fen must be positive") if fen <= 0 else None
        if self.attempt(refusal, lambda: self.budgets[year].top_up(fen), ["ToppedUp"]):
            self.available[year] += fen
            self.allocated[year] += fen

    @rule(who=WHO, year=st.sampled_from(["2020", "2020", "2021"]), last_day=st.booleans(),
          code=CODES, days=DAY)  # fmt: skip
    def advance(self, who: str, year: str, last_day: bool, code: str, days: int) -> None:
        """For each claim, the command its status calls for, with drawn arguments (runs
        reach payment and clawback, and meet each of their rules)."""
        for i, claim in enumerate(self.claims):
            step = NEXT.get(claim.status)
            if step == "submit":
                self.submit(i, who or "manager")
            elif step == "approve":
                self.approve(i, who)
            elif step == "disburse":
                self.disburse(i, year, last_day)
            elif step == "reverse":
                self.reverse(i, code, days)
            elif step == "recover":
                self.recover(i, year if days < 0 else claim.budget or "2020", days)

    @invariant()
    def matches_the_model(self) -> None:
        for claim, entitlement in zip(self.claims, self.entitlements, strict=True):
            assert entitlement.status == claim.status
            assert entitlement.paid_on == claim.paid_on
            assert entitlement.reversed_on == claim.reversed_on
        for year, budget in self.budgets.items():
            assert budget.available_fen == self.available[year] >= 0
            assert budget.allocated_fen == self.allocated[year]

    @invariant()
    def the_money_balances(self) -> None:
        for year, budget in self.budgets.items():
            out = sum(c.amount for c in self.claims
                      if c.budget == year and c.status in ("disbursed", "reversed"))  # fmt: skip
            assert budget.available_fen == budget.allocated_fen - out
            assert sum(self.flows[year]) == budget.available_fen


SubsidyLedger.TestCase.settings = MACHINE_SETTINGS
test_subsidy_ledger_against_the_model = SubsidyLedger.TestCase
