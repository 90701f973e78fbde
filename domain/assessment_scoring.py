"""The scoring engine: facts + scheme version → scorecards. Pure and generic.

normalised score (0..100), linear between the indicator's bounds:
    higher is better: 100 x (value - lower) / (upper - lower), clamped to 0..100
    lower is better:  100 x (upper - value) / (upper - lower), clamped to 0..100
    no data (zero denominator): what the scheme states (`no_data_score`): "excluded"
    (no score) or a stated neutral value; the line says "no data" either way
weighted score = normalised score x weight / W, where W = the sum of the weights of the
    subject's lines that have a score (100 unless a line is excluded: the excluded
    weights go to the lines with a score, pro rata); an excluded line weighs 0;
total = sum of weighted scores (0 when no line has a score);
grade = the band with min <= total < max (the top band includes its max);
rank = competition rank within the subject kind (1, 2, 2, 4), highest total first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.indicators import INDICATORS, MONTHS_FACT


@dataclass
class Subject:
    kind: str
    id: str
    name: str


@dataclass
class PeriodFacts:
    """What the input-facts read model knows about one period, up to `position`."""

    position: int
    months: int
    subjects: list[Subject]
    facts: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    sources: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def of(self, subject: Subject) -> dict[str, float]:
        return {**self.facts.get((subject.kind, subject.id), {}), MONTHS_FACT: self.months}

    def positions(self, subject: Subject, facts: Iterable[str]) -> list[int]:
        found: set[int] = set()
        for fact in facts:
            found.update(self.sources.get((subject.kind, subject.id, fact), ()))
        return sorted(found)


EXCLUDED, SCORED = "excluded", "scored"
NO_DATA_RULES = (EXCLUDED, SCORED)


def no_data_score(spec: Mapping[str, Any]) -> float | None:
    """The score of a line without data: None when the scheme excludes it, else the stated
    neutral value (definitions stored before the rule existed state only a value)."""
    if spec.get("no_data", SCORED) == EXCLUDED:
        return None
    return float(spec["no_data_score"])


def normalise(value: float | None, spec: Mapping[str, Any]) -> float | None:
    if value is None:
        return no_data_score(spec)
    lower, upper = float(spec["lower"]), float(spec["upper"])
    share = (value - lower) / (upper - lower)
    if spec["direction"] == "lower":
        share = 1 - share
    return round(max(0.0, min(1.0, share)) * 100, 4)


def grade_for(total: float, bands: list[dict[str, Any]]) -> str:
    for band in bands:
        if band["min"] <= total < band["max"]:
            return str(band["grade"])
    return str(bands[-1]["grade"] if total >= bands[-1]["max"] else bands[0]["grade"])


def score_line(spec: Mapping[str, Any], facts: Mapping[str, float]) -> dict[str, Any]:
    indicator = INDICATORS[spec["code"]]
    measure = indicator.measure(facts)
    score = normalise(measure.value, spec)
    return {
        "indicator": indicator.code,
        "definition": indicator.ref,
        "label": indicator.label,
        "numerator": measure.numerator,
        "denominator": measure.denominator,
        "value": measure.value,
        "score": score,
        "weight": spec["weight"],
        "weighted": 0.0,
        "no_data": measure.value is None,
    }


def score_subject(
    definition: Mapping[str, Any], subject: Subject, facts: PeriodFacts, *, with_sources: bool
) -> dict[str, Any]:
    lines = []
    values = facts.of(subject)
    for spec in definition["indicators"]:
        if spec["subject_kind"] != subject.kind:
            continue
        line = score_line(spec, values)
        if with_sources:
            line["positions"] = facts.positions(subject, INDICATORS[spec["code"]].facts)
        lines.append(line)
    scored = round(sum(line["weight"] for line in lines if line["score"] is not None), 2)
    for line in lines:
        if line["score"] is not None:
            line["weighted"] = round(line["score"] * line["weight"] / scored, 4)
    total = round(sum(line["weighted"] for line in lines), 2)
    return {
        "subject_kind": subject.kind,
        "subject_id": subject.id,
        "subject_name": subject.name,
        "total": total,
        "grade": grade_for(total, definition["bands"]),
        "rank": 0,
        "lines": lines,
    }


def score_period(
    definition: Mapping[str, Any], facts: PeriodFacts, *, with_sources: bool = True
) -> list[dict[str, Any]]:
    """Scorecards of every subject the scheme applies to, ranked within each kind."""
    cards = [
        score_subject(definition, s, facts, with_sources=with_sources)
        for s in facts.subjects
        if s.kind in definition["subjects"]
    ]
    rank_cards(cards)
    return cards


def rank_cards(cards: list[dict[str, Any]]) -> None:
    cards.sort(key=lambda c: (c["subject_kind"], -c["total"], c["subject_name"], c["subject_id"]))
    for i, card in enumerate(cards):
        before = cards[i - 1] if i else None
        if before is None or before["subject_kind"] != card["subject_kind"]:
            card["rank"], card["_n"] = 1, 1
            continue
        card["_n"] = before["_n"] + 1
        card["rank"] = before["rank"] if before["total"] == card["total"] else card["_n"]
    for card in cards:
        del card["_n"]
