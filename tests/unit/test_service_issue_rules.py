"""Every rule of ServiceIssue refuses by name, at its boundary and one step either side."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.errors import CompanyDoesNotServeCompound, InvalidTransition, RuleViolation
from domain.service_issues import ServiceIssue
from tests.unit.refusal import refused

T0 = datetime(2020, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TICK = timedelta(microseconds=1)
STREET = uuid4()


def new_issue(**overrides: object) -> ServiceIssue:
    args: dict = dict(
        source_ref=uuid4().hex,
        channel="hotline",
        category="repairs",
        compound_id=uuid4(),
        grid_id=None,
        street_id=STREET,
        community_id=None,
        description="电梯停运",
        reported_at=T0,
        accept_due=T0 + timedelta(hours=4),
    )
    args.update(overrides)
    return ServiceIssue.report(**args)


def in_state(state: str, **due: datetime) -> ServiceIssue:
    """An issue walked to `state` by its commands, with the given deadlines."""
    issue = new_issue(accept_due=due.get("accept_due"))
    walk = {
        "accepted": ["accept"],
        "handling": ["accept", "start"],
        "handled": ["accept", "start", "handled"],
        "feedback_given": ["accept", "start", "handled", "good"],
        "reopened": ["accept", "start", "handled", "reopen"],
        "closed": ["accept", "start", "handled", "close"],
        "referred_out": ["refer"],
        "duplicate": ["dup"],
        "reported": [],
    }[state]
    do: dict[str, Callable[[], None]] = {
        "accept": lambda: issue.accept(department="物业办", handle_due=due.get("handle_due")),
        "start": issue.start_handling,
        "handled": lambda: issue.mark_handled("done", feedback_due=due.get("feedback_due")),
        "good": lambda: issue.give_feedback("satisfied"),
        "reopen": lambda: issue.reopen("again", handle_due=due.get("reopen_due")),
        "close": issue.close,
        "refer": lambda: issue.refer_out("not ours"),
        "dup": lambda: issue.link_as_duplicate(new_issue()),
    }
    for step in walk:
        do[step]()
    issue.collect_events()
    assert issue.state == state
    return issue


def events(issue: ServiceIssue) -> list:
    return list(issue.collect_events())


# -- report ------------------------------------------------------------------------------


def test_reported_at_needs_a_time_zone() -> None:
    with refused(RuleViolation, "reported_at needs a time zone", field="reported_at"):
        new_issue(reported_at=datetime(2020, 3, 1, 10, 0))
    assert new_issue(reported_at=T0).reported_at == T0


@pytest.mark.parametrize(
    ("field", "limit"), [("lat", 90.0), ("long", 180.0)]
)  # fmt: skip
def test_coordinates_are_bounded_inclusive(field: str, limit: float) -> None:
    step = 1e-9
    for ok in (limit, -limit, limit - step, -limit + step, 0.0):
        assert getattr(events(new_issue(**{field: ok}))[0], field) == ok
    for bad in (limit + step, -limit - step):
        with refused(RuleViolation, f"{field} must be between -{int(limit)} and {int(limit)}",
                     field=field):  # fmt: skip
            new_issue(**{field: bad})


@pytest.mark.parametrize(
    ("field", "code"),
    [("channel", "fax"), ("category", "weather"), ("priority", "asap")],
)
def test_codes_outside_the_vocabulary_are_refused(field: str, code: str) -> None:
    with refused(RuleViolation, f"unknown {field} '{code}'", field=field):
        new_issue(**{field: code})


def test_report_keeps_what_was_given() -> None:
    issue = new_issue(
        building=" 3号楼 ", address="  ", priority="urgent", sla_version=2, reporter_ref="p1"
    )
    assert (issue.building, issue.priority, issue.state, issue.cycle) == ("3号楼", "urgent",
                                                                          "reported", 0)  # fmt: skip
    assert issue.due == {"accept": T0 + timedelta(hours=4)} and issue.missed == []
    assert issue.company_id is None and issue.department is None and issue.last_rating is None
    reported = events(issue)[0]
    assert (reported.address, reported.sla_version, reported.reporter_ref) == (None, 2, "p1")


# -- text lengths: the limit is allowed, one more character is refused ----------------------

TEXTS: list[tuple[str, int, Callable[[str], object]]] = [
    ("source_ref", 100, lambda t: new_issue(source_ref=t)),
    ("description", 2000, lambda t: new_issue(description=t)),
    ("building", 50, lambda t: new_issue(building=t)),
    ("address", 200, lambda t: new_issue(address=t)),
    ("department", 100, lambda t: in_state("reported").accept(department=t)),
    ("reason", 500, lambda t: in_state("reported").refer_out(t)),
    ("resolution", 2000, lambda t: in_state("handling").mark_handled(t)),
    ("comment", 500, lambda t: in_state("handled").give_feedback("satisfied", t)),
    ("reason", 500, lambda t: in_state("handled").reopen(t)),
    ("note", 500, lambda t: in_state("handled").close(t)),
]


@pytest.mark.parametrize(("field", "limit", "command"), TEXTS)
def test_text_limits_at_their_boundary(
    field: str, limit: int, command: Callable[[str], object]
) -> None:
    command("x" * (limit - 1))
    command(" " + "x" * limit + " ")  # surrounding blanks do not count
    with refused(RuleViolation, f"{field} is longer than {limit} characters", field=field):
        command("x" * (limit + 1))


@pytest.mark.parametrize(
    ("field", "command"),
    [
        ("source_ref", lambda t: new_issue(source_ref=t)),
        ("description", lambda t: new_issue(description=t)),
        ("reason", lambda t: in_state("reported").refer_out(t)),
        ("resolution", lambda t: in_state("handling").mark_handled(t)),
        ("reason", lambda t: in_state("feedback_given").reopen(t)),
    ],
)
def test_required_texts_may_not_be_blank(field: str, command: Callable[[str], object]) -> None:
    with refused(RuleViolation, f"{field} must not be empty", field=field):
        command("   ")


def test_optional_texts_left_blank_are_none() -> None:
    issue = in_state("handled")
    issue.give_feedback("satisfied", "   ")
    issue.close("  ")
    feedback, closed = events(issue)
    assert feedback.comment is None and closed.note is None


# -- accept: routed to exactly one of a company or a department ---------------------------


@pytest.mark.parametrize(
    ("company", "department"),
    [(None, None), (None, ""), (None, "   "), (uuid4(), "物业办")],
)
def test_accept_routes_to_exactly_one(company: object, department: str | None) -> None:
    issue = in_state("reported")
    with refused(
        RuleViolation,
        "route the issue to exactly one of company_id, body_id or department",
        field="company_id",
    ):
        issue.accept(company_id=company, department=department)  # type: ignore[arg-type]
    assert issue.state == "reported" and events(issue) == []


def test_accept_records_the_route_and_the_handle_deadline() -> None:
    company, due = uuid4(), T0 + timedelta(days=3)
    by_company = in_state("reported")
    by_company.accept(company_id=company, handle_due=due, served_by=company)
    assert (by_company.company_id, by_company.department) == (company, None)
    assert by_company.due["handle"] == due and by_company.state == "accepted"
    by_department = in_state("reported")
    by_department.accept(department=" 城管科 ")
    assert (by_department.company_id, by_department.department) == (None, "城管科")


@pytest.mark.parametrize("serving", [uuid4(), None])
def test_accept_for_a_company_that_does_not_serve_the_compound_names_who_does(
    serving: UUID | None,
) -> None:
    issue, company = in_state("reported"), uuid4()
    with pytest.raises(CompanyDoesNotServeCompound) as refusal:
        issue.accept(company_id=company, served_by=serving)
    who = f"company {serving}" if serving else "no company"
    assert refusal.value.message == (
        f"company {company} does not serve the compound of this issue "
        f"({who} serves it under a contract in force today)"
    )
    assert refusal.value.field == "company_id"
    assert issue.state == "reported" and events(issue) == []


# -- duplicates --------------------------------------------------------------------------


def test_an_issue_cannot_duplicate_itself() -> None:
    issue = in_state("reported")
    with refused(RuleViolation, "an issue cannot duplicate itself", field="original_id"):
        issue.link_as_duplicate(issue)


def test_a_duplicate_links_to_the_original_not_to_another_duplicate() -> None:
    another_duplicate = in_state("duplicate")
    issue = in_state("reported")
    with refused(
        RuleViolation, "link to the original issue, not to another duplicate", field="original_id"
    ):
        issue.link_as_duplicate(another_duplicate)
    assert issue.state == "reported"


@pytest.mark.parametrize("state", ["reported", "accepted"])
def test_open_unhandled_issues_can_be_linked_as_duplicates(state: str) -> None:
    original, issue = in_state("closed"), in_state(state)
    issue.link_as_duplicate(original)
    assert issue.state == "duplicate" and issue.original_id == original.id
    assert events(issue)[0].original_id == original.id


@pytest.mark.parametrize(
    "state", ["handling", "handled", "feedback_given", "reopened", "closed", "referred_out"]
)
def test_issues_past_acceptance_cannot_be_linked_as_duplicates(state: str) -> None:
    issue = in_state(state)
    with refused(
        InvalidTransition, f"cannot link as a duplicate an issue that is .* \\({state}\\)"
    ):
        issue.link_as_duplicate(in_state("reported"))


# -- transitions -------------------------------------------------------------------------

ALLOWED = {
    "accept": {"reported"},
    "refer": {"reported", "accepted"},
    "start": {"accepted", "reopened"},
    "handled": {"handling"},
    "feedback": {"handled"},
    "reopen": {"handled", "feedback_given"},
    "close": {"handled", "feedback_given"},
}
ACTION = {
    "accept": ("accept", lambda i: i.accept(department="x")),
    "refer": ("refer out", lambda i: i.refer_out("r")),
    "start": ("start handling", lambda i: i.start_handling()),
    "handled": ("mark as handled", lambda i: i.mark_handled("r")),
    "feedback": ("give feedback", lambda i: i.give_feedback("satisfied")),
    "reopen": ("reopen", lambda i: i.reopen("r")),
    "close": ("close", lambda i: i.close()),
}
STATES = [
    "reported", "accepted", "handling", "handled", "feedback_given", "reopened", "closed",
    "duplicate",
]  # fmt: skip


@pytest.mark.parametrize("command", sorted(ALLOWED))
@pytest.mark.parametrize("state", STATES)
def test_each_command_in_each_state(command: str, state: str) -> None:
    issue = in_state(state)
    words, act = ACTION[command]
    if state in ALLOWED[command]:
        act(issue)
        assert events(issue)
        return
    with refused(InvalidTransition, f"cannot {words} an issue that is .* \\({state}\\); it must"):
        act(issue)
    assert events(issue) == [] and issue.state == state


def test_a_referred_out_issue_is_not_handled() -> None:
    issue = in_state("referred_out")
    with refused(InvalidTransition, "a referred-out issue is not a property matter to handle"):
        issue.start_handling()


# -- feedback ----------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["satisfied", "basically_satisfied"])
def test_positive_feedback_does_not_reopen(rating: str) -> None:
    issue = in_state("handled")
    issue.give_feedback(rating)
    assert issue.state == "feedback_given" and issue.last_rating == rating and issue.cycle == 0
    assert [type(e).__name__ for e in events(issue)] == ["FeedbackGiven"]


def test_dissatisfied_feedback_reopens_with_a_new_handle_deadline() -> None:
    first, again = T0 + timedelta(days=1), T0 + timedelta(days=5)
    issue = in_state("handled", handle_due=first, feedback_due=T0 + timedelta(days=2))
    issue.give_feedback("dissatisfied", handle_due=again)
    assert issue.state == "reopened" and issue.cycle == 1 and issue.last_rating == "dissatisfied"
    assert issue.due["handle"] == again and issue.due["feedback"] is None
    feedback, reopened = events(issue)
    assert feedback.rating == "dissatisfied" and reopened.handle_due == again


@pytest.mark.parametrize("rating", ["", "unhappy", "Satisfied"])
def test_a_rating_outside_the_scale_is_refused_and_changes_nothing(rating: str) -> None:
    issue = in_state("handled")
    with refused(RuleViolation, f"unknown rating '{rating}'", field="rating"):
        issue.give_feedback(rating)
    assert issue.state == "handled" and issue.cycle == 0 and events(issue) == []


def test_reopen_counts_and_resets_the_deadlines() -> None:
    again = T0 + timedelta(days=9)
    issue = in_state("feedback_given", handle_due=T0, feedback_due=T0)
    issue.reopen("resident called back", handle_due=again)
    assert issue.cycle == 1 and issue.due["handle"] == again and issue.due["feedback"] is None
    assert events(issue)[0].reason == "resident called back"


# -- deadlines: the due instant itself is on time; one microsecond later is missed -------


@pytest.mark.parametrize(
    ("state", "stage", "key"),
    [
        ("reported", "accept", "accept_due"),
        ("accepted", "handle", "handle_due"),
        ("handling", "handle", "handle_due"),
        ("handled", "feedback", "feedback_due"),
        ("reopened", "handle", "reopen_due"),
    ],
)
def test_each_deadline_at_its_instant(state: str, stage: str, key: str) -> None:
    due = T0 + timedelta(hours=6)
    issue = in_state(state, **{key: due})
    assert issue.check_deadlines(due - TICK) == []
    assert issue.check_deadlines(due) == []
    assert events(issue) == []
    assert issue.check_deadlines(due + TICK) == [stage]
    missed, escalated = events(issue)
    cycle = 1 if state == "reopened" else 0
    assert (missed.stage, missed.due, missed.cycle) == (stage, due, cycle)
    assert (escalated.stage, escalated.cycle, escalated.to_org_id, escalated.level) == (
        stage, cycle, STREET, "street",
    )  # fmt: skip
    assert issue.missed == [f"{stage}:{cycle}"]
    assert issue.check_deadlines(due + timedelta(days=30)) == []


@pytest.mark.parametrize("state", ["feedback_given", "closed", "referred_out", "duplicate"])
def test_no_deadline_runs_after_feedback_or_in_a_final_state(state: str) -> None:
    long_ago = T0 - timedelta(days=1)
    issue = in_state(state, accept_due=long_ago, handle_due=long_ago, feedback_due=long_ago)
    assert issue.check_deadlines(T0 + timedelta(days=60)) == [] and events(issue) == []


def test_no_deadline_set_means_none_is_missed() -> None:
    for state in ("reported", "accepted", "handled"):
        assert in_state(state).check_deadlines(T0 + timedelta(days=400)) == []


def test_a_reopened_issue_gets_a_new_handle_deadline_per_cycle() -> None:
    first, second = T0 + timedelta(days=1), T0 + timedelta(days=10)
    issue = in_state("handling", handle_due=first)
    assert issue.check_deadlines(first + TICK) == ["handle"]
    issue.mark_handled("done", feedback_due=first + timedelta(days=1))
    issue.give_feedback("dissatisfied", handle_due=second)
    issue.collect_events()
    # the old deadline no longer applies in cycle 1; the new one does
    assert issue.check_deadlines(second) == []
    assert issue.check_deadlines(second + TICK) == ["handle"]
    assert issue.missed == ["handle:0", "handle:1"]
    issue.start_handling()
    issue.mark_handled("again")  # no feedback deadline this time: the old one was cleared
    assert issue.due["feedback"] is None
    assert issue.check_deadlines(second + timedelta(days=30)) == []


# -- what the events record --------------------------------------------------------------


def test_ids_are_the_same_natural_ids_as_in_every_stored_log() -> None:
    assert ServiceIssue.create_id("HX-2020-0001") == UUID("8828dedf-4f14-57f0-97d0-ef193b11727d")
    assert ServiceIssue.create_id(" hx-2020-0001 ") == ServiceIssue.create_id("HX-2020-0001")


def test_the_reported_event_keeps_every_field() -> None:
    compound, grid, community = uuid4(), uuid4(), uuid4()
    issue = new_issue(
        compound_id=compound,
        grid_id=grid,
        community_id=community,
        reporter_contact_masked="138****1234",
        reporter_contact_sealed="sealed",
        lat=36.67,
        long=116.98,
    )
    reported = events(issue)[0]
    assert (reported.compound_id, reported.grid_id, reported.community_id) == (
        compound,
        grid,
        community,
    )
    assert (reported.street_id, reported.reporter_contact_masked) == (STREET, "138****1234")
    assert reported.reporter_contact_sealed == issue.reporter_contact_sealed == "sealed"
    assert (reported.lat, reported.long, reported.reported_at) == (36.67, 116.98, T0)


def test_handled_and_reopened_events_say_why() -> None:
    issue = in_state("handling")
    issue.mark_handled(" 更换阀门 ")
    issue.give_feedback("dissatisfied")
    handled, _, reopened = events(issue)
    assert handled.resolution == "更换阀门"
    assert reopened.reason == "居民不满意 (dissatisfied feedback)"


def test_a_refused_transition_says_which_states_it_needs() -> None:
    with refused(
        InvalidTransition,
        re.escape(
            "cannot start handling an issue that is 已上报 (reported); "
            "it must be 已受理 (accepted) or 已重办 (reopened)"
        )
        + "$",
    ):
        in_state("reported").start_handling()
