"""Subsidy ledger endpoints (R11, R24): policy, budgets, entitlements and their workflow,
the double-entry journal, balances, statements and the yearly report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from api import scope
from api.auth import principal, require_scope
from api.commands import ensure_fresh, handle, services
from api.conditional import with_etag
from api.read_policy import read_scope
from api.roles import (
    DISTRICT_ADMIN,
    ENTITLEMENT_READERS,
    FUNDING_OFFICERS,
    LEDGER_READERS,
    SUBSIDY_APPLICANTS,
)
from api.routes import command_route, read_route
from api.schemas import PageArgs, ReadArgs, page_body, page_of, take_paging
from api.scope import require_org_scope
from api.subsidy_schemas import (
    AllocateBudget,
    BalancePage,
    BudgetPage,
    BudgetSchema,
    Disburse,
    EntitlementArgs,
    EntitlementPage,
    EntitlementSchema,
    JournalArgs,
    JournalPage,
    Note,
    OpenYear,
    PeriodArgs,
    PolicySchema,
    RaiseEntitlement,
    Recover,
    Reject,
    Reverse,
    SetEligibility,
    SetPolicy,
    StatementSchema,
    StreetSummaryPage,
    TopUpBudget,
    TrialBalanceSchema,
    YearArgs,
    YearListArgs,
    YearlyPage,
)
from domain.subsidy_commands import (
    AllocateSubsidyBudget,
    ApproveSubsidy,
    DisburseSubsidy,
    OpenSubsidyYear,
    RaiseSubsidyEntitlement,
    RecoverSubsidyClawback,
    RejectSubsidy,
    ReverseSubsidy,
    SetSubsidyEligibility,
    SetSubsidyPolicy,
    SubmitSubsidyApplication,
    TopUpSubsidyBudget,
)
from domain.subsidy_entitlement import STATUS_LABELS
from domain.subsidy_policy import DEFAULT_ELIGIBLE_METHODS, SubsidyPolicy
from projections import subsidy_policy
from projections import subsidy_reports as reports
from projections.subsidy_ledger import SubsidyLedgerProjection

blp = Blueprint(
    "subsidies",
    __name__,
    url_prefix="/api/v1/subsidies",
    description="Subsidy ledger: 启动资金 and 党建工作经费补助 as a double-entry ledger (R11, R24).",
)

LEDGER = SubsidyLedgerProjection.name
POLICY = subsidy_policy.SubsidyPolicyProjection.name
POLICY_EVENTS = [
    get_topic(getattr(SubsidyPolicy, name))
    for name in ("Configured", "Changed", "EligibilitySet", "YearOpened")
]
LOCATION = "/api/v1/subsidies/entitlements/{id}"
SUBSIDY, LEDGER_ROWS = "subsidy", "subsidy_ledger"  # read policy resources


def _fresh(args: dict[str, Any]) -> None:
    ensure_fresh(LEDGER, min_position=args.pop("min_position", None))


def _chain_table() -> str | None:
    table: str | None = getattr(services().app.recorder, "chain_table", None)
    return table


def _entitlement(
    entitlement_id: UUID, covered: Callable[[dict[str, Any]], bool] | None = None
) -> dict[str, Any]:
    row = scope.fresh_row(
        LEDGER, lambda conn: reports.get_entitlement(conn, str(entitlement_id)), covered=covered
    )
    return scope.found(row, "SubsidyEntitlement", entitlement_id)


def _officer_in_scope(entitlement_id: UUID) -> None:
    """Street officers act within their street; the district admin anywhere."""
    entitlement = _entitlement(entitlement_id)
    if entitlement["street_id"] is not None:
        require_org_scope(UUID(entitlement["street_id"]))
    else:
        require_scope([])


def _applicant_units(entitlement: dict[str, Any]) -> list[str]:
    companies = entitlement["company_ids"].split(",") if entitlement["company_ids"] else []
    return [*companies, entitlement["branch_id"]]


def _applicant_in_scope(entitlement_id: UUID) -> None:
    """Company managers apply for their own company's branch."""
    if principal().role != "company_manager":
        _entitlement(entitlement_id)
        return
    entitlement = _entitlement(
        entitlement_id, covered=lambda row: principal().covers(_applicant_units(row))
    )
    require_scope(_applicant_units(entitlement))


# -- policy and budgets -------------------------------------------------------------------


