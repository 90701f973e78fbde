"""Who may call each operation, and whose scope must cover what: one entry per operation of
the OpenAPI document, keyed "METHOD /path" as the document spells it.

`roles` is the role group the route declares (a group of api/roles.py; tests check each
entry against the route's `require`). `scope` says what the caller's org scope must cover
for a write to go through; a caller outside it is refused with `refusal`. `read` is what a
GET reads (api/read_policy.py's `Read`: a public figure or register, or a kind of resource
whose rows the caller's role and scope choose; None for writes). This is the one table of
the read policy: the views ask api/read_policy.py for the rows of a resource kind, and the
tests hold every GET to its entry here. An operation added without an entry fails
tests/api/authz/test_policy_table.py, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from api.read_policy import ASSESSMENT, ASSESSMENT_SUBJECTS, PUBLIC, Read, basis
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
    ORG_BODY_WRITERS,
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


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    scope: Scope
    read: Read | None = None
    refusal: int = 403


def write(roles: tuple[str, ...] | frozenset[str], scope: Scope, refusal: int = 403) -> Access:
    return Access(frozenset(roles), scope, None, refusal)


def figures(roles: tuple[str, ...] | frozenset[str]) -> Access:
    """Published figures, registers and settings: every allowed role reads all of them."""
    return Access(frozenset(roles), Scope.SIGNED_IN, Read(PUBLIC))


def rows(roles: tuple[str, ...] | frozenset[str], resource: str) -> Access:
    """A list of the resource's rows the caller's role and scope choose (the rest left out)."""
    return Access(frozenset(roles), Scope.SIGNED_IN, Read(resource))


def one(roles: tuple[str, ...] | frozenset[str], resource: str) -> Access:
    """One resource; outside the caller's rows it is OUTSIDE (404)."""
    return Access(frozenset(roles), Scope.SIGNED_IN, Read(resource, one=True))


NO_TOKEN = Access(frozenset(), Scope.PUBLIC, Read(PUBLIC))
DISTRICT_ONLY = (DISTRICT_ADMIN,)
MOVERS = (DISTRICT_ADMIN, STREET_OFFICER)
TRAINERS = (DISTRICT_ADMIN, STREET_OFFICER)
MEETING_RECORDERS = (*OFFICERS, COMPANY_MANAGER)

