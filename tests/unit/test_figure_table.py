"""The README lists every figure's definition (issue 17, point 2): each figure of
`domain.figures` and each assessment indicator has a row with its name, Chinese name and
the version in force, and the issue rates say what population they count."""

from __future__ import annotations

import re
from pathlib import Path

from domain.figures import FIGURES, ISSUE_RATES, RETIRED
from domain.indicators import INDICATORS

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<code>\w+)` \| (?P<zh>[^|]+) \| (?P<formula>[^|]+) \| (?P<v>\d+) \|$")


def table() -> dict[str, dict[str, str]]:
    rows = (ROW.match(line) for line in README.read_text(encoding="utf-8").splitlines())
    return {m["code"]: m.groupdict() for m in rows if m}


def test_every_figure_and_indicator_has_a_row_with_its_version() -> None:
    rows = table()
    for figure in FIGURES.values():
        assert rows[figure.code]["v"] == str(figure.version), figure.code
        assert figure.label in rows[figure.code]["zh"], figure.code
    for indicator in INDICATORS.values():
        assert rows[indicator.code]["v"] == str(indicator.version), indicator.code
        assert indicator.label.split("(")[0] in rows[indicator.code]["zh"], indicator.code


def test_the_issue_rates_count_the_issues_reported_in_the_period() -> None:
    rows = table()
    for code, figure in ISSUE_RATES.items():
        assert "issues of the period" in rows[code]["formula"]
        assert "reported in the period" in figure.formula
        assert INDICATORS[code].definition == figure.formula
        assert f"{code}@{figure.version - 1}" in RETIRED  # the version it replaced is named
