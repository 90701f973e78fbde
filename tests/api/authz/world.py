"""The authorization matrix's world: two streets (A, the side every request targets, and B,
the out-of-scope side), each with a community, a compound, a grid and a company serving the
compound under contract; on side A also a second community, a grid worker, a party branch
of company A, an owners' committee, an assessment scheme and a street budget. Built once per
module over HTTP as the district admin; `Matrix.admin` also builds the fresh resources a
request consumes (an issue to accept, a period to publish)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from api.auth import WHOLE_DISTRICT, mint_token
from api.tokens import TokenKeys, verify
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP
from tests.api.test_assessment_api import scheme_body
from tests.conftest import SECRET
from tests.support.company_branches import company_branch

V1 = "/api/v1"
SETUP_TIME = {"Occurred-At": "2020-01-01T09:00:00+08:00"}
# The unit (a key of the world) each scoped role's token names, on either side.
ROLE_UNIT = {
    "street_officer": "street",
    "community_officer": "community",
    "company_manager": "company",
    "grid_worker": "grid",
    "owners_committee": "compound",
    "resident": "compound",
}
DISTRICT_WIDE = ("district_admin", "auditor")


class SetupFailed(AssertionError):
    pass


@dataclass
class Matrix:
    client: Any
    system: Any
    ids: dict[str, str] = field(default_factory=dict)
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    periods: Iterator[int] = field(default_factory=itertools.count)

    def unique(self, prefix: str = "X") -> str:
        return f"{prefix}{next(self.counter):05d}"

    def token(self, role: str, scope: str, user: str | None = None) -> str:
        return mint_token(SECRET, user_id=user or f"{role}-user", role=role, scope=scope)

    def headers(self, role: str, side: str = "in", user: str | None = None) -> dict[str, str]:
        """A token of the role in scope (side A) or out of it (side B); district-wide roles
        hold the whole district on either side."""
        if role in DISTRICT_WIDE:
            scope = WHOLE_DISTRICT
        else:
            unit = ROLE_UNIT[role]
            scope = self.ids[unit if side == "in" else f"{unit}_b"]
        return {"Authorization": f"Bearer {self.token(role, scope, user)}"}

    @staticmethod
    def jti(headers: dict[str, str]) -> str:
        token = headers["Authorization"].removeprefix("Bearer ")
        return str(verify(TokenKeys.single(SECRET), token)["jti"])

    def head(self) -> int:
        """The log's head once the processes have caught up with what came before."""
        self.system.catch_up()
        return int(self.system.app.recorder.max_notification_id() or 0)

    def admin(self, method: str, path: str, body: dict | None = None, **headers: str) -> Any:
        """A set-up request as the district admin; it must succeed."""
        answer = self.client.open(
            path,
            method=method,
            json=body,
            headers={**self.headers("district_admin", user="setup-admin"), **headers},
        )
        if answer.status_code >= 300:
            raise SetupFailed(f"{method} {path} {body}: {answer.status_code} {answer.json}")
        return answer

    def create(self, path: str, body: dict, *, at_setup: bool = False) -> str:
        extra = SETUP_TIME if at_setup else {}
        return str(self.admin("POST", f"{V1}{path}", body, **extra).json["id"])

    # -- fresh resources on side A ---------------------------------------------------------

    def unit(self, kind: str, parent: str | None, **extra: Any) -> str:
        code = self.unique(kind[:2].upper())
        body = {"kind": kind, "code": code, "name": f"{kind}{code}", "parent_id": parent, **extra}
        return self.create("/org-units", body, at_setup=True)

    def body(self, kind: str, parent: str) -> str:
        """An org body (community party org, residents' committee…) in office from 2020."""
        body = {"kind": kind, "parent_id": parent, "name": kind, "established_on": "2020-01-01"}
        return self.create("/org-bodies", body, at_setup=True)

    def compound(self, community: str = "community") -> str:
        return self.unit("compound", self.ids[community], compound_type="open", households=100)

    def company(self, street: str = "street") -> str:
        code = f"91370105{next(self.counter):010d}"
        body = {"credit_code": code, "name": f"物业{code[-4:]}", "street_id": self.ids[street]}
        return self.create("/property-companies", body, at_setup=True)

    def issue(
        self,
        state: str = "reported",
        side: str = "",
        reporter: str = "district_admin",
        **extra: Any,
    ) -> str:
        """A fresh issue in side's compound and grid, reported with a token of `reporter` (on
        that side) and driven to `state`; accepting routes it to side's company."""
        body = {
            "channel": "hotline",
            "category": "heating",
            "compound_id": self.ids[f"compound{side}"],
            "grid_id": self.ids[f"grid{side}"],
            "description": "暖气不热",
            "reporter_contact": "13812341234",
            **extra,
        }
        headers = self.headers(reporter, "in" if side == "" else "out")
        made = self.client.post(f"{V1}/service-issues", json=body, headers=headers)
        if made.status_code != 201:
            raise SetupFailed(f"report as {reporter}: {made.status_code} {made.json}")
        issue = str(made.json["id"])
        steps = {
            "accepted": [("accept", {"company_id": self.ids[f"company{side}"]})],
            "handling": [("start-handling", {})],
            "handled": [("handled", {"resolution": "已修复"})],
        }
        for reached in ("accepted", "handling", "handled"):
            if state == "reported":
                break
            for step, step_body in steps[reached]:
                self.admin("POST", f"{V1}/service-issues/{issue}/{step}", step_body)
            if state == reached:
                break
        return issue

    def party_org(self, company: str | None = None, side: str = "") -> str:
        return self.create(
            "/party-orgs",
            {
                "code": self.unique("DZB"),
                "name": "物业党支部",
                "host_kind": "property_company",
                "company_ids": [company or self.company()],
                "method": "standalone",
                "kind": "branch",
                "founded_on": "2020-02-01",
                "street_id": self.ids[f"street{side}"],
                "community_id": self.ids[f"community{side}"],
                "full_members": ["F1", "F2", "F3"],
            },
        )

    def instructor(self) -> str:
        body = {"code": self.unique("I"), "name": "指导员", "home_unit_id": self.ids["community"]}
        return self.create("/party-building/instructors", body)

    def period_key(self) -> str:
        n = next(self.periods)  # the scheme is in force from 2020
        return f"{2020 + n // 4}Q{n % 4 + 1}"

    def period(self, state: str = "open") -> str:
        """A fresh assessment period key, driven to `state` (open, computed, reviewed,
        published)."""
        key = self.period_key()
        self.admin(
            "POST",
            f"{V1}/assessment/periods",
            {"period": key, "scheme_id": self.ids["scheme"]},
        )
        steps = [
            ("computed", "compute", {}),
            ("reviewed", "review", {"reviewer": "审核"}),
            ("published", "publish", {}),
        ]
        for reached, step, body in steps:
            if state == "open":
                break
            self.admin("POST", f"{V1}/assessment/periods/{key}/{step}", body)
            if state == reached:
                break
        return key

    def fresh_branch(self, side: str = "") -> str:
        """A company party branch of side's company and street (A by default), recorded by
        its founding event."""
        branch = company_branch(
            self.unique("B"),
            self.ids[f"company{side}"],
            date(2020, 3, 1),
            UUID(self.ids[f"street{side}"]),
            UUID(self.ids[f"community{side}"]),
        )
        self.system.app.save(branch)
        return str(branch.id)

    def entitlement(self, state: str = "raised", side: str = "") -> str:
        """A fresh startup entitlement of a new branch of side's company (A by default),
        driven to `state`: raised, submitted, approved, disbursed, reversed."""
        branch = self.fresh_branch(side)
        entitlement = str(SubsidyEntitlement.create_id(UUID(branch), STARTUP))
        self.admin("POST", f"{V1}/subsidies/entitlements", {"branch_id": branch, "kind": STARTUP})
        base = f"{V1}/subsidies/entitlements/{entitlement}"
        steps = [
            ("submitted", "submit", {"note": "申请"}, "applicant"),
            ("approved", "approve", {}, "approver"),
            ("disbursed", "disburse", {"payment_reference": "P1", "paid_on": "2020-05-01"}, "a"),
            (
                "reversed",
                "reverse",
                {"reason_code": "wrong_account", "reason": "错账户", "reversed_on": "2020-06-01"},
                "a",
            ),
        ]
        for reached, step, body, user in steps:
            if state == "raised":
                break
            self.client.post(
                f"{base}/{step}", json=body, headers=self.headers("district_admin", user=user)
            )
            if state == reached:
                break
        return entitlement


