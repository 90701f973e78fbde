"""Exports of the assessment ledger for reporting jobs (R25): CSV and XLSX tables of
rankings and scorecards, PNG charts of a ranking and of a subject's trend."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from openpyxl import Workbook  # noqa: E402

Table = tuple[list[str], list[list[Any]]]

RANKING_COLUMNS = ["rank", "subject_name", "subject_id", "total", "grade"]
LINE_COLUMNS = [
    "indicator",
    "definition",  # code@version of the figure (empty: published under version 1)
    "label",
    "numerator",
    "denominator",
    "value",
    "score",
    "no_data",
    "weight",
    "weighted",
    "positions",
]
CJK_HINTS = ("CJK", "WenQuanYi", "Hei", "Song", "Noto Sans SC", "Source Han")


def ranking_table(items: Sequence[dict[str, Any]]) -> Table:
    return RANKING_COLUMNS, [[item[c] for c in RANKING_COLUMNS] for item in items]


def scorecard_table(card: dict[str, Any]) -> Table:
    rows = []
    for line in card["lines"]:
        row = [line[c] for c in LINE_COLUMNS[:-1]]
        rows.append([*row, json.dumps(line["positions"])])
    rows.append(["total", "", "", "", "", "", "", "", 100, card["total"], card["grade"]])
    return LINE_COLUMNS, rows


def write_csv(path: Path, table: Table) -> None:
    header, rows = table
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # BOM: Excel reads UTF-8
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, sheets: dict[str, Table]) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _cjk_font() -> str | None:
    for font in font_manager.fontManager.ttflist:
        if any(hint in font.name for hint in CJK_HINTS):
            return str(font.name)
    return None


def _label(name: str, subject_id: str, font: str | None) -> str:
    """Chinese names need a CJK font; without one, label by the id's first characters."""
    return name if font or name.isascii() else subject_id[:8]


def ranking_png(path: Path, title: str, items: Sequence[dict[str, Any]]) -> None:
    font = _cjk_font()
    if font:
        plt.rcParams["font.family"] = font
    labels = [_label(i["subject_name"], i["subject_id"], font) for i in items]
    fig, ax = plt.subplots(figsize=(8, max(3, 0.3 * len(items) + 1)))
    ax.barh(labels[::-1], [i["total"] for i in items][::-1], color="#c0392b")
    ax.set_xlim(0, 100)
    ax.set_xlabel("total score")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def trend_png(path: Path, title: str, points: Sequence[dict[str, Any]]) -> None:
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([p["key"] for p in points], [p["total"] for p in points], marker="o")
    for p in points:
        ax.annotate(
            f"#{p['rank']}",
            (p["key"], p["total"]),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel("total score")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
