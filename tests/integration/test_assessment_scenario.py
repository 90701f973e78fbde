"""The demo publishes quarterly rankings for 2020-2021 under the versioned scheme."""

from __future__ import annotations

from typing import Any

import pytest

from projections import assessment_queries as q
from scenarios.assessment import QUARTERS
from scenarios.tianqiao import load_tianqiao


def test_demo_publishes_quarterly_rankings(system: Any, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the scenario is the same on both backends; one load keeps the suite fast")
    load_tianqiao(system.app)
    system.catch_up()
    with system.read_engine.connect() as conn:
        periods = q.list_periods(conn)
        assert [p["key"] for p in periods] == QUARTERS
        assert {p["state"] for p in periods} == {"published"}
        versions = {}
        for period in periods:
            rev = q.published_revision(conn, period["id"])
            versions[period["key"]] = rev["scheme_version"]
            ranking = q.ranking(conn, period["id"], rev["revision"], "community")
            assert [r["rank"] for r in ranking][0] == 1 and len(ranking) == 18
        assert versions["2020Q4"] == 1 and versions["2021Q1"] == 2
