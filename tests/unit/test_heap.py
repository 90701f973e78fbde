"""A long-running process exempts what it loaded at start from the cyclic collector, and
still collects what it creates afterwards (infra/heap.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from infra import gunicorn_conf
from infra.heap import freeze_loaded


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_what_is_alive_is_frozen_and_later_cycles_are_still_collected(thawed: None) -> None:
    loaded = _Node()
    freeze_loaded()
    assert gc.get_freeze_count() > 0

    later = _Node()
    gone = weakref.ref(later)
    del later
    gc.collect()

    assert gone() is None
    assert loaded.me is loaded


def test_left_over_cycles_are_collected_before_the_freeze(thawed: None) -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    freeze_loaded()
    assert gone() is None


def test_each_gunicorn_worker_freezes_what_it_loaded(thawed: None) -> None:
    gunicorn_conf.post_worker_init(worker=None)
    assert gc.get_freeze_count() > 0
