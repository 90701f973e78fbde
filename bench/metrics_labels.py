"""Issue 14: what recording one request in the Prometheus metrics costs, with the labelled
children looked up once and kept (`infra.metrics.observe_request`) beside the earlier way,
`.labels(...)` on both metrics for every request (the peer, written out here as it was).

In-process, no database: the same label values cycle over a handful of routes and statuses,
as a server's requests do.

    python -m bench.metrics_labels
"""

from __future__ import annotations

from pathlib import Path

from bench.harness import Row, Sizes, Target, side_by_side
from infra.metrics import HTTP_REQUESTS, HTTP_SECONDS, observe_request

LABELS = [
    ("GET", "/api/v1/org-units/<uuid:unit_id>", 200),
    ("GET", "/api/v1/org-units", 200),
    ("PATCH", "/api/v1/org-units/<uuid:unit_id>", 200),
    ("POST", "/api/v1/service-issues", 201),
    ("GET", "/api/v1/service-issues", 403),
]


def labels_each_time(method: str, route: str, status: int, seconds: float) -> None:
    """The earlier `observe_request`."""
    labels = (method, route, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_SECONDS.labels(*labels).observe(seconds)


def observe_many(observe: object, calls: int) -> int:
    record = observe  # a local: the loop measures the call, not the lookup
    for n in range(calls):
        method, route, status = LABELS[n % len(LABELS)]
        record(method, route, status, 0.003)  # type: ignore[operator]
    return calls


def run(sizes: Sizes) -> list[Row]:
    calls = sizes.n("metric_observations", 200_000)
    rounds = 9
    per_round = max(1, calls // rounds)
    cached, uncached = side_by_side(
        lambda r: observe_many(observe_request, per_round),
        lambda r: observe_many(labels_each_time, per_round),
        rounds,
    )
    return [
        Row(
            "prometheus: observe a request, children kept vs .labels() each time",
            "-",
            "requests/s",
            cached,
            uncached,
            ".labels() per request",
            target=Target("ratio", ">=", 1.0),
            issue="#14",
            notes=f"median of {rounds} interleaved rounds x {per_round} observations "
            f"(counter + histogram); {Path(__file__).name}",
        )
    ]


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("metrics_labels", run)
