"""The authorization matrix of every GET (issue 15), at the level of roles: a role the policy
table allows reads with a token in its scope (200); any other role is refused (403) with a
token on either side; a public operation answers without a token. Which rows an allowed
role sees outside its scope is each entry's `read` rule, asserted once api/read_policy.py
is wired to the table."""

from __future__ import annotations

from typing import Any

import pytest

from api.access_policy import (
    ASSESS,
    BUILDING,
    COMPANIES,
    GRID,
    ISSUES,
    ORG,
    PARTY,
    POLICY,
    SUBSIDY,
    V1,
    Scope,
)
from api.roles import ROLES
from tests.api.authz.world import Matrix

READS = sorted(key for key in POLICY if key.startswith("GET "))
AS_OF = {"as_of": "2020-06-01"}


@pytest.fixture(scope="module")
def ids(matrix: Matrix) -> dict[str, str]:
    """The world, with a resource of each kind a single-resource GET names."""
    found = dict(matrix.ids)
    matrix.admin(
        "PUT",
        f"{V1}/grid-loop/sla-policy",
        {"rules": [{"accept_minutes": 60, "handle_minutes": 1440, "feedback_minutes": 1440}]},
    )
    found["issue"] = matrix.issue("handled")
    found["instructor"] = matrix.instructor()
    found["period"] = matrix.period("published")
    found["branch"] = matrix.fresh_branch()
    found["entitlement"] = matrix.entitlement()
    matrix.system.catch_up()
    return found


