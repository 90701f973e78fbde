"""`redprop ledger check` and `redprop report ledger` (CSV, XLSX) on a small ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from domain.metadata import command_context
from domain.subsidy_commands import ApproveSubsidy, DisburseSubsidy, SubmitSubsidyApplication
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP
from infra.bootstrap import build_system
from infra.cli.main import main
from infra.settings import Settings
from tests.support.subsidies import found_branch, setup_district


def test_check_and_exports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    system = build_system(Settings(database_url=url))
    ids = setup_district(system.app)
    branch = found_branch(system.app, "B1", date(2020, 3, 1), ids["S01"])
    system.catch_up()
    startup = SubsidyEntitlement.create_id(branch, STARTUP)
    with command_context(actor_id="manager"):
        system.app.handle(SubmitSubsidyApplication(startup))
    with command_context(actor_id="officer"):
        system.app.handle(ApproveSubsidy(startup))
        system.app.handle(
            DisburseSubsidy(startup, payment_reference="P1", paid_on=date(2020, 4, 1))
        )
    system.close()
    env: Any = {"REDPROP_DATABASE_URL": url}
    runner = CliRunner()
    checked = runner.invoke(main, ["ledger", "check"], env=env)
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output
    csv_out = runner.invoke(
        main, ["report", "ledger", "--what", "yearly", "--format", "csv"], env=env
    )
    assert csv_out.exit_code == 0, csv_out.output
    assert "2020,startup,启动资金,1,5000.00,5000.00,0.00,0.00,0.00" in csv_out.output
    xlsx = tmp_path / "ledger.xlsx"
    made = runner.invoke(
        main, ["report", "ledger", "--what", "all", "--format", "xlsx", "--out", str(xlsx)], env=env
    )
    assert made.exit_code == 0, made.output
    book = load_workbook(xlsx)
    assert book.sheetnames == ["yearly", "streets", "statements", "balances", "journal"]
    journal = list(book["journal"].iter_rows(values_only=True))
    assert journal[0][7] == "amount_yuan" and len(journal) == 1 + 4  # 2 budgets, raise, pay
    assert journal[-1][4] == "SubsidyEntitlement.Disbursed" and journal[-1][7] == 5000
    assert book["journal"].cell(row=5, column=8).number_format == "0.00"
