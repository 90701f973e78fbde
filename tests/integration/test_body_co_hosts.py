"""A joint event's residents' committee or community party organisation is recorded as the
community's body in office that day, whether named by its id or by the community's id; a
co-host without a usable id is refused on `co_hosts` (issue 17 point 1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import RuleViolation
from domain.org_bodies_commands import DissolveOrgBody, EstablishOrgBody
from domain.party_activities_commands import HoldJointEvent
from tests.grid_helpers import at, small_district


def _hold(app: Any, ids: dict, hosts: list[dict[str, Any]], on: date) -> Any:
    return app.handle(
        HoldJointEvent(
            name=f"重阳敬老{on}",
            kind="culture",
            held_on=on,
            community_id=ids["community"],
            co_hosts=hosts,
            participants=40,
        )
    )


def _residents_committee(app: Any, ids: dict, name: str, on: date) -> Any:
    command = EstablishOrgBody(
        kind="residents_committee", parent_id=ids["community"], name=name, established_on=on
    )
    return app.handle(command).id


def test_a_body_named_by_its_community_is_the_one_in_office_that_day(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    with at("2021-03-01T10:00:00"):
        first = _residents_committee(app, ids, "居委会一", date(2020, 1, 1))
        app.handle(DissolveOrgBody(body_id=first, on=date(2021, 1, 1), reason="换届"))
        second = _residents_committee(app, ids, "居委会二", date(2021, 1, 1))
        company = {"kind": "property_company", "id": ids["company_a"]}
        by_community = {"kind": "residents_committee", "id": ids["community"]}
        early = _hold(app, ids, [by_community, company], date(2020, 10, 9))
        late = _hold(app, ids, [by_community, company], date(2021, 2, 1))
        head = app.recorder.max_notification_id()
        for hosts in ([{"kind": "residents_committee"}, company], [by_community, company]):
            on = date(2019, 12, 31) if hosts[0] is by_community else date(2021, 2, 2)
            with pytest.raises(RuleViolation) as refused:
                _hold(app, ids, hosts, on)
            assert refused.value.field == "co_hosts"
        assert app.recorder.max_notification_id() == head
    hosts = {app.repository.get(event.id).co_hosts[0]["id"] for event in (early, late)}
    assert hosts == {str(first), str(second)}
