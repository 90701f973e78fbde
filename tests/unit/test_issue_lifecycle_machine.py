"""Stateful property test: any sequence of commands on a service issue either does what a
small reference model says, or is refused for the reason the model gives (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.errors import (
    CompanyDoesNotServeCompound,
    DomainError,
    InvalidTransition,
    RuleViolation,
)
from domain.service_issues import ServiceIssue
from tests.unit.machines import MACHINE_SETTINGS

T0 = datetime(2021, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOURS = st.sampled_from([None, 2, 4, 8])  # deadlines on a few instants that `now` hits
NOW = st.sampled_from([2, 4, 8, 9])  # hours after T0
TICK = st.sampled_from([-1, 0, 1])  # minutes either side
RARELY = st.integers(0, 5)  # final states end a run: reach them one time in six
RATING = st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied", "meh"])


def at(hours: int | None) -> datetime | None:
    return None if hours is None else T0 + timedelta(hours=hours)


# The reference model: which states each command may start from, and where it leads.
FROM = {
    "accept": {"reported"},
    "refer_out": {"reported", "accepted"},
    "link": {"reported", "accepted"},
    "start": {"accepted", "reopened"},
    "handled": {"handling"},
    "feedback": {"handled"},
    "reopen": {"handled", "feedback_given"},
    "close": {"handled", "feedback_given"},
}
WORDS = {
    "accept": "accept",
    "refer_out": "refer out",
    "link": "link as a duplicate",
    "start": "start handling",
    "handled": "mark as handled",
    "feedback": "give feedback",
    "reopen": "reopen",
    "close": "close",
}
STAGE = {"reported": "accept", "accepted": "handle", "handling": "handle",
         "reopened": "handle", "handled": "feedback"}  # fmt: skip


@dataclass
class Model:
    state: str = "reported"
    cycle: int = 0
    due: dict[str, datetime | None] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    rating: str | None = None

    def refusal(self, command: str) -> tuple[type[DomainError], str] | None:
        if command == "start" and self.state == "referred_out":
            return InvalidTransition, "a referred-out issue is not a property matter"
        if self.state not in FROM[command]:
            return (
                InvalidTransition,
                f"cannot {WORDS[command]} an issue that is .*\\({self.state}\\)",
            )
        return None


class IssueLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.issue = ServiceIssue.report(
            source_ref=uuid4().hex, channel="resident", category="noise", compound_id=uuid4(),
            grid_id=None, street_id=uuid4(), community_id=None, description="噪音",
            reported_at=T0, accept_due=at(4),
        )  # fmt: skip
        self.issue.collect_events()
        self.model = Model(due={"accept": at(4)})

    def attempt(self, command: str, act: object, *, refusal=None, events: list[str]) -> bool:
        """Run `act`; it must be refused as the model says, or emit exactly `events`."""
        expected = self.model.refusal(command) or refusal
        if expected:
            kind, match = expected
            with pytest.raises(kind, match=match):
                act()  # type: ignore[operator]
            assert self.issue.collect_events() == []
            return False
        act()  # type: ignore[operator]
        assert [type(e).__name__ for e in self.issue.collect_events()] == events
        return True

    @rule(route=st.sampled_from(["company", "department"] * 3
                                + ["both", "neither", "blank", "unserved"]),
          hours=HOURS)  # fmt: skip
    def accept(self, route: str, hours: int | None) -> None:
        company = uuid4() if route in ("company", "both", "unserved") else None
        serving = company if route != "unserved" else uuid4()
        department = {"department": "物业办", "both": "物业办", "blank": "  "}.get(route)
        bad = route in ("both", "neither", "blank")
        refusal = (
            (RuleViolation, "exactly one of company_id, body_id or department") if bad else None
        )
        if route == "unserved":
            refusal = (CompanyDoesNotServeCompound, f"company {company} does not serve")
        act = lambda: self.issue.accept(company_id=company, department=department,  # noqa: E731
                                        handle_due=at(hours), served_by=serving)  # fmt: skip
        if self.attempt("accept", act, refusal=refusal, events=["Accepted"]):
            self.model.state, self.model.due["handle"] = "accepted", at(hours)

    @rule(dice=RARELY)
    def refer_out(self, dice: int) -> None:
        if dice:
            return
        if self.attempt("refer_out", lambda: self.issue.refer_out("非物业事项"),
                        events=["ReferredOut"]):  # fmt: skip
            self.model.state = "referred_out"

    @rule(original=st.sampled_from(["self", "duplicate", "other"]), dice=RARELY)
    def link_as_duplicate(self, original: str, dice: int) -> None:
        if dice and original == "other":
            return
        other = ServiceIssue.report(
            source_ref=uuid4().hex, channel="resident", category="noise", compound_id=uuid4(),
            grid_id=None, street_id=None, community_id=None, description="同一噪音",
            reported_at=T0,
        )  # fmt: skip
        if original == "duplicate":
            other.link_as_duplicate(ServiceIssue.report(
                source_ref=uuid4().hex, channel="resident", category="noise",
                compound_id=uuid4(), grid_id=None, street_id=None, community_id=None,
                description="x", reported_at=T0,
            ))  # fmt: skip
        target = self.issue if original == "self" else other
        refusal = {
            "self": (RuleViolation, "an issue cannot duplicate itself"),
            "duplicate": (RuleViolation, "not to another duplicate"),
        }.get(original)
        if refusal:  # the original is checked before the state
            with pytest.raises(refusal[0], match=refusal[1]):
                self.issue.link_as_duplicate(target)
            assert self.issue.collect_events() == []
            return
        if self.attempt("link", lambda: self.issue.link_as_duplicate(target),
                        events=["LinkedAsDuplicate"]):  # fmt: skip
            self.model.state = "duplicate"

    @rule()
    def start_handling(self) -> None:
        if self.attempt("start", self.issue.start_handling, events=["HandlingStarted"]):
            self.model.state = "handling"

    @rule(hours=HOURS)
    def mark_handled(self, hours: int | None) -> None:
        act = lambda: self.issue.mark_handled("处理完毕", feedback_due=at(hours))  # noqa: E731
        if self.attempt("handled", act, events=["Handled"]):
            self.model.state, self.model.due["feedback"] = "handled", at(hours)

    @rule(rating=RATING, hours=HOURS)
    def give_feedback(self, rating: str, hours: int | None) -> None:
        bad = (RuleViolation, "unknown rating") if rating == "meh" else None
        reopens = rating == "dissatisfied"
        events = ["FeedbackGiven", "Reopened"] if reopens else ["FeedbackGiven"]
        act = lambda: self.issue.give_feedback(rating, handle_due=at(hours))  # noqa: E731
        if self.attempt("feedback", act, refusal=bad, events=events):
            self.model.rating = rating
            self.model.state = "feedback_given"
            if reopens:
                self.reopened(hours)

    @rule(hours=HOURS)
    def reopen(self, hours: int | None) -> None:
        act = lambda: self.issue.reopen("居民再次反映", handle_due=at(hours))  # noqa: E731
        if self.attempt("reopen", act, events=["Reopened"]):
            self.reopened(hours)

    def reopened(self, hours: int | None) -> None:
        self.model.state = "reopened"
        self.model.cycle += 1
        self.model.due["handle"], self.model.due["feedback"] = at(hours), None

    @rule(dice=RARELY)
    def close(self, dice: int) -> None:
        if dice:
            return
        if self.attempt("close", self.issue.close, events=["Closed"]):
            self.model.state = "closed"

    @rule(steps=st.integers(1, 3), hours=HOURS, rating=RATING, dice=RARELY, now=NOW, tick=TICK)
    def advance(
        self, steps: int, hours: int | None, rating: str, dice: int, now: int, tick: int
    ) -> None:
        """The next step of the workflow, `steps` times, each after a deadline check (runs
        reach the later states)."""
        for _ in range(steps):
            self.check_deadlines(now, tick)
            {
                "reported": lambda: self.accept("department", hours),
                "accepted": self.start_handling,
                "reopened": self.start_handling,
                "handling": lambda: self.mark_handled(hours),
                "handled": lambda: self.give_feedback(rating, hours),
                "feedback_given": lambda: self.close(dice),
            }.get(self.model.state, lambda: None)()

    @rule(hours=NOW, minutes=TICK)
    def check_deadlines(self, hours: int, minutes: int) -> None:
        now = T0 + timedelta(hours=hours, minutes=minutes)
        stage = STAGE.get(self.model.state)
        due = self.model.due.get(stage) if stage else None
        key = f"{stage}:{self.model.cycle}"
        expected = [stage] if due and now > due and key not in self.model.missed else []
        assert self.issue.check_deadlines(now) == expected
        events = self.issue.collect_events()
        assert [type(e).__name__ for e in events] == (
            ["DeadlineMissed", "Escalated"] if expected else []
        )
        if expected:
            assert (events[0].stage, events[0].due, events[0].cycle) == (stage, due,
                                                                         self.model.cycle)  # fmt: skip
            self.model.missed.append(key)

    @invariant()
    def matches_the_model(self) -> None:
        assert self.issue.state == self.model.state
        assert self.issue.cycle == self.model.cycle
        assert self.issue.missed == self.model.missed
        assert self.issue.last_rating == self.model.rating
        for stage in ("accept", "handle", "feedback"):
            assert self.issue.due.get(stage) == self.model.due.get(stage)

    @precondition(lambda self: self.model.state in ("closed", "duplicate", "referred_out"))
    @invariant()
    def final_states_stay_final(self) -> None:
        assert self.issue.check_deadlines(T0 + timedelta(days=999)) == []


IssueLifecycle.TestCase.settings = MACHINE_SETTINGS
test_issue_lifecycle_against_the_model = IssueLifecycle.TestCase