def build(matrix: Matrix) -> Matrix:
    ids = matrix.ids
    ids["district"] = matrix.create(
        "/org-units", {"kind": "district", "code": "370105", "name": "天桥区"}, at_setup=True
    )
    for side in ("", "_b"):
        ids[f"street{side}"] = matrix.unit("street", ids["district"])
        ids[f"community{side}"] = matrix.unit("community", ids[f"street{side}"])
        ids[f"compound{side}"] = matrix.compound(f"community{side}")
        ids[f"grid{side}"] = matrix.unit("grid", ids[f"compound{side}"])
        ids[f"company{side}"] = matrix.company(f"street{side}")
        contract = {"compound_id": ids[f"compound{side}"], "starts_on": "2020-01-01"}
        matrix.create(
            f"/property-companies/{ids[f'company{side}']}/contracts", contract, at_setup=True
        )
    ids["community2"] = matrix.unit("community", ids["street"])
    for side in ("", "_b"):
        for kind in ("community_party_org", "residents_committee"):
            ids[f"{kind}{side}"] = matrix.body(kind, ids[f"community{side}"])
    _side_a(matrix)
    matrix.system.catch_up()
    return matrix


def _side_a(matrix: Matrix) -> None:
    ids = matrix.ids
    ids["worker"] = matrix.create(
        "/grid/workers",
        {
            "staff_code": "GW-A",
            "name": "网格员",
            "employment": "full_time",
            "company_id": ids["company"],
            "grid_ids": [ids["grid"]],
        },
    )
    ids["party_org"] = matrix.party_org(ids["company"])
    ids["owners_committee"] = matrix.create(
        "/party-building/owners-committees",
        {
            "compound_id": ids["compound"],
            "name": "业委会",
            "term_starts": "2020-01-01",
            "term_ends": "2024-12-31",
            "members": [{"member_ref": "O1", "name": "业主", "party_member": True}],
        },
    )
    ids["industry_committee"] = matrix.create(
        "/party-building/industry-committee",
        {"district_id": ids["district"], "name": "物业行业党委", "established_on": "2020-01-01"},
    )
    ids["scheme"] = matrix.create("/assessment/schemes", scheme_body(code="MATRIX"))
    matrix.admin(
        "PUT",
        f"{V1}/subsidies/policy",
        {
            "effective_from": "2019-01-01",
            "start_date": "2019-01-01",
            "startup_fund_fen": 500_000,
            "yearly_subsidy_fen": 300_000,
        },
    )
    for year in (2020, 2021):
        matrix.create(
            "/subsidies/budgets",
            {"holder_id": ids["district"], "year": year, "amount_fen": 100_000_000},
        )
    ids["budget"] = matrix.create(
        "/subsidies/budgets", {"holder_id": ids["street"], "year": 2020, "amount_fen": 10_000_000}
    )
