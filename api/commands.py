"""Running a command from a route: Idempotency-Key, ETag of the result, read-your-writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, jsonify, request
from werkzeug.exceptions import Conflict

from api.auth import principal
from domain.commands import CommandResult


def services() -> Any:
    return current_app.extensions["redprop"]


def fingerprint() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(
        [request.method, request.path, body, principal().user_id], sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def run(
    command: Callable[[], CommandResult], *, status: int = 200, location: str | None = None
) -> Response:
    result, replayed = services().gateway.run(
        command, idempotency_key=g.get("idempotency_key"), fingerprint=fingerprint()
    )
    response = jsonify(result.as_dict())
    response.status_code = status
    response.headers["ETag"] = f'"{result.version}"'
    if location:
        response.headers["Location"] = location.format(id=result.id)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def ensure_fresh(*projections: str, min_position: int | None) -> None:
    """Wait (bounded) until the named read models include `min_position`; else 409."""
    if not min_position:
        return
    svc = services()
    reached, at = svc.freshness.wait(list(projections), min_position, svc.read_wait_seconds)
    if not reached:
        error = Conflict(
            f"the read model is at position {at}, not yet at {min_position}; retry shortly"
        )
        error.data = {"headers": {"Retry-After": "1", "X-Read-Model-Position": str(at)}}  # type: ignore[attr-defined]
        raise error
