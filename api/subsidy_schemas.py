"""Marshmallow schemas of the subsidy ledger endpoints: money in and out is integer fen, in
fields named `*_fen`."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from api.fields import BusinessDate, Fen, Text
from api.schemas import PageArgs, PageSchema, Paging, ReadArgs
from domain.subsidy_branches import FOUNDING_METHODS
from domain.subsidy_entitlement import REVERSAL_REASONS
from domain.subsidy_policy import KINDS, PRO_RATING

FEN = {
    "description": "integer fen as a JSON integer (100 fen = 1 yuan; 5000 yuan = 500000); "
    'text ("5"), fractions (12.5, 5.0) and booleans are refused',
    "example": 500_000,
}


def _fen() -> Fen:
    return Fen(required=True, metadata=FEN)


class FenBody(Schema):
    """A command body with money: a field of the yuan era (`amount`, ...) is refused with a
    422 naming the `*_fen` field that replaced it."""

    @pre_load
    def _no_yuan_fields(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            renamed = {
                old: [f"money is now {old}_fen, integer fen (5000 yuan = 500000)"]
                for old in (name.removesuffix("_fen") for name in self.fields)
                if old in data and f"{old}_fen" in self.fields
            }
            if renamed:
                raise ValidationError(renamed)
        return data


def _year(**kw: object) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=2000, max=2100), **kw)  # type: ignore[arg-type]


class SetPolicy(FenBody):
    effective_from = BusinessDate(required=True)
    start_date = BusinessDate(
        required=True, metadata={"description": "branches founded on/after get the start-up fund"}
    )
    startup_fund_fen = _fen()
    yearly_subsidy_fen = _fen()
    pro_rating = Text(load_default="none", validate=validate.OneOf(PRO_RATING))


class SetEligibility(Schema):
    effective_from = BusinessDate(required=True)
    methods = fields.List(
        Text(validate=validate.OneOf(FOUNDING_METHODS)),
        required=True,
        validate=validate.Length(min=1, max=len(FOUNDING_METHODS)),
        metadata={"description": "founding methods whose organisations are subsidised"},
    )


class OpenYear(Schema):
    year = _year(required=True)


class AllocateBudget(FenBody):
    holder_id = fields.UUID(required=True, metadata={"description": "the district or a street"})
    year = _year(required=True)
    amount_fen = _fen()
    note = Text(load_default="", validate=validate.Length(max=500))


class TopUpBudget(FenBody):
    amount_fen = _fen()
    note = Text(load_default="", validate=validate.Length(max=500))


class RaiseEntitlement(Schema):
    branch_id = fields.UUID(required=True)
    kind = Text(required=True, validate=validate.OneOf(KINDS))
    year = _year(load_default=None)


class Note(Schema):
    note = Text(load_default="", validate=validate.Length(max=500))


class Reject(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class Disburse(Schema):
    payment_reference = Text(required=True, validate=validate.Length(min=1, max=100))
    paid_on = BusinessDate(required=True)
    budget_id = fields.UUID(
        load_default=None,
        metadata={"description": "default: the street's budget of that year, else the district's"},
    )


class Reverse(Schema):
    reason_code = Text(required=True, validate=validate.OneOf(REVERSAL_REASONS))
    reason = Text(required=True, validate=validate.Length(min=1, max=500))
    reversed_on = BusinessDate(required=True)


class Recover(Schema):
    reference = Text(required=True, validate=validate.Length(min=1, max=100))
    recovered_on = BusinessDate(required=True)


class EntitlementArgs(PageArgs):
    branch_id = fields.UUID()
    street_id = fields.UUID()
    year = _year()
    kind = Text(validate=validate.OneOf(KINDS))
    status = Text(validate=validate.Length(max=16))


class JournalArgs(PageArgs):
    account = Text(validate=validate.Length(max=80))
    branch_id = fields.UUID()
    street_id = fields.UUID()
    period = _year()
    subsidy_year = _year()


class PeriodArgs(Paging, ReadArgs):
    period = _year()
    cumulative = fields.Boolean(load_default=False)


class YearArgs(ReadArgs):
    year = _year()


class YearListArgs(Paging, YearArgs):
    pass


class EntitlementSchema(Schema):
    id = Text()
    branch_id = Text()
    kind = Text()
    status = Text()
    status_label = Text()
    year = fields.Integer()
    amount_fen = fields.Integer()
    basis = Text()
    policy_version = fields.Integer()
    street_id = Text(allow_none=True)
    company_ids = Text()
    raised_on = Text()
    applicant_id = Text(allow_none=True)
    approver_id = Text(allow_none=True)
    decision_note = Text(allow_none=True)
    budget_id = Text(allow_none=True)
    payment_reference = Text(allow_none=True)
    paid_on = Text(allow_none=True)
    reversal_reason_code = Text(allow_none=True)
    reversal_reason = Text(allow_none=True)
    reversed_on = Text(allow_none=True)
    recovered_on = Text(allow_none=True)
    version = fields.Integer()
    position = fields.Integer()


class EntitlementPage(PageSchema):
    items = fields.List(fields.Nested(EntitlementSchema))


class PostingSchema(Schema):
    position = fields.Integer(metadata={"description": "log position of the causing event"})
    leg = fields.Integer()
    entry_date = Text()
    period = fields.Integer()
    subsidy_year = fields.Integer()
    event_type = Text()
    debit_account = Text()
    credit_account = Text()
    amount_fen = fields.Integer()
    branch_id = Text(allow_none=True)
    street_id = Text(allow_none=True)
    entitlement_id = Text(allow_none=True)
    budget_id = Text(allow_none=True)
    aggregate_id = Text()
    aggregate_version = fields.Integer()
    event_hash = Text(
        allow_none=True, metadata={"description": "chain hash of the causing event (hex)"}
    )


class JournalPage(PageSchema):
    items = fields.List(fields.Nested(PostingSchema))


class PolicySettingsSchema(Schema):
    effective_from = Text()
    start_date = Text()
    startup_fund_fen = fields.Integer()
    yearly_subsidy_fen = fields.Integer()
    pro_rating = Text()
    version = fields.Integer()


class EligibilitySchema(Schema):
    effective_from = Text()
    methods = fields.List(Text())


class PolicySchema(Schema):
    version = fields.Integer()
    settings = fields.List(fields.Nested(PolicySettingsSchema))
    open_years = fields.List(fields.Integer())
    eligibility = fields.List(fields.Nested(EligibilitySchema))
    eligible_methods_before_any_setting = fields.List(Text())


class BudgetSchema(Schema):
    id = Text()
    holder_id = Text()
    holder_kind = Text()
    year = fields.Integer()
    allocated_fen = fields.Integer()
    drawn_fen = fields.Integer()
    returned_fen = fields.Integer()
    available_fen = fields.Integer()
    version = fields.Integer()
    position = fields.Integer()


class BudgetPage(PageSchema):
    items = fields.List(fields.Nested(BudgetSchema))


class BalanceSchema(Schema):
    account = Text()
    account_type = Text()
    debit_fen = fields.Integer()
    credit_fen = fields.Integer()
    balance_fen = fields.Integer(metadata={"description": "debit − credit"})


class BalancePage(PageSchema):
    items = fields.List(fields.Nested(BalanceSchema))


class TrialBalanceSchema(Schema):
    period = fields.Integer(allow_none=True)
    accounts = fields.List(fields.Nested(BalanceSchema))
    total_debit_fen = fields.Integer()
    total_credit_fen = fields.Integer()
    net_fen = fields.Integer(metadata={"description": "always 0"})


class AmountsSchema(Schema):
    due_fen = fields.Integer()
    paid_fen = fields.Integer()
    outstanding_fen = fields.Integer()
    clawed_back_fen = fields.Integer()
    recovered_fen = fields.Integer()


class StatementSchema(Schema):
    branch_id = Text()
    entitlements = fields.List(fields.Nested(EntitlementSchema))
    lines = fields.List(fields.Nested(PostingSchema))
    totals = fields.Nested(AmountsSchema)


class StreetSummarySchema(AmountsSchema):
    street_id = Text(allow_none=True)
    street_name = Text(allow_none=True)
    branches = fields.Integer()


class StreetSummaryPage(PageSchema):
    items = fields.List(fields.Nested(StreetSummarySchema))


class YearlyRowSchema(AmountsSchema):
    year = fields.Integer()
    kind = Text()
    entitlements = fields.Integer()


class YearlyPage(PageSchema):
    items = fields.List(fields.Nested(YearlyRowSchema))
