"""Eligibility by founding method (no I/O): the seed's default, settings by date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import NotEligibleForSubsidy, RuleViolation
from domain.subsidy_policy import (
    DEFAULT_ELIGIBLE_METHODS,
    Eligibility,
    PolicySettings,
    SubsidyPolicy,
    check_eligible,
    eligible_methods_on,
)


def _policy() -> SubsidyPolicy:
    return SubsidyPolicy.configure(
        PolicySettings(date(2019, 1, 1), date(2019, 1, 1), 500_000, 300_000)
    )


def test_the_default_is_newly_founded_company_branches() -> None:
    assert DEFAULT_ELIGIBLE_METHODS == ("standalone", "joint")
    for method in ("standalone", "joint"):
        check_eligible([], method, date(2020, 1, 1))
    with pytest.raises(NotEligibleForSubsidy) as refused:
        check_eligible([], "affiliated", date(2020, 1, 1))
    assert refused.value.field == "branch_id"


def test_a_setting_applies_from_its_date_and_changes_go_forward() -> None:
    policy = _policy()
    policy.set_eligibility(Eligibility(date(2021, 1, 1), ("standalone", "joint", "affiliated")))
    assert eligible_methods_on(policy.eligibility, date(2020, 12, 31)) == DEFAULT_ELIGIBLE_METHODS
    check_eligible(policy.eligibility, "affiliated", date(2021, 1, 1))
    with pytest.raises(RuleViolation) as backwards:
        policy.set_eligibility(Eligibility(date(2020, 6, 1), ("standalone",)))
    assert backwards.value.field == "effective_from"
    policy.set_eligibility(Eligibility(date(2022, 1, 1), ("standalone",)))
    with pytest.raises(NotEligibleForSubsidy):
        check_eligible(policy.eligibility, "joint", date(2022, 3, 1))


@pytest.mark.parametrize("methods", [(), ("cell",), ("joint", "joint")])
def test_bad_methods_are_refused(methods: tuple[str, ...]) -> None:
    policy = _policy()
    with pytest.raises(RuleViolation) as refused:
        policy.set_eligibility(Eligibility(date(2021, 1, 1), methods))
    assert refused.value.field == "methods" and policy.eligibility == []
