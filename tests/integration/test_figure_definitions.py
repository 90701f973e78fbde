"""One definition per figure (issue 17, point 2): a company's response, resolution,
satisfaction and complaint rates of 2020Q4 are the same figure in its assessment scorecard and in
/grid-loop/rates, and both name the definition (code@version) they used."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.assessment_commands import (
    ComputeAssessment,
    DefineAssessmentScheme,
    OpenAssessmentPeriod,
)
from domain.figures import COMPLAINT_RATE, ISSUE_RATES, RESOLUTION_RATE, SATISFACTION_RATE
from domain.service_issue_commands import (
    AcceptIssue,
    CloseIssue,
    GiveIssueFeedback,
    MarkIssueHandled,
    ReferIssueOut,
    StartHandlingIssue,
)
from projections import assessment_queries as q
from projections.assessment_facts import read_period_facts
from tests.grid_helpers import at, report, small_district

RATE = {"direction": "higher", "lower": 50.0, "upper": 100.0, "no_data": "excluded"}
PER_100 = {"direction": "lower", "lower": 0.0, "upper": 5.0, "no_data": "excluded"}
WEIGHTS = [
    ("satisfaction_rate", 30, RATE),
    ("complaint_rate", 25, PER_100),
    ("response_rate", 15, RATE),
    ("resolution_rate", 10, RATE),
    ("on_time_handling_rate", 10, RATE),
    ("reopen_rate", 10, PER_100),
]
SCHEME = {
    "subjects": ["property_company"],
    "indicators": [
        {"code": code, "subject_kind": "property_company", "weight": w, **spec}
        for code, w, spec in WEIGHTS
    ],
    "bands": [
        {"grade": "不合格", "min": 0, "max": 60},
        {"grade": "合格", "min": 60, "max": 100},
    ],
}


def _handle(app: Any, issue: Any, when: str, *ratings: str, close: bool = True) -> None:
    """Handle the issue once per rating (a dissatisfied rating reopens it)."""
    with at(when):
        for rating in ratings or (None,):
            app.handle(StartHandlingIssue(issue_id=issue))
            app.handle(MarkIssueHandled(issue_id=issue, resolution="已处理"))
            if rating:
                app.handle(GiveIssueFeedback(issue_id=issue, rating=rating))
        if close:
            app.handle(CloseIssue(issue_id=issue))


def _quarter(app: Any, ids: dict[str, Any]) -> None:
    """Company A, 2020Q4: three issues reported; one resolved at once, one resolved after
    a dissatisfied round, one closed with no feedback; plus a September issue closed in
    October. Counting events of the quarter: 4 closed / 4 handled = 100%, 3 of 4 feedbacks
    positive = 75%; counting the issues reported in it: 2 resolved of 3 accepted = 66.7%,
    2 of 2 issues with feedback ended satisfied = 100%."""
    a = ids["company_a"]
    issues = {}
    for day in ("2020-09-30", "2020-10-05", "2020-11-11", "2020-12-01"):
        with at(f"{day}T09:00:00"):
            issues[day] = report(app, ids, 1)
            app.handle(AcceptIssue(issue_id=issues[day], company_id=a))
    _handle(app, issues["2020-09-30"], "2020-09-30T15:00:00", close=False)
    with at("2020-10-02T10:00:00"):
        app.handle(GiveIssueFeedback(issue_id=issues["2020-09-30"], rating="satisfied"))
        app.handle(CloseIssue(issue_id=issues["2020-09-30"]))
    _handle(app, issues["2020-10-05"], "2020-10-05T15:00:00", "satisfied")
    _handle(app, issues["2020-11-11"], "2020-11-11T15:00:00", "dissatisfied", "basically_satisfied")
    _handle(app, issues["2020-12-01"], "2020-12-01T15:00:00")


def _card_and_rates(
    system: Any, client: Any, auth: Any, app: Any, company: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The company's 2020Q4 scorecard and its row of /grid-loop/rates for the quarter."""
    with at("2021-01-05T09:00:00"):
        scheme = DefineAssessmentScheme(
            code="T", name="测试办法", definition=SCHEME, effective_from=date(2020, 1, 1)
        )
        period = app.handle(OpenAssessmentPeriod("2020Q4", app.handle(scheme).id)).id
    system.catch_up()
    with system.read_engine.connect() as conn:
        app.handle(ComputeAssessment(period, read_period_facts(conn, "2020Q4")))
    system.catch_up()
    with system.read_engine.connect() as conn:
        card = q.scorecard(conn, str(period), 1, "property_company", company)
    assert card is not None
    answer = client.get(
        "/api/v1/grid-loop/rates?per=company&month_from=2020-10&month_to=2020-12",
        headers=auth("district_admin"),
    )
    assert answer.status_code == 200, answer.get_json()
    (rates,) = [r for r in answer.get_json()["items"] if r["group_id"] == company]
    return card, rates


def test_the_company_case_of_2020q4_is_one_figure_in_both(
    system: Any, client: Any, auth: Any
) -> None:
    app = system.app
    ids = small_district(app)
    _quarter(app, ids)
    card, rates = _card_and_rates(system, client, auth, app, str(ids["company_a"]))
    lines = {ln["indicator"]: ln for ln in card["lines"]}
    assert (
        lines["resolution_rate"]["value"]
        == rates["resolution_rate"]
        == pytest.approx(200 / 3, abs=1e-4)
    )
    assert lines["satisfaction_rate"]["value"] == rates["satisfaction_rate"] == 100.0
    assert lines["response_rate"]["value"] == rates["response_rate"] == 100.0
    for code, figure in ISSUE_RATES.items():
        assert lines[code]["definition"] == rates["definitions"][code] == figure.ref
    assert (lines["resolution_rate"]["numerator"], lines["resolution_rate"]["denominator"]) == (
        2,
        3,
    )
    assert RESOLUTION_RATE.ref == "resolution_rate@2" and SATISFACTION_RATE.version == 2


def test_a_company_complaint_rate_is_one_figure_in_both(
    system: Any, client: Any, auth: Any
) -> None:
    """Company A (200 households under contract), 2020Q4: an issue reported and accepted in
    October, one reported on 31 December and accepted on 4 January, one referred out.
    The complaints of the quarter are the issues reported in it that are complaints, as
    of the reading: 2 of 200 households = 1.0 (not the 1 accepted within the quarter)."""
    app = system.app
    ids = small_district(app)
    a = ids["company_a"]
    when = {
        "2020-10-05T09:00:00": "2020-10-05T10:00:00",
        "2020-12-31T15:00:00": "2021-01-04T09:00:00",
    }
    for reported, accepted in when.items():
        with at(reported):
            issue = report(app, ids, 1)
        with at(accepted):
            app.handle(AcceptIssue(issue_id=issue, company_id=a))
    with at("2020-11-02T09:00:00"):
        app.handle(ReferIssueOut(issue_id=report(app, ids, 1), reason="非物业事项"))
    card, rates = _card_and_rates(system, client, auth, app, str(a))
    line = {ln["indicator"]: ln for ln in card["lines"]}["complaint_rate"]
    assert line["value"] == rates["complaint_rate"] == pytest.approx(1.0)
    assert (line["numerator"], line["denominator"]) == (2, 200) and rates["households"] == 200
    assert line["definition"] == rates["definitions"]["complaint_rate"] == COMPLAINT_RATE.ref
    assert COMPLAINT_RATE.ref == "complaint_rate@2"
