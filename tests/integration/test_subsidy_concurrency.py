"""Two clients race the same branch/year through the whole workflow on PostgreSQL:
exactly one entitlement exists and it is paid exactly once."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest

from domain.errors import DomainError
from domain.metadata import command_context
from domain.subsidy_commands import (
    ApproveSubsidy,
    DisburseSubsidy,
    RaiseSubsidyEntitlement,
    SubmitSubsidyApplication,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import YEARLY
from infra import audit
from tests.support.subsidies import found_branch, setup_district

CLIENTS = 4


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_concurrent_double_submission_pays_once(system: Any) -> None:
    app, gateway = system.app, system.gateway
    ids = setup_district(app)
    branch = found_branch(app, "RACE", date(2019, 6, 1), ids["S01"])
    entitlement = SubsidyEntitlement.create_id(branch, YEARLY, 2020)
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[tuple[int, str]] = []

    def client(n: int) -> None:
        steps = [
            (
                f"manager-{n}",
                lambda: app.handle(
                    RaiseSubsidyEntitlement(branch_id=branch, kind=YEARLY, year=2020)
                ),
            ),
            (f"manager-{n}", lambda: app.handle(SubmitSubsidyApplication(entitlement))),
            (f"officer-{n}", lambda: app.handle(ApproveSubsidy(entitlement))),
            (
                f"officer-{n}",
                lambda: app.handle(
                    DisburseSubsidy(
                        entitlement, payment_reference=f"P-{n}", paid_on=date(2020, 6, 1)
                    )
                ),
            ),
        ]
        barrier.wait()
        for index, (actor, step) in enumerate(steps):
            with command_context(actor_id=actor, role="street_officer"):
                try:
                    gateway.run(step)
                    outcomes.append((index, "ok"))
                except DomainError as refused:
                    outcomes.append((index, refused.code))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    types = [
        audit.describe(app, n)["type"]
        for n in audit.iter_log(app)
        if n.originator_id == entitlement
    ]
    assert types.count("SubsidyEntitlement.Raised") == 1
    assert types.count("SubsidyEntitlement.Disbursed") == 1
    raised_ok = [code for i, code in outcomes if i == 0]
    paid_ok = [code for i, code in outcomes if i == 3]
    assert raised_ok.count("ok") == 1 and raised_ok.count("already_exists") == CLIENTS - 1
    assert paid_ok.count("ok") == 1
    assert app.load(SubsidyEntitlement, entitlement).status == "disbursed"
