"""`redprop ledger check` and `redprop report ledger`: the subsidy ledger's audit and exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from infra import ledger_export
from infra.cli.system import open_system
from infra.ledger_check import check_ledger


@click.group()
def ledger() -> None:
    """The subsidy ledger (R11, R24)."""


@ledger.command("check")
def ledger_check() -> None:
    """Recompute the ledger from the log in a scratch database and compare it line by
    line with the live projection: prints OK or the first difference."""
    with open_system() as system:
        report = check_ledger(system.app, system.write_engine)
    click.echo(report.message())
    sys.exit(0 if report.ok else 1)


@click.group()
def report() -> None:
    """Reports for reporting jobs (CSV, XLSX)."""


def register(main: click.Group) -> None:
    """Add `ledger` and `report ledger` to the CLI. Another area may own a `report` group
    already: then `ledger` joins it instead of replacing it."""
    main.add_command(ledger)
    existing = main.commands.get("report")
    if isinstance(existing, click.Group) and existing is not report:
        existing.add_command(report_ledger, "ledger")
    else:
        main.add_command(report)


@report.command("ledger")
@click.option(
    "--what",
    "what",
    multiple=True,
    type=click.Choice([*ledger_export.SHEETS, "all"]),
    default=("yearly",),
    show_default=True,
    help="which tables (repeat the option, or 'all')",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "csv", "xlsx"]), default="text", show_default=True
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="file (default stdout)"
)
def report_ledger(what: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """Export the subsidy ledger: yearly report, streets, statements, balances, journal.
    Amounts in yuan with two decimals (computed from fen)."""
    names = list(ledger_export.SHEETS) if "all" in what else list(dict.fromkeys(what))
    with open_system() as system:
        for runner in system.runners:  # the ledger, and the registry it takes names from
            runner.catch_up()
        chain = getattr(system.app.recorder, "chain_table", None)
        with system.read_engine.connect() as conn:
            sheets = ledger_export.build(conn, names, chain)
    if fmt == "xlsx":
        path = out or Path("var/subsidy-ledger.xlsx")
        ledger_export.write_xlsx(sheets, path)
        click.echo(f"wrote {path}")
        return
    writer = ledger_export.write_csv if fmt == "csv" else ledger_export.write_text
    if out is None:
        writer(sheets, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer(sheets, handle)
        click.echo(f"wrote {out}")
