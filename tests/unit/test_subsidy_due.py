"""Which entitlements each event makes due (domain/subsidy_due.py), from events alone."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from domain.subsidy_due import DueEntitlement, DueState, entitlements_due
from domain.subsidy_policy import STARTUP, YEARLY, Eligibility, PolicySettings, SubsidyPolicy
from tests.support.company_branches import company_branch

SETTINGS = PolicySettings(
    effective_from=date(2019, 1, 1),
    start_date=date(2019, 1, 1),
    startup_fund_fen=500_000,
    yearly_subsidy_fen=300_000,
)


def _feed(state: DueState, *aggregates: Any) -> list[DueEntitlement]:
    due: list[DueEntitlement] = []
    for aggregate in aggregates:
        for event in aggregate.collect_events():
            due += entitlements_due(state, event)
    return due


def _branch(code: str, founded_on: date) -> Any:
    return company_branch(code, f"company-{code}", founded_on, street_id=uuid4())


def test_a_founding_makes_the_start_up_fund_and_the_open_years_due() -> None:
    state = DueState()
    policy = SubsidyPolicy.configure(SETTINGS)
    policy.open_year(2020)
    policy.open_year(2021)
    assert _feed(state, policy) == []
    branch = _branch("B1", date(2021, 3, 1))
    assert _feed(state, branch) == [
        DueEntitlement(branch.id, STARTUP, None),
        DueEntitlement(branch.id, YEARLY, 2021),  # not active in 2020
    ]


def test_an_opened_year_is_due_to_the_branches_active_in_it() -> None:
    state = DueState()
    policy = SubsidyPolicy.configure(SETTINGS)
    early, late, gone = (
        _branch(c, d)
        for c, d in [("E", date(2019, 5, 1)), ("L", date(2021, 2, 1)), ("G", date(2019, 1, 1))]
    )
    _feed(state, policy, early, late, gone)
    gone.dissolve(date(2019, 12, 31), reason="closed", companies=[])
    _feed(state, gone)
    policy.open_year(2020)
    assert _feed(state, policy) == [DueEntitlement(early.id, YEARLY, 2020)]


def test_a_merged_branch_ends_like_a_dissolved_one() -> None:
    state = DueState()
    policy = SubsidyPolicy.configure(SETTINGS)
    a, b = _branch("A", date(2020, 1, 1)), _branch("B", date(2020, 1, 1))
    _feed(state, policy, a, b)
    b.merge_into(a, date(2020, 9, 1), companies=[])
    _feed(state, a, b)
    policy.open_year(2020)
    policy.open_year(2021)
    assert _feed(state, policy) == [
        DueEntitlement(a.id, YEARLY, 2020),
        DueEntitlement(b.id, YEARLY, 2020),
        DueEntitlement(a.id, YEARLY, 2021),
    ]


def test_policy_and_eligibility_settings_revisit_every_known_branch() -> None:
    state = DueState()
    policy = SubsidyPolicy.configure(SETTINGS)
    policy.open_year(2020)
    a, b = _branch("A", date(2019, 6, 1)), _branch("B", date(2021, 1, 1))
    _feed(state, policy, a, b)
    policy.change(SETTINGS)
    assert _feed(state, policy) == [
        DueEntitlement(a.id, STARTUP, None),
        DueEntitlement(b.id, STARTUP, None),
    ]
    policy.set_eligibility(Eligibility(date(2019, 1, 1), ("standalone", "joint", "affiliated")))
    assert _feed(state, policy) == [
        DueEntitlement(a.id, STARTUP, None),
        DueEntitlement(a.id, YEARLY, 2020),
        DueEntitlement(b.id, STARTUP, None),
    ]


def test_other_events_make_nothing_due_and_an_unknown_end_is_ignored() -> None:
    state = DueState()
    stranger = _branch("S", date(2020, 1, 1))
    stranger.collect_events()  # its founding was never seen
    stranger.dissolve(date(2020, 6, 1), reason="closed", companies=[])
    assert _feed(state, stranger) == []
    assert state.branches == {}
    assert entitlements_due(state, object()) == []