def read_requests(ids: dict[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    period = f"{ASSESS}/periods/{ids['period']}"
    card = f"{period}/scorecards/community/{ids['community']}"
    return {
        "GET /healthz": ("/healthz", {}),
        "GET /readyz": ("/readyz", {}),
        "GET /metrics": ("/metrics", {}),
        f"GET {ORG}": (ORG, {}),
        f"GET {ORG}/{{unit_id}}": (f"{ORG}/{ids['grid']}", {}),
        f"GET {ISSUES}": (ISSUES, {}),
        f"GET {ISSUES}/{{issue_id}}": (f"{ISSUES}/{ids['issue']}", {}),
        f"GET {V1}/grid-loop/funnel": (f"{V1}/grid-loop/funnel", {}),
        f"GET {V1}/grid-loop/rates": (f"{V1}/grid-loop/rates", {"per": "company"}),
        f"GET {V1}/grid-loop/overdue": (f"{V1}/grid-loop/overdue", {}),
        f"GET {V1}/grid-loop/sla-policy": (f"{V1}/grid-loop/sla-policy", {}),
        f"GET {GRID}/workers": (f"{GRID}/workers", {}),
        f"GET {GRID}/workers/{{worker_id}}": (f"{GRID}/workers/{ids['worker']}", {}),
        f"GET {GRID}/companies/{{company_id}}/scorecard": (
            f"{GRID}/companies/{ids['company']}/scorecard",
            {},
        ),
        "GET /open311/discovery.{fmt}": ("/open311/discovery.json", {}),
        "GET /open311/v2/discovery.{fmt}": ("/open311/v2/discovery.json", {}),
        "GET /open311/v2/services.{fmt}": ("/open311/v2/services.json", {}),
        "GET /open311/v2/services/{code}.{fmt}": ("/open311/v2/services/heating.json", {}),
        "GET /open311/v2/requests.{fmt}": ("/open311/v2/requests.json", {}),
        "GET /open311/v2/requests/{request_id}.{fmt}": (
            f"/open311/v2/requests/{ids['issue']}.json",
            {},
        ),
        f"GET {COMPANIES}": (COMPANIES, {}),
        f"GET {COMPANIES}/{{company_id}}": (f"{COMPANIES}/{ids['company']}", {}),
        f"GET {PARTY}": (PARTY, {}),
        f"GET {PARTY}/{{org_id}}": (f"{PARTY}/{ids['party_org']}", {}),
        f"GET {PARTY}/{{org_id}}/members": (f"{PARTY}/{ids['party_org']}/members", AS_OF),
        f"GET {BUILDING}/instructors": (f"{BUILDING}/instructors", {}),
        f"GET {BUILDING}/instructors/{{instructor_id}}": (
            f"{BUILDING}/instructors/{ids['instructor']}",
            {},
        ),
        f"GET {BUILDING}/coverage": (f"{BUILDING}/coverage", AS_OF),
        f"GET {BUILDING}/owners-committees": (f"{BUILDING}/owners-committees", {}),
        f"GET {BUILDING}/owners-committees/{{committee_id}}": (
            f"{BUILDING}/owners-committees/{ids['owners_committee']}",
            {},
        ),
        f"GET {BUILDING}/demonstration-projects": (
            f"{BUILDING}/demonstration-projects",
            {"year": 2020},
        ),
        f"GET {BUILDING}/brands": (f"{BUILDING}/brands", AS_OF),
        f"GET {V1}/branch-life/report": (
            f"{V1}/branch-life/report",
            {"org_id": ids["party_org"], "from": "2020-01-01", "to": "2020-12-31"},
        ),
        f"GET {V1}/party-activities/periods": (
            f"{V1}/party-activities/periods",
            {"what": "place", **AS_OF},
        ),
        f"GET {V1}/party-activities/events": (
            f"{V1}/party-activities/events",
            {"what": "joint_event", "year": 2020},
        ),
        f"GET {ASSESS}/indicators": (f"{ASSESS}/indicators", {}),
        f"GET {ASSESS}/schemes": (f"{ASSESS}/schemes", {}),
        f"GET {ASSESS}/periods": (f"{ASSESS}/periods", {}),
        f"GET {ASSESS}/periods/{{key}}": (period, {}),
        f"GET {ASSESS}/periods/{{key}}/rankings": (
            f"{period}/rankings",
            {"subject_kind": "community"},
        ),
        f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}": (card, {}),
        f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}/{{code}}": (
            f"{card}/satisfaction_rate",
            {},
        ),
        f"GET {ASSESS}/trend/{{kind}}/{{subject_id}}": (
            f"{ASSESS}/trend/community/{ids['community']}",
            {},
        ),
        f"GET {ASSESS}/periods/{{key}}/what-if": (f"{period}/what-if", {"scheme_version": 1}),
        f"GET {SUBSIDY}/policy": (f"{SUBSIDY}/policy", {}),
        f"GET {SUBSIDY}/budgets": (f"{SUBSIDY}/budgets", {}),
        f"GET {SUBSIDY}/budgets/{{budget_id}}": (f"{SUBSIDY}/budgets/{ids['budget']}", {}),
        f"GET {SUBSIDY}/entitlements": (f"{SUBSIDY}/entitlements", {}),
        f"GET {SUBSIDY}/entitlements/{{entitlement_id}}": (
            f"{SUBSIDY}/entitlements/{ids['entitlement']}",
            {},
        ),
        f"GET {SUBSIDY}/journal": (f"{SUBSIDY}/journal", {}),
        f"GET {SUBSIDY}/balances": (f"{SUBSIDY}/balances", {}),
        f"GET {SUBSIDY}/trial-balance": (f"{SUBSIDY}/trial-balance", {}),
        f"GET {SUBSIDY}/statements/{{branch_id}}": (f"{SUBSIDY}/statements/{ids['branch']}", {}),
        f"GET {SUBSIDY}/streets": (f"{SUBSIDY}/streets", {}),
        f"GET {SUBSIDY}/reports/yearly": (f"{SUBSIDY}/reports/yearly", {}),
    }


@pytest.mark.parametrize("operation", READS)
def test_read_operation_obeys_the_policy_table(
    matrix: Matrix, ids: dict[str, str], operation: str
) -> None:
    entry = POLICY[operation]
    path, query = read_requests(ids)[operation]
    wrong: list[str] = []
    if entry.scope is Scope.PUBLIC:
        answer = matrix.client.get(path, query_string=query)
        if answer.status_code != 200:
            wrong.append(
                f"without a token: {answer.status_code} {answer.get_data(as_text=True)[:160]}"
            )
    for role in ROLES:
        sides = ("in",) if role in entry.roles or entry.scope is Scope.PUBLIC else ("in", "out")
        expected = 200 if role in entry.roles or entry.scope is Scope.PUBLIC else 403
        for side in sides:
            headers = matrix.headers(role, side)
            answer = matrix.client.get(path, query_string=query, headers=headers)
            if answer.status_code != expected:
                body = answer.get_data(as_text=True)[:160]
                wrong.append(f"{role}/{side}: {answer.status_code}, not {expected}: {body}")
    assert wrong == [], f"{operation}:\n" + "\n".join(wrong)


def test_every_read_has_a_request(ids: dict[str, str]) -> None:
    assert sorted(read_requests(ids)) == READS
