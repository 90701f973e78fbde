"""Who may call each operation, and whose scope must cover what: one entry per operation of
the OpenAPI document, keyed "METHOD /path" as the document spells it.

`roles` is the role group the route declares (a group of api/roles.py; tests check each
entry against the route's `require`). `scope` says what the caller's org scope must cover
for the call to go through; a caller outside it is refused with `refusal`. `read` is the
read rule of a GET (wired by the read policy; None for writes). An operation added without
an entry here fails tests/api/authz/test_policy_table.py, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from api.roles import (
    ALL_ROLES,
    COMPANY_MANAGER,
    DISTRICT_ADMIN,
    DISTRICT_ASSESSORS,
    ENTITLEMENT_READERS,
    FUNDING_OFFICERS,
    ISSUE_ACCEPTORS,
    ISSUE_FEEDBACK_GIVERS,
    ISSUE_HANDLERS,
    ISSUE_REPORTERS,
    LEDGER_READERS,
    OFFICERS,
    READERS,
    STREET_OFFICER,
    SUBSIDY_APPLICANTS,
)


class Scope(StrEnum):
    """What the caller's scope must cover (a whole-district scope covers everything)."""

    PUBLIC = "public"  # no token at all
    SIGNED_IN = "signed_in"  # any holder of an allowed role (reads: see `read`)
    OWN = "own"  # the holder's own token; a district admin's, anyone's
    DISTRICT = "district"  # a whole-district scope only
    UNIT = "unit"  # the org unit named (path or body; a new unit's parent), or one above it
    COMPANY = "company"  # the company's street, or above
    ISSUE = "issue"  # the issue's grid, compound, community or street, or its company
    REPORT = "report"  # the compound, the grid named, or the company serving the compound
    PARTY_ORG = "party_org"  # the party org's community (else its street)
    BRANCH = "branch"  # officers: as PARTY_ORG; a company manager: one of the org's companies
    BUDGET = "budget"  # the budget's holder (the district or a street)
    ENTITLEMENT = "entitlement"  # officers: its street; applicants: the branch's companies
    ASSESSMENT = "assessment"  # the org unit that made the grid-worker assessment


class ReadRule(StrEnum):
    """How a GET answers per caller (issue 15's read policy)."""

    PUBLIC_FIGURES = "public_figures"  # published district figures: every signed-in role
    REFERENCE = "reference"  # district-wide settings and definitions: every allowed role
    SCOPED_LIST = "scoped_list"  # the rows the caller's scope covers
    SCOPED_ONE = "scoped_one"  # one resource; outside the caller's scope 404
    OPERATIONS = "operations"  # health and metrics of the service (no token)


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    scope: Scope
    read: ReadRule | None = None
    refusal: int = 403


def write(roles: tuple[str, ...] | frozenset[str], scope: Scope, refusal: int = 403) -> Access:
    return Access(frozenset(roles), scope, None, refusal)


def read(roles: tuple[str, ...] | frozenset[str], rule: ReadRule) -> Access:
    return Access(frozenset(roles), Scope.SIGNED_IN, rule)


PUBLIC = Access(frozenset(), Scope.PUBLIC, ReadRule.OPERATIONS)
OPEN311_PUBLIC = Access(frozenset(), Scope.PUBLIC, ReadRule.PUBLIC_FIGURES)
DISTRICT_ONLY = (DISTRICT_ADMIN,)
MOVERS = (DISTRICT_ADMIN, STREET_OFFICER)
TRAINERS = (DISTRICT_ADMIN, STREET_OFFICER)
MEETING_RECORDERS = (*OFFICERS, COMPANY_MANAGER)

V1 = "/api/v1"
ORG = f"{V1}/org-units"
ISSUES = f"{V1}/service-issues"
GRID = f"{V1}/grid"
COMPANIES = f"{V1}/property-companies"
PARTY = f"{V1}/party-orgs"
BUILDING = f"{V1}/party-building"
ACTIVITIES = f"{V1}/party-activities"
ASSESS = f"{V1}/assessment"
SUBSIDY = f"{V1}/subsidies"
ENTITLEMENT = f"{SUBSIDY}/entitlements/{{entitlement_id}}"
OPEN311 = "/open311/v2"

ISSUE_STEPS = {
    "accept": ISSUE_ACCEPTORS,
    "refer-out": OFFICERS,
    "link-duplicate": OFFICERS,
    "start-handling": ISSUE_HANDLERS,
    "handled": ISSUE_HANDLERS,
    "feedback": ISSUE_FEEDBACK_GIVERS,
    "reopen": OFFICERS,
    "close": OFFICERS,
}
ENTITLEMENT_STEPS = ("approve", "reject", "disburse", "reverse", "recover")
PERIOD_STEPS = ("compute", "review", "publish", "reassess")

