"""Branch life feeds the assessment (issue 17, point 9): a party organisation's 三会一课
count in meeting_compliance for each company linked to it, in the month of the meeting,
and a cancelled record is taken back — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.branch_life_commands import CancelBranchMeeting, HoldBranchMeeting
from domain.indicators import INDICATORS
from domain.party_building_commands import FoundPartyOrg
from projections.assessment_facts import read_period_facts
from tests.grid_helpers import at, small_district

MEMBERS = ["M1", "M2", "M3"]


def _meeting(app: Any, org: Any, kind: str, on: date, title: str) -> Any:
    held = HoldBranchMeeting(
        org_id=org, kind=kind, held_on=on, platform="on_site", title=title, attendees=MEMBERS
    )
    return app.handle(held).id


def test_meetings_of_a_joint_org_count_for_both_its_companies(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    a, b = ids["company_a"], ids["company_b"]
    with at("2020-06-01T09:00:00"):
        org = FoundPartyOrg(
            code="J1",
            name="联合党支部",
            host_kind="property_company",
            company_ids=[a, b],
            method="joint",
            kind="branch",
            founded_on=date(2020, 6, 1),
            full_members=MEMBERS,
        )
        org_id = app.handle(org).id
    with at("2020-12-31T19:00:00"):
        for month in (10, 11, 12):
            for kind in ("branch_committee", "party_group"):
                _meeting(app, org_id, kind, date(2020, month, 12), f"{month}月{kind}")
        _meeting(app, org_id, "branch_assembly", date(2020, 12, 12), "党员大会")
        twice = _meeting(app, org_id, "party_lesson", date(2020, 12, 12), "党课(重复)")
        _meeting(app, org_id, "org_life_meeting", date(2020, 12, 20), "组织生活会")
    with at("2021-01-03T10:00:00"):
        app.handle(CancelBranchMeeting(meeting_id=twice, reason="重复录入"))
    system.catch_up()
    with system.read_engine.connect() as conn:
        facts = read_period_facts(conn, "2020Q4")
    for company in (a, b):
        mine = facts.of(next(s for s in facts.subjects if s.id == str(company)))
        assert mine["meetings_branch_committee"] == mine["meetings_party_group"] == 3
        assert mine["meetings_branch_assembly"] == 1
        assert mine.get("meetings_party_lesson", 0) == 0  # its only record was cancelled
        # required 3 + 3 + 1 + 1, held 3 + 3 + 1 + 0
        assert INDICATORS["meeting_compliance"].measure(mine).value == 87.5
