"""The requests the read matrix makes, one per GET operation of the policy table, with
where each request's resource lies in the world (the side A units whose scope covers it)
and, for scoped lists, the ids that tell an in-scope row (side A) from an outside one
(side B)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from api.access_policy import (
    ASSESS,
    BODIES,
    BUILDING,
    COMPANIES,
    GRID,
    ISSUES,
    ORG,
    PARTY,
    POLICY,
    SUBSIDY,
    V1,
)
from domain.property_companies import PropertyCompany
from tests.api.authz.world import Matrix

READS = sorted(key for key in POLICY if key.startswith("GET "))
AS_OF = {"as_of": "2020-06-01"}


def read_world(matrix: Matrix) -> dict[str, str]:
    """The world, with a resource of each kind a GET names: on side A (its scoped ones under
    the units of `WHERE`), and for the scoped lists one on side B too. The issue on side A
    is a resident's own report (user `resident-user`)."""
    found = dict(matrix.ids)
    matrix.admin(
        "PUT",
        f"{V1}/grid-loop/sla-policy",
        {"rules": [{"accept_minutes": 60, "handle_minutes": 1440, "feedback_minutes": 1440}]},
    )
    found["issue"] = matrix.issue("handled", reporter="resident")
    found["issue_b"] = matrix.issue("accepted", side="_b")
    found["worker_b"] = matrix.create(
        "/grid/workers",
        {
            "staff_code": "GW-B",
            "name": "网格员乙",
            "employment": "full_time",
            "company_id": found["company_b"],
            "grid_ids": [found["grid_b"]],
        },
    )
    found["party_org_b"] = matrix.party_org(found["company_b"], side="_b")
    found["budget_b"] = matrix.create(
        "/subsidies/budgets",
        {"holder_id": found["street_b"], "year": 2020, "amount_fen": 10_000_000},
    )
    found["instructor"] = matrix.instructor()
    found["appointment"] = cross_appointment(matrix, "")
    found["appointment_b"] = cross_appointment(matrix, "_b")
    found["contract"] = str(  # signed when the world was made
        PropertyCompany.contract_id_for(
            UUID(found["company"]), UUID(found["compound"]), date(2020, 1, 1)
        )
    )
    found["period"] = matrix.period("published")
    found["branch"] = matrix.fresh_branch()
    found["entitlement"] = matrix.entitlement()
    found["entitlement_b"] = matrix.entitlement(side="_b")
    matrix.system.catch_up()
    return found


def cross_appointment(matrix: Matrix, side: str) -> str:
    """A two-committees member of side's community appointed supervisor of side's company."""
    return matrix.create(
        "/party-activities/cross-appointments",
        {
            "person_ref": f"LW{side}",
            "name": "张三" if side == "" else "李四",
            "role": "company_supervisor",
            "company_id": matrix.ids[f"company{side}"],
            "community_id": matrix.ids[f"community{side}"],
            "starts_on": "2020-03-01",
        },
    )