POLICY: dict[str, Access] = {
    "GET /healthz": PUBLIC,
    "GET /readyz": PUBLIC,
    "GET /metrics": PUBLIC,
    # org registry
    f"GET {ORG}": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {ORG}": write(OFFICERS, Scope.UNIT),
    f"GET {ORG}/{{unit_id}}": read(READERS, ReadRule.SCOPED_ONE),
    f"PATCH {ORG}/{{unit_id}}": write(OFFICERS, Scope.UNIT),
    f"POST {ORG}/{{unit_id}}/move": write(MOVERS, Scope.UNIT),
    f"POST {ORG}/{{unit_id}}/close": write(OFFICERS, Scope.UNIT),
    # service issues and the grid loop
    f"GET {ISSUES}": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {ISSUES}": write(ISSUE_REPORTERS, Scope.REPORT),
    f"GET {ISSUES}/{{issue_id}}": read(READERS, ReadRule.SCOPED_ONE),
    **{
        f"POST {ISSUES}/{{issue_id}}/{step}": write(roles, Scope.ISSUE)
        for step, roles in ISSUE_STEPS.items()
    },
    f"GET {V1}/grid-loop/funnel": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"GET {V1}/grid-loop/rates": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"GET {V1}/grid-loop/overdue": read(READERS, ReadRule.SCOPED_LIST),
    f"GET {V1}/grid-loop/sla-policy": read(READERS, ReadRule.REFERENCE),
    f"PUT {V1}/grid-loop/sla-policy": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"DELETE {V1}/grid-loop/reporters/{{reporter_ref}}/contact": write(
        DISTRICT_ONLY, Scope.DISTRICT
    ),
    f"GET {GRID}/workers": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {GRID}/workers": write(OFFICERS, Scope.UNIT),
    f"GET {GRID}/workers/{{worker_id}}": read(READERS, ReadRule.SCOPED_ONE),
    f"POST {GRID}/workers/{{worker_id}}/assign": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/workers/{{worker_id}}/unassign": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/collection-points": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/assessments": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/assessments/{{assessment_id}}/send": write(OFFICERS, Scope.ASSESSMENT),
    f"GET {GRID}/companies/{{company_id}}/scorecard": read(READERS, ReadRule.SCOPED_ONE),
    # Open311 (a bearer token as api_key on the POST)
    "GET /open311/discovery.{fmt}": OPEN311_PUBLIC,
    f"GET {OPEN311}/discovery.{{fmt}}": OPEN311_PUBLIC,
    f"GET {OPEN311}/services.{{fmt}}": OPEN311_PUBLIC,
    f"GET {OPEN311}/services/{{code}}.{{fmt}}": OPEN311_PUBLIC,
    f"GET {OPEN311}/requests.{{fmt}}": OPEN311_PUBLIC,
    f"POST {OPEN311}/requests.{{fmt}}": write(ISSUE_REPORTERS, Scope.REPORT),
    f"GET {OPEN311}/requests/{{request_id}}.{{fmt}}": OPEN311_PUBLIC,
    # property companies
    f"GET {COMPANIES}": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {COMPANIES}": write(OFFICERS, Scope.UNIT),
    f"GET {COMPANIES}/{{company_id}}": read(READERS, ReadRule.SCOPED_ONE),
    f"PATCH {COMPANIES}/{{company_id}}": write(OFFICERS, Scope.COMPANY),
    f"POST {COMPANIES}/{{company_id}}/brand": write(OFFICERS, Scope.COMPANY),
    f"POST {COMPANIES}/{{company_id}}/contracts": write(OFFICERS, Scope.COMPANY),
    f"POST {COMPANIES}/{{company_id}}/contracts/{{contract_id}}/end": write(
        OFFICERS, Scope.COMPANY
    ),
    # party organisations
    f"GET {PARTY}": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {PARTY}": write(OFFICERS, Scope.UNIT),
    f"GET {PARTY}/{{org_id}}": read(READERS, ReadRule.SCOPED_ONE),
    f"POST {PARTY}/{{org_id}}/dissolve": write(OFFICERS, Scope.PARTY_ORG),
    f"POST {PARTY}/{{org_id}}/merge": write(OFFICERS, Scope.PARTY_ORG),
    f"POST {PARTY}/{{org_id}}/membership": write(OFFICERS, Scope.PARTY_ORG),
    f"GET {PARTY}/{{org_id}}/members": read(READERS, ReadRule.SCOPED_ONE),
    # party building: instructors, coverage, committees, recognitions
    f"GET {BUILDING}/instructors": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {BUILDING}/instructors": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/instructors/{{instructor_id}}": read(READERS, ReadRule.SCOPED_ONE),
    f"POST {BUILDING}/instructors/{{instructor_id}}/dispatch": write(OFFICERS, Scope.UNIT),
    f"POST {BUILDING}/instructors/{{instructor_id}}/recall": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/coverage": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"POST {BUILDING}/industry-committee": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"POST {BUILDING}/industry-committee/{{committee_id}}/members": write(
        DISTRICT_ONLY, Scope.DISTRICT
    ),
    f"GET {BUILDING}/owners-committees": read(READERS, ReadRule.SCOPED_LIST),
    f"POST {BUILDING}/owners-committees": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/owners-committees/{{committee_id}}": read(READERS, ReadRule.SCOPED_ONE),
    f"GET {BUILDING}/demonstration-projects": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"POST {BUILDING}/demonstration-projects": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/brands": read(READERS, ReadRule.PUBLIC_FIGURES),
    # branch life and party activities
    f"POST {V1}/branch-life/meetings": write(MEETING_RECORDERS, Scope.BRANCH),
    f"GET {V1}/branch-life/report": read(READERS, ReadRule.SCOPED_ONE),
    f"POST {ACTIVITIES}/cross-appointments": write(OFFICERS, Scope.UNIT),
    f"POST {ACTIVITIES}/member-posts": write(OFFICERS, Scope.PARTY_ORG),
    f"POST {ACTIVITIES}/places": write(OFFICERS, Scope.UNIT),
    f"POST {ACTIVITIES}/{{what}}/{{fact_id}}/end": write(OFFICERS, Scope.UNIT),
    f"POST {ACTIVITIES}/secretary-trainings": write(TRAINERS, Scope.DISTRICT),
    f"POST {ACTIVITIES}/joint-events": write(OFFICERS, Scope.UNIT),
    f"GET {ACTIVITIES}/periods": read(READERS, ReadRule.SCOPED_LIST),
    f"GET {ACTIVITIES}/events": read(READERS, ReadRule.SCOPED_LIST),
    # assessment: district-wide schemes and periods, published scorecards
    f"GET {ASSESS}/indicators": read(READERS, ReadRule.REFERENCE),
    f"GET {ASSESS}/schemes": read(READERS, ReadRule.REFERENCE),
    f"POST {ASSESS}/schemes": write(DISTRICT_ASSESSORS, Scope.DISTRICT),
    f"POST {ASSESS}/schemes/{{scheme_id}}/versions": write(DISTRICT_ASSESSORS, Scope.DISTRICT),
    f"GET {ASSESS}/periods": read(READERS, ReadRule.REFERENCE),
    f"POST {ASSESS}/periods": write(DISTRICT_ASSESSORS, Scope.DISTRICT),
    **{
        f"POST {ASSESS}/periods/{{key}}/{step}": write(DISTRICT_ASSESSORS, Scope.DISTRICT)
        for step in PERIOD_STEPS
    },
    f"GET {ASSESS}/periods/{{key}}": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"GET {ASSESS}/periods/{{key}}/rankings": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}": read(
        READERS, ReadRule.PUBLIC_FIGURES
    ),
    f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}/{{code}}": read(
        READERS, ReadRule.SCOPED_ONE
    ),
    f"GET {ASSESS}/trend/{{kind}}/{{subject_id}}": read(READERS, ReadRule.PUBLIC_FIGURES),
    f"GET {ASSESS}/periods/{{key}}/what-if": read(READERS, ReadRule.SCOPED_ONE),
    # subsidies
    f"GET {SUBSIDY}/policy": read(ENTITLEMENT_READERS, ReadRule.REFERENCE),
    f"PUT {SUBSIDY}/policy": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"PUT {SUBSIDY}/policy/eligibility": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"POST {SUBSIDY}/years": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"GET {SUBSIDY}/budgets": read(LEDGER_READERS, ReadRule.SCOPED_LIST),
    f"POST {SUBSIDY}/budgets": write(FUNDING_OFFICERS, Scope.UNIT),
    f"GET {SUBSIDY}/budgets/{{budget_id}}": read(LEDGER_READERS, ReadRule.SCOPED_ONE),
    f"POST {SUBSIDY}/budgets/{{budget_id}}/top-ups": write(FUNDING_OFFICERS, Scope.BUDGET),
    f"GET {SUBSIDY}/entitlements": read(ENTITLEMENT_READERS, ReadRule.SCOPED_LIST),
    f"POST {SUBSIDY}/entitlements": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"GET {ENTITLEMENT}": read(ENTITLEMENT_READERS, ReadRule.SCOPED_ONE),
    f"POST {ENTITLEMENT}/submit": write(SUBSIDY_APPLICANTS, Scope.ENTITLEMENT),
    **{
        f"POST {ENTITLEMENT}/{step}": write(FUNDING_OFFICERS, Scope.ENTITLEMENT)
        for step in ENTITLEMENT_STEPS
    },
    f"GET {SUBSIDY}/journal": read(LEDGER_READERS, ReadRule.SCOPED_LIST),
    f"GET {SUBSIDY}/balances": read(LEDGER_READERS, ReadRule.SCOPED_LIST),
    f"GET {SUBSIDY}/trial-balance": read(LEDGER_READERS, ReadRule.PUBLIC_FIGURES),
    f"GET {SUBSIDY}/statements/{{branch_id}}": read(ENTITLEMENT_READERS, ReadRule.SCOPED_ONE),
    f"GET {SUBSIDY}/streets": read(LEDGER_READERS, ReadRule.SCOPED_LIST),
    f"GET {SUBSIDY}/reports/yearly": read(LEDGER_READERS, ReadRule.PUBLIC_FIGURES),
    # tokens
    f"POST {V1}/token-revocations": write(ALL_ROLES, Scope.OWN),
}


def access(method: str, path: str) -> Access:
    """The entry of an operation (KeyError: the operation has none)."""
    return POLICY[f"{method.upper()} {path}"]
