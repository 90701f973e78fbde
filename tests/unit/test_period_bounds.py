"""An assessment period's year is bounded: a key such as 9999 or 0000 is a refusal, never a
date overflow (no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.assessment_period import parse_period
from domain.errors import RuleViolation


@pytest.mark.parametrize("key", ["0000", "0000-01", "1899Q4", "2101", "9999", "9999-12", "9999Q4"])
def test_a_period_outside_1900_to_2100_is_refused(key: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_period(key)
    assert caught.value.field == "period"


def test_the_last_period_ends_after_2100() -> None:
    assert parse_period("2100Q4") == ("quarter", date(2100, 10, 1), date(2101, 1, 1))
    assert parse_period("1900")[1] == date(1900, 1, 1)