CHAIN = ("grid", "compound", "community", "street")
# single-resource and scoped-list operations -> the side A units whose scope covers the
# resource (a unit basis: the role's unit is one of them; a company basis: "company" is)
WHERE: dict[str, tuple[str, ...]] = {
    f"GET {ISSUES}": (*CHAIN, "company"),
    f"GET {ISSUES}/{{issue_id}}": (*CHAIN, "company"),
    f"GET {V1}/grid-loop/overdue": (*CHAIN, "company"),
    f"GET {GRID}/workers": (*CHAIN, "company"),
    f"GET {GRID}/workers/{{worker_id}}": (*CHAIN, "company"),
    f"GET {GRID}/companies/{{company_id}}/scorecard": ("company",),
    f"GET {COMPANIES}/{{company_id}}/contracts/{{contract_id}}": (
        "compound",
        "community",
        "street",
        "company",
    ),
    f"GET {PARTY}": ("community", "street", "company"),
    f"GET {PARTY}/{{org_id}}": ("community", "street", "company"),
    f"GET {PARTY}/{{org_id}}/members": ("community", "street", "company"),
    f"GET {V1}/branch-life/report": ("community", "street", "company"),
    f"GET {V1}/party-activities/periods": ("community", "street", "company"),
    f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}": ("community", "street"),
    f"GET {ASSESS}/periods/{{key}}/scorecards/{{kind}}/{{subject_id}}/{{code}}": (
        "community",
        "street",
    ),
    f"GET {ASSESS}/trend/{{kind}}/{{subject_id}}": ("community", "street"),
    f"GET {SUBSIDY}/budgets": ("street",),
    f"GET {SUBSIDY}/budgets/{{budget_id}}": ("street",),
    f"GET {SUBSIDY}/entitlements": ("street", "company"),
    f"GET {SUBSIDY}/entitlements/{{entitlement_id}}": ("street", "company"),
    f"GET {SUBSIDY}/statements/{{branch_id}}": ("street", "company"),
    f"GET {SUBSIDY}/journal": ("street",),
    f"GET {SUBSIDY}/balances": ("street",),
    f"GET {SUBSIDY}/trial-balance": ("street",),
    f"GET {SUBSIDY}/streets": ("street",),
}
# scoped lists -> the world key of a row on side A and of one on side B (their ids, or the
# street's, as the answer spells them)
MARKERS: dict[str, tuple[str, str]] = {
    f"GET {ISSUES}": ("issue", "issue_b"),
    f"GET {V1}/grid-loop/overdue": ("issue", "issue_b"),
    f"GET {GRID}/workers": ("worker", "worker_b"),
    f"GET {PARTY}": ("party_org", "party_org_b"),
    f"GET {V1}/party-activities/periods": ("appointment", "appointment_b"),
    f"GET {SUBSIDY}/budgets": ("budget", "budget_b"),
    f"GET {SUBSIDY}/entitlements": ("entitlement", "entitlement_b"),
    f"GET {SUBSIDY}/journal": ("budget", "budget_b"),
    f"GET {SUBSIDY}/balances": ("street", "street_b"),
    f"GET {SUBSIDY}/trial-balance": ("street", "street_b"),
    f"GET {SUBSIDY}/streets": ("street", "street_b"),
}


def read_requests(ids: dict[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    period = f"{ASSESS}/periods/{ids['period']}"
    card = f"{period}/scorecards/community/{ids['community']}"
    return {
        "GET /healthz": ("/healthz", {}),
        "GET /readyz": ("/readyz", {}),
        "GET /metrics": ("/metrics", {}),
        f"GET {ORG}": (ORG, {}),
        f"GET {ORG}/{{unit_id}}": (f"{ORG}/{ids['grid']}", {}),
        f"GET {BODIES}": (BODIES, {}),
        f"GET {BODIES}/{{body_id}}": (f"{BODIES}/{ids['residents_committee']}", {}),
        f"GET {ISSUES}": (ISSUES, {}),
        f"GET {ISSUES}/{{issue_id}}": (f"{ISSUES}/{ids['issue']}", {}),
        f"GET {V1}/grid-loop/funnel": (f"{V1}/grid-loop/funnel", {}),
        f"GET {V1}/grid-loop/rates": (f"{V1}/grid-loop/rates", {"per": "company"}),
        f"GET {V1}/grid-loop/overdue": (
            f"{V1}/grid-loop/overdue",
            {"as_of": "2030-01-01T00:00:00+08:00"},
        ),
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
        f"GET {COMPANIES}/{{company_id}}/contracts": (
            f"{COMPANIES}/{ids['company']}/contracts",
            {},
        ),
        f"GET {COMPANIES}/{{company_id}}/contracts/{{contract_id}}": (
            f"{COMPANIES}/{ids['company']}/contracts/{ids['contract']}",
            {},
        ),
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
            {"what": "cross_appointment", **AS_OF},
        ),
        f"GET {V1}/party-activities/events": (
            f"{V1}/party-activities/events",
            {"what": "joint_event", "year": 2020},
        ),
        f"GET {ASSESS}/indicators": (f"{ASSESS}/indicators", {}),
        f"GET {ASSESS}/schemes": (f"{ASSESS}/schemes", {}),
        f"GET {ASSESS}/schemes/{{scheme_id}}": (f"{ASSESS}/schemes/{ids['scheme']}", {}),
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
