"""Branch life: meetings against a configurable minimum rule, and study coverage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.branch_life import BranchLifeRules
from domain.branch_life_commands import HoldBranchMeeting
from domain.errors import RuleViolation
from domain.metadata import command_context
from domain.party_building_commands import FoundPartyOrg, RegisterPropertyCompany
from projections import branch_life


def test_report_against_rules_and_study_coverage(system: Any) -> None:
    app = system.app
    with command_context(actor_id="t", occurred_at="2020-12-31T10:00:00+08:00"):
        company = app.handle(RegisterPropertyCompany(credit_code="91370105MA3C000001", name="康都"))
        org = app.handle(
            FoundPartyOrg(
                code="P1",
                name="支部",
                host_kind="property_company",
                company_ids=[company.id],
                method="standalone",
                kind="branch",
                founded_on=date(2020, 1, 1),
                full_members=["A", "B", "C", "D"],
            )
        ).id

        def hold(kind: str, on: date, attendees: list[str], platform: str = "on_site") -> None:
            app.handle(
                HoldBranchMeeting(
                    org_id=org,
                    kind=kind,
                    held_on=on,
                    platform=platform,
                    title=f"{kind} {on}",
                    attendees=attendees,
                )
            )

        for month in (1, 2, 3):
            hold("branch_committee", date(2020, month, 5), ["A", "B"])
        hold("party_group", date(2020, 1, 9), ["C"])
        hold("branch_assembly", date(2020, 2, 20), ["A", "B", "C"], "class_19")
        hold("party_lesson", date(2020, 3, 20), ["A"], "e_study")
        hold("org_life_meeting", date(2020, 3, 25), ["A", "B", "C", "D"])
        head = app.recorder.max_notification_id()
        with pytest.raises(RuleViolation, match=r"held_on \(2021-03-01\) is in the future"):
            hold("party_lesson", date(2021, 3, 1), ["A"])  # in the future
        with pytest.raises(RuleViolation, match=r"not members of the org on 2020-03-02: Z"):
            hold("party_lesson", date(2020, 3, 2), ["Z"])  # not a member
        with pytest.raises(RuleViolation, match=r"platform must be one of"):
            hold("party_lesson", date(2020, 3, 2), ["A"], "cinema")
        assert app.recorder.max_notification_id() == head
    system.catch_up()
    with system.read_engine.connect() as conn:
        q1 = branch_life.branch_life_report(
            conn, str(org), date(2020, 1, 1), date(2020, 3, 31), BranchLifeRules()
        )
        strict = branch_life.branch_life_report(
            conn,
            str(org),
            date(2020, 1, 1),
            date(2020, 3, 31),
            BranchLifeRules(minimums={"party_lesson": (1, "month")}, study_kinds=("party_lesson",)),
        )
    by_kind = {k["kind"]: k for k in q1["by_kind"]}
    assert by_kind["branch_committee"]["met"] and by_kind["branch_committee"]["periods"] == 3
    assert not by_kind["party_group"]["met"] and by_kind["party_group"]["periods_met"] == 1
    assert by_kind["branch_assembly"]["met"] and by_kind["party_lesson"]["met"]
    assert q1["other_kinds"] == {"org_life_meeting": 1}
    assert q1["members"] == 4 and q1["study_coverage_pct"] == 75.0  # A, B, C of 4
    (lesson,) = strict["by_kind"]
    assert lesson["periods"] == 3 and lesson["periods_met"] == 1 and not lesson["met"]
    assert strict["study_coverage_pct"] == 25.0
