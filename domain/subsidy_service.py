"""Commands of the subsidy ledger (R11): policy, budgets, entitlements and their workflow."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.base import LedgerAggregate
from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.metadata import current_meta
from domain.org_registry import OrgUnit
from domain.subsidy_branches import BranchFacts, branch_facts, community_of
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import (
    STARTUP,
    YEARLY,
    Eligibility,
    PolicySettings,
    SubsidyPolicy,
    check_eligible,
    check_year,
    startup_fund_due,
    yearly_subsidy_due,
    yuan_to_fen,
)

Amount = Decimal | int | str


class SubsidyCommands(CommandApplication):
    # -- policy ---------------------------------------------------------------------------

    def set_subsidy_policy(
        self,
        *,
        effective_from: date,
        start_date: date,
        startup_fund: Amount,
        yearly_subsidy: Amount,
        pro_rating: str = "none",
    ) -> CommandResult:
        settings = PolicySettings(
            effective_from=effective_from,
            start_date=start_date,
            startup_fund_fen=yuan_to_fen(startup_fund, "startup_fund"),
            yearly_subsidy_fen=yuan_to_fen(yearly_subsidy, "yearly_subsidy"),
            pro_rating=pro_rating,
        )
        policy_id = SubsidyPolicy.create_id()
        if policy_id in self.repository:
            policy = self.load(SubsidyPolicy, policy_id)
            policy.change(settings)
        else:
            policy = SubsidyPolicy.configure(settings)
        return self.commit(policy)

    def set_subsidy_eligibility(self, *, effective_from: date, methods: list[str]) -> CommandResult:
        """Which founding methods are subsidised, from a date (default: standalone, joint)."""
        policy = self.subsidy_policy()
        policy.set_eligibility(Eligibility(effective_from, tuple(methods)))
        return self.commit(policy)

    def open_subsidy_year(self, year: int) -> CommandResult:
        policy = self.subsidy_policy()
        policy.open_year(year)
        return self.commit(policy)

    def subsidy_policy(self) -> SubsidyPolicy:
        return self.load_reference(SubsidyPolicy, SubsidyPolicy.create_id(), "policy")

    # -- budgets --------------------------------------------------------------------------

    def allocate_subsidy_budget(
        self, *, holder_id: UUID, year: int, amount: Amount, note: str = ""
    ) -> CommandResult:
        holder = self.load_reference(OrgUnit, holder_id, "holder_id")
        fen = yuan_to_fen(amount)
        self.ensure_new(
            SubsidyBudget, SubsidyBudget.create_id(holder_id, year), f"the {year} budget"
        )
        budget = SubsidyBudget.allocate(
            holder_id=holder.id, holder_kind=holder.kind, year=year, amount_fen=fen, note=note
        )
        return self.commit(budget)

    def top_up_subsidy_budget(
        self, budget_id: UUID, amount: Amount, note: str = ""
    ) -> CommandResult:
        budget = self.load(SubsidyBudget, budget_id)
        budget.top_up(yuan_to_fen(amount), note)
        return self.commit(budget)

    # -- entitlements ---------------------------------------------------------------------

    def raise_subsidy_entitlement(
        self, *, branch_id: UUID, kind: str, year: int | None = None
    ) -> CommandResult:
        branch = self.branch_facts(branch_id)
        policy = self.subsidy_policy()
        history = policy.history
        if kind == STARTUP:
            check_eligible(policy.eligibility, branch.method, branch.founded_on)
            due = startup_fund_due(history, branch.founded_on)
            year, raised_on = branch.founded_on.year, branch.founded_on
        elif kind == YEARLY:
            if year is None:
                raise RuleViolation("a yearly subsidy needs a year", field="year")
            check_year(year)
            raised_on = max(date(year, 1, 1), branch.founded_on)
            check_eligible(policy.eligibility, branch.method, raised_on)
            due = yearly_subsidy_due(history, year, branch.founded_on, branch.dissolved_on)
        else:
            raise RuleViolation(f"kind is one of {STARTUP}, {YEARLY}", field="kind")
        entitlement_id = SubsidyEntitlement.create_id(branch_id, kind, year)
        what = "the start-up fund" if kind == STARTUP else f"the {year} yearly subsidy"
        self.ensure_new(SubsidyEntitlement, entitlement_id, f"{what} of branch {branch_id}")
        entitlement = SubsidyEntitlement.raise_for(
            branch_id=branch.id,
            kind=kind,
            year=year,
            due=due,
            street_id=branch.street_id,
            company_ids=branch.company_ids,
            raised_on=raised_on,
        )
        return self.commit(entitlement)

    def submit_subsidy_application(
        self, entitlement_id: UUID, *, applicant_id: str | None = None, note: str = ""
    ) -> CommandResult:
        entitlement = self.load(SubsidyEntitlement, entitlement_id)
        entitlement.submit(applicant_id or _actor(), note)
        return self.commit(entitlement)

    def approve_subsidy(
        self, entitlement_id: UUID, *, approver_id: str | None = None, note: str = ""
    ) -> CommandResult:
        entitlement = self.load(SubsidyEntitlement, entitlement_id)
        entitlement.approve(approver_id or _actor(), note)
        return self.commit(entitlement)

    def reject_subsidy(
        self, entitlement_id: UUID, *, reason: str, approver_id: str | None = None
    ) -> CommandResult:
        entitlement = self.load(SubsidyEntitlement, entitlement_id)
        entitlement.reject(approver_id or _actor(), reason)
        return self.commit(entitlement)

    def disburse_subsidy(
        self,
        entitlement_id: UUID,
        *,
        payment_reference: str,
        paid_on: date,
        budget_id: UUID | None = None,
    ) -> CommandResult:
        entitlement = self.load(SubsidyEntitlement, entitlement_id)
        if budget_id is None:
            budget_id = self.default_budget_id(entitlement, paid_on.year)
        budget = self.load_reference(SubsidyBudget, budget_id, "budget_id")
        entitlement.disburse(budget, payment_reference, paid_on)
        return self.commit(entitlement, budget)

    def reverse_subsidy(
        self, entitlement_id: UUID, *, reason_code: str, reason: str, reversed_on: date
    ) -> CommandResult:
        entitlement = self.load(SubsidyEntitlement, entitlement_id)
        entitlement.reverse(reason_code, reason, reversed_on)
        return self.commit(entitlement)

    def recover_subsidy_clawback(
        self, entitlement_id: UUID, *, reference: str, recovered_on: date
    ) -> CommandResult:
        entitlement = self.load(SubsidyEntitlement, entitlement_id)
        if entitlement.budget_id is None:
            raise RuleViolation("this entitlement was never paid", field="entitlement_id")
        budget = self.load(SubsidyBudget, entitlement.budget_id)
        entitlement.recover(budget, reference, recovered_on)
        return self.commit(entitlement, budget)

    # -- helpers --------------------------------------------------------------------------

    def default_budget_id(self, entitlement: SubsidyEntitlement, year: int) -> UUID:
        """The branch's street budget for the year if it can pay, else the district's."""
        if entitlement.street_id is None:
            raise RuleViolation("name the budget to pay from", field="budget_id")
        street_budget = SubsidyBudget.create_id(entitlement.street_id, year)
        if street_budget in self.repository:
            budget = self.load(SubsidyBudget, street_budget)
            if budget.available_fen >= entitlement.amount_fen:
                return street_budget
        street = self.load(OrgUnit, entitlement.street_id)
        if street.parent_id is None:
            raise RuleViolation("name the budget to pay from", field="budget_id")
        return SubsidyBudget.create_id(street.parent_id, year)

    def branch_facts(self, branch_id: UUID) -> BranchFacts:
        org = self.load_reference(LedgerAggregate, branch_id, "branch_id")
        facts = branch_facts(org)
        community_id = community_of(org)
        if facts.street_id is None and community_id is not None:
            community = self.load(OrgUnit, community_id)
            return replace(facts, street_id=community.parent_id)
        return facts


def _actor() -> str:
    return str(current_meta()["actor_id"])
