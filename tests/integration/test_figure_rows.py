"""The README lists every figure the read models show (issue 17, "done when"): each figure of
`party-figures` (and of its coverage) and each rate of `/grid-loop/rates` has a row of
"Figures of record", under the name the read model answers it by; the party-building
figures the seed states are in "Seed figures" too."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from marshmallow import fields

from api.issue_reports import RateRow
from projections.party_figures import party_figures

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<code>\w+)` \| [^|]+ \| [^|]+ \| \d+ \|$", re.MULTILINE)
NOT_FIGURES = {"as_of", "demonstration_projects_year"}  # the question, not an answer


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _shown_by_party_figures(system: Any) -> set[str]:
    with system.read_engine.connect() as conn:
        shown = party_figures(conn, date(2020, 12, 31))
    coverage = shown.pop("coverage")
    figures = {k for k in coverage if k.endswith("_pct")} | {"instructors_in_post"}
    return figures | (set(shown) - NOT_FIGURES)


def test_every_figure_the_read_models_show_has_a_row(system: Any) -> None:
    rows = set(ROW.findall(_section("Figures of record")))
    rates = {name for name, field in RateRow().fields.items() if isinstance(field, fields.Float)}
    shown = _shown_by_party_figures(system) | rates
    assert len(shown) > 10
    assert shown - rows == set()


def test_the_seed_figures_section_names_each_party_figure_of_the_seed() -> None:
    seed = _section("Seed figures the demo reproduces")
    for stated in ("65 companies", "48 with", "73.8 %", "65 instructors", "15 demonstration"):
        assert stated in seed, stated
    for stated in ("5 brands", "5 → 22", "71.4 %", "882 reported", "577 resolved"):
        assert stated in seed, stated
