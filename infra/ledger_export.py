"""Exports of the subsidy ledger for reporting jobs: journal, balances, statements,
per-street summary and yearly report as text, CSV or XLSX. Amounts in yuan with two
decimals, computed exactly from integer fen."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

from domain.subsidy_policy import KIND_LABELS, fen_to_yuan
from projections import subsidy_reports as reports

Sheet = tuple[list[str], list[list[Any]]]


def _yuan_columns(rows: list[dict[str, Any]], columns: list[str]) -> list[list[Any]]:
    out = []
    for row in rows:
        out.append(
            [Decimal(fen_to_yuan(row[c])) if c.endswith("_fen") else row[c] for c in columns]
        )
    return out


def _headers(columns: list[str]) -> list[str]:
    return [c.removesuffix("_fen") + "_yuan" if c.endswith("_fen") else c for c in columns]


def journal_sheet(conn: Connection, chain_table: str | None) -> Sheet:
    lines, _ = reports.journal(conn, chain_table=chain_table)
    columns = [
        "position",
        "entry_date",
        "period",
        "subsidy_year",
        "event_type",
        "debit_account",
        "credit_account",
        "amount_fen",
        "branch_id",
        "entitlement_id",
        "budget_id",
        "event_hash",
    ]
    return _headers(columns), _yuan_columns(lines, columns)


def balances_sheet(conn: Connection, chain_table: str | None) -> Sheet:
    rows = reports.balances(conn)
    columns = ["account", "account_type", "debit_fen", "credit_fen", "balance_fen"]
    return _headers(columns), _yuan_columns(rows, columns)


def statements_sheet(conn: Connection, chain_table: str | None) -> Sheet:
    """One line per branch: its totals (the per-branch statement's summary)."""
    branches = sorted(
        {e["branch_id"] for e in reports.list_entitlements(conn, page=1, per_page=10**9)[0]}
    )
    rows = []
    for branch_id in branches:
        totals = reports.branch_statement(conn, branch_id)["totals"]
        rows.append({"branch_id": branch_id, **totals})
    columns = [
        "branch_id",
        "due_fen",
        "paid_fen",
        "outstanding_fen",
        "clawed_back_fen",
        "recovered_fen",
    ]
    return _headers(columns), _yuan_columns(rows, columns)


def streets_sheet(conn: Connection, chain_table: str | None) -> Sheet:
    rows = reports.street_summary(conn)
    columns = [
        "street_name",
        "street_id",
        "branches",
        "due_fen",
        "paid_fen",
        "outstanding_fen",
        "clawed_back_fen",
    ]
    return _headers(columns), _yuan_columns(rows, columns)


def yearly_sheet(conn: Connection, chain_table: str | None) -> Sheet:
    rows = [
        {**r, "kind_label": KIND_LABELS.get(r["kind"], r["kind"])}
        for r in reports.yearly_report(conn)
    ]
    columns = [
        "year",
        "kind",
        "kind_label",
        "entitlements",
        "due_fen",
        "paid_fen",
        "outstanding_fen",
        "clawed_back_fen",
        "recovered_fen",
    ]
    return _headers(columns), _yuan_columns(rows, columns)


SHEETS: dict[str, Callable[[Connection, str | None], Sheet]] = {
    "yearly": yearly_sheet,
    "streets": streets_sheet,
    "statements": statements_sheet,
    "balances": balances_sheet,
    "journal": journal_sheet,
}


def build(conn: Connection, names: list[str], chain_table: str | None = None) -> dict[str, Sheet]:
    return {name: SHEETS[name](conn, chain_table) for name in names}


def write_csv(sheets: dict[str, Sheet], out: IO[str]) -> None:
    writer = csv.writer(out)
    for n, (name, (header, rows)) in enumerate(sheets.items()):
        if len(sheets) > 1:
            if n:
                writer.writerow([])
            writer.writerow([f"# {name}"])
        writer.writerow(header)
        writer.writerows([[_text(v) for v in row] for row in rows])


def write_text(sheets: dict[str, Sheet], out: IO[str]) -> None:
    for name, (header, rows) in sheets.items():
        cells = [header] + [[_text(v) for v in row] for row in rows]
        widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
        out.write(f"{name}\n")
        for r in cells:
            out.write("  ".join(str(v).rjust(w) for v, w in zip(r, widths, strict=True)) + "\n")
        out.write("\n")


def write_xlsx(sheets: dict[str, Sheet], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for col, title in enumerate(header, start=1):
            if title.endswith("_yuan"):
                for cell in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell[0].number_format = "0.00"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else value
