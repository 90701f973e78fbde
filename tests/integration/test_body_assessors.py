"""Who assesses grid workers (R10, issue 17 point 1): the seed gives the "use, assess,
inspect, evaluate" power to the street party working committee (the street stands for it)
and the community party organisation (社区党组织) — an assessment at community level is
recorded against the community party organisation, never the community unit."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.errors import RuleViolation
from domain.grid_commands import AssessGridWorkers, RegisterGridWorker
from domain.org_bodies_commands import DissolveOrgBody, EstablishOrgBody
from domain.org_registry_commands import RegisterOrgUnit
from projections.grid_workers import get_assessment
from tests.grid_helpers import at, small_district


def _assess(app: Any, ids: dict[str, UUID], assessor: UUID, period: str) -> UUID:
    lines = [{"worker_id": ids["worker"], "dimension": "deployment", "score": 88}]
    command = AssessGridWorkers(
        company_id=ids["company_a"], period=period, assessor_org_id=assessor, lines=lines
    )
    return app.handle(command).id  # type: ignore[no-any-return]


@pytest.fixture
def district(system: Any) -> dict[str, UUID]:
    ids = small_district(system.app)
    with at("2020-01-02T09:00:00"):
        ids["worker"] = system.app.handle(
            RegisterGridWorker(
                staff_code="GW1",
                name="网格员",
                employment="part_time",
                company_id=ids["company_a"],
                grid_ids=[ids["grid1"]],
            )
        ).id
        ids["residents"] = system.app.handle(
            EstablishOrgBody(
                kind="residents_committee",
                parent_id=ids["community"],
                name="明星社区居委会",
                established_on=date(2020, 1, 1),
            )
        ).id
    return ids


def test_street_and_community_party_org_assess(system: Any, district: dict) -> None:
    app, party_org = system.app, district["party_org:community"]
    with at("2020-07-05T10:00:00", role="community_officer"):
        by_body = _assess(app, district, party_org, "2020-Q2")
        by_community = _assess(app, district, district["community2"], "2020-Q2")
        by_street = _assess(app, district, district["street"], "2020-Q2")
    system.catch_up()
    with system.read_engine.connect() as conn:
        found = {
            k: get_assessment(conn, str(v))
            for k, v in (("body", by_body), ("community", by_community), ("street", by_street))
        }
    assert (found["body"]["assessor_org_id"], found["body"]["assessor_level"]) == (
        str(party_org),
        "community",
    )
    named_by_community = found["community"]
    assert named_by_community["assessor_org_id"] == str(district["party_org:community2"])
    assert named_by_community["assessor_level"] == "community"
    assert (found["street"]["assessor_org_id"], found["street"]["assessor_level"]) == (
        str(district["street"]),
        "street",
    )


def test_other_bodies_and_communities_without_a_party_org_do_not_assess(
    system: Any, district: dict
) -> None:
    app = system.app
    with at("2020-07-05T10:00:00"):
        bare = app.handle(
            RegisterOrgUnit(
                kind="community", code="C9", name="新社区", parent_id=district["street"]
            )
        ).id
        app.handle(
            DissolveOrgBody(
                body_id=district["party_org:community2"], on=date(2020, 7, 1), reason="撤并"
            )
        )
        head = app.recorder.max_notification_id()
        for assessor, message in (
            (district["residents"], ".* is a residents_committee, not a community_party_org"),
            (bare, ".* has no 社区党组织"),
            (district["community2"], ".* has no 社区党组织 .* on 2020-07-05"),
            (district["party_org:community2"], ".* is not in office on 2020-07-05"),
            (district["grid1"], "the assessor is a street or a community"),
        ):
            with pytest.raises(RuleViolation, match=f"^{message}") as refused:
                _assess(app, district, assessor, "2020-Q2")
            assert refused.value.field == "assessor_org_id"
        assert app.recorder.max_notification_id() == head
