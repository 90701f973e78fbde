"""A complaint against a company is an item accepted for that company, not referred out as
not a property matter and not linked as a duplicate (domain.indicators.is_complaint); the
count of all items reported stays a figure of its own (both backends)."""

from __future__ import annotations

from typing import Any

from domain.service_issue_commands import AcceptIssue, LinkDuplicateIssue, ReferIssueOut
from projections import issue_metrics
from projections.assessment_facts import read_period_facts
from tests.grid_helpers import at, report, small_district


def test_only_items_accepted_for_a_company_are_complaints(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    a = ids["company_a"]
    with at("2020-10-05T10:00:00"):
        items = [report(app, ids, 1) for _ in range(6)]
    with at("2020-10-05T10:20:00"):
        for item in items[:4]:
            app.handle(AcceptIssue(issue_id=item, company_id=a))
        app.handle(ReferIssueOut(issue_id=items[4], reason="属于交警管理"))
        app.handle(AcceptIssue(issue_id=items[5], department="街道物业办"))
    with at("2020-11-02T10:00:00"):  # accepted in October, found out in November
        app.handle(ReferIssueOut(issue_id=items[2], reason="非物业事项"))
        app.handle(LinkDuplicateIssue(issue_id=items[3], original_id=items[0]))
    system.catch_up()
    with system.read_engine.connect() as conn:
        october = read_period_facts(conn, "2020-10")
        november = read_period_facts(conn, "2020-11")
        (company,) = issue_metrics.rates(conn, per="company", company_id=a)
        community = {r["group_id"]: r for r in issue_metrics.rates(conn, per="community")}
    subjects = (("property_company", a, 4), ("community", ids["community"], 5))
    for kind, subject, accepted in subjects:  # the community also counts item 5
        facts = october.facts[(kind, str(subject))]
        assert facts["complaints"] == 2, kind  # items 0 and 1
        assert facts["reported_accepted"] == accepted
        assert november.facts.get((kind, str(subject)), {}).get("complaints", 0) == 0
    assert october.facts[("community", str(ids["community"]))]["issues_reported"] == 6
    assert company["reported"] == 4 and company["complaints"] == 2
    assert company["complaint_rate"] == 1.0  # 2 complaints / 200 homes
    c1 = community[str(ids["community"])]
    assert c1["reported"] == 6 and c1["complaints"] == 2
    assert c1["complaint_rate"] == 1.0
