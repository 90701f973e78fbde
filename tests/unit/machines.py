"""Settings shared by the stateful property tests."""

from __future__ import annotations

import os

from hypothesis import Phase, settings

# mutmut sets MUTANT_UNDER_TEST while it runs a mutant: stop at the first failure there
# (a shrunk example helps a person, not a mutation score).
_PHASES = (
    (Phase.explicit, Phase.reuse, Phase.generate)
    if os.environ.get("MUTANT_UNDER_TEST")
    else tuple(Phase)
)

# derandomized (the same sequences on every run, so mutation scores repeat) and without an
# example database (a unit test writes no files)
MACHINE_SETTINGS = settings(
    max_examples=80,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=_PHASES,
)
