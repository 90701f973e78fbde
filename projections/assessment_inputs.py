"""The assessment input-facts projection (R13, R24): one handler per event type of the
areas whose events feed the indicators, each writing fact rows (see assessment_facts).

Scoring a period then reads these facts (`read_period_facts`), not the whole log.
"""

from __future__ import annotations

from projections.assessment_facts import PROJECTION_NAME, metadata
from projections.assessment_inputs_grid import GridInputs
from projections.assessment_inputs_life import BranchLifeInputs
from projections.assessment_inputs_party import PartyInputs
from projections.base import Projection


class AssessmentInputsProjection(GridInputs, PartyInputs, BranchLifeInputs, Projection):
    name = PROJECTION_NAME
    metadata = metadata
