"""R11 one subsidy entitlement of one company party branch, through its workflow:

raised (by the subsidy process) → application submitted (branch/company) → approved or
rejected by a street officer (maker-checker: never the applicant) → disbursed (payment
reference, date; drawn from a budget) → optionally reversed (clawback with a reason) →
clawback recovered (returned to the budget). No amount is ever edited.

Ids are deterministic: the start-up fund of a branch is uuid5(branch), the yearly
subsidy uuid5(branch, year), so a second one is AlreadyExists however it is attempted.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import InvalidTransition, NotPermitted, RuleViolation
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_policy import KINDS, STARTUP, Due, check_year

REVERSAL_REASONS = ("dissolved", "paid_twice", "wrong_account", "other")
STATUS_LABELS = {
    "raised": "待申请",
    "submitted": "已申请",
    "approved": "已批准",
    "rejected": "已驳回",
    "disbursed": "已拨付",
    "reversed": "已追回(待退款)",
    "recovered": "已退回预算",
}


class SubsidyEntitlement(LedgerAggregate):
    @staticmethod
    def create_id(branch_id: UUID, kind: str, year: int | None = None, **_: object) -> UUID:
        if kind == STARTUP:
            return natural_id("subsidy-entitlement", STARTUP, branch_id)
        return natural_id("subsidy-entitlement", kind, branch_id, year)

    @classmethod
    def raise_for(
        cls,
        *,
        branch_id: UUID,
        kind: str,
        year: int,
        due: Due,
        street_id: UUID | None,
        company_ids: list[str],
        raised_on: date,
    ) -> SubsidyEntitlement:
        if kind not in KINDS:
            raise RuleViolation(f"kind is one of {', '.join(KINDS)}", field="kind")
        return cls(
            branch_id=branch_id,
            kind=kind,
            year=check_year(year),
            amount_fen=due.amount_fen,
            basis=due.basis,
            policy_version=due.policy_version,
            street_id=street_id,
            company_ids=[str(c) for c in company_ids],
            raised_on=raised_on,
        )

    @event("Raised")
    def __init__(
        self,
        *,
        branch_id: UUID,
        kind: str,
        year: int,
        amount_fen: int,
        basis: str,
        policy_version: int,
        street_id: UUID | None,
        company_ids: list[str],
        raised_on: date,
    ) -> None:
        self.branch_id = branch_id
        self.kind = kind
        self.year = year
        self.amount_fen = amount_fen
        self.street_id = street_id
        self.company_ids = company_ids
        self.status = "raised"
        self.applicant_id: str | None = None
        self.budget_id: UUID | None = None
        self.holder_id: UUID | None = None
        self.paid_on: date | None = None
        self.reversed_on: date | None = None

    # -- commands -------------------------------------------------------------------------

    def submit(self, applicant_id: str, note: str = "") -> None:
        self._expect("submit an application for", "raised")
        self._submitted(
            applicant_id=require_text(applicant_id, "applicant_id", max_len=100),
            note=note.strip()[:500],
        )

    def approve(self, approver_id: str, note: str = "") -> None:
        self._expect("approve", "submitted")
        self._check_maker_checker(approver_id)
        self._approved(approver_id=approver_id, note=note.strip()[:500])

    def reject(self, approver_id: str, reason: str) -> None:
        self._expect("reject", "submitted")
        self._check_maker_checker(approver_id)
        self._rejected(approver_id=approver_id, reason=require_text(reason, "reason", max_len=500))

    def disburse(self, budget: SubsidyBudget, payment_reference: str, paid_on: date) -> None:
        self._expect("disburse", "approved")
        if budget.year != paid_on.year:
            raise RuleViolation(
                f"paid on {paid_on}, but the budget is for {budget.year}", field="budget_id"
            )
        reference = require_text(payment_reference, "payment_reference", max_len=100)
        budget.draw(self.amount_fen, self.id)
        self._disbursed(
            budget_id=budget.id,
            holder_id=budget.holder_id,
            payment_reference=reference,
            paid_on=paid_on,
            amount_fen=self.amount_fen,
        )

    def reverse(self, reason_code: str, reason: str, reversed_on: date) -> None:
        if self.status in ("reversed", "recovered"):
            raise InvalidTransition("this entitlement was already reversed")
        self._expect("reverse", "disbursed")
        if reason_code not in REVERSAL_REASONS:
            raise RuleViolation(
                f"reason_code is one of {', '.join(REVERSAL_REASONS)}", field="reason_code"
            )
        if self.paid_on and reversed_on < self.paid_on:
            raise RuleViolation("a reversal cannot precede the payment", field="reversed_on")
        self._reversed(
            reason_code=reason_code,
            reason=require_text(reason, "reason", max_len=500),
            reversed_on=reversed_on,
            amount_fen=self.amount_fen,
        )

    def recover(self, budget: SubsidyBudget, reference: str, recovered_on: date) -> None:
        self._expect("record the repayment of", "reversed")
        if budget.id != self.budget_id:
            raise RuleViolation("the repayment goes back to the paying budget", field="budget_id")
        if self.reversed_on and recovered_on < self.reversed_on:
            raise RuleViolation("a repayment cannot precede the reversal", field="recovered_on")
        budget.give_back(self.amount_fen, self.id, reference)
        self._recovered(
            budget_id=budget.id,
            holder_id=budget.holder_id,
            reference=reference.strip(),
            recovered_on=recovered_on,
            amount_fen=self.amount_fen,
        )

    # -- events ---------------------------------------------------------------------------

    @event("ApplicationSubmitted")
    def _submitted(self, applicant_id: str, note: str) -> None:
        self.status = "submitted"
        self.applicant_id = applicant_id

    @event("Approved")
    def _approved(self, approver_id: str, note: str) -> None:
        self.status = "approved"

    @event("Rejected")
    def _rejected(self, approver_id: str, reason: str) -> None:
        self.status = "rejected"

    @event("Disbursed")
    def _disbursed(
        self,
        budget_id: UUID,
        holder_id: UUID,
        payment_reference: str,
        paid_on: date,
        amount_fen: int,
    ) -> None:
        self.status = "disbursed"
        self.paid_on = paid_on
        self.budget_id = budget_id
        self.holder_id = holder_id

    @event("Reversed")
    def _reversed(self, reason_code: str, reason: str, reversed_on: date, amount_fen: int) -> None:
        self.status = "reversed"
        self.reversed_on = reversed_on

    @event("ClawbackRecovered")
    def _recovered(
        self, budget_id: UUID, holder_id: UUID, reference: str, recovered_on: date, amount_fen: int
    ) -> None:
        self.status = "recovered"

    # -- checks ---------------------------------------------------------------------------

    def _expect(self, action: str, status: str) -> None:
        if self.status != status:
            raise InvalidTransition(
                f"cannot {action} an entitlement that is {self.status} (needs {status})"
            )

    def _check_maker_checker(self, approver_id: str) -> None:
        if not approver_id or approver_id == self.applicant_id:
            raise NotPermitted("the approver may not be the applicant (maker-checker)")
