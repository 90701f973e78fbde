"""SLA deadlines in Asia/Shanghai business time, rule precedence, versions as of a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import RuleViolation
from domain.sla import DEFAULT_RULES, SHANGHAI, SlaPolicy, deadline

T0 = datetime(2020, 3, 1, 10, 0, tzinfo=SHANGHAI)


def test_deadlines_under_a_day_add_minutes_longer_ones_end_at_local_midnight() -> None:
    assert deadline(T0, 5) == datetime(2020, 3, 1, 10, 5, tzinfo=SHANGHAI)
    assert deadline(T0, 3 * 24 * 60) == datetime(2020, 3, 5, 0, 0, tzinfo=SHANGHAI)
    # 2020-03-01 01:00 UTC is 09:00 in Shanghai: the same local day counts
    utc_start = datetime(2020, 3, 1, 1, 0, tzinfo=UTC)
    assert deadline(utc_start, 24 * 60) == datetime(2020, 3, 3, 0, 0, tzinfo=SHANGHAI)


def test_most_specific_rule_wins_and_5651_is_rapid() -> None:
    policy = SlaPolicy.define("default", DEFAULT_RULES, T0)
    assert policy.due("accept", T0, "noise", "normal") == datetime(
        2020, 3, 1, 10, 5, tzinfo=SHANGHAI
    )
    assert policy.allowance(T0, "heating", "normal")[1]["accept_minutes"] == 120  # type: ignore[index]
    assert policy.allowance(T0, "repairs", "urgent")[1]["accept_minutes"] == 30  # type: ignore[index]
    assert policy.allowance(T0, "repairs", "normal")[1]["accept_minutes"] == 240  # type: ignore[index]


def test_revisions_apply_from_their_date_only() -> None:
    policy = SlaPolicy.define("default", DEFAULT_RULES, T0)
    later = datetime(2021, 1, 1, tzinfo=SHANGHAI)
    strict = [{"category": "*", "priority": "*", "accept_minutes": 60, "handle_minutes": 600,
               "feedback_minutes": 600}]  # fmt: skip
    policy.revise(strict, later)
    assert policy.allowance(T0, "repairs", "normal")[0] == 1  # type: ignore[index]
    assert policy.allowance(later, "repairs", "normal") == (2, {**strict[0]})
    assert policy.allowance(datetime(2019, 1, 1, tzinfo=SHANGHAI), "repairs", "normal") is None
    with pytest.raises(
        RuleViolation, match=r"a revision cannot take effect before the version it replaces"
    ):
        policy.revise(strict, T0)


@pytest.mark.parametrize(
    ("rules", "rule"),
    [
        ([], "a policy needs at least one rule"),
        ([{"category": "weather", "priority": "*", "accept_minutes": 1, "handle_minutes": 1,
           "feedback_minutes": 1}], "unknown category 'weather'"),
        ([{"category": "heating", "priority": "*", "accept_minutes": 1, "handle_minutes": 1,
           "feedback_minutes": 1}], r"a policy needs a catch-all rule \(category \*, priority \*\)"),
        ([{"category": "*", "priority": "*", "accept_minutes": 0, "handle_minutes": 1,
           "feedback_minutes": 1}], "accept_minutes must be 1..129600 minutes"),
    ],
)  # fmt: skip
def test_bad_rules_are_refused(rules: list, rule: str) -> None:
    with pytest.raises(RuleViolation, match=rule) as caught:
        SlaPolicy.define("default", rules, T0)
    assert caught.value.field == "rules"
