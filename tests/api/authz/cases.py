"""One valid request per write operation, aimed at side A of the world: its path, its body,
and the world unit it targets (what the caller's scope must cover, read with the policy
table's scope rule). A case may build a fresh resource first (an issue to accept), so the
request can succeed for every role that may make it."""

from __future__ import annotations

from typing import Any

from api.access_policy import (
    ASSESS,
    BODIES,
    COMPANIES,
    GRID,
    ISSUES,
    ORG,
    SUBSIDY,
    V1,
)
from tests.api.authz.cases_party import Call, Case, party_cases
from tests.api.authz.world import Matrix
from tests.api.test_assessment_api import scheme_body


def _org_units(m: Matrix) -> dict[str, Case]:
    ids = m.ids
    return {
        f"POST {ORG}": lambda m: Call(
            ORG,
            {"kind": "grid", "code": m.unique("G"), "name": "网格", "parent_id": ids["compound"]},
            "compound",
        ),
        f"PATCH {ORG}/{{unit_id}}": lambda m: Call(
            f"{ORG}/{ids['grid']}", {"name": m.unique("网格")}, "grid"
        ),
        f"POST {ORG}/{{unit_id}}/move": lambda m: Call(
            f"{ORG}/{m.compound()}/move", {"community_id": ids["community2"]}, "street"
        ),
        f"POST {ORG}/{{unit_id}}/close": lambda m: Call(
            f"{ORG}/{m.unit('grid', ids['compound'])}/close", {"reason": "撤销"}, "compound"
        ),
    }


def _org_bodies(m: Matrix) -> dict[str, Case]:
    """Each request on a fresh community of side A's street (one body of a kind per unit)."""

    def fresh_body(m: Matrix) -> str:
        return m.body("property_guidance_committee", m.unit("community", m.ids["street"]))

    return {
        f"POST {BODIES}": lambda m: Call(
            BODIES,
            {
                "kind": "property_guidance_committee",
                "parent_id": m.unit("community", m.ids["street"]),
                "name": "社区物业工作指导委员会",
                "established_on": "2020-02-01",
            },
            "street",
        ),
        f"PATCH {BODIES}/{{body_id}}": lambda m: Call(
            f"{BODIES}/{fresh_body(m)}", {"name": m.unique("委员会"), "on": "2020-03-01"}, "street"
        ),
        f"POST {BODIES}/{{body_id}}/dissolve": lambda m: Call(
            f"{BODIES}/{fresh_body(m)}/dissolve", {"on": "2020-03-01", "reason": "撤销"}, "street"
        ),
    }


def _issues(m: Matrix) -> dict[str, Case]:
    ids = m.ids
    report = {
        "channel": "hotline",
        "category": "heating",
        "compound_id": ids["compound"],
        "grid_id": ids["grid"],
        "description": "暖气不热",
    }

    def step(name: str, state: str, body: dict[str, Any]) -> tuple[str, Case]:
        return f"POST {ISSUES}/{{issue_id}}/{name}", lambda m: Call(
            f"{ISSUES}/{m.issue(state)}/{name}", body, "grid"
        )

    def link(m: Matrix) -> Call:
        original = m.issue()
        return Call(f"{ISSUES}/{m.issue()}/link-duplicate", {"original_id": original}, "grid")

    def erase(m: Matrix) -> Call:
        ref = m.unique("R")
        m.issue(reporter_ref=ref)
        return Call(f"{V1}/grid-loop/reporters/{ref}/contact", {}, "district")

    return {
        f"POST {ISSUES}": lambda m: Call(ISSUES, report, "grid"),
        **dict(
            [
                step("accept", "reported", {"company_id": ids["company"]}),
                step("refer-out", "reported", {"reason": "非物业事项"}),
                step("start-handling", "accepted", {}),
                step("handled", "handling", {"resolution": "已修复"}),
                step("feedback", "handled", {"rating": "satisfied"}),
                step("reopen", "handled", {"reason": "未修好"}),
                step("close", "handled", {"note": "结案"}),
            ]
        ),
        f"POST {ISSUES}/{{issue_id}}/link-duplicate": link,
        f"PUT {V1}/grid-loop/sla-policy": lambda m: Call(
            f"{V1}/grid-loop/sla-policy",
            {"rules": [{"accept_minutes": 60, "handle_minutes": 1440, "feedback_minutes": 1440}]},
            "district",
        ),
        f"DELETE {V1}/grid-loop/reporters/{{reporter_ref}}/contact": erase,
        "POST /open311/v2/requests.{fmt}": lambda m: Call(
            "/open311/v2/requests.json",
            {
                "service_code": "heating",
                "description": "暖气不热",
                "attribute[compound_id]": ids["compound"],
                "attribute[grid_id]": ids["grid"],
            },
            "grid",
            form=True,
        ),
    }