@blp.route("/policy")
class Policy(MethodView):
    @read_route(blp, ENTITLEMENT_READERS, PolicySchema)
    def get(self) -> Response:
        """The policy settings in force and their history, and the open years."""
        policy = scope.fresh_row(POLICY, subsidy_policy.get_policy, changed_by=POLICY_EVENTS)
        found = scope.found(policy, "SubsidyPolicy", SubsidyPolicy.create_id())
        return with_etag(
            {**found, "eligible_methods_before_any_setting": list(DEFAULT_ELIGIBLE_METHODS)}
        )

    @command_route(blp, (DISTRICT_ADMIN,), SetPolicy)
    def put(self, body: dict[str, Any]) -> Response:
        """Record new policy settings (amounts in fen), effective from a date."""
        return handle(SetSubsidyPolicy(**body))


@blp.route("/policy/eligibility")
class PolicyEligibility(MethodView):
    @command_route(blp, (DISTRICT_ADMIN,), SetEligibility)
    def put(self, body: dict[str, Any]) -> Response:
        """Which founding methods (standalone, joint, affiliated) are subsidised, from a date.
        Before any setting: standalone and joint (newly founded company branches)."""
        return handle(SetSubsidyEligibility(**body))


@blp.route("/years")
class Years(MethodView):
    @command_route(blp, (DISTRICT_ADMIN,), OpenYear)
    def post(self, body: dict[str, Any]) -> Response:
        """Open a subsidy year: the process raises the yearly subsidy of each active branch."""
        return handle(OpenSubsidyYear(**body))


