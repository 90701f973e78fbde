"""An indicator built from a figure of record carries that figure's definition whole: code,
label, unit, the counts it reads, how it measures, version and formula."""

from __future__ import annotations

import pytest

from domain.figures import (
    COMPLAINT_RATE,
    RESOLUTION_RATE,
    RESPONSE_RATE,
    SATISFACTION_RATE,
    FigureDefinition,
)
from domain.indicators import INDICATORS, _of_figure

FIGURES = [RESPONSE_RATE, RESOLUTION_RATE, SATISFACTION_RATE, COMPLAINT_RATE]


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.code)
def test_an_indicator_of_a_figure_carries_its_definition(figure: FigureDefinition) -> None:
    indicator = _of_figure(figure, ("company",))
    assert (indicator.code, indicator.label, indicator.unit) == (
        figure.code,
        figure.label,
        figure.unit,
    )
    assert indicator.subjects == ("company",)
    assert indicator.facts == figure.counts
    assert indicator.measure == figure.measure
    assert (indicator.version, indicator.formula, indicator.ref) == (
        figure.version,
        figure.formula,
        figure.ref,
    )
    assert INDICATORS[figure.code] == _of_figure(figure, INDICATORS[figure.code].subjects)