def _grid(m: Matrix) -> dict[str, Case]:
    ids = m.ids

    def worker(m: Matrix, grids: list[str]) -> str:
        body = {"staff_code": m.unique("W"), "name": "网格员", "employment": "full_time"}
        return m.create("/grid/workers", {**body, "grid_ids": grids})

    def assessment(m: Matrix) -> dict[str, Any]:
        return {
            "company_id": ids["company"],
            "period": f"{2000 + next(m.counter) % 100}-Q{next(m.counter) % 4 + 1}",
            "assessor_org_id": ids["community"],
            "lines": [{"worker_id": ids["worker"], "dimension": "deployment", "score": 90}],
        }

    return {
        f"POST {GRID}/workers": lambda m: Call(
            f"{GRID}/workers",
            {
                "staff_code": m.unique("W"),
                "name": "网格员",
                "employment": "full_time",
                "grid_ids": [ids["grid"]],
            },
            "grid",
        ),
        f"POST {GRID}/workers/{{worker_id}}/assign": lambda m: Call(
            f"{GRID}/workers/{worker(m, [])}/assign", {"grid_id": ids["grid"]}, "grid"
        ),
        f"POST {GRID}/workers/{{worker_id}}/unassign": lambda m: Call(
            f"{GRID}/workers/{worker(m, [ids['grid']])}/unassign", {"grid_id": ids["grid"]}, "grid"
        ),
        f"POST {GRID}/collection-points": lambda m: Call(
            f"{GRID}/collection-points", {"grid_id": ids["grid"], "name": m.unique("点")}, "grid"
        ),
        f"POST {GRID}/assessments": lambda m: Call(
            f"{GRID}/assessments", assessment(m), "community"
        ),
        f"POST {GRID}/assessments/{{assessment_id}}/send": lambda m: Call(
            f"{GRID}/assessments/{m.create('/grid/assessments', assessment(m))}/send",
            {},
            "community",
        ),
    }


def _companies(m: Matrix) -> dict[str, Case]:
    ids = m.ids
    company = f"{COMPANIES}/{ids['company']}"

    def contract(m: Matrix) -> str:
        answer = m.admin(
            "POST",
            f"{company}/contracts",
            {"compound_id": m.compound(), "starts_on": "2020-01-01"},
        )
        return str(answer.headers["Location"]).rsplit("/", 1)[-1]

    return {
        f"POST {COMPANIES}": lambda m: Call(
            COMPANIES,
            {
                "credit_code": f"91370105{next(m.counter):010d}",
                "name": "新物业",
                "street_id": ids["street"],
            },
            "street",
        ),
        f"PATCH {COMPANIES}/{{company_id}}": lambda m: Call(
            company, {"name": m.unique("物业")}, "street"
        ),
        f"POST {COMPANIES}/{{company_id}}/brand": lambda m: Call(
            f"{company}/brand",
            {"action": "award", "on": "2020-06-01", "decision": m.unique("区委决定")},
            "street",
        ),
        f"POST {COMPANIES}/{{company_id}}/contracts": lambda m: Call(
            f"{company}/contracts",
            {"compound_id": m.compound(), "starts_on": "2020-01-01"},
            "street",
        ),
        f"POST {COMPANIES}/{{company_id}}/contracts/{{contract_id}}/end": lambda m: Call(
            f"{company}/contracts/{contract(m)}/end", {"on": "2021-01-01"}, "street"
        ),
    }


