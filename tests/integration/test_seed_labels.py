"""Every label that quotes the seed report is spelt exactly as the seed spells it.

The seed is read from ../shared/seed/ beside the repository (CI checks it out there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.grid_workers import EMPLOYMENT
from domain.indicators import INDICATORS
from domain.issue_catalog import CATEGORIES
from domain.org_registry import COMPOUND_FOCUS
from domain.subsidy_policy import KIND_LABELS
from scenarios import seed_terms
from scenarios.org_registry import STREETS

SEED = Path(__file__).resolve().parents[2] / "../shared/seed/tianqiao-red-property.zh.txt"

QUOTED: dict[str, str] = {
    **{f"compound focus {t.value}": zh for t, (zh, _) in COMPOUND_FOCUS.items()},
    **{
        f"category {code}": CATEGORIES[code]
        for code in ("heating", "gas_connection", "parking", "noise", "thrown_objects")
    },
    "part-time grid worker": EMPLOYMENT["part_time"],
    **{f"subsidy {kind}": label for kind, label in KIND_LABELS.items()},
    "indicator satisfaction_rate": INDICATORS["satisfaction_rate"].label,
    "indicator complaint_rate": INDICATORS["complaint_rate"].label.split("(")[0],
    **{
        f"scenario {name}": value
        for name, value in vars(seed_terms).items()
        if name.isupper() and isinstance(value, str)
    },
    **{f"scenario place {place}": place for place in seed_terms.NAMED_PLACES},
}


@pytest.fixture(scope="module")
def seed_text() -> str:
    assert SEED.is_file(), f"the seed report is expected at {SEED} (shared/ beside the clone)"
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("where", sorted(QUOTED))
def test_quoted_label_occurs_verbatim_in_the_seed(seed_text: str, where: str) -> None:
    assert QUOTED[where] in seed_text, f"{where}: {QUOTED[where]!r} is not in the seed"


def test_the_corrected_labels_are_the_seeds() -> None:
    focus = {t.value: zh for t, (zh, _) in COMPOUND_FOCUS.items()}
    assert focus["resettlement"] == "化解矛盾问题"
    assert focus["open"] == "改善基础设施"


def test_the_named_places_are_the_demos() -> None:
    names = {*STREETS, *(c for cs in STREETS.values() for c in cs)}
    assert set(seed_terms.NAMED_PLACES) <= names
