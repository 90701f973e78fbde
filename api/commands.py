"""Running a command from a route: Idempotency-Key, ETag of the result, read-your-writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from flask import Response, current_app, g, jsonify, request
from werkzeug.exceptions import Conflict

from api.auth import principal
from api.services import ApiServices
from domain.commands import CommandResult
from domain.handling import Command


def services() -> ApiServices:
    found: ApiServices = current_app.extensions["redprop"]
    return found


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


def handle(
    command: Command[CommandResult], *, status: int = 200, location: str | None = None
) -> Response:
    """The route's one call: run the command through the gateway, answer its result."""
    app = services().app
    return run(lambda: app.handle(command), status=status, location=location)


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
