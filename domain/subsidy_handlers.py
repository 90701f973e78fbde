"""Handlers of the subsidy ledger's commands, and the write-side queries they share."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from domain.base import LedgerAggregate
from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.handling import HandlerTable
from domain.metadata import current_meta
from domain.org_registry import OrgUnit
from domain.subsidy_branches import BranchFacts, community_of, facts_of
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_commands import (
    AllocateSubsidyBudget,
    ApproveSubsidy,
    DisburseSubsidy,
    OpenSubsidyYear,
    RaiseSubsidyEntitlement,
    RecoverSubsidyClawback,
    RejectSubsidy,
    ReverseSubsidy,
    SetSubsidyEligibility,
    SetSubsidyPolicy,
    SubmitSubsidyApplication,
    TopUpSubsidyBudget,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import (
    STARTUP,
    YEARLY,
    Eligibility,
    PolicySettings,
    SubsidyPolicy,
    check_eligible,
    check_fen,
    check_year,
    startup_fund_due,
    yearly_subsidy_due,
)

# -- policy -------------------------------------------------------------------------------


def set_subsidy_policy(app: CommandApplication, command: SetSubsidyPolicy) -> CommandResult:
    settings = PolicySettings(
        effective_from=command.effective_from,
        start_date=command.start_date,
        startup_fund_fen=check_fen(command.startup_fund_fen, "startup_fund_fen"),
        yearly_subsidy_fen=check_fen(command.yearly_subsidy_fen, "yearly_subsidy_fen"),
        pro_rating=command.pro_rating,
    )
    policy_id = SubsidyPolicy.create_id()
    if policy_id in app.repository:
        policy = app.load(SubsidyPolicy, policy_id)
        policy.change(settings)
    else:
        policy = SubsidyPolicy.configure(settings)
    return app.commit(policy)


def set_subsidy_eligibility(
    app: CommandApplication, command: SetSubsidyEligibility
) -> CommandResult:
    policy = subsidy_policy(app)
    policy.set_eligibility(Eligibility(command.effective_from, tuple(command.methods)))
    return app.commit(policy)


def open_subsidy_year(app: CommandApplication, command: OpenSubsidyYear) -> CommandResult:
    policy = subsidy_policy(app)
    policy.open_year(command.year)
    return app.commit(policy)


# -- budgets ------------------------------------------------------------------------------


def allocate_subsidy_budget(
    app: CommandApplication, command: AllocateSubsidyBudget
) -> CommandResult:
    holder = app.load_reference(OrgUnit, command.holder_id, "holder_id")
    year = command.year
    app.ensure_new(
        SubsidyBudget, SubsidyBudget.create_id(command.holder_id, year), f"the {year} budget"
    )
    budget = SubsidyBudget.allocate(
        holder_id=holder.id,
        holder_kind=holder.kind,
        year=year,
        amount_fen=command.amount_fen,
        note=command.note,
    )
    return app.commit(budget)


def top_up_subsidy_budget(app: CommandApplication, command: TopUpSubsidyBudget) -> CommandResult:
    budget = app.load(SubsidyBudget, command.budget_id)
    budget.top_up(command.amount_fen, command.note)
    return app.commit(budget)


# -- entitlements -------------------------------------------------------------------------


def raise_subsidy_entitlement(
    app: CommandApplication, command: RaiseSubsidyEntitlement
) -> CommandResult:
    branch_id, kind, year = command.branch_id, command.kind, command.year
    branch = branch_facts(app, branch_id)
    policy = subsidy_policy(app)
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
    app.ensure_new(SubsidyEntitlement, entitlement_id, f"{what} of branch {branch_id}")
    entitlement = SubsidyEntitlement.raise_for(
        branch_id=branch.id,
        kind=kind,
        year=year,
        due=due,
        street_id=branch.street_id,
        company_ids=branch.company_ids,
        raised_on=raised_on,
    )
    return app.commit(entitlement)


def submit_subsidy_application(
    app: CommandApplication, command: SubmitSubsidyApplication
) -> CommandResult:
    entitlement = app.load(SubsidyEntitlement, command.entitlement_id)
    entitlement.submit(command.applicant_id or _actor(), command.note)
    return app.commit(entitlement)


def approve_subsidy(app: CommandApplication, command: ApproveSubsidy) -> CommandResult:
    entitlement = app.load(SubsidyEntitlement, command.entitlement_id)
    entitlement.approve(command.approver_id or _actor(), command.note)
    return app.commit(entitlement)


def reject_subsidy(app: CommandApplication, command: RejectSubsidy) -> CommandResult:
    entitlement = app.load(SubsidyEntitlement, command.entitlement_id)
    entitlement.reject(command.approver_id or _actor(), command.reason)
    return app.commit(entitlement)


def disburse_subsidy(app: CommandApplication, command: DisburseSubsidy) -> CommandResult:
    entitlement = app.load(SubsidyEntitlement, command.entitlement_id)
    budget_id = command.budget_id
    if budget_id is None:
        budget_id = default_budget_id(app, entitlement, command.paid_on.year)
    budget = app.load_reference(SubsidyBudget, budget_id, "budget_id")
    entitlement.disburse(budget, command.payment_reference, command.paid_on)
    return app.commit(entitlement, budget)


def reverse_subsidy(app: CommandApplication, command: ReverseSubsidy) -> CommandResult:
    entitlement = app.load(SubsidyEntitlement, command.entitlement_id)
    entitlement.reverse(command.reason_code, command.reason, command.reversed_on)
    return app.commit(entitlement)


def recover_subsidy_clawback(
    app: CommandApplication, command: RecoverSubsidyClawback
) -> CommandResult:
    entitlement = app.load(SubsidyEntitlement, command.entitlement_id)
    if entitlement.budget_id is None:
        raise RuleViolation("this entitlement was never paid", field="entitlement_id")
    budget = app.load(SubsidyBudget, entitlement.budget_id)
    entitlement.recover(budget, command.reference, command.recovered_on)
    return app.commit(entitlement, budget)


HANDLERS: HandlerTable = {
    SetSubsidyPolicy: set_subsidy_policy,
    SetSubsidyEligibility: set_subsidy_eligibility,
    OpenSubsidyYear: open_subsidy_year,
    AllocateSubsidyBudget: allocate_subsidy_budget,
    TopUpSubsidyBudget: top_up_subsidy_budget,
    RaiseSubsidyEntitlement: raise_subsidy_entitlement,
    SubmitSubsidyApplication: submit_subsidy_application,
    ApproveSubsidy: approve_subsidy,
    RejectSubsidy: reject_subsidy,
    DisburseSubsidy: disburse_subsidy,
    ReverseSubsidy: reverse_subsidy,
    RecoverSubsidyClawback: recover_subsidy_clawback,
}

# -- write-side queries (no events) -------------------------------------------------------


def subsidy_policy(app: CommandApplication) -> SubsidyPolicy:
    return app.load_reference(SubsidyPolicy, SubsidyPolicy.create_id(), "policy")


def default_budget_id(app: CommandApplication, entitlement: SubsidyEntitlement, year: int) -> UUID:
    """The branch's street budget for the year if it can pay, else the district's."""
    if entitlement.street_id is None:
        raise RuleViolation("name the budget to pay from", field="budget_id")
    street_budget = SubsidyBudget.create_id(entitlement.street_id, year)
    if street_budget in app.repository:
        budget = app.load(SubsidyBudget, street_budget)
        if budget.available_fen >= entitlement.amount_fen:
            return street_budget
    street = app.load(OrgUnit, entitlement.street_id)
    if street.parent_id is None:
        raise RuleViolation("name the budget to pay from", field="budget_id")
    return SubsidyBudget.create_id(street.parent_id, year)


def branch_facts(app: CommandApplication, branch_id: UUID) -> BranchFacts:
    org = app.load_reference(LedgerAggregate, branch_id, "branch_id")
    facts = facts_of(org)
    community_id = community_of(org)
    if facts.street_id is None and community_id is not None:
        community = app.load(OrgUnit, community_id)
        return replace(facts, street_id=community.parent_id)
    return facts


def _actor() -> str:
    return str(current_meta()["actor_id"])