@blp.route("/budgets")
class Budgets(MethodView):
    @read_route(blp, LEDGER_READERS, BudgetPage, YearListArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Budgets with allocated, drawn, returned and available amounts (fen)."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            budgets = reports.list_budgets(conn, scope=read_scope(LEDGER_ROWS), **args)
        return page_of(budgets, paging)

    @command_route(blp, FUNDING_OFFICERS, AllocateBudget, status=201)
    def post(self, body: dict[str, Any]) -> Response:
        """Allocate the yearly budget of the district or of a street (in scope)."""
        require_org_scope(body["holder_id"], "holder_id")
        return handle(AllocateSubsidyBudget(**body), status=201)


@blp.route("/budgets/<uuid:budget_id>")
class BudgetResource(MethodView):
    @read_route(blp, LEDGER_READERS, BudgetSchema, ReadArgs)
    def get(self, args: dict[str, Any], budget_id: UUID) -> Response:
        """One budget with allocated, drawn, returned and available amounts (fen)."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            found = reports.get_budget(conn, str(budget_id), read_scope(LEDGER_ROWS))
        if found is None:
            raise NotFound(f"no budget {budget_id}")
        return with_etag(found)


@blp.route("/budgets/<uuid:budget_id>/top-ups")
class BudgetTopUps(MethodView):
    @command_route(blp, FUNDING_OFFICERS, TopUpBudget)
    def post(self, body: dict[str, Any], budget_id: UUID) -> Response:
        """Top up a budget."""
        budget = scope.fresh_row(LEDGER, lambda conn: reports.get_budget(conn, str(budget_id)))
        require_org_scope(UUID(scope.found(budget, "SubsidyBudget", budget_id)["holder_id"]))
        return handle(TopUpSubsidyBudget(budget_id, **body))


# -- entitlements -------------------------------------------------------------------------


@blp.route("/entitlements")
class Entitlements(MethodView):
    @read_route(blp, ENTITLEMENT_READERS, EntitlementPage, EntitlementArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Entitlements (filters: branch, street, year, kind, status)."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            items, total = reports.list_entitlements(conn, scope=read_scope(SUBSIDY), **args)
        return page_body([_labelled(i) for i in items], total, args)

    @command_route(blp, (DISTRICT_ADMIN,), RaiseEntitlement, status=201)
    def post(self, body: dict[str, Any]) -> Response:
        """Raise an entitlement by hand (normally the subsidy process does it)."""
        return handle(RaiseSubsidyEntitlement(**body), status=201, location=LOCATION)


@blp.route("/entitlements/<uuid:entitlement_id>")
class EntitlementResource(MethodView):
    @read_route(blp, ENTITLEMENT_READERS, EntitlementSchema, ReadArgs)
    def get(self, args: dict[str, Any], entitlement_id: UUID) -> Response:
        """One entitlement with its workflow state."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            found = reports.get_entitlement(conn, str(entitlement_id), read_scope(SUBSIDY))
        if found is None:
            raise NotFound(f"no entitlement {entitlement_id}")
        return with_etag(_labelled(found))


@blp.route("/entitlements/<uuid:entitlement_id>/submit")
class Submit(MethodView):
    @command_route(blp, SUBSIDY_APPLICANTS, Note)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Response:
        """Submit the application (company manager of the branch's company)."""
        _applicant_in_scope(entitlement_id)
        user = principal().user_id
        return handle(SubmitSubsidyApplication(entitlement_id, applicant_id=user, **body))


@blp.route("/entitlements/<uuid:entitlement_id>/approve")
class Approve(MethodView):
    @command_route(blp, FUNDING_OFFICERS, Note)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Response:
        """Approve (street officer in scope; never the applicant)."""
        _officer_in_scope(entitlement_id)
        return handle(ApproveSubsidy(entitlement_id, approver_id=principal().user_id, **body))


@blp.route("/entitlements/<uuid:entitlement_id>/reject")
class RejectResource(MethodView):
    @command_route(blp, FUNDING_OFFICERS, Reject)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Response:
        """Reject (street officer in scope; never the applicant)."""
        _officer_in_scope(entitlement_id)
        return handle(RejectSubsidy(entitlement_id, approver_id=principal().user_id, **body))


@blp.route("/entitlements/<uuid:entitlement_id>/disburse")
class DisburseResource(MethodView):
    @command_route(blp, FUNDING_OFFICERS, Disburse)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Response:
        """Record the payment (refused if it would overdraw the budget)."""
        _officer_in_scope(entitlement_id)
        return handle(DisburseSubsidy(entitlement_id, **body))


@blp.route("/entitlements/<uuid:entitlement_id>/reverse")
class ReverseResource(MethodView):
    @command_route(blp, FUNDING_OFFICERS, Reverse)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Response:
        """Reverse a payment (clawback): dissolved, paid twice, wrong account, other."""
        _officer_in_scope(entitlement_id)
        return handle(ReverseSubsidy(entitlement_id, **body))


@blp.route("/entitlements/<uuid:entitlement_id>/recover")
class RecoverResource(MethodView):
    @command_route(blp, FUNDING_OFFICERS, Recover)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Response:
        """Record the repayment of a clawback (returns to the paying budget)."""
        _officer_in_scope(entitlement_id)
        return handle(RecoverSubsidyClawback(entitlement_id, **body))


# -- ledger reads -------------------------------------------------------------------------


@blp.route("/journal")
class Journal(MethodView):
    @read_route(blp, LEDGER_READERS, JournalPage, JournalArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Journal lines in log order, each with its causing event's position and hash."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            scope = read_scope(LEDGER_ROWS)
            items, total = reports.journal(
                conn, chain_table=_chain_table(), scope=scope, **paging, **args
            )
        return page_body(items, total, paging)


@blp.route("/balances")
class Balances(MethodView):
    @read_route(blp, LEDGER_READERS, BalancePage, PeriodArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Balance per account (debit − credit, fen) for a period, up to it, or overall, of
        the postings in the caller's read scope."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            accounts = reports.balances(conn, scope=read_scope(LEDGER_ROWS), **args)
        return page_of(accounts, paging)


@blp.route("/trial-balance")
class TrialBalance(MethodView):
    @read_route(blp, LEDGER_READERS, TrialBalanceSchema, YearArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Trial balance of the postings in the caller's read scope: total debits equal
        total credits; net is always 0."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            scope = read_scope(LEDGER_ROWS)
            return reports.trial_balance(conn, period=args.get("year"), scope=scope)


@blp.route("/statements/<uuid:branch_id>")
class Statement(MethodView):
    @read_route(blp, ENTITLEMENT_READERS, StatementSchema, ReadArgs)
    def get(self, args: dict[str, Any], branch_id: UUID) -> dict[str, Any]:
        """A branch's statement: entitlements, journal lines and totals."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            if not reports.branch_readable(conn, str(branch_id), read_scope(SUBSIDY)):
                raise NotFound(f"no branch statement {branch_id}")
            return reports.branch_statement(conn, str(branch_id), chain_table=_chain_table())


@blp.route("/streets")
class Streets(MethodView):
    @read_route(blp, LEDGER_READERS, StreetSummaryPage, YearListArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Per street: branches, due, paid, outstanding, clawed back (fen)."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            streets = reports.street_summary(conn, scope=read_scope(LEDGER_ROWS), **args)
        return page_of(streets, paging)


@blp.route("/reports/yearly")
class Yearly(MethodView):
    @read_route(blp, LEDGER_READERS, YearlyPage, PageArgs)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Per year and kind: due, paid, outstanding, clawed back, recovered (fen), of the
        postings in the caller's read scope."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            yearly = reports.yearly_report(conn, read_scope(LEDGER_ROWS))
        return page_of(yearly, take_paging(args))


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "status_label": STATUS_LABELS.get(row["status"], row["status"])}
