"""What a long-running process loaded at start (modules, schemas, table metadata, the
domain's classes: several hundred thousand objects that live as long as it does) is
moved out of the cyclic garbage collector's sight once it is loaded. Otherwise every full
collection walks all of it, with every thread of the process paused: about 100 ms for a
web worker, which put the slowest requests of a loaded server there (bench/gc_pause.py)."""

from __future__ import annotations

import gc


def freeze_loaded() -> None:
    """Collect what start-up left behind, then exempt everything still alive from later
    collections (what is created afterwards is collected as before)."""
    gc.collect()
    gc.freeze()
