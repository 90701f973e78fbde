"""The GC-pause benchmark times full collections in a web process that has answered
requests, frozen and not, and leaves the interpreter as it found it (nothing frozen)."""

from __future__ import annotations

import gc

from bench import gc_pause


def test_the_row_times_both_and_thaws_afterwards() -> None:
    gc.unfreeze()
    rows = gc_pause.measure(rounds=2)
    assert [row.benchmark for row in rows] == [
        "full GC pause of a loaded web process, start-up frozen"
    ]
    assert rows[0].ours is not None and rows[0].ours > 0
    assert rows[0].peer is not None and rows[0].peer > 0
    assert gc.get_freeze_count() == 0
