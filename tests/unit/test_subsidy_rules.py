"""R11 subsidy rules and aggregates, without I/O."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.errors import InvalidTransition, NotPermitted, RuleViolation
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import (
    MAX_FEN,
    STARTUP,
    YEARLY,
    PolicySettings,
    SubsidyPolicy,
    check_fen,
    fen_to_yuan,
    months_active,
    startup_fund_due,
    yearly_subsidy_due,
)

POLICY = PolicySettings(date(2019, 1, 1), date(2019, 1, 1), 500_000, 300_000, version=1)


@pytest.mark.parametrize("fen", [1, 500_000, MAX_FEN])
def test_whole_positive_fen_up_to_the_maximum_are_amounts(fen: int) -> None:
    assert check_fen(fen) == fen


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        (0, "amount_fen must be positive"),
        (-1, "amount_fen must be positive"),
        (MAX_FEN + 1, "amount_fen is too large"),
        (12.5, "amount_fen must be a whole number of fen"),
        (5.0, "amount_fen must be a whole number of fen"),
        (True, "amount_fen must be a whole number of fen"),
        ("500", "amount_fen must be a whole number of fen"),
        (Decimal("5"), "amount_fen must be a whole number of fen"),
    ],
)
def test_bad_amounts_are_rule_violations(bad: object, rule: str) -> None:
    with pytest.raises(RuleViolation, match=rule) as refused:
        check_fen(bad)  # type: ignore[arg-type]
    assert refused.value.field == "amount_fen"


def test_fen_to_yuan() -> None:
    assert [fen_to_yuan(f) for f in (500_000, 1, -250, 0)] == ["5000.00", "0.01", "-2.50", "0.00"]


def test_startup_fund_only_from_the_start_date() -> None:
    assert startup_fund_due([POLICY], date(2019, 1, 1)).amount_fen == 500_000
    with pytest.raises(RuleViolation, match=r"no subsidy policy was in force on 2018-12-31"):
        startup_fund_due([POLICY], date(2018, 12, 31))


def test_a_later_change_applies_only_from_its_date() -> None:
    raised = PolicySettings(date(2021, 1, 1), date(2019, 1, 1), 600_000, 400_000, version=2)
    history = [POLICY, raised]
    assert startup_fund_due(history, date(2020, 6, 1)).amount_fen == 500_000
    assert startup_fund_due(history, date(2021, 6, 1)).amount_fen == 600_000
    assert yearly_subsidy_due(history, 2020, date(2019, 5, 1), None).amount_fen == 300_000
    assert yearly_subsidy_due(history, 2021, date(2019, 5, 1), None).policy_version == 2


def test_yearly_subsidy_needs_an_active_branch_and_pro_rates_only_if_set() -> None:
    assert months_active(2020, date(2020, 7, 15), None) == 6
    assert months_active(2021, date(2020, 7, 15), date(2021, 2, 1)) == 2
    assert months_active(2022, date(2020, 7, 15), date(2021, 2, 1)) == 0
    assert yearly_subsidy_due([POLICY], 2020, date(2020, 7, 15), None).amount_fen == 300_000
    monthly = PolicySettings(date(2019, 1, 1), date(2019, 1, 1), 500_000, 300_000, "monthly", 1)
    assert yearly_subsidy_due([monthly], 2020, date(2020, 7, 15), None).amount_fen == 150_000
    with pytest.raises(RuleViolation, match=r"the branch was not active in 2022"):
        yearly_subsidy_due([POLICY], 2022, date(2020, 7, 15), date(2021, 2, 1))


def test_policy_aggregate_records_settings_and_years() -> None:
    policy = SubsidyPolicy.configure(POLICY)
    policy.change(PolicySettings(date(2021, 1, 1), date(2019, 1, 1), 600_000, 300_000))
    policy.open_year(2020)
    assert [s.version for s in policy.history] == [1, 2] and policy.open_years == [2020]
    with pytest.raises(RuleViolation, match=r"2020 is already open"):
        policy.open_year(2020)
    with pytest.raises(
        RuleViolation, match=r"a change takes effect on or after the latest one \(2021-01-01\)"
    ):
        policy.change(PolicySettings(date(2020, 1, 1), date(2019, 1, 1), 1, 1))
    with pytest.raises(RuleViolation, match=r"startup_fund must be positive"):
        SubsidyPolicy.configure(PolicySettings(date(2020, 1, 1), date(2019, 1, 1), 0, 1))


def _entitlement(amount: int = 300_000) -> SubsidyEntitlement:
    due = yearly_subsidy_due([POLICY], 2020, date(2019, 5, 1), None)
    return SubsidyEntitlement.raise_for(
        branch_id=uuid4(),
        kind=YEARLY,
        year=2020,
        due=due,
        street_id=None,
        company_ids=["c1"],
        raised_on=date(2020, 1, 1),
    )


def _budget(fen: int) -> SubsidyBudget:
    return SubsidyBudget.allocate(
        holder_id=uuid4(), holder_kind="street", year=2020, amount_fen=fen
    )


def test_workflow_with_maker_checker_and_budget() -> None:
    entitlement, budget = _entitlement(), _budget(400_000)
    with pytest.raises(
        InvalidTransition, match=r"cannot disburse an entitlement that is raised \(needs approved\)"
    ):
        entitlement.disburse(budget, "P-1", date(2020, 3, 1))  # not approved
    entitlement.submit("manager-1")
    with pytest.raises(
        NotPermitted, match=r"the approver may not be the applicant \(maker-checker\)"
    ):
        entitlement.approve("manager-1")
    entitlement.approve("officer-1")
    entitlement.disburse(budget, "P-1", date(2020, 3, 1))
    assert budget.available_fen == 100_000
    entitlement.reverse("paid_twice", "paid by mistake", date(2020, 4, 1))
    with pytest.raises(InvalidTransition, match=r"this entitlement was already reversed"):
        entitlement.reverse("paid_twice", "again", date(2020, 4, 2))
    entitlement.recover(budget, "R-1", date(2020, 5, 1))
    assert budget.available_fen == 400_000 and entitlement.status == "recovered"


def test_a_disbursement_may_not_overdraw_the_budget() -> None:
    entitlement, budget = _entitlement(), _budget(299_999)
    entitlement.submit("m")
    entitlement.approve("o")
    with pytest.raises(
        RuleViolation, match=r"the budget has 299999 fen available, 300000 requested"
    ) as refused:
        entitlement.disburse(budget, "P-1", date(2020, 3, 1))
    assert refused.value.field == "budget_id" and budget.available_fen == 299_999
    assert entitlement.status == "approved"


def test_deterministic_ids() -> None:
    branch = uuid4()
    assert SubsidyEntitlement.create_id(branch, STARTUP) == SubsidyEntitlement.create_id(
        branch, STARTUP, 2020
    )
    assert SubsidyEntitlement.create_id(branch, YEARLY, 2020) != SubsidyEntitlement.create_id(
        branch, YEARLY, 2021
    )
