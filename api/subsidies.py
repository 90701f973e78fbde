"""Subsidy ledger endpoints (R11, R24): policy, budgets, entitlements and their workflow,
the double-entry journal, balances, statements and the yearly report."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from api.auth import principal, require, require_scope
from api.commands import ensure_fresh, run, services
from api.conditional import with_etag
from api.roles import DISTRICT_ADMIN, FUNDING_OFFICERS, LEDGER_READERS
from api.schemas import CommandResultSchema, PageArgs, ReadArgs, page_body, page_of, take_paging
from api.scope import require_org_scope
from api.subsidy_schemas import (
    AllocateBudget,
    Disburse,
    EntitlementArgs,
    EntitlementPage,
    EntitlementSchema,
    JournalArgs,
    JournalPage,
    Note,
    OpenYear,
    PeriodArgs,
    RaiseEntitlement,
    Recover,
    Reject,
    Reverse,
    SetEligibility,
    SetPolicy,
    TopUpBudget,
    YearArgs,
    YearListArgs,
)
from domain.subsidy_budget import SubsidyBudget
from domain.subsidy_entitlement import STATUS_LABELS, SubsidyEntitlement
from domain.subsidy_policy import DEFAULT_ELIGIBLE_METHODS, SubsidyPolicy
from projections import subsidy_reports as reports
from projections.subsidy_ledger import SubsidyLedgerProjection

blp = Blueprint(
    "subsidies",
    __name__,
    url_prefix="/api/v1/subsidies",
    description="Subsidy ledger: 启动资金 and 党建工作经费补助 as a double-entry ledger (R11, R24).",
)

LEDGER = SubsidyLedgerProjection.name
ADMIN = DISTRICT_ADMIN
ENTITLEMENT_READERS = (*LEDGER_READERS, "company_manager")
LOCATION = "/api/v1/subsidies/entitlements/{id}"


def _fresh(args: dict[str, Any]) -> None:
    ensure_fresh(LEDGER, min_position=args.pop("min_position", None))


def _chain_table() -> str | None:
    return getattr(services().app.recorder, "chain_table", None)


def _entitlement(entitlement_id: UUID) -> SubsidyEntitlement:
    return services().app.load(SubsidyEntitlement, entitlement_id)


def _officer_in_scope(entitlement: SubsidyEntitlement) -> None:
    """Street officers act within their street; the district admin anywhere."""
    if entitlement.street_id is not None:
        require_org_scope(entitlement.street_id)
    else:
        require_scope([])


def _applicant_in_scope(entitlement: SubsidyEntitlement) -> None:
    """Company managers apply for their own company's branch."""
    if principal().role == "company_manager":
        require_scope([*entitlement.company_ids, entitlement.branch_id])


def _command(entitlement_id: UUID, scope_check: Any, command: Any) -> Any:
    scope_check(_entitlement(entitlement_id))
    return run(command)


# -- policy and budgets -------------------------------------------------------------------


