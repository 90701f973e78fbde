"""The grid closed loop through the commands and read models, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidTransition, RuleViolation
from domain.party_building_commands import RegisterPropertyCompany
from domain.service_issue_commands import (
    AcceptIssue,
    CloseIssue,
    EraseReporter,
    GiveIssueFeedback,
    MarkIssueHandled,
    RecordMissedDeadlines,
    ReferIssueOut,
    StartHandlingIssue,
)
from domain.service_issue_handlers import reporter_contact
from projections import issue_board, issue_metrics
from tests.grid_helpers import at, report, small_district

SH = ZoneInfo("Asia/Shanghai")


def close_satisfied(
    app: Any, issue: Any, company: Any, when: str, rating: str = "satisfied"
) -> None:
    with at(when):
        app.handle(AcceptIssue(issue_id=issue, company_id=company))
        app.handle(StartHandlingIssue(issue_id=issue))
        app.handle(MarkIssueHandled(issue_id=issue, resolution="已处理"))
        app.handle(GiveIssueFeedback(issue_id=issue, rating=rating))
        if rating != "dissatisfied":
            app.handle(CloseIssue(issue_id=issue))


def test_rates_and_funnel_hand_checked(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    a = ids["company_a"]
    # compound1 (200 homes, community C1): 3 issues; compound2 (300 homes, C2): 1 issue
    with at("2020-03-01T10:00:00"):
        i1, i2, i3 = (report(app, ids, 1) for _ in range(3))
        i4 = report(app, ids, 2, category="parking")
    close_satisfied(app, i1, a, "2020-03-01T11:00:00")  # on time (heating: 2 h), 1 h to close
    close_satisfied(app, i2, a, "2020-03-01T13:00:00", "basically_satisfied")  # late, 3 h
    close_satisfied(app, i3, a, "2020-03-01T11:30:00", "dissatisfied")  # reopened
    with at("2020-03-01T10:10:00"):
        app.handle(
            ReferIssueOut(issue_id=i4, reason="属于交警管理")
        )  # parking accept deadline (5 min) missed
    system.catch_up()
    with system.read_engine.connect() as conn:
        (total,) = issue_metrics.funnel(conn, month_from="2020-03", month_to="2020-03")
        per_company = issue_metrics.rates(conn, per="company")
        per_community = {r["group_id"]: r for r in issue_metrics.rates(conn, per="community")}
    assert total == {
        "reported": 4,
        "accepted": 3,
        "referred": 1,
        "duplicates": 0,
        "handled": 3,
        "resolved": 2,
        "reopened": 1,
    }
    company, idle = per_company if per_company[0]["group_id"] == str(a) else per_company[::-1]
    assert company["group_id"] == str(a)
    assert company["response_rate"] == round(200 / 3, 4)  # %, i2 accepted after 2 h
    assert company["resolution_rate"] == round(200 / 3, 4)
    assert company["satisfaction_rate"] == round(200 / 3, 4)
    assert company["complaint_rate"] == 1.5  # 3 complaints / 200 homes
    assert company["median_hours_to_close"] == 2.0  # median of 1 h and 3 h
    c1 = per_community[str(ids["community"])]
    assert c1["reported"] == 3 and c1["complaint_rate"] == 1.5
    c2 = per_community[str(ids["community2"])]
    assert c2["reported"] == 1 and c2["accepted"] == 0 and c2["response_rate"] is None
    assert c2["complaint_rate"] == 0.0  # referred out: not a complaint
    # company_b serves compound2 (300 homes) and no issue was routed to it: listed, with zeros
    assert idle["group_id"] == str(ids["company_b"])
    assert (idle["reported"], idle["complaints"], idle["households"]) == (0, 0, 300)
    assert idle["complaint_rate"] == 0.0 and idle["response_rate"] is None


def test_rates_list_the_groups_serving_the_area_with_no_issue(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    with at("2020-03-01T10:00:00"):
        app.handle(AcceptIssue(issue_id=report(app, ids, 1), company_id=ids["company_a"]))
    system.catch_up()
    a, b = str(ids["company_a"]), str(ids["company_b"])

    def listed(per: str, **filters: Any) -> dict[str, int]:
        with system.read_engine.connect() as conn:
            rows = issue_metrics.rates(conn, per=per, **filters)
        return {row["group_id"]: row["reported"] for row in rows}

    assert listed("company") == {a: 1, b: 0}
    assert listed("company", street_id=ids["street"]) == {a: 1, b: 0}
    assert listed("company", community_id=ids["community2"]) == {b: 0}
    assert listed("company", compound_id=ids["compound1"]) == {a: 1}
    assert listed("company", company_id=ids["company_b"]) == {b: 0}
    assert listed("company", category="parking") == {a: 0, b: 0}
    assert listed("community") == {str(ids["community"]): 1, str(ids["community2"]): 0}
    assert listed("community", community_id=ids["community"]) == {str(ids["community"]): 1}
    # before the contracts (2020-01-01) no company served a compound
    assert listed("company", month_from="2019-12", month_to="2019-12") == {}


def test_rates_leave_out_a_company_with_no_households_and_no_issue(system: Any) -> None:
    ids = small_district(system.app)
    with at("2020-01-02T09:00:00"):
        system.app.handle(RegisterPropertyCompany(credit_code="91370105IDLE000001", name="空物业"))
    system.catch_up()
    with system.read_engine.connect() as conn:
        rows = issue_metrics.rates(conn, per="company")
    assert {row["group_id"] for row in rows} == {str(ids["company_a"]), str(ids["company_b"])}


def test_board_filters_and_sla_tick_is_idempotent(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    with at("2020-03-01T10:00:00"):
        noisy = report(app, ids, 2, category="noise")
        heat = report(app, ids, 1)
    with at("2020-03-01T10:01:00"):
        app.handle(AcceptIssue(issue_id=heat, department="街道物业办"))
    system.catch_up()
    now = datetime(2020, 3, 1, 10, 30, tzinfo=SH)
    with system.read_engine.connect() as conn:
        candidates = issue_board.overdue_issue_ids(conn, now)
        assert candidates == [str(noisy)]  # 5-minute accept deadline of the 5651 profile
    head = system.app.recorder.max_notification_id()
    with at("2020-03-01T10:30:00", role="system"):
        tick = RecordMissedDeadlines(issue_ids=(noisy, heat), now=now)
        assert app.handle(tick) == 1
        assert app.handle(tick) == 0
    assert system.app.recorder.max_notification_id() == head + 2  # missed + escalated
    system.catch_up()
    with system.read_engine.connect() as conn:
        late, n = issue_board.overdue_issues(conn, now)
        board, total = issue_board.issue_board(
            conn, page=1, per_page=10, community_id=ids["community"], category="heating"
        )
        grids, _ = issue_board.issue_board(conn, page=1, per_page=10, grid_id=ids["grid2"])
    assert n == 1 and late[0]["escalated"] and late[0]["missed_count"] == 1
    assert total == 1 and board[0]["state"] == "accepted" and board[0]["category_label"] == "供暖"
    assert [g["id"] for g in grids] == [str(noisy)]


def test_refused_commands_store_nothing(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    with at("2020-03-01T10:00:00"):
        issue = report(app, ids, 1)
        head = app.recorder.max_notification_id()
        with pytest.raises(RuleViolation, match=r"is not a grid of that compound") as bad:
            report(app, ids, 1, grid_id=ids["grid2"])
        assert bad.value.field == "grid_id"
        with pytest.raises(RuleViolation, match=r"is not an open compound") as bad:
            report(app, ids, 1, compound_id=ids["community"])
        assert bad.value.field == "compound_id"
        with pytest.raises(
            InvalidTransition, match=r"cannot give feedback an issue that is .* \(reported\)"
        ):
            app.handle(GiveIssueFeedback(issue_id=issue, rating="satisfied"))
        with pytest.raises(
            InvalidTransition, match=r"cannot start handling an issue that is .* \(reported\)"
        ):
            app.handle(StartHandlingIssue(issue_id=issue))
    assert app.recorder.max_notification_id() == head


def test_reporter_contact_is_sealed_and_erasable(system: Any) -> None:
    app = system.app
    ids = small_district(app, with_sla=False)
    with at("2020-03-01T10:00:00"):
        issue = report(app, ids, 1, reporter_contact="13812341234", reporter_ref="resident-7")
    assert reporter_contact(app, issue) == "13812341234"
    system.catch_up()
    with system.read_engine.connect() as conn:
        row = issue_board.get_issue(conn, str(issue))
    assert row is not None and row["reporter_contact_masked"] == "138****1234"
    raw = b"".join(n.state for n in app.recorder.select_notifications(start=1, limit=1000))
    assert b"13812341234" not in raw
    assert app.handle(EraseReporter(reporter_ref="resident-7")) is True
    assert reporter_contact(app, issue) is None
