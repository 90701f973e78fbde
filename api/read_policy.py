"""Who may read what: how the read policy chooses rows.

Each GET operation's entry in api/access_policy.py (`POLICY[op].read`, the one table) names
what it reads, as a `Read`: a public figure or register (`PUBLIC`: every role the endpoint
allows reads all of it) or a kind of resource whose rows are chosen by the caller.
`RESOURCES` says, per resource kind and role, how the token's scope chooses them (`BASES`). A list leaves out the rows outside the caller's scope (in the
SQL of the query, so its total counts only the rows the caller may read); a single resource
outside it is 404, as if it did not exist (`OUTSIDE`), so ids found elsewhere disclose
nothing. A token whose scope is `*` reads every row of a unit or company basis.

Views ask `read_scope(resource)` for the `ReadScope` they pass to the query
(projections/read_scope.py); tests consult the table (`access_policy.reads`) and `basis(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import NotFound

from api.auth import WHOLE_DISTRICT, Principal, principal
from api.roles import (
    AUDITOR,
    COMMUNITY_OFFICER,
    COMPANY_MANAGER,
    DISTRICT_ADMIN,
    GRID_WORKER,
    OWNERS_COMMITTEE,
    RESIDENT,
    ROLES,
    STREET_OFFICER,
)
from api.scope import CLOSURE, fresh_row
from projections.read_scope import EVERYTHING, NOTHING, ReadScope, covers_unit

ALL = "all"
UNIT = "unit"
COMPANY = "company"
OWN = "own"
NONE = "none"
BASES = {
    ALL: "every row",
    UNIT: "rows in the org unit the token's scope names, or below it (org_closure)",
    COMPANY: "rows of the company the token's scope names",
    OWN: "rows the caller reported itself (the token's user)",
    NONE: "no row",
}
OUTSIDE = 404  # a single resource outside the caller's scope


def _by_role(**overrides: str) -> dict[str, str]:
    """The usual bases, with some roles' changed: the district and auditors read all;
    officers, grid workers and owners' committees their unit; a company manager its company;
    a resident what it reported."""
    usual = {
        DISTRICT_ADMIN: ALL,
        AUDITOR: ALL,
        STREET_OFFICER: UNIT,
        COMMUNITY_OFFICER: UNIT,
        GRID_WORKER: UNIT,
        OWNERS_COMMITTEE: UNIT,
        COMPANY_MANAGER: COMPANY,
        RESIDENT: OWN,
    }
    return {role: overrides.get(role, usual[role]) for role in ROLES}


_OFFICERS_ONLY = {GRID_WORKER: NONE, OWNERS_COMMITTEE: NONE, RESIDENT: NONE}

# resource kind -> role -> basis
RESOURCES: dict[str, dict[str, str]] = {
    # service issues: by compound or grid, by the company they are routed to, by reporter
    "service_issue": _by_role(),
    # grid workers: by the grids they are assigned to, by their employer
    "grid_worker": _by_role(resident=NONE),
    # party orgs, their members and branch life: by street or community, by host company
    # (grid workers' and owners' committees' scopes lie below any party org: none)
    "party_org": _by_role(**_OFFICERS_ONLY),
    # subsidy entitlements (payments) and branch statements: by street, by the branch's company
    "subsidy": _by_role(**_OFFICERS_ONLY),
    # budgets and ledger postings (journal, balances, trial balance, street and yearly
    # summaries): by the branch's street, by the unit holding the budget
    "subsidy_ledger": _by_role(**_OFFICERS_ONLY, company_manager=NONE),
    # service contracts: by the compound served, by the company serving it (a grid lies
    # below its compound, a resident reports: neither reads contracts)
    "contract": _by_role(grid_worker=NONE, resident=NONE),
    # party activity periods (cross-appointments, which name people; member posts; places):
    # by the community or compound they lie in, by the company a cross-appointment supervises
    "party_activity": _by_role(resident=NONE),
    # a property company's assessments (grid scorecard, assessment scorecards, trend): the
    # streets and communities that assess companies, and the company itself
    "company_assessment": _by_role(**_OFFICERS_ONLY, street_officer=ALL, community_officer=ALL),
    # a community's assessment (scorecards, trend): by unit
    "community_assessment": _by_role(**_OFFICERS_ONLY, company_manager=NONE),
    # an assessment revision not yet published (`draft`, `revision`): the district's own
    # reviewers and auditors; the others read published revisions only
    "assessment_draft": _by_role(
        **_OFFICERS_ONLY, street_officer=NONE, community_officer=NONE, company_manager=NONE
    ),
}

PUBLIC = "public"


@dataclass(frozen=True)
class Read:
    """What a GET operation reads: `resource` (a key of RESOURCES) or PUBLIC; `one` when it
    answers a single resource (404 outside the scope) rather than a filtered list."""

    resource: str
    one: bool = False


# the assessment endpoints read a company's or a community's records, by the path's kind
ASSESSMENT = "assessment"  # a scorecard or trend: its resource is its subject kind's
ASSESSMENT_SUBJECTS = {
    "property_company": "company_assessment",
    "community": "community_assessment",
}


def basis(role: str, resource: str) -> str:
    """How a role's rows of the resource are chosen (PUBLIC reads all)."""
    return ALL if resource == PUBLIC else RESOURCES[resource][role]


def scope_of(who: Principal, resource: str) -> ReadScope:
    """The rows of the resource this caller may read."""
    chosen = basis(who.role, resource)
    if chosen == ALL or (chosen in (UNIT, COMPANY) and who.scope == WHOLE_DISTRICT):
        return EVERYTHING
    if chosen == UNIT:
        return ReadScope(unit_id=who.scope)
    if chosen == COMPANY:
        return ReadScope(company_id=who.scope)
    if chosen == OWN:
        return ReadScope(reporter_id=who.user_id)
    return NOTHING


def read_scope(resource: str) -> ReadScope:
    """The rows of the resource the signed-in caller may read."""
    return scope_of(principal(), resource)


def require_assessment_subject(kind: str, subject_id: str) -> None:
    """404 unless the caller may read this subject's assessment records (a company's by
    company, a community's by org unit)."""
    resource = ASSESSMENT_SUBJECTS.get(kind)
    if resource is None:
        raise NotFound(f"no subject kind {kind}")
    scope = read_scope(resource)
    if resource == "company_assessment":
        readable = scope.reads_company(subject_id)
    else:  # a unit registered a moment ago counts: read again at the head if not covered
        covered = fresh_row(CLOSURE, lambda conn: covers_unit(conn, scope, subject_id) or None)
        readable = covered is not None
    if not readable:
        raise NotFound(f"no {kind} {subject_id} to read")
