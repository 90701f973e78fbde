"""Prometheus metrics: the metric objects, the hooks that feed them, and `/metrics`.

Under gunicorn (`redprop serve`) PROMETHEUS_MULTIPROC_DIR is set before any worker starts,
so each worker writes its counts to files there and a scrape sums every worker's. State
that lives in the database (log head, projection positions, lag and failures, relay lag) is
read at scrape time, so it is right whichever process answers and whichever runs the
projections."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

HTTP_REQUESTS = Counter(
    "redprop_http_requests", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "redprop_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
COMMANDS = Counter("redprop_commands", "Commands run", ["command", "outcome"])
COMMAND_SECONDS = Histogram(
    "redprop_command_duration_seconds",
    "Time to run a command (until its events are stored)",
    ["command"],
    buckets=LATENCY_BUCKETS,
)
PROJECTION_FAILURES = Counter(
    "redprop_projection_failures", "Failed attempts to apply an event", ["projection"]
)
GROUP_COMMIT_BATCH = Histogram(
    "redprop_group_commit_batch_size",
    "Commands written in one group-commit transaction",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)


class LabelledChildren:
    """The children of metrics sharing label names, looked up once per label values and kept
    (`.labels()` validates, joins and locks on every call: about 7% of a cheap request under
    the profiler). At most `limit` sets are kept; past that they are looked up each time."""

    def __init__(self, *metrics: Any, limit: int = 10_000) -> None:
        self.metrics = metrics
        self.limit = limit
        self.cache: dict[tuple[str, ...], tuple[Any, ...]] = {}

    def __call__(self, *values: str) -> tuple[Any, ...]:
        children = self.cache.get(values)
        if children is None:
            children = tuple(metric.labels(*values) for metric in self.metrics)
            if len(self.cache) < self.limit:
                self.cache[values] = children  # a race stores the same children twice
        return children


REQUEST_CHILDREN = LabelledChildren(HTTP_REQUESTS, HTTP_SECONDS)
COMMAND_CHILDREN = LabelledChildren(COMMAND_SECONDS)
COMMAND_COUNT_CHILDREN = LabelledChildren(COMMANDS)


def observe_group_commit_batch(size: int) -> None:
    GROUP_COMMIT_BATCH.observe(size)


def observe_projection_failure(projection: str) -> None:
    PROJECTION_FAILURES.labels(projection).inc()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    count, duration = REQUEST_CHILDREN(method, route, str(status))
    count.inc()
    duration.observe(seconds)


def measure_commands(gateway: Any, name_of: Callable[[], str]) -> Any:
    """Wrap `gateway.run` so each command is counted and timed under `name_of()`."""
    run = gateway.run

    def measured(command: Any, **kwargs: Any) -> Any:
        name = name_of()
        started = time.perf_counter()
        outcome = "error"
        try:
            result = run(command, **kwargs)
            outcome = "replayed" if result[1] else "ok"
            return result
        finally:
            COMMAND_CHILDREN(name)[0].observe(time.perf_counter() - started)
            COMMAND_COUNT_CHILDREN(name, outcome)[0].inc()

    gateway.run = measured
    return gateway


class StateCollector(Collector):
    """Gauges read from the readiness report (`System.health()`) at scrape time."""

    def __init__(self, report: Callable[[], dict[str, Any]]) -> None:
        self.report = report

    def collect(self) -> Iterator[GaugeMetricFamily]:
        report = self.report()
        up = GaugeMetricFamily("redprop_database_up", "1 if the database answered")
        up.add_metric([], 1 if report.get("database") == "ok" else 0)
        yield up
        if "log_head" not in report:
            return
        yield _gauge(
            "redprop_log_head", "Position of the last event in the log", report["log_head"]
        )
        families = {
            "position": GaugeMetricFamily(
                "redprop_projection_position", "Log position applied", labels=["projection"]
            ),
            "lag": GaugeMetricFamily(
                "redprop_projection_lag", "Log positions not yet applied", labels=["projection"]
            ),
            "failed": GaugeMetricFamily(
                "redprop_projection_failed",
                "1 while the projection is stopped at a failing event",
                labels=["projection"],
            ),
            "attempts": GaugeMetricFamily(
                "redprop_projection_failed_attempts",
                "Attempts at the failing event so far",
                labels=["projection"],
            ),
        }
        for name, state in report["projections"].items():
            failure = state.get("failure")
            families["position"].add_metric([name], state["position"])
            families["lag"].add_metric([name], state["lag"])
            families["failed"].add_metric([name], 1 if failure else 0)
            families["attempts"].add_metric([name], failure["attempts"] if failure else 0)
        yield from families.values()
        relay = report.get("kafka_relay")
        if isinstance(relay, dict) and "lag" in relay:
            yield _gauge("redprop_relay_lag", "Log positions not yet published", relay["lag"])


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family


def render(report: Callable[[], dict[str, Any]]) -> tuple[bytes, str]:
    """The /metrics body: this process's (or every gunicorn worker's) counts + the state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counts = CollectorRegistry()
        multiprocess.MultiProcessCollector(counts)
    else:
        counts = REGISTRY
    state = CollectorRegistry()
    state.register(StateCollector(report))
    return generate_latest(counts) + generate_latest(state), CONTENT_TYPE_LATEST


class _Together(Collector):
    def __init__(self, *collectors: Collector) -> None:
        self.collectors = collectors

    def collect(self) -> Iterator[Any]:
        for collector in self.collectors:
            yield from collector.collect()


def serve_worker_metrics(
    port: int, addr: str, report: Callable[[], dict[str, Any]]
) -> tuple[Any, threading.Thread]:
    """`redprop worker`'s own /metrics on `addr:port` (a daemon thread): its counts (failed
    projection attempts) and the state read at scrape time (log head, projection positions,
    lag and failures, relay lag). OSError if the port cannot be had."""
    server, thread = start_http_server(
        port, addr, registry=_Together(REGISTRY, StateCollector(report))
    )
    return server, thread