def _assessment(m: Matrix) -> dict[str, Case]:
    ids = m.ids

    def step(name: str, state: str, body: dict[str, Any]) -> tuple[str, Case]:
        return f"POST {ASSESS}/periods/{{key}}/{name}", lambda m: Call(
            f"{ASSESS}/periods/{m.period(state)}/{name}", body, "district"
        )

    return {
        f"POST {ASSESS}/schemes": lambda m: Call(
            f"{ASSESS}/schemes", scheme_body(code=m.unique("T")), "district"
        ),
        f"POST {ASSESS}/schemes/{{scheme_id}}/versions": lambda m: Call(
            f"{ASSESS}/schemes/{ids['scheme']}/versions",
            {
                **{k: v for k, v in scheme_body().items() if k not in ("code", "name")},
                "note": m.unique("新版"),
                "effective_from": "2021-01-01",
            },
            "district",
        ),
        f"POST {ASSESS}/periods": lambda m: Call(
            f"{ASSESS}/periods",
            {"period": m.period_key(), "scheme_id": ids["scheme"]},
            "district",
        ),
        **dict(
            [
                step("compute", "open", {}),
                step("review", "computed", {"reviewer": "审核"}),
                step("publish", "reviewed", {}),
                step("reassess", "published", {"reason": "数据更正"}),
            ]
        ),
    }


def _subsidies(m: Matrix) -> dict[str, Case]:
    ids = m.ids

    def step(name: str, state: str, body: dict[str, Any], target: str = "street") -> tuple:
        return f"POST {SUBSIDY}/entitlements/{{entitlement_id}}/{name}", lambda m: Call(
            f"{SUBSIDY}/entitlements/{m.entitlement(state)}/{name}", body, target
        )

    return {
        f"PUT {SUBSIDY}/policy": lambda m: Call(
            f"{SUBSIDY}/policy",
            {
                "effective_from": "2021-01-01",
                "start_date": "2019-01-01",
                "startup_fund_fen": 500_000,
                "yearly_subsidy_fen": 300_000,
            },
            "district",
        ),
        f"PUT {SUBSIDY}/policy/eligibility": lambda m: Call(
            f"{SUBSIDY}/policy/eligibility",
            {"effective_from": "2021-01-01", "methods": ["standalone", "joint"]},
            "district",
        ),
        f"POST {SUBSIDY}/years": lambda m: Call(f"{SUBSIDY}/years", {"year": 2021}, "district"),
        f"POST {SUBSIDY}/budgets": lambda m: Call(
            f"{SUBSIDY}/budgets",
            {"holder_id": ids["street"], "year": 2021, "amount_fen": 100_000},
            "street",
        ),
        f"POST {SUBSIDY}/budgets/{{budget_id}}/top-ups": lambda m: Call(
            f"{SUBSIDY}/budgets/{ids['budget']}/top-ups", {"amount_fen": 10_000}, "street"
        ),
        f"POST {SUBSIDY}/entitlements": lambda m: Call(
            f"{SUBSIDY}/entitlements",
            {"branch_id": m.fresh_branch(), "kind": "startup"},
            "district",
        ),
        **dict(
            [
                step("submit", "raised", {"note": "申请"}),
                step("approve", "submitted", {}),
                step("reject", "submitted", {"reason": "材料不全"}),
                step("disburse", "approved", {"payment_reference": "P9", "paid_on": "2020-05-01"}),
                step(
                    "reverse",
                    "disbursed",
                    {
                        "reason_code": "wrong_account",
                        "reason": "错账户",
                        "reversed_on": "2020-06-01",
                    },
                ),
                step("recover", "reversed", {"reference": "R1", "recovered_on": "2020-07-01"}),
            ]
        ),
    }


def _tokens(m: Matrix) -> dict[str, Case]:
    return {
        f"POST {V1}/token-revocations": lambda m: Call(
            f"{V1}/token-revocations", {"reason": "签退"}, "district", own_jti=True
        ),
    }


def write_cases(m: Matrix) -> dict[str, Case]:
    return {
        **_org_units(m),
        **_org_bodies(m),
        **_issues(m),
        **_grid(m),
        **_companies(m),
        **party_cases(m),
        **_assessment(m),
        **_subsidies(m),
        **_tokens(m),
    }
