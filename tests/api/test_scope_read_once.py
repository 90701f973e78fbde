"""A route that checks a unit's kind and then the caller's scope over it reads the unit's
place (kind and ancestry) from the closure once per request (issue 14: the cost of a rename), and a later request
reads it again (a move in between counts)."""

from __future__ import annotations

from typing import Any

import pytest

from projections import org_closure


def test_a_rename_reads_the_ancestry_once(
    client: Any, auth: Any, tree: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Any] = []
    place = org_closure.place

    def counted(conn: Any, unit_id: Any) -> Any:
        reads.append(unit_id)
        return place(conn, unit_id)

    monkeypatch.setattr(org_closure, "place", counted)
    officer = auth("street_officer", scope=tree["street"])
    for name in ("一号", "二号"):
        response = client.patch(
            f"/api/v1/org-units/{tree['community']}", json={"name": name}, headers=officer
        )
        assert response.status_code == 200, response.json
    assert [str(unit) for unit in reads] == [tree["community"]] * 2  # once per request
    outside = auth("street_officer", scope=tree["other_street"])
    refused = client.patch(
        f"/api/v1/org-units/{tree['community']}", json={"name": "三号"}, headers=outside
    )
    assert refused.status_code == 403