@blp.route("/policy")
class Policy(MethodView):
    @require(*ENTITLEMENT_READERS)
    @blp.response(200)
    def get(self) -> Any:
        """The policy settings in force and their history, and the open years."""
        policy = services().app.load(SubsidyPolicy, SubsidyPolicy.create_id())  # 404 if unset
        history = [
            {**vars(s), "effective_from": str(s.effective_from), "start_date": str(s.start_date)}
            for s in policy.history
        ]
        eligibility = [
            {"effective_from": str(e.effective_from), "methods": list(e.methods)}
            for e in policy.eligibility
        ]
        return with_etag(
            {
                "version": policy.version,
                "settings": history,
                "open_years": policy.open_years,
                "eligibility": eligibility,
                "eligible_methods_before_any_setting": list(DEFAULT_ELIGIBLE_METHODS),
            }
        )

    @require(ADMIN)
    @blp.arguments(SetPolicy)
    @blp.response(200, CommandResultSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Record new policy settings (amounts in yuan), effective from a date."""
        return run(lambda: services().app.set_subsidy_policy(**body))


@blp.route("/policy/eligibility")
class PolicyEligibility(MethodView):
    @require(ADMIN)
    @blp.arguments(SetEligibility)
    @blp.response(200, CommandResultSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Which founding methods (standalone, joint, affiliated) are subsidised, from a date.
        Before any setting: standalone and joint (newly founded company branches)."""
        return run(lambda: services().app.set_subsidy_eligibility(**body))


@blp.route("/years")
class Years(MethodView):
    @require(ADMIN)
    @blp.arguments(OpenYear)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Open a subsidy year: the process raises the yearly subsidy of each active branch."""
        return run(lambda: services().app.open_subsidy_year(body["year"]))


@blp.route("/budgets")
class Budgets(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(YearListArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Budgets with allocated, drawn, returned and available amounts (fen)."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            return page_of(reports.list_budgets(conn, **args), paging)

    @require(*FUNDING_OFFICERS)
    @blp.arguments(AllocateBudget)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Allocate the yearly budget of the district or of a street (in scope)."""
        require_org_scope(body["holder_id"], "holder_id")
        return run(lambda: services().app.allocate_subsidy_budget(**body), status=201)


@blp.route("/budgets/<uuid:budget_id>")
class BudgetResource(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any], budget_id: UUID) -> Any:
        """One budget with allocated, drawn, returned and available amounts (fen)."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            found = reports.get_budget(conn, str(budget_id))
        if found is None:
            raise NotFound(f"no budget {budget_id}")
        return with_etag(found)


@blp.route("/budgets/<uuid:budget_id>/top-ups")
class BudgetTopUps(MethodView):
    @require(*FUNDING_OFFICERS)
    @blp.arguments(TopUpBudget)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], budget_id: UUID) -> Any:
        """Top up a budget."""
        budget = services().app.load(SubsidyBudget, budget_id)
        require_org_scope(budget.holder_id)
        return run(lambda: services().app.top_up_subsidy_budget(budget_id, **body))


# -- entitlements -------------------------------------------------------------------------


@blp.route("/entitlements")
class Entitlements(MethodView):
    @require(*ENTITLEMENT_READERS)
    @blp.arguments(EntitlementArgs, location="query")
    @blp.response(200, EntitlementPage)
    def get(self, args: dict[str, Any]) -> Any:
        """Entitlements (filters: branch, street, year, kind, status)."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            items, total = reports.list_entitlements(conn, **args)
        return page_body([_labelled(i) for i in items], total, args)

    @require(ADMIN)
    @blp.arguments(RaiseEntitlement)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Raise an entitlement by hand (normally the subsidy process does it)."""
        return run(
            lambda: services().app.raise_subsidy_entitlement(**body), status=201, location=LOCATION
        )


@blp.route("/entitlements/<uuid:entitlement_id>")
class EntitlementResource(MethodView):
    @require(*ENTITLEMENT_READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, EntitlementSchema)
    def get(self, args: dict[str, Any], entitlement_id: UUID) -> Any:
        """One entitlement with its workflow state."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            found = reports.get_entitlement(conn, str(entitlement_id))
        if found is None:
            raise NotFound(f"no entitlement {entitlement_id}")
        return with_etag(_labelled(found))


@blp.route("/entitlements/<uuid:entitlement_id>/submit")
class Submit(MethodView):
    @require(ADMIN, "company_manager")
    @blp.arguments(Note)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Any:
        """Submit the application (company manager of the branch's company)."""
        user = principal().user_id
        return _command(
            entitlement_id,
            _applicant_in_scope,
            lambda: services().app.submit_subsidy_application(
                entitlement_id, applicant_id=user, note=body["note"]
            ),
        )


@blp.route("/entitlements/<uuid:entitlement_id>/approve")
class Approve(MethodView):
    @require(*FUNDING_OFFICERS)
    @blp.arguments(Note)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Any:
        """Approve (street officer in scope; never the applicant)."""
        user = principal().user_id
        return _command(
            entitlement_id,
            _officer_in_scope,
            lambda: services().app.approve_subsidy(
                entitlement_id, approver_id=user, note=body["note"]
            ),
        )


