"""The benchmark harness: sizes, percentiles, targets and the table (no timing asserted)."""

from __future__ import annotations

from bench.harness import Row, Sizes, Target, percentile, table


def test_sizes_flags_win_over_env_and_scale_applies_to_defaults() -> None:
    sizes = Sizes({"a": 7}, scale=0.5, env={"REDPROP_BENCH_A": "9", "REDPROP_BENCH_B": "3"})
    assert sizes.n("a", 100) == 7
    assert sizes.n("b", 100) == 3
    assert sizes.n("c", 100) == 50
    assert sizes.used == {"a": 7, "b": 3, "c": 50}


def test_percentile_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([5.0], 95) == 5.0


def test_row_ratio_and_verdicts() -> None:
    ok = Row("x", "sqlite", "events/s", 90, 100, "floor", Target("ratio", ">=", 0.8))
    slow = Row("x", "sqlite", "events/s", 70, 100, "floor", Target("ratio", ">=", 0.8))
    rss = Row("rss", "sqlite", "MB", 120, 80, "before", Target("value", "<=", 400))
    skipped = Row("x", "postgres", "events/s", None, None, "", Target("ratio", ">=", 0.8))
    assert ok.ratio == 0.9 and ok.verdict == "PASS"
    assert slow.verdict == "FAIL" and rss.verdict == "PASS" and skipped.verdict == "n/a"
    info = dict.fromkeys(
        ("cpus", "cpu", "platform", "python", "sqlite", "postgres", "eventsourcing", "git"), "?"
    )
    text = table([ok, slow], info)
    assert "0.90x" in text and "FAIL" in text and "machine:" in text
