"""Every lifecycle path and every illegal transition through the commands, on both backends,
checked against the board read model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.errors import InvalidTransition
from domain.service_issue_commands import (
    AcceptIssue,
    CloseIssue,
    GiveIssueFeedback,
    LinkDuplicateIssue,
    MarkIssueHandled,
    ReferIssueOut,
    ReopenIssue,
    StartHandlingIssue,
)
from projections import issue_board
from tests.grid_helpers import at, report, small_district

PATHS: dict[str, list[tuple[str, tuple]]] = {
    "closed": [("accept", ()), ("start", ()), ("handled", ()), ("feedback", ("satisfied",)),
               ("close", ())],
    "reopened_then_closed": [("accept", ()), ("start", ()), ("handled", ()),
                             ("feedback", ("dissatisfied",)), ("start", ()), ("handled", ()),
                             ("feedback", ("basically_satisfied",)), ("close", ())],
    "closed_without_feedback": [("accept", ()), ("start", ()), ("handled", ()), ("close", ())],
    "reopened_by_hand": [("accept", ()), ("start", ()), ("handled", ()), ("reopen", ("no",))],
    "referred_out": [("refer", ())],
    "referred_after_accept": [("accept", ()), ("refer", ())],
}  # fmt: skip
EXPECTED = {
    "closed": ("closed", True, 0),
    "reopened_then_closed": ("closed", True, 1),
    "closed_without_feedback": ("closed", False, 0),
    "reopened_by_hand": ("reopened", False, 1),
    "referred_out": ("referred_out", False, 0),
    "referred_after_accept": ("referred_out", False, 0),
}
ILLEGAL: dict[str, tuple[list[str], str]] = {
    "feedback before handling": (["accept"], "feedback"),
    "handle before accepting": ([], "start"),
    "mark handled before starting": (["accept"], "handled"),
    "accept twice": (["accept"], "accept"),
    "handle a referred issue": (["refer"], "start"),
    "close an open issue": (["accept"], "close"),
    "refer out while handling": (["accept", "start"], "refer"),
    "reopen a closed issue": (["accept", "start", "handled", "close"], "reopen"),
    "feedback twice": (["accept", "start", "handled", "feedback"], "feedback"),
}


def commands(app: Any, issue: Any, company: Any) -> dict[str, Callable[..., Any]]:
    return {
        "accept": lambda: app.handle(AcceptIssue(issue_id=issue, company_id=company)),
        "refer": lambda: app.handle(ReferIssueOut(issue_id=issue, reason="非物业事项")),
        "start": lambda: app.handle(StartHandlingIssue(issue_id=issue)),
        "handled": lambda: app.handle(MarkIssueHandled(issue_id=issue, resolution="已处理")),
        "feedback": lambda rating="satisfied": app.handle(
            GiveIssueFeedback(issue_id=issue, rating=rating)
        ),
        "reopen": lambda reason="again": app.handle(ReopenIssue(issue_id=issue, reason=reason)),
        "close": lambda: app.handle(CloseIssue(issue_id=issue)),
    }


def test_every_path_and_every_illegal_transition(system: Any) -> None:
    app = system.app
    ids = small_district(app)
    made = {}
    with at("2020-05-01T09:00:00"):
        for name, steps in PATHS.items():
            made[name] = issue = report(app, ids, 1)
            do = commands(app, issue, ids["company_a"])
            for step, args in steps:
                do[step](*args)
        original = report(app, ids, 1)
        duplicate = report(app, ids, 1)
        app.handle(LinkDuplicateIssue(issue_id=duplicate, original_id=original))
        for name, (steps, action) in ILLEGAL.items():
            issue = report(app, ids, 2)
            do = commands(app, issue, ids["company_b"])
            for step in steps:
                do[step]()
            head = app.recorder.max_notification_id()
            with pytest.raises(InvalidTransition, match="cannot|referred-out"):
                do[action]()
            assert app.recorder.max_notification_id() == head, name
    system.catch_up()
    with system.read_engine.connect() as conn:
        for name, (state, resolved, reopens) in EXPECTED.items():
            row = issue_board.get_issue(conn, str(made[name]))
            assert row is not None
            assert (row["state"], row["resolved"], row["reopen_count"]) == (
                state,
                resolved,
                reopens,
            ), name
        dup = issue_board.get_issue(conn, str(duplicate))
    assert dup is not None and dup["state"] == "duplicate" and dup["original_id"] == str(original)