V1 = "/api/v1"
ORG = f"{V1}/org-units"
BODIES = f"{V1}/org-bodies"
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
    "GET /healthz": NO_TOKEN,
    "GET /readyz": NO_TOKEN,
    "GET /metrics": NO_TOKEN,
    # org registry
    f"GET {ORG}": figures(READERS),
    f"POST {ORG}": write(OFFICERS, Scope.UNIT),
    f"GET {ORG}/{{unit_id}}": figures(READERS),
    f"PATCH {ORG}/{{unit_id}}": write(OFFICERS, Scope.UNIT),
    f"POST {ORG}/{{unit_id}}/move": write(MOVERS, Scope.UNIT),
    f"POST {ORG}/{{unit_id}}/close": write(OFFICERS, Scope.UNIT),
    f"GET {BODIES}": figures(READERS),
    f"POST {BODIES}": write(ORG_BODY_WRITERS, Scope.UNIT),
    f"GET {BODIES}/{{body_id}}": figures(READERS),
    f"PATCH {BODIES}/{{body_id}}": write(ORG_BODY_WRITERS, Scope.UNIT),
    f"POST {BODIES}/{{body_id}}/dissolve": write(ORG_BODY_WRITERS, Scope.UNIT),
    # service issues and the grid loop
    f"GET {ISSUES}": rows(READERS, "service_issue"),
    f"POST {ISSUES}": write(ISSUE_REPORTERS, Scope.REPORT),
    f"GET {ISSUES}/{{issue_id}}": one(READERS, "service_issue"),
    **{
        f"POST {ISSUES}/{{issue_id}}/{step}": write(roles, Scope.ISSUE)
        for step, roles in ISSUE_STEPS.items()
    },
    f"GET {V1}/grid-loop/funnel": figures(READERS),
    f"GET {V1}/grid-loop/rates": figures(READERS),
    f"GET {V1}/grid-loop/overdue": rows(READERS, "service_issue"),
    f"GET {V1}/grid-loop/sla-policy": figures(READERS),
    f"PUT {V1}/grid-loop/sla-policy": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"DELETE {V1}/grid-loop/reporters/{{reporter_ref}}/contact": write(
        DISTRICT_ONLY, Scope.DISTRICT
    ),
    f"GET {GRID}/workers": rows(READERS, "grid_worker"),
    f"POST {GRID}/workers": write(OFFICERS, Scope.UNIT),
    f"GET {GRID}/workers/{{worker_id}}": one(READERS, "grid_worker"),
    f"POST {GRID}/workers/{{worker_id}}/assign": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/workers/{{worker_id}}/unassign": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/collection-points": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/assessments": write(OFFICERS, Scope.UNIT),
    f"POST {GRID}/assessments/{{assessment_id}}/send": write(OFFICERS, Scope.ASSESSMENT),
    f"GET {GRID}/companies/{{company_id}}/scorecard": one(READERS, "company_assessment"),
    # Open311 (a bearer token as api_key on the POST)
    "GET /open311/discovery.{fmt}": NO_TOKEN,
    f"GET {OPEN311}/discovery.{{fmt}}": NO_TOKEN,
    f"GET {OPEN311}/services.{{fmt}}": NO_TOKEN,
    f"GET {OPEN311}/services/{{code}}.{{fmt}}": NO_TOKEN,
    f"GET {OPEN311}/requests.{{fmt}}": NO_TOKEN,
    f"POST {OPEN311}/requests.{{fmt}}": write(ISSUE_REPORTERS, Scope.REPORT),
    f"GET {OPEN311}/requests/{{request_id}}.{{fmt}}": NO_TOKEN,
    # property companies
    f"GET {COMPANIES}": figures(READERS),
    f"POST {COMPANIES}": write(OFFICERS, Scope.UNIT),
    f"GET {COMPANIES}/{{company_id}}": figures(READERS),
    f"PATCH {COMPANIES}/{{company_id}}": write(OFFICERS, Scope.COMPANY),
    f"POST {COMPANIES}/{{company_id}}/brand": write(OFFICERS, Scope.COMPANY),
    f"POST {COMPANIES}/{{company_id}}/contracts": write(OFFICERS, Scope.COMPANY),
    f"GET {COMPANIES}/{{company_id}}/contracts": rows(READERS, "contract"),
    f"GET {COMPANIES}/{{company_id}}/contracts/{{contract_id}}": one(READERS, "contract"),
    f"POST {COMPANIES}/{{company_id}}/contracts/{{contract_id}}/end": write(
        OFFICERS, Scope.COMPANY
    ),
    # party organisations
    f"GET {PARTY}": rows(READERS, "party_org"),
    f"POST {PARTY}": write(OFFICERS, Scope.UNIT),
    f"GET {PARTY}/{{org_id}}": one(READERS, "party_org"),
    f"POST {PARTY}/{{org_id}}/dissolve": write(OFFICERS, Scope.PARTY_ORG),
    f"POST {PARTY}/{{org_id}}/merge": write(OFFICERS, Scope.PARTY_ORG),
    f"POST {PARTY}/{{org_id}}/membership": write(OFFICERS, Scope.PARTY_ORG),
    f"GET {PARTY}/{{org_id}}/members": one(READERS, "party_org"),
    # party building: instructors, coverage, committees, recognitions
    f"GET {BUILDING}/instructors": figures(READERS),
    f"POST {BUILDING}/instructors": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/instructors/{{instructor_id}}": figures(READERS),
    f"POST {BUILDING}/instructors/{{instructor_id}}/dispatch": write(OFFICERS, Scope.UNIT),
    f"POST {BUILDING}/instructors/{{instructor_id}}/recall": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/coverage": figures(READERS),
    f"POST {BUILDING}/industry-committee": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"POST {BUILDING}/industry-committee/{{committee_id}}/members": write(
        DISTRICT_ONLY, Scope.DISTRICT
    ),
    f"GET {BUILDING}/owners-committees": figures(READERS),
    f"POST {BUILDING}/owners-committees": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/owners-committees/{{committee_id}}": figures(READERS),
    f"GET {BUILDING}/demonstration-projects": figures(READERS),
    f"POST {BUILDING}/demonstration-projects": write(OFFICERS, Scope.UNIT),
    f"GET {BUILDING}/brands": figures(READERS),
    # branch life and party activities
    f"POST {V1}/branch-life/meetings": write(MEETING_RECORDERS, Scope.BRANCH),
    f"GET {V1}/branch-life/report": one(READERS, "party_org"),
    f"POST {ACTIVITIES}/cross-appointments": write(OFFICERS, Scope.UNIT),
    f"POST {ACTIVITIES}/member-posts": write(OFFICERS, Scope.PARTY_ORG),
    f"POST {ACTIVITIES}/places": write(OFFICERS, Scope.UNIT),
    f"POST {ACTIVITIES}/{{what}}/{{fact_id}}/end": write(OFFICERS, Scope.UNIT),
    f"POST {ACTIVITIES}/secretary-trainings": write(TRAINERS, Scope.DISTRICT),
    f"POST {ACTIVITIES}/joint-events": write(OFFICERS, Scope.UNIT),
    f"GET {ACTIVITIES}/periods": rows(READERS, "party_activity"),
    f"GET {ACTIVITIES}/events": figures(READERS),
    # assessment: district-wide schemes and periods, published scorecards
    f"GET {ASSESS}/indicators": figures(READERS),
    f"GET {ASSESS}/schemes": figures(READERS),
    f"POST {ASSESS}/schemes": write(DISTRICT_ASSESSORS, Scope.DISTRICT),
    f"POST {ASSESS}/schemes/{{scheme_id}}/versions": write(DISTRICT_ASSESSORS, Scope.DISTRICT),
    f"GET {ASSESS}/schemes/{{scheme_id}}": figures(READERS),
    f"GET {ASSESS}/periods": figures(READERS),
    f"POST {ASSESS}/periods": write(DISTRICT_ASSESSORS, Scope.DISTRICT),
    **{
        f"POST {ASSESS}/periods/{{key}}/{step}": write(DISTRICT_ASSESSORS, Scope.DISTRICT)
        for step in PERIOD_STEPS
    },
    f"GET {ASSESS}/periods/{{key}}": figures(READERS),
    f"GET {ASSESS}/periods/{{key}}/rankings": figures(READERS),
    f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}": one(READERS, ASSESSMENT),
    f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}/{{code}}": one(
        READERS, ASSESSMENT
    ),
    f"GET {ASSESS}/trend/{{kind}}/{{subject_id}}": one(READERS, ASSESSMENT),
    f"GET {ASSESS}/periods/{{key}}/what-if": figures(READERS),
    # subsidies
    f"GET {SUBSIDY}/policy": figures(ENTITLEMENT_READERS),
    f"PUT {SUBSIDY}/policy": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"PUT {SUBSIDY}/policy/eligibility": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"POST {SUBSIDY}/years": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"GET {SUBSIDY}/budgets": rows(LEDGER_READERS, "subsidy_ledger"),
    f"POST {SUBSIDY}/budgets": write(FUNDING_OFFICERS, Scope.UNIT),
    f"GET {SUBSIDY}/budgets/{{budget_id}}": one(LEDGER_READERS, "subsidy_ledger"),
    f"POST {SUBSIDY}/budgets/{{budget_id}}/top-ups": write(FUNDING_OFFICERS, Scope.BUDGET),
    f"GET {SUBSIDY}/entitlements": rows(ENTITLEMENT_READERS, "subsidy"),
    f"POST {SUBSIDY}/entitlements": write(DISTRICT_ONLY, Scope.DISTRICT),
    f"GET {ENTITLEMENT}": one(ENTITLEMENT_READERS, "subsidy"),
    f"POST {ENTITLEMENT}/submit": write(SUBSIDY_APPLICANTS, Scope.ENTITLEMENT),
    **{
        f"POST {ENTITLEMENT}/{step}": write(FUNDING_OFFICERS, Scope.ENTITLEMENT)
        for step in ENTITLEMENT_STEPS
    },
    f"GET {SUBSIDY}/journal": rows(LEDGER_READERS, "subsidy_ledger"),
    f"GET {SUBSIDY}/balances": rows(LEDGER_READERS, "subsidy_ledger"),
    f"GET {SUBSIDY}/trial-balance": rows(LEDGER_READERS, "subsidy_ledger"),
    f"GET {SUBSIDY}/statements/{{branch_id}}": one(ENTITLEMENT_READERS, "subsidy"),
    f"GET {SUBSIDY}/streets": rows(LEDGER_READERS, "subsidy_ledger"),
    f"GET {SUBSIDY}/reports/yearly": rows(LEDGER_READERS, "subsidy_ledger"),
    # tokens
    f"POST {V1}/token-revocations": write(ALL_ROLES, Scope.OWN),
}


def access(method: str, path: str) -> Access:
    """The entry of an operation (KeyError: the operation has none)."""
    return POLICY[f"{method.upper()} {path}"]


def read_of(operation: str) -> Read:
    """What a GET operation ("GET <path>") reads (KeyError: no entry, or not a read)."""
    found = POLICY[operation].read
    if found is None:
        raise KeyError(f"{operation} is not a read")
    return found


def reads(operation: str, role: str, kind: str = "community") -> str:
    """What `role` reads through `operation`: `all`; `unit`, `company` or `own` (its scope's
    rows only: a list leaves the others out, a single resource outside is OUTSIDE); or
    `none` (an empty list, OUTSIDE for any single resource). `kind` is the assessment
    subject kind of the scorecard and trend operations."""
    resource = read_of(operation).resource
    if resource == ASSESSMENT:
        resource = ASSESSMENT_SUBJECTS[kind]
    return basis(role, resource)
