"""Per-request metrics and the one JSON log line per request (correlation id, actor,
route, status, duration)."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from api.commands import services

log = logging.getLogger("redprop.http")


def route() -> str:
    """The URL rule that matched (`/api/v1/org-units/<uuid:unit_id>`), never the raw path."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def start_timer() -> None:
    g.started = time.perf_counter()


def observe(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    services().observe_request(request.method, route(), response.status_code, seconds)
    who = g.get("principal")
    log.info(
        "request",
        extra={
            "event": "request",
            "correlation_id": g.get("correlation_id") or request.headers.get("X-Correlation-Id"),
            "actor": who.user_id if who else "anonymous",
            "method": request.method,
            "route": route(),
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
        },
    )
    return response


def register(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)
    app.after_request(observe)