@blp.route("/entitlements/<uuid:entitlement_id>/reject")
class RejectResource(MethodView):
    @require(*FUNDING_OFFICERS)
    @blp.arguments(Reject)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Any:
        """Reject (street officer in scope; never the applicant)."""
        user = principal().user_id
        return _command(
            entitlement_id,
            _officer_in_scope,
            lambda: services().app.reject_subsidy(
                entitlement_id, approver_id=user, reason=body["reason"]
            ),
        )


@blp.route("/entitlements/<uuid:entitlement_id>/disburse")
class DisburseResource(MethodView):
    @require(*FUNDING_OFFICERS)
    @blp.arguments(Disburse)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Any:
        """Record the payment (refused if it would overdraw the budget)."""
        return _command(
            entitlement_id,
            _officer_in_scope,
            lambda: services().app.disburse_subsidy(entitlement_id, **body),
        )


@blp.route("/entitlements/<uuid:entitlement_id>/reverse")
class ReverseResource(MethodView):
    @require(*FUNDING_OFFICERS)
    @blp.arguments(Reverse)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Any:
        """Reverse a payment (clawback): dissolved, paid twice, wrong account, other."""
        return _command(
            entitlement_id,
            _officer_in_scope,
            lambda: services().app.reverse_subsidy(entitlement_id, **body),
        )


@blp.route("/entitlements/<uuid:entitlement_id>/recover")
class RecoverResource(MethodView):
    @require(*FUNDING_OFFICERS)
    @blp.arguments(Recover)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], entitlement_id: UUID) -> Any:
        """Record the repayment of a clawback (returns to the paying budget)."""
        return _command(
            entitlement_id,
            _officer_in_scope,
            lambda: services().app.recover_subsidy_clawback(entitlement_id, **body),
        )


# -- ledger reads -------------------------------------------------------------------------


@blp.route("/journal")
class Journal(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(JournalArgs, location="query")
    @blp.response(200, JournalPage)
    def get(self, args: dict[str, Any]) -> Any:
        """Journal lines in log order, each with its causing event's position and hash."""
        _fresh(args)
        page, per_page = args.pop("page"), args.pop("per_page")
        with services().read_engine.connect() as conn:
            items, total = reports.journal(
                conn, chain_table=_chain_table(), page=page, per_page=per_page, **args
            )
        return page_body(items, total, {"page": page, "per_page": per_page})


@blp.route("/balances")
class Balances(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Balance per account (debit − credit, fen) for a period, up to it, or overall."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            return page_of(reports.balances(conn, **args), paging)


@blp.route("/trial-balance")
class TrialBalance(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(YearArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Trial balance: total debits equal total credits; net is always 0."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            return reports.trial_balance(conn, period=args.get("year"))


@blp.route("/statements/<uuid:branch_id>")
class Statement(MethodView):
    @require(*ENTITLEMENT_READERS)
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any], branch_id: UUID) -> Any:
        """A branch's statement: entitlements, journal lines and totals."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            statement = reports.branch_statement(conn, str(branch_id), chain_table=_chain_table())
        companies = {c for e in statement["entitlements"] for c in e["company_ids"].split(",")}
        if principal().role == "company_manager":
            require_scope([*companies, branch_id])
        return statement


@blp.route("/streets")
class Streets(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(YearListArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Per street: branches, due, paid, outstanding, clawed back (fen)."""
        _fresh(args)
        paging = take_paging(args)
        with services().read_engine.connect() as conn:
            return page_of(reports.street_summary(conn, **args), paging)


@blp.route("/reports/yearly")
class Yearly(MethodView):
    @require(*LEDGER_READERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> Any:
        """Per year and kind: due, paid, outstanding, clawed back, recovered (fen)."""
        _fresh(args)
        with services().read_engine.connect() as conn:
            return page_of(reports.yearly_report(conn), take_paging(args))


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "status_label": STATUS_LABELS.get(row["status"], row["status"])}
