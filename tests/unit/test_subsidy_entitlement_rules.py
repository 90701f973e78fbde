"""Every rule of SubsidyEntitlement and SubsidyBudget refuses by name, at its boundary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidTransition, NotPermitted, RuleViolation
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP, YEARLY, Due
from tests.unit.refusal import refused

AMOUNT = 300_000
PAID = date(2020, 6, 1)
DAY = timedelta(days=1)


def raised(kind: str = YEARLY, year: int = 2020, amount: int = AMOUNT) -> SubsidyEntitlement:
    return SubsidyEntitlement.raise_for(
        branch_id=uuid4(),
        kind=kind,
        year=year,
        due=Due(amount, "basis", 1),
        street_id=None,
        company_ids=[uuid4()],  # type: ignore[list-item]
        raised_on=date(2020, 1, 1),
    )


def budget(fen: int = 1_000_000, year: int = 2020) -> SubsidyBudget:
    return SubsidyBudget.allocate(holder_id=uuid4(), holder_kind="street", year=year,
                                  amount_fen=fen)  # fmt: skip


def walked(status: str, pot: SubsidyBudget | None = None) -> SubsidyEntitlement:
    """An entitlement walked to `status`, paid (if at all) from `pot` on PAID."""
    pot = pot or budget()
    entitlement = raised()
    steps: dict[str, Callable[[], None]] = {
        "submitted": lambda: entitlement.submit("manager"),
        "approved": lambda: entitlement.approve("officer"),
        "rejected": lambda: entitlement.reject("officer", "incomplete"),
        "disbursed": lambda: entitlement.disburse(pot, "P-1", PAID),
        "reversed": lambda: entitlement.reverse("paid_twice", "twice", PAID + DAY),
        "recovered": lambda: entitlement.recover(pot, "R-1", PAID + 2 * DAY),
    }
    path = {
        "raised": [],
        "submitted": ["submitted"],
        "approved": ["submitted", "approved"],
        "rejected": ["submitted", "rejected"],
        "disbursed": ["submitted", "approved", "disbursed"],
        "reversed": ["submitted", "approved", "disbursed", "reversed"],
        "recovered": ["submitted", "approved", "disbursed", "reversed", "recovered"],
    }[status]
    for step in path:
        steps[step]()
    entitlement.collect_events()
    pot.collect_events()
    assert entitlement.status == status
    return entitlement


# -- raise -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["", "monthly", "Yearly", "startup "])
def test_an_unknown_kind_is_refused(kind: str) -> None:
    with refused(RuleViolation, "kind is one of startup, yearly$", field="kind"):
        raised(kind=kind)


@pytest.mark.parametrize(("year", "ok"), [(1999, False), (2000, True), (2100, True),
                                          (2101, False)])  # fmt: skip
def test_the_year_is_bounded(year: int, ok: bool) -> None:
    if ok:
        assert raised(year=year).year == year
        return
    with refused(RuleViolation, "year must be between 2000 and 2100", field="year"):
        raised(year=year)


def test_raising_records_the_amount_and_the_ids() -> None:
    entitlement = raised(kind=STARTUP, amount=500_000)
    assert (entitlement.status, entitlement.amount_fen, entitlement.kind) == (
        "raised", 500_000, STARTUP,
    )  # fmt: skip
    assert entitlement.applicant_id is None and entitlement.budget_id is None
    assert entitlement.paid_on is None and entitlement.reversed_on is None
    event = entitlement.collect_events()[0]
    assert (event.basis, event.policy_version) == ("basis", 1)
    assert all(isinstance(c, str) for c in event.company_ids)
    branch, street, company = uuid4(), uuid4(), uuid4()
    raised_on = date(2020, 2, 3)
    entitlement = SubsidyEntitlement.raise_for(
        branch_id=branch, kind=YEARLY, year=2021, due=Due(7, "b", 2), street_id=street,
        company_ids=[company], raised_on=raised_on,  # type: ignore[list-item]
    )  # fmt: skip
    event = entitlement.collect_events()[0]
    assert (event.branch_id, event.street_id, event.raised_on) == (branch, street, raised_on)
    assert (entitlement.branch_id, entitlement.street_id) == (branch, street)
    assert event.company_ids == entitlement.company_ids == [str(company)]


# -- every command in every status -------------------------------------------------------

STATUSES = ["raised", "submitted", "approved", "rejected", "disbursed", "reversed", "recovered"]
COMMANDS: dict[str, tuple[str, str, Callable[[SubsidyEntitlement, SubsidyBudget], None]]] = {
    "submit": ("raised", "submit an application for", lambda e, b: e.submit("m2")),
    "approve": ("submitted", "approve", lambda e, b: e.approve("o2")),
    "reject": ("submitted", "reject", lambda e, b: e.reject("o2", "why")),
    "disburse": ("approved", "disburse", lambda e, b: e.disburse(b, "P-9", PAID)),
    "reverse": ("disbursed", "reverse", lambda e, b: e.reverse("other", "x", PAID + DAY)),
    "recover": ("reversed", "record the repayment of",
                lambda e, b: e.recover(b, "R-9", PAID + 3 * DAY)),
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("status", STATUSES)
def test_each_command_in_each_status(command: str, status: str) -> None:
    pot = budget()
    entitlement = walked(status, pot)
    needs, words, act = COMMANDS[command]
    if status == needs:
        act(entitlement, pot)
        assert entitlement.collect_events()
        return
    if command == "reverse" and status in ("reversed", "recovered"):
        match = "this entitlement was already reversed"
    else:
        match = f"cannot {words} an entitlement that is {status} \\(needs {needs}\\)"
    with refused(InvalidTransition, match):
        act(entitlement, pot)
    assert entitlement.collect_events() == [] and entitlement.status == status


# -- submit, approve, reject -------------------------------------------------------------


def test_the_applicant_is_named_within_limits() -> None:
    with refused(RuleViolation, "applicant_id must not be empty", field="applicant_id"):
        raised().submit("  ")
    with refused(RuleViolation, "applicant_id is longer than 100", field="applicant_id"):
        raised().submit("m" * 101)
    entitlement = raised()
    entitlement.submit(" " + "m" * 100 + " ", note=" " + "n" * 501)
    assert entitlement.applicant_id == "m" * 100
    submitted = entitlement.collect_events()[-1]
    assert submitted.applicant_id == "m" * 100 and submitted.note == "n" * 500


@pytest.mark.parametrize("decide", ["approve", "reject"])
@pytest.mark.parametrize("approver", ["manager", ""])
def test_maker_checker_on_approve_and_reject(decide: str, approver: str) -> None:
    entitlement = walked("submitted")
    with refused(NotPermitted, "the approver may not be the applicant \\(maker-checker\\)"):
        if decide == "approve":
            entitlement.approve(approver)
        else:
            entitlement.reject(approver, "incomplete")
    assert entitlement.status == "submitted" and entitlement.collect_events() == []


def test_approval_keeps_a_note_of_at_most_500_characters() -> None:
    entitlement = walked("submitted")
    entitlement.approve("officer", note="n" * 501 + " ")
    approved = entitlement.collect_events()[0]
    assert approved.note == "n" * 500 and approved.approver_id == "officer"
    assert entitlement.status == "approved"


def test_a_rejection_needs_a_reason_and_is_final() -> None:
    with refused(RuleViolation, "reason must not be empty", field="reason"):
        walked("submitted").reject("officer", " ")
    with refused(RuleViolation, "reason is longer than 500", field="reason"):
        walked("submitted").reject("officer", "r" * 501)
    entitlement = walked("submitted")
    entitlement.reject("officer", "r" * 500)
    assert entitlement.status == "rejected"
    assert entitlement.collect_events()[0].reason == "r" * 500
    with refused(InvalidTransition, "cannot approve an entitlement that is rejected"):
        entitlement.approve("officer")


# -- disburse ----------------------------------------------------------------------------


@pytest.mark.parametrize(("available", "ok"), [(AMOUNT - 1, False), (AMOUNT, True),
                                               (AMOUNT + 1, True)])  # fmt: skip
def test_a_payment_may_empty_the_budget_but_not_overdraw_it(available: int, ok: bool) -> None:
    pot = budget(available)
    entitlement = walked("approved", pot)
    if not ok:
        with refused(RuleViolation, f"the budget has {available} fen available, {AMOUNT} "
                     "requested: a disbursement may not overdraw it", field="budget_id"):  # fmt: skip
            entitlement.disburse(pot, "P-1", PAID)
        assert pot.available_fen == available and entitlement.status == "approved"
        assert pot.collect_events() == [] and entitlement.collect_events() == []
        return
    entitlement.disburse(pot, "P-1", PAID)
    assert pot.available_fen == available - AMOUNT and pot.allocated_fen == available
    drawn = pot.collect_events()[0]
    assert (drawn.amount_fen, drawn.entitlement_id) == (AMOUNT, entitlement.id)
    paid = entitlement.collect_events()[0]
    assert (paid.budget_id, paid.holder_id, paid.amount_fen, paid.paid_on) == (
        pot.id, pot.holder_id, AMOUNT, PAID,
    )  # fmt: skip
    assert paid.payment_reference == "P-1"
    assert (entitlement.budget_id, entitlement.holder_id, entitlement.paid_on) == (
        pot.id, pot.holder_id, PAID,
    )  # fmt: skip


@pytest.mark.parametrize(("paid_on", "ok"), [(date(2019, 12, 31), False), (date(2020, 1, 1), True),
                                             (date(2020, 12, 31), True),
                                             (date(2021, 1, 1), False)])  # fmt: skip
def test_a_payment_comes_from_the_budget_of_its_year(paid_on: date, ok: bool) -> None:
    pot = budget()
    entitlement = walked("approved", pot)
    if ok:
        entitlement.disburse(pot, "P-1", paid_on)
        assert entitlement.paid_on == paid_on
        return
    with refused(RuleViolation, f"paid on {paid_on}, but the budget is for 2020",
                 field="budget_id"):  # fmt: skip
        entitlement.disburse(pot, "P-1", paid_on)
    assert pot.available_fen == 1_000_000 and entitlement.status == "approved"


def test_a_payment_needs_a_reference_within_limits() -> None:
    pot = budget()
    for bad, match in ((" ", "must not be empty"), ("p" * 101, "is longer than 100")):
        with refused(RuleViolation, f"payment_reference {match}", field="payment_reference"):
            walked("approved", pot).disburse(pot, bad, PAID)
    assert pot.available_fen == 1_000_000
    entitlement = walked("approved", pot)
    entitlement.disburse(pot, " " + "p" * 100, PAID)
    assert entitlement.collect_events()[0].payment_reference == "p" * 100


# -- reverse and recover -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["", "fraud", "Paid_twice"])
def test_a_reversal_needs_a_known_reason_code(code: str) -> None:
    entitlement = walked("disbursed")
    with refused(RuleViolation, "reason_code is one of dissolved, paid_twice, wrong_account, other",
                 field="reason_code"):  # fmt: skip
        entitlement.reverse(code, "x", PAID)
    assert entitlement.status == "disbursed"


@pytest.mark.parametrize("code", ["dissolved", "paid_twice", "wrong_account", "other"])
def test_every_reason_code_is_accepted(code: str) -> None:
    entitlement = walked("disbursed")
    entitlement.reverse(code, "because", PAID)
    reversed_ = entitlement.collect_events()[0]
    assert (reversed_.reason_code, reversed_.reason, reversed_.amount_fen) == (code, "because",
                                                                              AMOUNT)  # fmt: skip
    assert reversed_.reversed_on == PAID and entitlement.reversed_on == PAID


def test_a_reversal_is_not_dated_before_the_payment() -> None:
    with refused(RuleViolation, "a reversal cannot precede the payment", field="reversed_on"):
        walked("disbursed").reverse("other", "x", PAID - DAY)
    walked("disbursed").reverse("other", "x", PAID)  # the same day is allowed
    walked("disbursed").reverse("other", "x", PAID + DAY)


def test_a_reversal_needs_a_reason_within_limits() -> None:
    with refused(RuleViolation, "reason must not be empty", field="reason"):
        walked("disbursed").reverse("other", "  ", PAID)
    with refused(RuleViolation, "reason is longer than 500", field="reason"):
        walked("disbursed").reverse("other", "r" * 501, PAID)
    walked("disbursed").reverse("other", "r" * 500, PAID)


def test_a_repayment_goes_back_to_the_paying_budget() -> None:
    pot, other = budget(), budget()
    entitlement = walked("reversed", pot)
    other.collect_events()
    with refused(RuleViolation, "the repayment goes back to the paying budget", field="budget_id"):
        entitlement.recover(other, "R-1", PAID + 5 * DAY)
    assert other.available_fen == 1_000_000 and other.collect_events() == []
    assert pot.available_fen == 1_000_000 - AMOUNT


@pytest.mark.parametrize(("offset", "ok"), [(-1, False), (0, True), (1, True)])
def test_a_repayment_is_not_dated_before_the_reversal(offset: int, ok: bool) -> None:
    pot = budget()
    entitlement = walked("reversed", pot)  # reversed on PAID + 1 day
    on = PAID + DAY + offset * DAY
    if not ok:
        with refused(RuleViolation, "a repayment cannot precede the reversal",
                     field="recovered_on"):  # fmt: skip
            entitlement.recover(pot, "R-1", on)
        assert pot.available_fen == 1_000_000 - AMOUNT
        return
    entitlement.recover(pot, " R-1 ", on)
    assert pot.available_fen == 1_000_000 and entitlement.status == "recovered"
    back = entitlement.collect_events()[0]
    assert (back.budget_id, back.holder_id, back.reference, back.recovered_on, back.amount_fen) == (
        pot.id, pot.holder_id, "R-1", on, AMOUNT,
    )  # fmt: skip
    returned = pot.collect_events()[0]
    assert (returned.amount_fen, returned.entitlement_id, returned.reference) == (
        AMOUNT, entitlement.id, "R-1",
    )  # fmt: skip


def test_a_repayment_needs_a_reference_within_limits() -> None:
    for bad, match in (("  ", "must not be empty"), ("r" * 101, "is longer than 100")):
        pot = budget()
        with refused(RuleViolation, f"reference {match}", field="reference"):
            walked("reversed", pot).recover(pot, bad, PAID + 9 * DAY)
        assert pot.available_fen == 1_000_000 - AMOUNT
    pot = budget()
    walked("reversed", pot).recover(pot, "r" * 100, PAID + 9 * DAY)


# -- budgets -----------------------------------------------------------------------------


def test_a_budget_belongs_to_the_district_or_a_street() -> None:
    for kind in ("district", "street"):
        assert SubsidyBudget.allocate(holder_id=uuid4(), holder_kind=kind, year=2020,
                                      amount_fen=1).holder_kind == kind  # fmt: skip
    with refused(RuleViolation, "a budget belongs to the district or a street", field="holder_id"):
        SubsidyBudget.allocate(holder_id=uuid4(), holder_kind="community", year=2020, amount_fen=1)


def test_allocation_and_top_up_amounts_are_positive_whole_fen() -> None:
    for bad in (0, -1):
        with refused(RuleViolation, "amount_fen must be positive", field="amount_fen"):
            budget(bad)
        with refused(RuleViolation, "amount_fen must be positive", field="amount_fen"):
            budget().top_up(bad)
    with refused(RuleViolation, "year must be between 2000 and 2100", field="year"):
        budget(year=1999)
    pot = SubsidyBudget.allocate(
        holder_id=uuid4(), holder_kind="district", year=2020, amount_fen=1, note="a" * 501
    )
    pot.top_up(2, note=" " + "n" * 501)
    pot.top_up(5)
    assert (pot.available_fen, pot.allocated_fen, pot.year) == (8, 8, 2020)
    allocated, topped, plain = pot.collect_events()
    assert (allocated.amount_fen, allocated.holder_kind, allocated.note) == (1, "district",
                                                                            "a" * 500)  # fmt: skip
    assert (topped.amount_fen, topped.note) == (2, "n" * 500)
    assert (plain.amount_fen, plain.note) == (5, "")
    assert budget().collect_events()[0].note == ""


def test_draws_and_returns_are_positive_whole_fen() -> None:
    pot = budget(10)
    with refused(RuleViolation, "amount_fen must be positive", field="amount_fen"):
        pot.draw(0, uuid4())
    with refused(RuleViolation, "amount_fen must be positive", field="amount_fen"):
        pot.give_back(0, uuid4(), "R")
    pot.draw(10, uuid4())
    assert pot.available_fen == 0
    with refused(RuleViolation, "the budget has 0 fen available, 1 requested", field="budget_id"):
        pot.draw(1, uuid4())
    pot.give_back(4, uuid4(), "R")
    assert pot.available_fen == 4 and pot.allocated_fen == 10


def test_ids_are_the_same_natural_ids_as_in_every_stored_log() -> None:
    branch = UUID("6f1c2a4e-0000-4000-8000-00000000002a")
    startup = UUID("bdf3d098-e626-5331-9366-9ec07f520d5c")
    assert SubsidyEntitlement.create_id(branch, STARTUP) == startup
    assert SubsidyEntitlement.create_id(branch, STARTUP, 2031) == startup
    assert SubsidyEntitlement.create_id(branch, YEARLY, 2020) == UUID(
        "382b7fa2-15bc-5c66-ac10-c29c6bf35d13"
    )
    assert SubsidyBudget.create_id(branch, 2020) == UUID("a2d95440-9175-51b7-8d89-7415656457fc")


def test_decisions_record_who_decided_and_no_note_unless_given() -> None:
    entitlement = raised()
    entitlement.submit("manager")
    entitlement.approve("officer")
    submitted, approved = entitlement.collect_events()[1:]
    assert (submitted.note, approved.note, approved.approver_id) == ("", "", "officer")
    rejected = walked("submitted")
    rejected.reject("officer-2", "incomplete")
    event = rejected.collect_events()[0]
    assert (event.approver_id, event.reason) == ("officer-2", "incomplete")
