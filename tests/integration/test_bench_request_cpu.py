"""The request-CPU benchmark answers every request it times (a refused request fails the
row instead of being timed) and prints one GET row and one rename row per database."""

from __future__ import annotations

import pytest

from bench import request_cpu


def test_the_rows_time_answered_requests_on_sqlite() -> None:
    rows = request_cpu.measure("sqlite", calls=5, rounds=2)
    assert [row.benchmark for row in rows] == [
        "request CPU in-process: GET one org unit",
        "request CPU in-process: PATCH rename",
    ]
    assert all(row.ours and row.peer and row.ours > 0 and row.peer > 0 for row in rows)


def test_a_refused_request_fails_the_row() -> None:
    class Refused:
        status_code = 404

        def get_data(self, as_text: bool) -> str:
            return '{"title": "not found"}'

    with pytest.raises(AssertionError, match="404"):
        request_cpu.expect(200, Refused())
