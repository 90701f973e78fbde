"""The subsidy process, the double-entry ledger, its check and its exports (both backends)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from sqlalchemy import update

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from domain.subsidy_commands import (
    ApproveSubsidy,
    DisburseSubsidy,
    OpenSubsidyYear,
    RecoverSubsidyClawback,
    RejectSubsidy,
    ReverseSubsidy,
    SetSubsidyPolicy,
    SubmitSubsidyApplication,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP, YEARLY
from infra import ledger_export
from infra.ledger_check import check_ledger
from infra.subsidy_process import SubsidyProcess
from projections import subsidy_reports as reports
from projections.subsidy_ledger import subsidy_postings
from tests.support.subsidies import dissolve_branch, found_branch, setup_district


def _entitlements(system: Any) -> dict[tuple[str, str, int], dict[str, Any]]:
    system.catch_up()
    with system.read_engine.connect() as conn:
        items, _ = reports.list_entitlements(conn, page=1, per_page=500)
    return {(e["branch_id"], e["kind"], e["year"]): e for e in items}


def test_process_raises_what_is_due_once(system: Any) -> None:
    app = system.app
    ids = setup_district(app)
    old = found_branch(app, "B-OLD", date(2018, 6, 1), ids["S01"])  # before the policy start
    new = found_branch(app, "B-NEW", date(2020, 7, 1), ids["S02"])
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    dissolve_branch(app, new, date(2020, 12, 1))
    late = found_branch(app, "B-LATE", date(2020, 9, 1), ids["S01"])  # after 2020 opened
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2021))
    found = _entitlements(system)
    assert set(found) == {
        (str(old), YEARLY, 2020),
        (str(old), YEARLY, 2021),
        (str(new), STARTUP, 2020),
        (str(new), YEARLY, 2020),  # dissolved in December 2020: nothing for 2021
        (str(late), STARTUP, 2020),
        (str(late), YEARLY, 2020),
        (str(late), YEARLY, 2021),
    }
    assert found[(str(new), STARTUP, 2020)]["amount_fen"] == 500_000
    assert found[(str(late), YEARLY, 2021)]["amount_fen"] == 300_000
    head = app.recorder.max_notification_id()
    again = SubsidyProcess(app, system.write_engine)  # a restart: state rebuilt, nothing reissued
    again.run_once()
    fresh = SubsidyProcess(app)  # no stored position at all: every command is AlreadyExists
    fresh.run_once()
    assert app.recorder.max_notification_id() == head
    assert fresh.stats.raised == 0 and fresh.stats.already == 7


def test_a_later_policy_change_does_not_alter_past_entitlements(system: Any) -> None:
    app = system.app
    ids = setup_district(app)
    branch = found_branch(app, "B1", date(2020, 3, 1), ids["S01"])
    system.catch_up()
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(
            SetSubsidyPolicy(
                effective_from=date(2021, 1, 1),
                start_date=date(2019, 1, 1),
                startup_fund_fen=800_000,
                yearly_subsidy_fen=350_050,
            )
        )
        app.handle(OpenSubsidyYear(2021))
    found = _entitlements(system)
    assert found[(str(branch), STARTUP, 2020)]["amount_fen"] == 500_000
    assert found[(str(branch), YEARLY, 2021)]["amount_fen"] == 350_050


def _pay(app: Any, entitlement_id: Any, paid_on: date, ref: str) -> None:
    with command_context(actor_id="manager", role="company_manager"):
        app.handle(SubmitSubsidyApplication(entitlement_id))
    with command_context(actor_id="officer", role="street_officer"):
        app.handle(ApproveSubsidy(entitlement_id))
        app.handle(DisburseSubsidy(entitlement_id, payment_reference=ref, paid_on=paid_on))


def test_ledger_balances_reports_check_and_exports(system: Any) -> None:
    app = system.app
    ids = setup_district(app)
    a = found_branch(app, "A", date(2020, 3, 1), ids["S01"])
    b = found_branch(app, "B", date(2020, 4, 1), ids["S02"])
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    system.catch_up()
    startup_a = SubsidyEntitlement.create_id(a, STARTUP)
    yearly_a = SubsidyEntitlement.create_id(a, YEARLY, 2020)
    startup_b = SubsidyEntitlement.create_id(b, STARTUP)
    _pay(app, startup_a, date(2020, 5, 1), "P-1")
    _pay(app, yearly_a, date(2020, 6, 1), "P-2")
    with command_context(actor_id="officer", role="street_officer"):
        app.handle(
            ReverseSubsidy(
                yearly_a, reason_code="paid_twice", reason="duplicate", reversed_on=date(2020, 7, 1)
            )
        )
        app.handle(RecoverSubsidyClawback(yearly_a, reference="R-1", recovered_on=date(2020, 8, 1)))
    with command_context(actor_id="manager", role="company_manager"):
        app.handle(SubmitSubsidyApplication(startup_b))
    with command_context(actor_id="officer", role="street_officer"):
        app.handle(RejectSubsidy(startup_b, reason="no bank account on file"))
    system.catch_up()
    chain = getattr(app.recorder, "chain_table", None)
    with system.read_engine.connect() as conn:
        trial = reports.trial_balance(conn)
        yearly = {r["kind"]: r for r in reports.yearly_report(conn)}
        budgets = reports.list_budgets(conn, year=2020)
        lines, total = reports.journal(conn, chain_table=chain, branch_id=str(a))
        statement = reports.branch_statement(conn, str(a))
        sheets = ledger_export.build(conn, list(ledger_export.SHEETS), chain)
    assert trial["net_fen"] == 0 and trial["total_debit_fen"] == trial["total_credit_fen"]
    assert yearly["startup"]["due_fen"] == 500_000  # B's was rejected
    assert yearly["startup"]["paid_fen"] == 500_000
    assert yearly["yearly"]["due_fen"] == 600_000 and yearly["yearly"]["paid_fen"] == 300_000
    assert yearly["yearly"]["outstanding_fen"] == 300_000
    assert yearly["yearly"]["clawed_back_fen"] == 300_000
    assert budgets[0]["available_fen"] == 10_000_000 - 500_000
    assert total == 6 and all(line["event_hash"] for line in lines)
    assert statement["totals"]["paid_fen"] == 800_000
    assert check_ledger(app, system.write_engine).ok
    out = io.StringIO()
    ledger_export.write_csv({"yearly": sheets["yearly"]}, out)
    assert "5000.00" in out.getvalue() and "3000.00" in out.getvalue()
    # tamper with one live line: the check names it
    with system.write_engine.begin() as conn:
        conn.execute(
            update(subsidy_postings)
            .where(subsidy_postings.c.entitlement_id == str(startup_a))
            .values(amount_fen=400_000)
        )
    report = check_ledger(app, system.write_engine)
    assert not report.ok and "amount_fen is 400000" in (report.difference or "")


def test_a_branch_naming_only_its_community_is_paid_from_its_street(system: Any) -> None:
    app = system.app
    ids = setup_district(app)
    with command_context(actor_id="admin"):
        community = app.handle(
            RegisterOrgUnit(kind="community", code="C01", name="华黎社区", parent_id=ids["S01"])
        ).id
    branch = found_branch(app, "BC", date(2020, 3, 1), None, community_id=community)
    found = _entitlements(system)
    assert found[(str(branch), STARTUP, 2020)]["street_id"] == str(ids["S01"])
