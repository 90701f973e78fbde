"""The labelled children of the request and command metrics are looked up once and kept;
what they count is what `.labels()` would have counted (issue 14, the profiler's 7%)."""

from __future__ import annotations

import uuid

from prometheus_client import REGISTRY, CollectorRegistry, Counter

from infra.metrics import LabelledChildren, observe_request


def _count(route: str, status: str) -> float | None:
    labels = {"method": "GET", "route": route, "status": status}
    return REGISTRY.get_sample_value("redprop_http_requests_total", labels)


def test_a_request_is_counted_under_its_own_labels() -> None:
    route = f"/bench/{uuid.uuid4().hex}"
    for _ in range(3):
        observe_request("GET", route, 200, 0.002)
    observe_request("GET", route, 404, 0.001)
    assert (_count(route, "200"), _count(route, "404")) == (3.0, 1.0)
    labels = {"method": "GET", "route": route, "status": "200"}
    seconds = REGISTRY.get_sample_value("redprop_http_request_duration_seconds_sum", labels)
    assert seconds is not None and abs(seconds - 0.006) < 1e-9


def test_children_are_the_metrics_own_and_kept_up_to_the_limit() -> None:
    counter = Counter("c", "a test counter", ["a"], registry=CollectorRegistry())
    children = LabelledChildren(counter, limit=2)
    assert children("x")[0] is counter.labels("x")
    assert children("x")[0] is children("x")[0]
    children("y"), children("z")
    assert set(children.cache) == {("x",), ("y",)}  # z is looked up each time, not kept
    children("z")[0].inc(2)
    assert counter.labels("z")._value.get() == 2
