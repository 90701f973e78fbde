"""Assessment schemes (R13): indicators, weights, normalisation and grade bands, versioned.

A scheme is an aggregate whose only events are definitions: `Defined` (version 1) and
`Revised` (versions 2, 3, ...), so scheme version n is aggregate version n and any past
score can be recomputed under the scheme in force then. Each definition takes effect on
its `effective_from` date.

A definition is plain data (it is stored in the events):
    {"subjects": ["property_company", "community"],
     "indicators": [{"code": "satisfaction_rate", "subject_kind": "property_company",
                     "weight": 30, "direction": "higher", "lower": 60, "upper": 100,
                     "no_data": "excluded", "no_data_score": None}, ...],
     "bands": [{"grade": "优秀", "min": 90, "max": 100}, ...]}
Weights are percentages that sum to 100 for each subject kind; bands are [min, max)
intervals (the top band includes 100) that do not overlap and together cover 0..100.
What a line without data scores is stated per indicator: `no_data` "excluded" (the
default: its weight goes to the lines with data) or "scored" with a neutral
`no_data_score` below full marks (a `no_data_score` alone means "scored").
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.assessment_scoring import EXCLUDED, NO_DATA_RULES, SCORED
from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import NotFound, RuleViolation
from domain.indicators import INDICATORS, SUBJECT_KINDS

GRADES = ("优秀", "良好", "合格", "不合格")
DIRECTIONS = ("higher", "lower")


class WeightsDoNotSumTo100(RuleViolation):
    code = "weights_do_not_sum_to_100"


class OverlappingGradeBands(RuleViolation):
    code = "overlapping_grade_bands"


class UnknownIndicator(RuleViolation):
    code = "unknown_indicator"


class NoDataIsNotFullMarks(RuleViolation):
    code = "no_data_is_not_full_marks"


class SatisfactionAndComplaintsMustWeighMost(RuleViolation):
    code = "satisfaction_and_complaints_must_weigh_most"


# The seed (R13): resident satisfaction and complaint rate weigh more than any other.
HEAVIEST = ("satisfaction_rate", "complaint_rate")


class AssessmentScheme(LedgerAggregate):
    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return natural_id("assessment-scheme", code)

    @classmethod
    def define(
        cls,
        *,
        code: str,
        name: str,
        definition: dict[str, Any],
        effective_from: date,
        override_reason: str | None = None,
    ) -> AssessmentScheme:
        checked = validate_definition(definition)
        return cls(
            code=require_text(code, "code", max_len=40),
            name=require_text(name, "name", max_len=100),
            definition=checked,
            effective_from=effective_from,
            override_reason=check_heaviest(checked, override_reason),
        )

    @event("Defined")
    def __init__(
        self,
        *,
        code: str,
        name: str,
        definition: dict[str, Any],
        effective_from: date,
        override_reason: str | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.versions: list[dict[str, Any]] = []
        self._add_version(definition, effective_from, "defined", override_reason)

    def revise(
        self,
        definition: dict[str, Any],
        effective_from: date,
        note: str,
        *,
        override_reason: str | None = None,
    ) -> None:
        checked = validate_definition(definition)
        if effective_from < self.versions[-1]["effective_from"]:
            raise RuleViolation(
                "a new version cannot take effect before the previous one",
                field="effective_from",
            )
        self._revised(
            definition=checked,
            effective_from=effective_from,
            note=require_text(note, "note", max_len=500),
            override_reason=check_heaviest(checked, override_reason),
        )

    @event("Revised")
    def _revised(
        self,
        definition: dict[str, Any],
        effective_from: date,
        note: str,
        override_reason: str | None = None,
    ) -> None:
        self._add_version(definition, effective_from, note, override_reason)

    def _add_version(
        self,
        definition: dict[str, Any],
        effective_from: date,
        note: str,
        override_reason: str | None,
    ) -> None:
        self.versions.append(
            {
                "version": len(self.versions) + 1,
                "effective_from": effective_from,
                "note": note,
                "override_reason": override_reason,
                **definition,
            }
        )

    # -- queries --------------------------------------------------------------------------

    def version_def(self, version: int) -> dict[str, Any]:
        if not 1 <= version <= len(self.versions):
            raise NotFound(f"scheme {self.code} has no version {version}")
        return self.versions[version - 1]

    def in_force_on(self, day: date) -> dict[str, Any]:
        """The latest version whose effective date is on or before `day`."""
        for version in reversed(self.versions):
            if version["effective_from"] <= day:
                found: dict[str, Any] = version
                return found
        raise RuleViolation(
            f"scheme {self.code} is not in force on {day.isoformat()}", field="scheme_id"
        )


def check_heaviest(definition: dict[str, Any], override_reason: str | None) -> str | None:
    """Refuse a definition in which resident satisfaction and complaint rate are not the two
    heaviest indicators of every subject kind (each weighs more than any other), unless an
    override is recorded with its reason; returns the reason (None without override)."""
    if override_reason is not None:
        return require_text(override_reason, "override_reason", max_len=500)
    for subject in definition["subjects"]:
        weights = {
            i["code"]: i["weight"] for i in definition["indicators"] if i["subject_kind"] == subject
        }
        missing = [code for code in HEAVIEST if code not in weights]
        if missing:
            raise SatisfactionAndComplaintsMustWeighMost(
                f"{subject}: {', '.join(missing)} missing; the seed weighs resident satisfaction"
                " and complaint rate most (give override_reason to record an exception)",
                field="indicators",
            )
        lightest = min(weights[code] for code in HEAVIEST)
        heavier = sorted(c for c, w in weights.items() if c not in HEAVIEST and w >= lightest)
        if heavier:
            raise SatisfactionAndComplaintsMustWeighMost(
                f"{subject}: {', '.join(heavier)} weighs as much as satisfaction_rate or"
                " complaint_rate; the seed weighs them most (give override_reason to record an"
                " exception)",
                field="indicators",
            )
    return None


def validate_definition(definition: dict[str, Any]) -> dict[str, Any]:
    """Check a definition and return it in canonical form (rounded numbers, sorted)."""
    subjects = list(definition.get("subjects") or [])
    if not subjects or any(s not in SUBJECT_KINDS for s in subjects):
        raise RuleViolation(f"subjects must be some of {list(SUBJECT_KINDS)}", field="subjects")
    indicators = [_check_indicator(i, subjects) for i in definition.get("indicators") or []]
    seen = {(i["subject_kind"], i["code"]) for i in indicators}
    if len(seen) != len(indicators):
        raise RuleViolation("an indicator is listed twice for a subject", field="indicators")
    for subject in subjects:
        total = round(sum(i["weight"] for i in indicators if i["subject_kind"] == subject), 2)
        if total != 100:
            raise WeightsDoNotSumTo100(
                f"weights for {subject} sum to {total}%, not 100%", field="indicators"
            )
    return {
        "subjects": sorted(subjects),
        "indicators": indicators,
        "bands": _check_bands(definition.get("bands") or []),
    }


def _check_indicator(raw: dict[str, Any], subjects: list[str]) -> dict[str, Any]:
    code = raw.get("code")
    if code not in INDICATORS:
        raise UnknownIndicator(f"unknown indicator {code!r}", field="indicators")
    subject = raw.get("subject_kind")
    if subject not in subjects:
        raise RuleViolation(f"{code}: subject_kind must be one of {subjects}", field="indicators")
    if subject not in INDICATORS[code].subjects:
        raise UnknownIndicator(f"{code} does not apply to {subject}", field="indicators")
    if raw.get("direction") not in DIRECTIONS:
        raise RuleViolation(f"{code}: direction must be higher or lower", field="indicators")
    weight = round(float(raw.get("weight", 0)), 2)
    lower, upper = float(raw.get("lower", 0)), float(raw.get("upper", 100))
    rule, no_data = _no_data(code, raw)
    if weight <= 0:
        raise RuleViolation(f"{code}: weight must be positive", field="indicators")
    if upper <= lower:
        raise RuleViolation(f"{code}: upper bound must exceed lower bound", field="indicators")
    return {
        "code": code,
        "subject_kind": subject,
        "weight": weight,
        "direction": raw["direction"],
        "lower": lower,
        "upper": upper,
        "no_data": rule,
        "no_data_score": no_data,
    }


def _no_data(code: str, raw: dict[str, Any]) -> tuple[str, float | None]:
    """What the line scores without data: (rule, stated score or None when excluded)."""
    stated = raw.get("no_data_score")
    rule = raw.get("no_data") or (EXCLUDED if stated is None else SCORED)
    if rule not in NO_DATA_RULES:
        raise RuleViolation(f"{code}: no_data must be one of {NO_DATA_RULES}", field="indicators")
    if rule == EXCLUDED:
        return rule, None
    if stated is None:
        raise RuleViolation(f"{code}: state the score for no data", field="indicators")
    score = float(stated)
    if not 0 <= score < 100:
        raise NoDataIsNotFullMarks(
            f"{code}: no data scores {score:g}; a stated no_data_score is 0..100, below full marks",
            field="indicators",
        )
    return rule, score


def _check_bands(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bands = []
    for band in raw:
        if band.get("grade") not in GRADES:
            raise RuleViolation(f"grade must be one of {GRADES}", field="bands")
        low, high = float(band.get("min", 0)), float(band.get("max", 0))
        if not 0 <= low < high <= 100:
            raise RuleViolation("a band needs 0 <= min < max <= 100", field="bands")
        bands.append({"grade": band["grade"], "min": low, "max": high})
    bands.sort(key=lambda b: b["min"])
    if len({b["grade"] for b in bands}) != len(bands):
        raise OverlappingGradeBands("a grade is listed twice", field="bands")
    for before, after in zip(bands, bands[1:], strict=False):
        if after["min"] < before["max"]:
            raise OverlappingGradeBands(
                f"{before['grade']} and {after['grade']} overlap", field="bands"
            )
        if after["min"] > before["max"]:
            raise RuleViolation(
                f"no grade for scores {before['max']}..{after['min']}", field="bands"
            )
    if not bands or bands[0]["min"] != 0 or bands[-1]["max"] != 100:
        raise RuleViolation("bands must cover scores 0..100", field="bands")
    return bands
