"""The ServiceIssue lifecycle: every path and every illegal transition (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidTransition, RuleViolation
from domain.issue_catalog import mask_phone
from domain.service_issues import ServiceIssue

T0 = datetime(2020, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def new_issue(**overrides: object) -> ServiceIssue:
    args: dict = dict(
        source_ref=uuid4().hex,
        channel="grid_worker",
        category="heating",
        compound_id=uuid4(),
        grid_id=uuid4(),
        street_id=uuid4(),
        community_id=uuid4(),
        description="3号楼暖气不热",
        reported_at=T0,
        accept_due=T0 + timedelta(hours=4),
    )
    args.update(overrides)
    return ServiceIssue.report(**args)


def names(issue: ServiceIssue) -> list[str]:
    return [type(e).__name__ for e in issue.collect_events()]


def test_happy_path_to_close() -> None:
    issue = new_issue()
    company = uuid4()
    issue.accept(company_id=company, handle_due=T0 + timedelta(days=3), served_by=company)
    issue.start_handling()
    issue.mark_handled("已修复阀门")
    issue.give_feedback("satisfied")
    issue.close("考核通过")
    assert issue.state == "closed"
    assert names(issue) == [
        "Reported",
        "Accepted",
        "HandlingStarted",
        "Handled",
        "FeedbackGiven",
        "Closed",
    ]


def test_dissatisfied_feedback_reopens_and_counts() -> None:
    issue = new_issue()
    issue.accept(department="街道城管科")
    issue.start_handling()
    issue.mark_handled("处理")
    issue.give_feedback("dissatisfied", "还是不热")
    assert issue.state == "reopened" and issue.cycle == 1
    issue.start_handling()
    issue.mark_handled("更换管道")
    issue.give_feedback("basically_satisfied")
    issue.close()
    assert names(issue).count("Reopened") == 1


def test_referral_and_duplicate_are_final() -> None:
    referred = new_issue()
    referred.refer_out("不属于物业事项")
    with pytest.raises(InvalidTransition, match="referred-out"):
        referred.start_handling()
    original, dup = new_issue(), new_issue()
    dup.link_as_duplicate(original)
    with pytest.raises(InvalidTransition, match=r"cannot accept an issue that is .* \(duplicate\)"):
        dup.accept(department="x")
    with pytest.raises(RuleViolation, match=r"an issue cannot duplicate itself"):
        original.link_as_duplicate(original)


@pytest.mark.parametrize(
    "steps, action",
    [
        ([], lambda i: i.give_feedback("satisfied")),
        ([], lambda i: i.start_handling()),
        ([], lambda i: i.close()),
        (["accept"], lambda i: i.mark_handled("x")),
        (["accept"], lambda i: i.accept(department="again")),
        (["accept", "start"], lambda i: i.refer_out("late")),
        (["accept", "start", "handled", "good", "close"], lambda i: i.reopen("why")),
    ],
)
def test_illegal_transitions_are_refused(steps: list[str], action: object) -> None:
    issue = new_issue()
    do = {
        "accept": lambda: issue.accept(department="物业办"),
        "start": issue.start_handling,
        "handled": lambda: issue.mark_handled("done"),
        "good": lambda: issue.give_feedback("satisfied"),
        "close": issue.close,
    }
    for step in steps:
        do[step]()
    issue.collect_events()
    with pytest.raises(InvalidTransition, match="cannot"):
        action(issue)  # type: ignore[operator]
    assert issue.collect_events() == []


def test_bad_values_name_the_field() -> None:
    with pytest.raises(RuleViolation, match=r"unknown category 'weather'") as caught:
        new_issue(category="weather")
    assert caught.value.field == "category"
    with pytest.raises(
        RuleViolation, match=r"description is longer than 2000 characters"
    ) as caught:
        new_issue(description="x" * 2001)
    assert caught.value.field == "description"
    issue = new_issue()
    with pytest.raises(
        RuleViolation, match=r"route the issue to exactly one of company_id, body_id or department"
    ) as caught:
        issue.accept()
    assert caught.value.field == "company_id"
    with pytest.raises(
        RuleViolation, match=r"route the issue to exactly one of company_id, body_id or department"
    ) as caught:
        issue.accept(company_id=uuid4(), department="both")


def test_deadline_check_is_idempotent() -> None:
    issue = new_issue()
    assert issue.check_deadlines(T0 + timedelta(hours=1)) == []
    assert issue.check_deadlines(T0 + timedelta(hours=5)) == ["accept"]
    assert issue.check_deadlines(T0 + timedelta(hours=6)) == []
    assert names(issue) == ["Reported", "DeadlineMissed", "Escalated"]


def test_phone_masking() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138-1234-1234") == "138****1234"
    assert mask_phone(None) is None
